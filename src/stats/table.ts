import { survkitError } from '../core/errors.js';

/** A table of string cells (a parsed CSV file): header and rows. */
export interface StringTable {
  readonly file: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** Which columns a statistics command uses. */
export interface StatsColumns {
  duration: string;
  event: string;
  /** Covariates (numeric, or categorical: one-hot with the first sorted level as reference). */
  features?: readonly string[];
  group?: string;
  strata?: string;
  cluster?: string;
}

/** The arrays a statistics function takes, from a table. */
export interface StatsData {
  time: number[];
  event: number[];
  /** Encoded covariates by name (R's treatment contrasts for categorical columns: `<column><level>`). */
  covariates: Record<string, number[]>;
  /** Group, strata and cluster labels: numbers when every cell is a number, else strings. */
  group?: (number | string)[];
  strata?: (number | string)[];
  cluster?: (number | string)[];
  /** Rows dropped because a used cell was empty or NA (R's na.omit). */
  dropped: number;
  /** Each categorical feature with its encoded columns (R's model terms, e.g. for the PH test of a factor). */
  terms: Record<string, string[]>;
}

const MISSING = new Set(['', 'NA', 'NaN', 'nan', 'null']);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Turns a table of strings into labels, covariates, groups and strata for
 * {@link coxph} / {@link logrank}: rows with an empty or NA cell in a used
 * column are dropped (as R's `na.omit`); a feature column with any
 * non-numeric cell is categorical and one-hot encoded with R's treatment
 * contrasts (levels sorted, the first the reference, columns named
 * `<column><level>`).
 *
 * @throws {SurvkitError} `unknownColumn` for a column the table lacks, `csvRow`
 *   for a duration that is not a number >= 0 or an event not 0/1
 */
export function statsData(t: StringTable, cols: StatsColumns): StatsData {
  const index = (name: string): number => {
    const k = t.header.indexOf(name);
    if (k < 0) throw survkitError('unknownColumn', t.file, name, t.header);
    return k;
  };
  const di = index(cols.duration);
  const ei = index(cols.event);
  const features = cols.features ?? [];
  const fi = features.map(index);
  const extra = [cols.group, cols.strata, cols.cluster].map((c) => (c === undefined ? -1 : index(c)));
  const used = [di, ei, ...fi, ...extra.filter((k) => k >= 0)];
  const keep: number[] = [];
  t.rows.forEach((r, i) => {
    if (used.every((k) => !MISSING.has((r[k] as string).trim()))) keep.push(i);
  });
  if (keep.length === 0) throw survkitError('csvFile', t.file, 'every row has an empty or NA cell in a column used here');
  const cell = (i: number, k: number): string => ((t.rows[i] as readonly string[])[k] as string).trim();
  const num = (i: number, k: number, ok: (v: number) => boolean, what: string): number => {
    const s = cell(i, k);
    const v = NUMBER.test(s) ? Number(s) : NaN;
    if (!Number.isFinite(v) || !ok(v)) throw survkitError('csvRow', t.file, i + 2, t.header[k] as string, `${JSON.stringify(s)} is not ${what}`);
    return v;
  };
  const out: StatsData = {
    time: keep.map((i) => num(i, di, (v) => v >= 0, 'a time >= 0')),
    event: keep.map((i) => num(i, ei, (v) => v === 0 || v === 1, 'an event indicator 0 or 1')),
    covariates: {},
    dropped: t.rows.length - keep.length,
    terms: {},
  };
  features.forEach((name, j) => {
    const k = fi[j] as number;
    const cells = keep.map((i) => cell(i, k));
    if (cells.every((s) => NUMBER.test(s))) {
      out.covariates[name] = cells.map(Number);
      return;
    }
    const levels = [...new Set(cells)].sort();
    for (const level of levels.slice(1)) out.covariates[`${name}${level}`] = cells.map((s) => (s === level ? 1 : 0));
    out.terms[name] = levels.slice(1).map((level) => `${name}${level}`);
  });
  const strings = (k: number): (number | string)[] => {
    const c = keep.map((i) => cell(i, k));
    return c.every((v) => NUMBER.test(v)) ? c.map(Number) : c;
  };
  if (extra[0] !== -1) out.group = strings(extra[0] as number);
  if (extra[1] !== -1) out.strata = strings(extra[1] as number);
  if (extra[2] !== -1) out.cluster = strings(extra[2] as number);
  return out;
}
