/**
 * `survkit predict`: survival curves of a model trained by `survkit train`
 * for the rows of a CSV file, written in the curves format of `survkit
 * evaluate` (`time,event,<t1>,<t2>,…`) when the file has the duration and
 * event columns, or as `id,<t1>,<t2>,…` when it has neither (new subjects
 * without outcomes; `id` = the `--id-col` cell or the 1-based data row).
 */
import { writeFileSync } from 'node:fs';
import { survkitError } from '../core/errors.js';
import { Standardizer } from '../data/standardize.js';
import { initBackend } from '../backend/index.js';
import { readCsv } from '../io/csv.js';
import { curvesCsv } from '../io/curves-csv.js';
import { tabularTensor } from '../io/tabular-tensor.js';
import { SurvivalModel } from '../models/index.js';
import type { TabularModelMeta } from './train.js';
import { readTabular } from './train-data.js';

/** Options of {@link predictFile}. */
export interface PredictOptions {
  /** Directory written by `survkit train --out`. */
  model: string;
  /** CSV file with the model's covariate columns. */
  data: string;
  /** Output CSV path; absent = return the text only. */
  out?: string;
  /** Label columns (default: the names used in training). */
  durationCol?: string;
  eventCol?: string;
  /** Column copied to `id` in the id-only format (default: the 1-based data row number). */
  idCol?: string;
  /** Sub-steps per interval of discrete-time curves (default: as in training). */
  interpolation?: number;
}

/** What {@link predictFile} returns. */
export interface PredictResult {
  /** The CSV text. */
  csv: string;
  /** 'curves': `time,event,<grid>` (readable by `survkit evaluate`); 'id': `id,<grid>`. */
  format: 'curves' | 'id';
  n: number;
  /** Number of grid times. */
  m: number;
  model: string;
  backend: string;
}

const FN = 'survkit predict';

function metaOf(model: SurvivalModel, dir: string): TabularModelMeta {
  const c = model.covariates as Partial<TabularModelMeta> | null;
  if (c === null || typeof c !== 'object' || c.kind !== 'survkit-train' || !Array.isArray(c.features)) {
    throw survkitError(
      'modelDir',
      FN,
      dir,
      'it was not trained by survkit train (it stores no covariate names and standardisation); predict with the library API instead',
    );
  }
  return c as TabularModelMeta;
}

/**
 * Predicts survival curves for every row of `data` with a saved model.
 *
 * @throws {SurvkitError} when the model directory cannot be loaded or was not made by `survkit train`, a covariate
 *   column is missing, a cell is not a number, or only one of the duration and event columns is present
 * @example
 * const r = await predictFile({ model: 'model-dir', data: 'test.csv', out: 'curves.csv' });
 * // then: survkit evaluate curves.csv
 */
export async function predictFile(o: PredictOptions): Promise<PredictResult> {
  if (o.interpolation !== undefined && !(Number.isInteger(o.interpolation) && o.interpolation >= 1)) {
    throw survkitError('optionRange', FN, 'interpolation', 'an integer >= 1', o.interpolation);
  }
  const table = readCsv(o.data); // read first: a bad file is reported before the backend starts
  const backend = await initBackend();
  const model = await SurvivalModel.load(o.model);
  try {
    const meta = metaOf(model, o.model);
    const durationCol = o.durationCol ?? meta.durationCol;
    const eventCol = o.eventCol ?? meta.eventCol;
    if (durationCol === eventCol) {
      throw survkitError('optionRange', 'survkit predict', 'eventCol', `a column other than the duration column ${JSON.stringify(durationCol)}`, eventCol);
    }
    const hasT = table.header.includes(durationCol);
    const hasE = table.header.includes(eventCol);
    if (hasT !== hasE) {
      const [has, lacks] = hasT ? [durationCol, eventCol] : [eventCol, durationCol];
      throw survkitError(
        'csvFile',
        table.file,
        `has the column ${JSON.stringify(has)} but no ${JSON.stringify(lacks)}; give both label columns (curves format for survkit evaluate) or neither (id format)`,
      );
    }
    if (o.idCol !== undefined && !table.header.includes(o.idCol)) throw survkitError('unknownColumn', FN, o.idCol, table.header);
    const data = readTabular(table, { durationCol, eventCol, features: meta.features }, hasT);
    const std = Standardizer.fromJSON(meta.standardizer);
    const x = tabularTensor(std.transform(data.x, data.n), data.n, meta.features.length);
    let curves;
    try {
      curves = await model.predictSurvival(x, { interpolation: o.interpolation ?? meta.interpolation });
    } finally {
      x.dispose();
    }
    const kid = o.idCol === undefined ? -1 : table.header.indexOf(o.idCol);
    const csv = hasT
      ? curvesCsv(curves, { names: ['time', 'event'], cells: (i) => [String(data.time[i]), String(data.event[i])] })
      : curvesCsv(curves, { names: ['id'], cells: (i) => [kid < 0 ? String(i + 1) : ((table.rows[i] as readonly string[])[kid] as string)] });
    if (o.out !== undefined) {
      try {
        writeFileSync(o.out, csv);
      } catch (err) {
        throw survkitError('csvFile', o.out, `cannot be written (${(err as Error).message})`);
      }
    }
    return { csv, format: hasT ? 'curves' : 'id', n: curves.n, m: curves.m, model: model.family, backend: backend.backend };
  } finally {
    model.dispose();
  }
}
