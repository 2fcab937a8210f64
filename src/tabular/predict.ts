/**
 * `survkit predict`: survival curves of a model trained by `survkit train`
 * for the rows of a CSV file, written in the curves format of `survkit
 * evaluate` (`time,event,<t1>,<t2>,…`) when the file has the duration and
 * event columns, or as `id,<t1>,<t2>,…` when it has neither (new subjects
 * without outcomes; `id` = the `--id-col` cell or the 1-based data row).
 */
import { writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { survkitError } from '../core/errors.js';
import { Standardizer } from '../data/standardize.js';
import { initBackend } from '../backend/index.js';
import { type CsvOptions } from '../io/csv.js';
import { readTableAsync } from '../io/table-file.js';
import { curvesCsv } from '../io/curves-csv.js';
import { tabularTensor } from '../io/tabular-tensor.js';
import { CoxPH, SurvivalModel } from '../models/index.js';
import { checkStrata, type TabularModelMeta } from './train.js';
import { eventCell, findColumn, isMissing, keepRows, numberCell } from './columns.js';
import { applyEncoding, numericEncoding } from './encoding.js';
import { summarizeCurves, type PredictOutput } from './predict-output.js';
import { imageFeatureTable, type ImageModelRecord } from './image-train.js';
import { loadFittedImage } from './image-items.js';
import type { CsvTable } from '../io/csv.js';

/** Options of {@link predictFile}. */
export interface PredictOptions {
  /** Directory written by `survkit train --out`. */
  model: string;
  /** CSV file with the model's covariate columns (a model trained on a table). */
  data?: string;
  /**
   * A model trained on images (`survkit train --images … --out`): the manifest CSV of the images to predict (path
   * column, the covariates, optionally the duration and event); features come from the backbone the model records.
   */
  images?: string;
  /** Where the recorded backbone file is now, when it moved (it must be the same file: its fingerprint is checked). */
  backbone?: string;
  /** Feature cache folder for `images` (default: `.survkit-features` beside the manifest). */
  cacheDir?: string;
  /** Image-decoding worker threads for `images` (default: imageDataset's). */
  workers?: number;
  /** Output CSV path; absent = return the text only. */
  out?: string;
  /** Label columns (default: the names used in training). */
  durationCol?: string;
  eventCol?: string;
  /** Column copied to `id` in the id-only format (default: the 1-based data row number). */
  idCol?: string;
  /** Sub-steps per interval of discrete-time curves (default: as in training). */
  interpolation?: number;
  /** Write S(t) at these times (strictly ascending, >= 0) instead of the model's grid. */
  times?: number[];
  /** What to write per row: 'curves' (default: S(t) on the grid or at `times`), 'survival' (same), 'risk', 'median', 'rmst'. */
  output?: PredictOutput;
  /** Horizon of 'rmst' and 'risk' (default: the last grid time). */
  tau?: number;
  /** A table that does not match the training table, or times past the end of the curves, is an error, not a warning. */
  strict?: boolean;
  /** Delimiter and decimal mark of the data file. */
  csv?: CsvOptions;
}

/** What {@link predictFile} returns. */
export interface PredictResult {
  /** The CSV text. */
  csv: string;
  /** 'curves': `time,event,<grid>` (readable by `survkit evaluate`); 'id': `id,<grid>`. */
  format: 'curves' | 'id';
  n: number;
  /** Number of grid times (or of output columns). */
  m: number;
  model: string;
  backend: string;
  /** What the rows hold. */
  output: PredictOutput;
  /** Things the user should know (printed on standard error by the CLI). */
  warnings: string[];
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
 * The image record of survkit.json against the saved network: a fine-tuned model's network takes the recorded input
 * shape (and the covariates as a second input), a frozen-feature model's network takes the feature table.
 */
function checkImageRecord(dir: string, model: SurvivalModel, meta: TabularModelMeta, rec: ImageModelRecord): void {
  const bad = (problem: string): never => {
    throw survkitError('modelDir', FN, dir, `survkit.json ${problem}`);
  };
  const mode = rec.mode ?? 'frozen';
  if (mode !== 'frozen' && mode !== 'fine-tune') bad(`records the image mode ${JSON.stringify(mode)}; expected "frozen" or "fine-tune"`);
  const shapes = model.net.inputs.map((t) => `[${t.shape.slice(1).join(', ')}]`);
  const first = model.net.inputs[0]?.shape.slice(1) ?? [];
  const d = meta.features.length;
  if (mode === 'frozen') {
    if (first.length !== 1)
      bad(`records a frozen-feature image model (features of ${rec.backbone}) but model.json's network takes ${shapes.join(' and ')}, not a feature table`);
    return;
  }
  if (!Array.isArray(rec.inputShape) || first.join() !== rec.inputShape.join())
    bad(`records a fine-tuned image model fed items of shape [${String(rec.inputShape)}] but model.json's network takes ${shapes[0] ?? 'no input'}`);
  const second = model.net.inputs[1]?.shape.slice(1);
  const ok = d === 0 ? model.net.inputs.length === 1 : model.net.inputs.length === 2 && second?.length === 1 && second[0] === d;
  if (!ok)
    bad(
      `records a fine-tuned image model with ${d} covariate input(s) (${meta.features.join(', ') || 'none'}) but model.json's network takes ${shapes.join(' and ')}`,
    );
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
  const output = o.output ?? 'curves';
  if ((o.data === undefined) === (o.images === undefined))
    throw survkitError(
      'optionRange',
      FN,
      'data',
      'exactly one of --data <file.csv> (a table model) and --images <manifest.csv> (an image model)',
      o.data ?? o.images,
    );
  // read first: a bad file is reported before the backend starts
  let table0: CsvTable | undefined = o.data === undefined ? undefined : await readTableAsync(o.data, o.csv ?? {});
  const backend = await initBackend();
  const model = await SurvivalModel.load(o.model);
  const warnings: string[] = [];
  try {
    const meta = metaOf(model, o.model);
    const rec = meta.imaging;
    if (rec !== undefined) checkImageRecord(o.model, model, meta, rec);
    // fine-tuned image models: the image path of each row of table0
    let imagePaths: string[] | undefined;
    if (o.images !== undefined && rec?.mode === 'fine-tune') {
      if (o.backbone !== undefined)
        throw survkitError(
          'imageModelMode',
          FN,
          o.model,
          `was fine-tuned (survkit train --images … --fine-tune last-block): its backbone is saved in the model, so --backbone ${o.backbone} does not apply`,
        );
      if (o.cacheDir !== undefined) warnings.push(`${o.model}: a fine-tuned model caches no features; --cache-dir ${o.cacheDir} is not used`);
      if (o.workers !== undefined) warnings.push(`${o.model}: a fine-tuned model reads its images on the calling thread; --workers ${o.workers} is not used`);
      const t = await readTableAsync(o.images, o.csv ?? {});
      const pc = t.header.indexOf(rec.pathCol);
      if (pc < 0)
        throw survkitError('imageManifest', FN, o.images, `has no column ${JSON.stringify(rec.pathCol)} of image paths (header: ${t.header.join(', ')})`);
      if (t.rows.length === 0) throw survkitError('imageManifest', FN, o.images, 'has no rows');
      const base = dirname(resolve(o.images));
      imagePaths = t.rows.map((r) => {
        const p = (r[pc] as string).trim();
        return isAbsolute(p) ? p : join(base, p);
      });
      table0 = { file: t.file, header: t.header.filter((_, k) => k !== pc), rows: t.rows.map((r) => r.filter((_, k) => k !== pc)) };
    } else if (o.images !== undefined) {
      if (rec === undefined)
        throw survkitError('imageModelMode', FN, o.model, 'was trained on a table (survkit train --data), not on images; predict with --data <file.csv>');
      const settings = {
        backbone: o.backbone ?? rec.backbone,
        ...(rec.arch === null ? {} : { arch: rec.arch }),
        ...(rec.conv1Stride === null ? {} : { conv1Stride: rec.conv1Stride }),
        inputShape: rec.inputShape.slice(0, -1),
        pathCol: rec.pathCol,
        normalize: rec.normalize,
        intensity: rec.intensity,
        ...(o.cacheDir === undefined ? {} : { cacheDir: o.cacheDir }),
        ...(o.workers === undefined ? {} : { workers: o.workers }),
      };
      const done = await imageFeatureTable(FN, o.images, settings, {
        ...(o.csv === undefined ? {} : { csv: o.csv }),
        durationCol: o.durationCol ?? meta.durationCol,
        eventCol: o.eventCol ?? meta.eventCol,
        expect: { model: o.model, record: rec },
      });
      table0 = done.table;
    } else if (rec !== undefined)
      throw survkitError(
        'imageModelMode',
        FN,
        o.model,
        `was trained on image features (survkit train --images, backbone ${rec.backbone}); predict with --images <manifest.csv>`,
      );
    if (table0 === undefined) throw survkitError('optionRange', FN, 'data', 'a table', o.data);
    const t0: CsvTable = table0;
    const durationCol = o.durationCol ?? meta.durationCol;
    const eventCol = o.eventCol ?? meta.eventCol;
    if (durationCol === eventCol) {
      throw survkitError('optionRange', 'survkit predict', 'eventCol', `a column other than the duration column ${JSON.stringify(durationCol)}`, eventCol);
    }
    const hasT = t0.header.includes(durationCol);
    const hasE = t0.header.includes(eventCol);
    if (hasT !== hasE) {
      const [has, lacks] = hasT ? [durationCol, eventCol] : [eventCol, durationCol];
      throw survkitError(
        'csvFile',
        t0.file,
        `has the column ${JSON.stringify(has)} but no ${JSON.stringify(lacks)}; give both label columns (curves format for survkit evaluate) or neither (id format)`,
      );
    }
    const idCol = o.idCol ?? (meta.idCol !== undefined && meta.idCol !== null && t0.header.includes(meta.idCol) ? meta.idCol : undefined);
    const kid = idCol === undefined ? -1 : findColumn(t0, idCol, 'id (--id-col)');
    const encoding = meta.encoding ?? numericEncoding(meta.features);
    const sources = encoding.columns.map((c) => c.name);
    // a table unlike the training table: say so (error with strict)
    const known = new Set([...(meta.tableColumns ?? [...sources, meta.durationCol, meta.eventCol]), durationCol, eventCol, ...(idCol ? [idCol] : [])]);
    const extra = t0.header.filter((h) => !known.has(h));
    if (extra.length > 0) {
      const detail = `${extra.length} column(s) not in the training table: ${extra.map((h) => JSON.stringify(h)).join(', ')} (ignored; the model uses ${sources.join(', ')})`;
      if (o.strict === true) throw survkitError('covariateMismatch', FN, t0.file, detail);
      warnings.push(`${t0.file}: the table does not match the training table: ${detail}`);
    }
    for (const c of sources) findColumn(t0, c, 'covariate');
    // missing covariate cells: dropped (with a warning) when the model was trained with --missing drop
    let table = t0;
    let kept: number[] | null = null;
    if (encoding.missing === 'drop') {
      const ks = sources.map((c) => t0.header.indexOf(c));
      kept = [];
      for (let r = 0; r < t0.rows.length; r++) if (!ks.some((k) => isMissing((t0.rows[r] as readonly string[])[k] as string))) kept.push(r);
      if (kept.length < t0.rows.length) {
        warnings.push(`${t0.file}: ${t0.rows.length - kept.length} row(s) with missing covariates left out (the model was trained with --missing drop)`);
        table = keepRows(t0, kept);
      }
    }
    const n = table.rows.length;
    const x = applyEncoding(FN, table, encoding);
    const time = new Float64Array(hasT ? n : 0);
    const event = new Int32Array(hasT ? n : 0);
    if (hasT) {
      const kt = table.header.indexOf(durationCol);
      const ke = table.header.indexOf(eventCol);
      for (let r = 0; r < n; r++) {
        const tv = numberCell(table, r, kt, 'a duration >= 0');
        if (tv < 0) throw survkitError('csvRow', table.file, r + 2, durationCol, `${tv} is negative; expected a duration >= 0`);
        time[r] = tv;
        event[r] = eventCell(table, r, ke, meta.eventValue ? { eventValue: meta.eventValue } : {});
      }
    }
    // a stratified Cox model: each row's stratum picks its baseline
    let strata: string[] | undefined;
    const strataCol = meta.strataCol ?? null;
    if (strataCol !== null) {
      const sb = model instanceof CoxPH ? model.strataBaseline : null;
      if (sb === null || sb.levels === null)
        throw survkitError('modelDir', FN, o.model, `survkit.json records --strata-col ${strataCol} but holds no per-stratum baselines (state.strata)`);
      const levels = sb.levels;
      const ks = table.header.indexOf(strataCol);
      if (ks < 0) throw survkitError('predictStrataColumn', FN, table.file, strataCol, levels.join(', '));
      const rowOf = (i: number): number => (kept === null ? i : (kept[i] as number));
      strata = table.rows.map((row, i) => {
        const v = (row[ks] as string).trim();
        if (isMissing(v))
          throw survkitError(
            'csvRow',
            table.file,
            rowOf(i) + 2,
            strataCol,
            'is empty; expected the stratum of the row (the model was trained with --strata-col)',
          );
        return v;
      });
      checkStrata(
        FN,
        table,
        strataCol,
        Array.from({ length: n }, (_, i) => rowOf(i)),
        strata,
        levels,
      );
    }
    const std = Standardizer.fromJSON(meta.standardizer);
    const inputs: tf.Tensor[] = [];
    let curves;
    try {
      if (imagePaths !== undefined && rec !== undefined) {
        // the items fed as in training: fitted to the recorded shape, intensity and normalisation
        const paths = kept === null ? imagePaths : kept.map((r) => imagePaths[r] as string);
        const rows = kept ?? paths.map((_, i) => i);
        const per = rec.inputShape.reduce((a, s) => a * s, 1);
        const images = new Float32Array(n * per);
        for (let i = 0; i < n; i++)
          images.set(
            await loadFittedImage(`${FN} (${o.images ?? ''} row ${(rows[i] as number) + 2})`, paths[i] as string, rec.inputShape, rec.normalize, rec.intensity),
            i * per,
          );
        inputs.push(tf.tensor(images, [n, ...rec.inputShape]));
      }
      if (imagePaths === undefined || meta.features.length > 0) inputs.push(tabularTensor(std.transform(x, n), n, meta.features.length));
      const xs = inputs.length === 1 ? (inputs[0] as tf.Tensor) : inputs;
      const popts = { interpolation: o.interpolation ?? meta.interpolation };
      curves = strata !== undefined && model instanceof CoxPH ? await model.predictSurvival(xs, { ...popts, strata }) : await model.predictSurvival(xs, popts);
    } finally {
      tf.dispose(inputs);
    }
    const idCells = (i: number): string[] => (kid < 0 ? (hasT ? [] : [String(i + 1)]) : [((table.rows[i] as readonly string[])[kid] as string).trim()]);
    const idNames = kid >= 0 || !hasT ? ['id'] : [];
    const labelNames = hasT ? ['time', 'event'] : [];
    const labelCells = (i: number): string[] => (hasT ? [String(time[i]), String(event[i])] : []);
    const names = [...idNames, ...labelNames];
    const cells = (i: number): string[] => [...idCells(i), ...labelCells(i)];
    const summary = summarizeCurves(curves, { output, ...(o.times ? { times: o.times } : {}), ...(o.tau !== undefined ? { tau: o.tau } : {}) });
    for (const w of summary.warnings) {
      if (o.strict === true) throw survkitError('curvesEnd', FN, curves.times[curves.times.length - 1] as number, summary.until, w);
      warnings.push(w);
    }
    const csv = summary.curves !== undefined ? curvesCsv(summary.curves, { names, cells }) : summary.table(names, cells);
    if (o.out !== undefined) {
      try {
        writeFileSync(o.out, csv);
      } catch (err) {
        throw survkitError('csvFile', o.out, `cannot be written (${(err as Error).message})`);
      }
    }
    return { csv, format: hasT ? 'curves' : 'id', n, m: summary.columns, model: model.family, backend: backend.backend, output, warnings };
  } finally {
    model.dispose();
  }
}
