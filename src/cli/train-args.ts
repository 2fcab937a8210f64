/**
 * The flags of `survkit train`, parsed into {@link TrainOptions} (every
 * malformed or contradictory flag is a {@link UsageError}).
 */
import type { SurvivalFamily } from '../models/survival/survival-model.js';
import type { TrainOptions } from '../tabular/train.js';
import { FAMILIES, isDiscrete, type TrainTies } from '../tabular/model-settings.js';
import type { CsvOptions } from '../io/csv.js';
import { choiceFlag, csvFlags, numberFlag, UsageError } from './usage.js';
import type { ImageTrainOptions } from '../tabular/image-train.js';
import type { IntensityNormalisation } from '../io/image-transforms.js';
import { TORCH_ARCHS } from '../backbones/torch-weights.js';

/** node:util parseArgs configuration of `survkit train`. */
export const TRAIN_FLAGS = {
  model: { type: 'string' },
  data: { type: 'string' },
  'duration-col': { type: 'string' },
  'event-col': { type: 'string' },
  features: { type: 'string' },
  'split-col': { type: 'string' },
  'val-col': { type: 'string' },
  'test-frac': { type: 'string' },
  'val-frac': { type: 'string' },
  seed: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  hidden: { type: 'string' },
  dropout: { type: 'string' },
  'batch-norm': { type: 'boolean' },
  'no-batch-norm': { type: 'boolean' },
  patience: { type: 'string' },
  cuts: { type: 'string' },
  'cut-scheme': { type: 'string' },
  interpolation: { type: 'string' },
  ties: { type: 'string' },
  out: { type: 'string' },
  format: { type: 'string' },
  report: { type: 'string' },
  figures: { type: 'string' },
  exclude: { type: 'string' },
  'id-col': { type: 'string' },
  'allow-column': { type: 'string' },
  missing: { type: 'string' },
  reference: { type: 'string' },
  'event-value': { type: 'string' },
  'competing-risks': { type: 'boolean' },
  delimiter: { type: 'string' },
  decimal: { type: 'string' },
  force: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  images: { type: 'string' },
  backbone: { type: 'string' },
  arch: { type: 'string' },
  'path-col': { type: 'string' },
  'cache-dir': { type: 'string' },
  normalize: { type: 'string' },
  freeze: { type: 'boolean' },
  'fine-tune': { type: 'string' },
  threads: { type: 'string' },
  'feature-batch-size': { type: 'string' },
  'train-workers': { type: 'string' },
  'train-engine': { type: 'string' },
  'train-threads': { type: 'string' },
  intensity: { type: 'string' },
  workers: { type: 'string' },
  'input-shape': { type: 'string' },
  'conv1-stride': { type: 'string' },
  'strata-col': { type: 'string' },
  'entry-col': { type: 'string' },
} as const;

type Values = Partial<Record<keyof typeof TRAIN_FLAGS, string | boolean>>;

const int = (flag: string, text: string, min: number): number => numberFlag(flag, text, `an integer >= ${min}`, (v) => Number.isInteger(v) && v >= min);

function names(flag: string, text: string): string[] {
  const list = text.split(',').map((s) => s.trim());
  if (list.some((s) => s === '')) throw new UsageError(`--${flag} must be a comma-separated list of column names; got ${JSON.stringify(text)}`);
  return list;
}

/**
 * Turns the parsed flags of `survkit train` into options for `trainFile`.
 *
 * @returns the data file, the options and the output format
 * @throws {UsageError} for a missing --model/--data, a malformed value, or flags that do not go together
 */
export function trainOptions(v: Values): { data: string; options: TrainOptions & { csv: CsvOptions }; format: 'table' | 'json' } {
  const str = (k: keyof typeof TRAIN_FLAGS): string | undefined => (typeof v[k] === 'string' ? v[k] : undefined);
  const modelText = str('model');
  if (modelText === undefined) throw new UsageError(`train needs --model (${FAMILIES.join(', ')})`);
  const model: SurvivalFamily = choiceFlag('model', modelText, FAMILIES);
  const images = str('images');
  if (images !== undefined && str('data') !== undefined)
    throw new UsageError('--images and --data cannot be used together (the manifest of --images is the table)');
  const data = str('data') ?? images;
  if (data === undefined) throw new UsageError('train needs --data <file.csv>');
  const o: TrainOptions = { model };
  const dc = str('duration-col');
  if (dc !== undefined) o.durationCol = dc;
  const ec = str('event-col');
  if (ec !== undefined) o.eventCol = ec;
  const features = str('features');
  if (features !== undefined) o.features = names('features', features);
  const exclude = str('exclude');
  if (exclude !== undefined) o.exclude = names('exclude', exclude);
  if (features !== undefined && exclude !== undefined)
    throw new UsageError('--features and --exclude cannot be used together (list the covariates, or the columns to leave out)');
  const id = str('id-col');
  if (id !== undefined) o.idCol = id;
  const allow = str('allow-column');
  if (allow !== undefined) o.allowColumns = names('allow-column', allow);
  const missing = str('missing');
  if (missing !== undefined) o.missing = choiceFlag('missing', missing, ['error', 'drop', 'impute'] as const);
  const reference = str('reference');
  if (reference !== undefined) {
    o.reference = {};
    for (const pair of reference.split(',')) {
      const eq = pair.indexOf('=');
      if (eq <= 0 || eq === pair.length - 1) throw new UsageError(`--reference must be column=level[,column=level…]; got ${JSON.stringify(reference)}`);
      o.reference[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
  }
  const ev = str('event-value');
  if (ev !== undefined) o.eventValue = ev;
  if (v['competing-risks'] === true) {
    if (model !== 'deephit') throw new UsageError(`--competing-risks applies to deephit (one output per cause), not ${model}`);
    if (ev !== undefined) throw new UsageError('--competing-risks and --event-value cannot be used together');
    o.competing = true;
  }
  if (v.force === true) o.force = true;
  if (v.verbose === true) o.verbose = true;
  const seedText = str('seed');
  const seed = seedText === undefined ? 0 : numberFlag('seed', seedText, 'an integer', (x) => Number.isSafeInteger(x));
  o.seed = seed;
  const splitCol = str('split-col');
  const valCol = str('val-col');
  const testFrac = str('test-frac');
  const valFrac = str('val-frac');
  if (splitCol !== undefined) {
    if (testFrac !== undefined || valFrac !== undefined) throw new UsageError('--split-col cannot be combined with --test-frac or --val-frac');
    o.split = { kind: 'column', splitCol, valCol: valCol ?? 'val' };
  } else {
    if (valCol !== undefined) throw new UsageError('--val-col needs --split-col');
    o.split = {
      kind: 'random',
      testFrac: testFrac === undefined ? 0.2 : numberFlag('test-frac', testFrac, 'a fraction in (0, 1)', (x) => x > 0 && x < 1),
      valFrac: valFrac === undefined ? 0.2 : numberFlag('val-frac', valFrac, 'a fraction in [0, 1)', (x) => x >= 0 && x < 1),
      seed,
    };
  }
  const epochs = str('epochs');
  if (epochs !== undefined) o.epochs = int('epochs', epochs, 1);
  const bs = str('batch-size');
  if (bs !== undefined) o.batchSize = int('batch-size', bs, 2);
  const lr = str('lr');
  if (lr !== undefined) o.learningRate = numberFlag('lr', lr, 'a learning rate > 0', (x) => x > 0);
  const hidden = str('hidden');
  if (hidden !== undefined) o.hidden = hidden.split(',').map((h) => int('hidden', h.trim(), 1));
  const dropout = str('dropout');
  if (dropout !== undefined) o.dropout = numberFlag('dropout', dropout, 'a rate in [0, 1)', (x) => x >= 0 && x < 1);
  if (v['batch-norm'] === true && v['no-batch-norm'] === true) throw new UsageError('--batch-norm and --no-batch-norm cannot be used together');
  o.batchNorm = v['no-batch-norm'] !== true;
  const patience = str('patience');
  if (patience !== undefined) o.patience = int('patience', patience, 0);
  const discreteOnly = (['cuts', 'cut-scheme', 'interpolation'] as const).filter((k) => v[k] !== undefined);
  if (!isDiscrete(model) && discreteOnly.length > 0)
    throw new UsageError(`--${discreteOnly[0]} applies to the discrete-time models (deephit, logistichazard, pmf, mtlr, pchazard, bcesurv), not ${model}`);
  const cuts = str('cuts');
  if (cuts !== undefined) o.cuts = int('cuts', cuts, 1);
  const scheme = str('cut-scheme');
  if (scheme !== undefined) o.cutScheme = choiceFlag('cut-scheme', scheme, ['equidistant', 'quantiles'] as const);
  const interp = str('interpolation');
  if (interp !== undefined) o.interpolation = int('interpolation', interp, 1);
  const ties = str('ties');
  if (ties !== undefined) {
    if (model !== 'coxph') throw new UsageError(`--ties applies to coxph, not ${model}`);
    o.ties = choiceFlag<TrainTies>('ties', ties, ['pycox', 'breslow', 'efron']);
  }
  const strataCol = str('strata-col');
  const entryCol = str('entry-col');
  for (const [flag, col] of [
    ['strata-col', strataCol],
    ['entry-col', entryCol],
  ] as const) {
    if (col === undefined) continue;
    if (model !== 'coxph') throw new UsageError(`--${flag} applies to coxph (stratified / left-truncated partial likelihood and baseline), not ${model}`);
    if (v['fine-tune'] !== undefined) throw new UsageError(`--${flag} cannot be used with --fine-tune (train the image model without it)`);
    if (col.trim() === '') throw new UsageError(`--${flag} must name a column`);
  }
  if (strataCol !== undefined) o.strataCol = strataCol.trim();
  if (entryCol !== undefined) o.entryCol = entryCol.trim();
  if ((strataCol !== undefined || entryCol !== undefined) && o.ties === 'pycox')
    throw new UsageError('--ties pycox has no strata or entry times; use --ties efron (the default with --strata-col / --entry-col) or breslow');
  const out = str('out');
  if (out !== undefined) o.out = out;
  const format = choiceFlag('format', str('format') ?? 'table', ['table', 'json'] as const);
  return { data, options: { ...o, csv: csvFlags(str('delimiter'), str('decimal')) }, format };
}

/**
 * `--intensity none|zscore|minmax|window:C,W`: the per-item intensity scaling of imageDataset (a window of centre C and
 * width W maps [C − W/2, C + W/2] to [0, 1], clipped).
 *
 * @throws {UsageError} for another value
 */
export function intensityFlag(text: string): IntensityNormalisation {
  if (text === 'none' || text === 'zscore' || text === 'minmax') return text;
  const m = /^window:([^,]+),([^,]+)$/.exec(text.trim());
  const center = m === null ? Number.NaN : Number(m[1]);
  const width = m === null ? Number.NaN : Number(m[2]);
  if (!Number.isFinite(center) || !Number.isFinite(width) || !(width > 0))
    throw new UsageError(`--intensity must be none, zscore, minmax or window:C,W (centre C, width W > 0; e.g. window:40,400); got ${JSON.stringify(text)}`);
  return { window: { center, width } };
}

/** `--input-shape H,W` or `T,H,W`: the size items are fed at (without channels). */
export function inputShapeFlag(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  const dims = parts.map(Number);
  if ((dims.length !== 2 && dims.length !== 3) || dims.some((d) => !Number.isInteger(d) || d < 1))
    throw new UsageError(`--input-shape must be H,W or T,H,W (positive integers, no channels; e.g. 16,112,112); got ${JSON.stringify(text)}`);
  return dims;
}

/**
 * The imaging flags of `survkit train --images` (undefined without --images).
 *
 * @throws {UsageError} for --images without --backbone, imaging flags without --images, or a bad value
 */
export function imageTrainOptions(v: Values): ImageTrainOptions | undefined {
  const str = (k: keyof typeof TRAIN_FLAGS): string | undefined => (typeof v[k] === 'string' ? v[k] : undefined);
  const imagingFlags = (
    [
      'backbone',
      'arch',
      'path-col',
      'cache-dir',
      'normalize',
      'freeze',
      'fine-tune',
      'threads',
      'feature-batch-size',
      'intensity',
      'workers',
      'input-shape',
      'conv1-stride',
      'train-workers',
      'train-engine',
      'train-threads',
    ] as const
  ).filter((k) => v[k] !== undefined);
  if (str('images') === undefined) {
    if (imagingFlags.length > 0) throw new UsageError(`--${imagingFlags[0]} applies to --images <manifest.csv>`);
    return undefined;
  }
  const backbone = str('backbone');
  if (backbone === undefined) throw new UsageError('--images needs --backbone <model.onnx | model.json | weights.safetensors --arch resnet18>');
  const o: ImageTrainOptions = { backbone };
  const arch = str('arch');
  if (arch !== undefined) {
    if (!backbone.toLowerCase().endsWith('.safetensors')) throw new UsageError('--arch applies to a .safetensors backbone (a PyTorch state dict)');
    o.arch = choiceFlag('arch', arch, TORCH_ARCHS);
  }
  const pathCol = str('path-col');
  if (pathCol !== undefined) o.pathCol = pathCol;
  const cacheDir = str('cache-dir');
  if (cacheDir !== undefined) o.cacheDir = cacheDir;
  const normalize = str('normalize');
  if (normalize !== undefined) o.normalize = choiceFlag('normalize', normalize, ['none', 'imagenet', 'kinetics'] as const);
  const fine = str('fine-tune');
  if (fine !== undefined) {
    if (v.freeze === true) throw new UsageError('--freeze and --fine-tune cannot be used together');
    o.fineTune = choiceFlag('fine-tune', fine, ['last-block'] as const);
    if (backbone.toLowerCase().endsWith('.onnx'))
      throw new UsageError('--fine-tune needs a TF.js backbone (model.json or .safetensors); an ONNX backbone is a frozen extractor');
  }
  const threads = str('threads');
  if (threads !== undefined) o.threads = int('threads', threads, 1);
  const fbs = str('feature-batch-size');
  if (fbs !== undefined) o.featureBatchSize = int('feature-batch-size', fbs, 1);
  const tw = str('train-workers');
  if (tw !== undefined) {
    if (o.fineTune === undefined) throw new UsageError('--train-workers applies to --fine-tune last-block (frozen features train a head on one thread)');
    o.trainWorkers = int('train-workers', tw, 1);
  }
  const te = str('train-engine');
  if (te !== undefined) {
    if (o.fineTune === undefined) throw new UsageError('--train-engine applies to --fine-tune last-block (frozen features train a head on one thread)');
    o.trainEngine = choiceFlag('train-engine', te, ['onnxruntime', 'tfjs'] as const);
  }
  const tt = str('train-threads');
  if (tt !== undefined) {
    if (o.fineTune === undefined) throw new UsageError('--train-threads applies to --fine-tune last-block --train-engine onnxruntime');
    if (o.trainEngine !== 'onnxruntime') throw new UsageError("--train-threads applies to --train-engine onnxruntime (onnxruntime's kernel threads)");
    if ((o.trainWorkers ?? 1) > 1)
      throw new UsageError('--train-threads cannot be used with --train-workers > 1 (it sets the threads of training on one thread)');
    o.trainThreads = int('train-threads', tt, 1);
  }
  const intensity = str('intensity');
  if (intensity !== undefined) o.intensity = intensityFlag(intensity);
  const workers = str('workers');
  if (workers !== undefined) o.workers = int('workers', workers, 0);
  const c1 = str('conv1-stride');
  if (c1 !== undefined) {
    if (!backbone.toLowerCase().endsWith('.safetensors'))
      throw new UsageError('--conv1-stride applies to a .safetensors backbone (a MONAI / MedicalNet 3D ResNet)');
    o.conv1Stride = int('conv1-stride', c1, 1);
  }
  const shape = str('input-shape');
  if (shape !== undefined) o.inputShape = inputShapeFlag(shape);
  return o;
}
