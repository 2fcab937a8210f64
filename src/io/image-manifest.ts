/**
 * `readImageManifest(file)`: a CSV manifest of image files with follow-up →
 * the array `imageDataset` takes. Columns: the image path (a file, or a DICOM
 * series folder), time, event, optional split and any other columns as
 * covariates. Relative paths resolve against the manifest's folder.
 */
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { survkitError } from '../core/errors.js';
import { readCsv, type ReadCsvOptions } from './csv.js';
import type { ImageManifestEntry } from './image-item.js';

/** Options of {@link readImageManifest}. */
export interface ReadImageManifestOptions {
  /** Column of image paths (default 'path'). */
  pathCol?: string;
  /** Column of follow-up times (default 'time'); times must be finite and ≥ 0. */
  timeCol?: string;
  /** Column of event codes (default 'event'): 0 = censored, 1, 2, … an event (or its cause). */
  eventCol?: string;
  /** Column of split labels (default 'split', used when present). */
  splitCol?: string;
  /** Rows without time / event are allowed (prediction manifests); default false. */
  unlabelled?: boolean;
  /** CSV options (delimiter, line length). */
  csv?: ReadCsvOptions;
}

/** One manifest row: an {@link ImageManifestEntry} plus its split and covariates. */
export interface ImageManifestRow extends ImageManifestEntry {
  /** The absolute path of the image (or series folder). */
  path: string;
  /** The split label of the row (when the manifest has a split column). */
  split?: string;
  /** The other columns: numbers where the cell is a finite number, otherwise the cell's text ('' for empty). */
  covariates: Record<string, number | string>;
  /** The spreadsheet row (header = row 1). */
  row: number;
}

/**
 * Reads an imaging manifest CSV.
 *
 * @example
 * const rows = readImageManifest('cohort/manifest.csv');
 * const train = imageDataset(rows.filter((r) => r.split === 'train'), { shape: [224, 224], channels: 3, resize: 'bilinear', training: true });
 * @throws {SurvkitError} `imageManifest` naming the file, the row and the column: a missing path / time / event column,
 *   an empty path, a time that is not a finite number ≥ 0, an event that is not an integer ≥ 0, no rows
 */
export function readImageManifest(file: string, opts: ReadImageManifestOptions = {}): ImageManifestRow[] {
  const fn = 'readImageManifest';
  const table = readCsv(file, opts.csv ?? {});
  const pathCol = opts.pathCol ?? 'path';
  const timeCol = opts.timeCol ?? 'time';
  const eventCol = opts.eventCol ?? 'event';
  const splitCol = opts.splitCol ?? 'split';
  const labelled = opts.unlabelled !== true;
  const col = (name: string, needed: boolean): number => {
    const k = table.header.indexOf(name);
    if (k < 0 && needed) throw survkitError('imageManifest', fn, file, `has no column ${JSON.stringify(name)} (header: ${table.header.join(', ')})`);
    return k;
  };
  const pc = col(pathCol, true);
  const tc = col(timeCol, labelled);
  const ec = col(eventCol, labelled);
  const sc = col(splitCol, false);
  if (table.rows.length === 0) throw survkitError('imageManifest', fn, file, 'has no rows');
  const base = dirname(resolve(file));
  const others = table.header.map((_, k) => k).filter((k) => k !== pc && k !== tc && k !== ec && k !== sc);
  return table.rows.map((r, i) => {
    const row = i + 2;
    const where = (c: string): string => `row ${row}, column ${JSON.stringify(c)}`;
    const p = (r[pc] as string).trim();
    if (p === '') throw survkitError('imageManifest', fn, file, `${where(pathCol)}: is empty; expected the path of an image file or a DICOM series folder`);
    const out: ImageManifestRow = { path: isAbsolute(p) ? p : join(base, p), covariates: {}, row };
    if (tc >= 0) {
      const cell = (r[tc] as string).trim();
      const t = cell === '' ? NaN : Number(cell);
      if (!(Number.isFinite(t) && t >= 0)) {
        if (labelled || cell !== '')
          throw survkitError('imageManifest', fn, file, `${where(timeCol)}: expected a finite number ≥ 0; got ${JSON.stringify(r[tc])}`);
      } else out.time = t;
    }
    if (ec >= 0) {
      const cell = (r[ec] as string).trim();
      const e = cell === '' ? NaN : Number(cell);
      if (!(Number.isInteger(e) && e >= 0)) {
        if (labelled || cell !== '')
          throw survkitError('imageManifest', fn, file, `${where(eventCol)}: expected an event code 0 (censored), 1, 2, …; got ${JSON.stringify(r[ec])}`);
      } else out.event = e;
    }
    if (sc >= 0) out.split = (r[sc] as string).trim();
    for (const k of others) {
      const cell = (r[k] as string).trim();
      const v = cell === '' ? NaN : Number(cell);
      out.covariates[table.header[k] as string] = Number.isFinite(v) ? v : cell;
    }
    return out;
  });
}
