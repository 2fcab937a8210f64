/**
 * `survkit train` as plain functions: read a CSV, split it, standardise the
 * covariates with training statistics, train a survival network with early
 * stopping on the validation rows, and evaluate its survival curves on the
 * test rows with the metrics of `survkit evaluate` (pycox's protocol: the
 * censoring Kaplan–Meier of the test labels, 100 evaluation times
 * linspace(min, max) of the test durations).
 */
import { survkitError } from '../core/errors.js';
import { labelsArg, countEvents } from '../data/labels.js';
import { Standardizer, type StandardizerJSON } from '../data/standardize.js';
import { initBackend, type BackendInfo, type BackendName } from '../backend/index.js';
import { type CsvOptions, type CsvTable } from '../io/csv.js';
import { readTableAsync } from '../io/table-file.js';
import { tabularTensor } from '../io/tabular-tensor.js';
import { MAX_INTERPOLATION } from '../estimators/interpolate-curves.js';
import type { SurvivalModel } from '../models/index.js';
import { DeepHit } from '../models/survival/deephit.js';
import { CifCurves } from '../estimators/cif-curves.js';
import type { History, JsonValue } from '../models/training/fit-types.js';
import { evaluatePredictions, type EvaluateMeta, type MetricReports } from '../report/evaluate.js';
import type { ReportFigures } from '../report/report-figures.js';
import type { EventCoding, MissingPolicy } from './columns.js';
import type { Encoding } from './encoding.js';
import type { ImageModelRecord } from './image-train.js';
import type { LeakFinding } from './leakage.js';
import { checkOutDir, saveAtomically } from './model-dir.js';
import { prepareTable } from './prepare.js';
import { takeLabels, takeRows, type ColumnSpec, type SplitSpec } from './table-data.js';
import { buildModel, defaultEpochs, familyDefaults, validationBatchSize, type ModelSettings } from './model-settings.js';
import { isMissing, numberCell } from './columns.js';
import type { CoxPH, CoxPHFitOptions } from '../models/survival/cox-ph.js';

/** Options of {@link trainTable} / {@link trainFile} (the `survkit train` flags, parsed). */
export interface TrainOptions extends Partial<Omit<ModelSettings, 'seed' | 'model'>>, Partial<ColumnSpec>, EventCoding {
  model: ModelSettings['model'];
  /** Columns never used as covariates. */
  exclude?: string[];
  /** The row id column (never a covariate; stored with the model so that predict copies it). */
  idCol?: string;
  /** Covariates kept even though the leakage screen flags them. */
  allowColumns?: string[];
  /** Missing covariate cells: 'error' (default), 'drop' the rows, or 'impute'. */
  missing?: MissingPolicy;
  /** Reference level of a text covariate (default: the first in sorted order). */
  reference?: Record<string, string>;
  /** Replace an existing model at `out`. */
  force?: boolean;
  /** Hidden widths of the MLP (default [32, 32]). */
  hidden?: number[];
  /** Batch normalisation in the MLP (default true). */
  batchNorm?: boolean;
  /** Dropout rate in the MLP (default 0.1). */
  dropout?: number;
  /** Default: random 20 % test, 20 % of the rest validation, seeded with `seed`. */
  split?: SplitSpec;
  /** Seed of the weights, dropout, shuffling, case-control draws and a random split (default 0). */
  seed?: number;
  /** Maximum epochs (default 512 for Cox models, 100 for discrete-time ones). */
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Epochs without a lower validation loss before stopping (default 10). */
  patience?: number;
  /** Save the trained model to this directory. */
  out?: string;
  /** TF.js backend (default: `initBackend`'s choice, i.e. SURVKIT_BACKEND or the fastest available). */
  backend?: BackendName;
  /** Training engine (see `FitOptions.engine`; default 'auto'). */
  engine?: 'auto' | 'tfjs' | 'onnxruntime';
  /** Progress on a TTY ('auto', default false). */
  verbose?: boolean | 'auto';
  /** Also compute the data of the test-set report figures (`figures` of the report; see `EvaluateOptions.figures`). */
  figures?: boolean;
  /** Set by `survkit train --images`: the backbone record stored with the model for `survkit predict --images`. */
  imaging?: ImageModelRecord;
  /** CoxPH: the strata column (`--strata-col`): stratified partial likelihood, one Breslow baseline per stratum. */
  strataCol?: string;
  /** CoxPH: the entry (left-truncation) time column (`--entry-col`): risk sets start at entry, in the loss and the baseline. */
  entryCol?: string;
}

/** Metadata stored with a model trained by `survkit train` (its `covariates`), read by `survkit predict`. */
export interface TabularModelMeta {
  kind: 'survkit-train';
  features: string[];
  standardizer: StandardizerJSON;
  durationCol: string;
  eventCol: string;
  /** Sub-steps of discrete-time curves (1 for the Cox models). */
  interpolation: number;
  /** How the source columns became the model inputs `features` (absent in models saved before encodings). */
  encoding?: Encoding;
  /** The header of the training table. */
  tableColumns?: string[];
  /** The id column (copied to predict's output). */
  idCol?: string | null;
  /** The event cell value that meant "event" in training. */
  eventValue?: string | null;
  /** Models trained on image features (`survkit train --images`): the backbone and how items were fed. */
  imaging?: ImageModelRecord;
  /** CoxPH trained with `--strata-col`: the column whose value picks each row's baseline at prediction (absent or null: none). */
  strataCol?: string | null;
  /** CoxPH trained with `--entry-col` (recorded; prediction gives S(t | x) from time 0). */
  entryCol?: string | null;
}

/** The training settings reported by `survkit train` (the family's settings and the loop's). */
export type TrainSettings = Omit<ModelSettings, 'model'> & {
  maxEpochs: number;
  batchSize: number;
  validationBatchSize: number;
  learningRate: number;
  optimizer: string;
  activation: string;
  earlyStopping: { monitor: string; patience: number; restoreBest: boolean } | null;
};

/** The report of `survkit train`: `survkit evaluate`'s metric keys on the test rows plus the training summary. */
export type TrainReport = {
  meta: {
    command: 'train';
    file: string;
    model: string;
    seed: number;
    split: string;
    rows: { train: number; validation: number; test: number };
    events: { train: number; validation: number; test: number };
    features: string[];
    /** The source columns of the covariates (before one-hot encoding and missing-indicator columns). */
    covariateColumns: string[];
    /** Every other column of the table, with why it is not a covariate. */
    excludedColumns: { column: string; why: string }[];
    /** Covariates the leakage screen flagged, kept with --allow-column. */
    allowedColumns: LeakFinding[];
    /** The covariate encoding (categories, imputation). */
    encoding: Encoding;
    /** Rows left out for missing values. */
    droppedRows: number;
    standardized: string[];
    leftAsIs: string[];
    settings: TrainSettings;
    /** The evaluation settings of the test metrics (as `survkit evaluate` reports them). */
    evaluation: EvaluateMeta;
    savedTo: string | null;
    /** The TF.js backend, versions and kernel patches. */
    backendInfo: BackendInfo;
    /** CoxPH with `--strata-col`: the column and its strata (one baseline each); absent without. */
    strata?: { column: string; levels: string[] };
    /** CoxPH with `--entry-col`: the entry-time column; absent without. */
    entryCol?: string;
  };
  /** Epochs run. */
  epochs: number;
  /** 1-based epoch whose weights were kept (lowest validation loss). */
  bestEpoch: number;
  /** Median wall time of an epoch (training and validation pass), ms. */
  msPerEpoch: number;
  /** The TF.js backend the model was trained on. */
  backend: string;
  /** Training and validation loss per epoch. */
  history: { loss: number[]; valLoss: number[] };
  /** The data of the test-set report figures (with `figures: true`). */
  figures?: ReportFigures;
} & MetricReports;

const FN = 'survkit train';

function checkOptions(o: TrainOptions): void {
  const int = (name: string, v: number | undefined, min: number): void => {
    if (v !== undefined && !(Number.isInteger(v) && v >= min)) throw survkitError('optionRange', FN, name, `an integer >= ${min}`, v);
  };
  int('epochs', o.epochs, 1);
  int('batchSize', o.batchSize, 2);
  int('patience', o.patience, 0);
  int('cuts', o.cuts, 1);
  int('interpolation', o.interpolation, 1);
  if (o.interpolation !== undefined && o.interpolation > MAX_INTERPOLATION) {
    throw survkitError('sizeLimit', FN, 'interpolation', MAX_INTERPOLATION, 'pycox uses 10; each step adds a column per interval', o.interpolation);
  }
  if (o.learningRate !== undefined && !(o.learningRate > 0 && Number.isFinite(o.learningRate)))
    throw survkitError('optionRange', FN, 'learningRate', 'a number > 0', o.learningRate);
  if (o.dropout !== undefined && !(o.dropout >= 0 && o.dropout < 1)) throw survkitError('optionRange', FN, 'dropout', 'a rate in [0, 1)', o.dropout);
  if (o.hidden !== undefined && (o.hidden.length === 0 || !o.hidden.every((h) => Number.isInteger(h) && h >= 1))) {
    throw survkitError('optionRange', FN, 'hidden', 'a list of layer widths >= 1', o.hidden);
  }
  if (o.split?.kind === 'random') {
    const { testFrac, valFrac } = o.split;
    if (!(testFrac > 0 && testFrac < 1)) throw survkitError('optionRange', FN, 'testFrac', 'a fraction in (0, 1)', testFrac);
    if (!(valFrac >= 0 && valFrac < 1)) throw survkitError('optionRange', FN, 'valFrac', 'a fraction in [0, 1)', valFrac);
  }
}

/**
 * Trains a model on a parsed CSV table (see {@link TrainOptions}) and
 * evaluates it on the test rows. The caller owns (and disposes) the model.
 *
 * @returns the report and the trained model (with its covariate standardisation in `model.covariates`)
 * @throws {SurvkitError} on missing columns, bad cells, an empty split part, no events in the training rows, bad options
 * @example
 * const { report, model } = await trainTable(readCsv('metabric.csv'), { model: 'coxph', hidden: [32, 32], batchNorm: true,
 *   dropout: 0.1, split: { kind: 'column', splitCol: 'split', valCol: 'val' }, seed: 0 });
 * report.concordanceTd; // { cIndex: 0.63…, … }
 * model.dispose();
 */
export async function trainTable(table: CsvTable, o: TrainOptions): Promise<{ report: TrainReport; model: SurvivalModel }> {
  checkOptions(o);
  const seed = o.seed ?? 0;
  if ((o.durationCol ?? 'duration') === (o.eventCol ?? 'event')) {
    throw survkitError('optionRange', FN, 'eventCol', `a column other than the duration column ${JSON.stringify(o.durationCol)}`, o.eventCol);
  }
  const durationCol = o.durationCol ?? 'duration';
  const eventCol = o.eventCol ?? 'event';
  const splitSpec = o.split ?? { kind: 'random' as const, testFrac: 0.2, valFrac: 0.2, seed };
  const prep = prepareTable(FN, table, { ...o, durationCol, eventCol }, splitSpec);
  const split = prep.split;
  const data = { file: table.file, features: prep.features, n: prep.time.length, x: prep.x, time: prep.time, event: prep.event };
  const d = data.features.length;
  const counting = o.strataCol !== undefined || o.entryCol !== undefined;
  if (counting && o.model !== 'coxph')
    throw survkitError('optionRange', FN, o.strataCol !== undefined ? 'strataCol' : 'entryCol', 'used with the coxph model', o.model);
  if (counting && o.ties === 'pycox')
    throw survkitError('optionRange', FN, 'ties', "'efron' or 'breslow' with strata or entry times (pycox's loss has neither)", o.ties);
  // strata / entry times: the exact stratified, left-truncated partial likelihood (Efron ties unless --ties breslow)
  const settings = familyDefaults({
    ...o,
    ...(counting ? { ties: o.ties ?? 'efron' } : {}),
    hidden: o.hidden ?? [32, 32],
    batchNorm: o.batchNorm ?? true,
    dropout: o.dropout ?? 0.1,
    seed,
  });
  const std = Standardizer.fit(data.features, data.x, split.train);
  const part = (rows: Int32Array) => ({
    rows,
    x: std.transform(takeRows(data.x, d, rows), rows.length),
    // No validation rows (--val-frac 0, or no val == 1 in a fixed split): empty labels, no early stopping.
    labels: rows.length === 0 ? { time: new Float64Array(0), event: new Int32Array(0) } : labelsArg(FN, 'labels', takeLabels(data, rows)),
  });
  const train = part(split.train);
  const val = part(split.val);
  const test = part(split.test);
  if (countEvents(train.labels) === 0) throw survkitError('noEvents', FN, `${eventCol} (training rows)`);
  const counts = countingColumns(prep.table, o, prep.time, split.train, split.test);
  const meta: TabularModelMeta = {
    kind: 'survkit-train',
    features: data.features,
    standardizer: std.toJSON(),
    durationCol,
    eventCol,
    interpolation: settings.interpolation ?? 1,
    encoding: prep.encoding,
    tableColumns: [...table.header],
    idCol: o.idCol ?? null,
    eventValue: o.eventValue ?? null,
    ...(o.imaging === undefined ? {} : { imaging: o.imaging }),
    ...(o.strataCol === undefined ? {} : { strataCol: o.strataCol }),
    ...(o.entryCol === undefined ? {} : { entryCol: o.entryCol }),
  };
  if (o.out !== undefined) checkOutDir(FN, o.out, o.force === true); // fail before training, not after it
  const backend = await initBackend(o.backend === undefined ? {} : { backend: o.backend });
  const epochs = o.epochs ?? defaultEpochs(settings.model);
  const batchSize = o.batchSize ?? 256;
  const learningRate = o.learningRate ?? 0.01;
  const patience = o.patience ?? 10;
  const hasVal = val.rows.length > 0;
  const model = buildModel(settings, d, meta as unknown as JsonValue);
  const tensors = [
    tabularTensor(train.x, train.rows.length, d),
    ...(hasVal ? [tabularTensor(val.x, val.rows.length, d)] : []),
    tabularTensor(test.x, test.rows.length, d),
  ];
  const [xTrain, xVal] = tensors;
  const xTest = tensors[tensors.length - 1];
  let history: History;
  let curves;
  let cif: CifCurves[] | undefined;
  try {
    const fitOptions: CoxPHFitOptions = {
      epochs,
      batchSize,
      learningRate,
      seed,
      verbose: o.verbose ?? false,
      ...(o.engine === undefined ? {} : { engine: o.engine }),
      validationBatchSize: validationBatchSize(settings.model, batchSize),
      ...(hasVal ? { validation: { x: xVal as NonNullable<typeof xVal>, labels: val.labels }, earlyStopping: { patience } } : {}),
      ...(counts.trainStrata === undefined ? {} : { strata: counts.trainStrata }),
      ...(counts.trainEntry === undefined ? {} : { entry: counts.trainEntry }),
    };
    // a stratum only the test rows have cannot be predicted: said before the fit, not after it
    if (counts.testStrata !== undefined)
      checkStrata(FN, prep.table, o.strataCol as string, split.test, counts.testStrata, [...new Set(counts.trainStrata ?? [])].sort());
    history = await model.fit(xTrain as NonNullable<typeof xTrain>, train.labels, fitOptions);
    curves = await (model as CoxPH).predictSurvival(xTest as NonNullable<typeof xTest>, {
      interpolation: settings.interpolation ?? 1,
      ...(counts.testStrata === undefined ? {} : { strata: counts.testStrata }),
    });
    if (o.competing === true && model instanceof DeepHit) {
      const p = await model.predictCif(xTest as NonNullable<typeof xTest>, { interpolation: settings.interpolation ?? 1 });
      cif = p.cif.map(
        (v, k) =>
          new CifCurves(
            p.times,
            v.map((x) => Math.min(1, Math.max(0, x))),
            { fn: FN, arg: `CIF of cause ${k + 1}` },
          ),
      ); // float rounding only
    }
    if (o.out !== undefined) {
      await saveAtomically(FN, o.out, o.force === true, (tmp) => model.save(tmp));
    }
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    for (const t of tensors) t.dispose();
  }
  const figureOpts = o.figures === true ? { figures: true } : {};
  // competing risks: the cause-k metrics of each cause's CIF, and the event-free survival evaluated against any event
  const evaluation =
    cif !== undefined
      ? evaluatePredictions(
          {
            format: 'cif',
            file: `${data.file} (test rows; competing risks: each cause's CIF, and the event-free survival against any event)`,
            labels: test.labels,
            cif,
            curves,
            group: undefined,
          },
          figureOpts,
        )
      : evaluatePredictions({ format: 'curves', file: `${data.file} (test rows)`, labels: test.labels, curves, group: undefined }, figureOpts);
  const { meta: evalMeta, ...metrics } = evaluation;
  const { standardized, leftAsIs } = std.summary();
  const { model: family, ...familySettings } = settings;
  const report: TrainReport = {
    meta: {
      command: 'train',
      file: data.file,
      model: family,
      seed,
      split: split.description,
      rows: { train: train.rows.length, validation: val.rows.length, test: test.rows.length },
      events: { train: countEvents(train.labels), validation: hasVal ? countEvents(val.labels) : 0, test: countEvents(test.labels) },
      features: data.features,
      covariateColumns: prep.columns,
      excludedColumns: prep.excluded,
      allowedColumns: prep.allowed,
      encoding: prep.encoding,
      droppedRows: prep.droppedRows,
      standardized,
      leftAsIs,
      settings: {
        ...familySettings,
        maxEpochs: epochs,
        batchSize,
        validationBatchSize: validationBatchSize(settings.model, batchSize),
        learningRate,
        optimizer: 'adam (beta 0.9, 0.999, eps 1e-8)',
        activation: 'relu',
        earlyStopping: hasVal ? { monitor: 'validation loss', patience, restoreBest: true } : null,
      },
      evaluation: evalMeta,
      savedTo: o.out ?? null,
      backendInfo: backend,
      ...(o.strataCol === undefined ? {} : { strata: { column: o.strataCol, levels: [...((model as CoxPH).strataBaseline?.levels ?? [])] } }),
      ...(o.entryCol === undefined ? {} : { entryCol: o.entryCol }),
    },
    ...metrics,
    epochs: history.epochs,
    bestEpoch: history.bestEpoch + 1,
    msPerEpoch: history.msPerEpoch,
    backend: model.trainingBackend ?? backend.backend,
    history: { loss: history.loss, valLoss: history.valLoss },
  };
  return { report, model };
}

/**
 * The stratum and entry-time cells of the training and test rows (`--strata-col`, `--entry-col`), checked: a stratum
 * is a non-empty cell, an entry time a number below the row's duration.
 */
function countingColumns(
  t: CsvTable,
  o: TrainOptions,
  time: Float64Array,
  trainRows: Int32Array,
  testRows: Int32Array,
): { trainStrata?: string[]; testStrata?: string[]; trainEntry?: Float64Array } {
  const out: { trainStrata?: string[]; testStrata?: string[]; trainEntry?: Float64Array } = {};
  if (o.strataCol !== undefined) {
    const k = t.header.indexOf(o.strataCol);
    const cell = (r: number): string => {
      const v = ((t.rows[r] as readonly string[])[k] as string).trim();
      if (isMissing(v)) throw survkitError('csvRow', t.file, r + 2, o.strataCol as string, 'is empty; expected the stratum of the row (--strata-col)');
      return v;
    };
    out.trainStrata = Array.from(trainRows, cell);
    out.testStrata = Array.from(testRows, cell);
  }
  if (o.entryCol !== undefined) {
    const k = t.header.indexOf(o.entryCol);
    out.trainEntry = Float64Array.from(trainRows, (r) => {
      const e = numberCell(t, r, k, 'an entry time below the duration');
      if (!(e < (time[r] as number)))
        throw survkitError(
          'csvRow',
          t.file,
          r + 2,
          o.entryCol as string,
          `${e} is not below the duration ${time[r]}; a subject is at risk on (entry, duration]`,
        );
      return e;
    });
  }
  return out;
}

/** Each row's stratum must be one the model has a baseline for. */
export function checkStrata(fn: string, t: CsvTable, col: string, rows: ArrayLike<number>, strata: readonly string[], levels: readonly string[]): void {
  const known = new Set(levels);
  for (let i = 0; i < strata.length; i++)
    if (!known.has(strata[i] as string))
      throw survkitError('predictStratumUnseen', fn, t.file, (rows[i] as number) + 2, col, strata[i] as string, levels.join(', '));
}

/**
 * {@link trainTable} on a CSV file; the model is saved when `out` is given and then disposed.
 *
 * @example
 * const report = await trainFile('metabric.csv', { model: 'coxph', hidden: [32, 32], batchNorm: true, dropout: 0.1,
 *   split: { kind: 'column', splitCol: 'split', valCol: 'val' }, seed: 0, out: 'model-dir' });
 */
export async function trainFile(path: string, o: TrainOptions & { csv?: CsvOptions }): Promise<TrainReport> {
  const { report, model } = await trainTable(await readTableAsync(path, o.csv ?? {}), o);
  model.dispose();
  return report;
}
