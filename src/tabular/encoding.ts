/**
 * Covariate encoding of `survkit train`, stored with the model and reapplied
 * by `survkit predict`: number columns as they are; text and TRUE/FALSE
 * columns one-hot (one 0/1 column `name=level` per level but the reference
 * level, the first in sorted order unless chosen); missing cells imputed
 * (`--missing impute`: the training median of a number column, the most
 * frequent training level of a text column) with a 0/1 indicator column
 * `name:missing` when the training rows had missing cells in that column.
 */
import { survkitError } from '../core/errors.js';
import type { CsvTable } from '../io/csv.js';
import { parseNumber } from '../io/csv-cells.js';
import { findColumn, isMissing, numberCell, type MissingPolicy } from './columns.js';

/** How one source column becomes model inputs. */
export type ColumnEncoding =
  | { name: string; kind: 'number'; impute?: number; indicator?: boolean }
  | { name: string; kind: 'category'; levels: string[]; reference: string; impute?: string; indicator?: boolean };

/** The encoding of every covariate column (JSON, stored in the model's metadata). */
export interface Encoding {
  missing: MissingPolicy;
  columns: ColumnEncoding[];
}

/** More distinct text values than this in one column is an error (free text or an id, not a category). */
export const MAX_LEVELS = 50;

const cellOf = (t: CsvTable, r: number, k: number): string => ((t.rows[r] as readonly string[])[k] as string).trim();

/** The model inputs of each column, in order: the number, the non-reference levels, then the indicator. */
export function encodedNames(enc: Encoding): string[] {
  const out: string[] = [];
  for (const c of enc.columns) {
    if (c.kind === 'number') out.push(c.name);
    else for (const l of c.levels) if (l !== c.reference) out.push(`${c.name}=${l}`);
    if (c.indicator === true) out.push(`${c.name}:missing`);
  }
  return out;
}

/** Source column of each model input (same order as {@link encodedNames}). */
export function encodedSources(enc: Encoding): string[] {
  return enc.columns.flatMap((c) => {
    const k = c.kind === 'number' ? 1 : c.levels.length - 1;
    return Array.from({ length: k + (c.indicator === true ? 1 : 0) }, () => c.name);
  });
}

function median(values: number[]): number {
  const s = values.sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? (s[h] as number) : ((s[h - 1] as number) + (s[h] as number)) / 2;
}

/**
 * Fits the encoding of `columns` of `t`: the kind of each column from all its
 * cells, levels from all rows, imputation values and indicators from the
 * training rows `train`.
 *
 * @throws {SurvkitError} for a missing cell under policy 'error', a column with more than {@link MAX_LEVELS} text
 *   levels, a mostly-number column with a text cell, an unknown reference level, or no observed value in training
 */
export function fitEncoding(
  fn: string,
  t: CsvTable,
  columns: readonly string[],
  train: ArrayLike<number>,
  o: { missing: MissingPolicy; reference?: Readonly<Record<string, string>> },
): Encoding {
  const enc: Encoding = { missing: o.missing, columns: [] };
  for (const name of columns) {
    const k = findColumn(t, name, 'covariate');
    let numbers = 0;
    let texts = 0;
    let firstText = -1;
    for (let r = 0; r < t.rows.length; r++) {
      const s = cellOf(t, r, k);
      if (isMissing(s)) {
        if (o.missing !== 'impute') numberCell(t, r, k, 'a number'); // throws the missing-value error
        continue;
      }
      if (parseNumber(s) !== undefined) numbers++;
      else {
        texts++;
        if (firstText < 0) firstText = r;
      }
    }
    const trainCells = Array.from(train, (r) => cellOf(t, r, k)).filter((s) => !isMissing(s));
    if (trainCells.length === 0) throw survkitError('csvFile', t.file, `the covariate column ${JSON.stringify(name)} has no value in the training rows`);
    const indicator = trainCells.length < train.length;
    if (texts === 0) {
      const c: ColumnEncoding = { name, kind: 'number' };
      if (o.missing === 'impute') {
        c.impute = median(trainCells.map((s) => parseNumber(s) as number));
        if (indicator) c.indicator = true;
      }
      enc.columns.push(c);
      continue;
    }
    if (numbers > texts) numberCell(t, firstText, k, 'a number (covariate)'); // throws: the other cells of this column are numbers
    const levels = [...new Set(Array.from({ length: t.rows.length }, (_, r) => cellOf(t, r, k)).filter((s) => !isMissing(s)))].sort();
    if (levels.length > MAX_LEVELS) {
      throw survkitError(
        'csvFile',
        t.file,
        `the covariate column ${JSON.stringify(name)} has ${levels.length} distinct text values (more than ${MAX_LEVELS}): free text or an id, not a category; leave it out with --exclude ${name}`,
      );
    }
    const chosen = o.reference?.[name];
    if (chosen !== undefined && !levels.includes(chosen)) throw survkitError('badReference', fn, name, chosen, levels);
    const c: ColumnEncoding = { name, kind: 'category', levels, reference: chosen ?? (levels[0] as string) };
    if (o.missing === 'impute') {
      const counts = new Map<string, number>();
      for (const s of trainCells) counts.set(s, (counts.get(s) ?? 0) + 1);
      let mode = levels[0] as string;
      for (const l of levels) if ((counts.get(l) ?? 0) > (counts.get(mode) ?? 0)) mode = l;
      c.impute = mode;
      if (indicator) c.indicator = true;
    }
    enc.columns.push(c);
  }
  for (const col of Object.keys(o.reference ?? {})) {
    if (!columns.includes(col)) throw survkitError('csvFile', t.file, `--reference names ${JSON.stringify(col)}, which is not a covariate column`);
  }
  return enc;
}

/**
 * The model inputs of every row of `t` (row-major n × d, d = {@link encodedNames}'s length).
 *
 * @throws {SurvkitError} naming the file, row and column of a missing cell (unless imputed), a bad number or a level
 *   not seen in training
 */
export function applyEncoding(fn: string, t: CsvTable, enc: Encoding): Float64Array {
  const names = encodedNames(enc);
  const d = names.length;
  const n = t.rows.length;
  const x = new Float64Array(n * d);
  let j = 0;
  for (const c of enc.columns) {
    const k = findColumn(t, c.name, 'covariate');
    const width = c.kind === 'number' ? 1 : c.levels.length - 1;
    for (let r = 0; r < n; r++) {
      const s = cellOf(t, r, k);
      const miss = isMissing(s);
      if (c.indicator === true) x[r * d + j + width] = miss ? 1 : 0;
      if (c.kind === 'number') {
        x[r * d + j] = miss && c.impute !== undefined ? c.impute : numberCell(t, r, k, 'a number (covariate)');
        continue;
      }
      let level = s;
      if (miss) {
        if (c.impute === undefined) numberCell(t, r, k, 'a level'); // throws the missing-value error
        level = c.impute as string;
      }
      if (!c.levels.includes(level)) throw survkitError('unseenLevel', fn, t.file, r + 2, c.name, level, c.levels);
      let col = 0;
      for (const l of c.levels) {
        if (l === c.reference) continue;
        if (l === level) x[r * d + j + col] = 1;
        col++;
      }
    }
    j += width + (c.indicator === true ? 1 : 0);
  }
  return x;
}

/** The encoding of a model saved before encodings were stored: every feature a number column, no imputation. */
export function numericEncoding(features: readonly string[]): Encoding {
  return { missing: 'error', columns: features.map((name) => ({ name, kind: 'number' as const })) };
}
