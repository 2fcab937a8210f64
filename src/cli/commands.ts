/**
 * The `survkit` commands that load TensorFlow.js — train, predict, info —
 * each with its own flags. main.ts imports this module only when one of them
 * is run, so `survkit evaluate` never loads TF.js.
 */
import type { ParseArgsConfig } from 'node:util';
import { formatJsonValue } from './format.js';
import { INFO_HELP, PREDICT_HELP, TRAIN_HELP } from './help.js';
import { formatInfo, info } from './info.js';
import { predictFile, type PredictOptions } from '../tabular/predict.js';
import { trainFile } from '../tabular/train.js';
import { imageTrainOptions, TRAIN_FLAGS, trainOptions } from './train-args.js';
import { formatFineTuneTable, formatImageTrainTable, formatTrainJson, formatTrainTable } from './train-format.js';
import { trainImagesFile } from '../tabular/image-train.js';
import { fineTuneImagesFile } from '../tabular/image-finetune.js';
import { choiceFlag, csvFlags, numberFlag, parseFlags, reportError, UsageError, type CliIo } from './usage.js';

/** The commands this module runs. */
export type AsyncCommand = 'train' | 'predict' | 'info';

const PREDICT_FLAGS = {
  model: { type: 'string' },
  data: { type: 'string' },
  out: { type: 'string' },
  'duration-col': { type: 'string' },
  'event-col': { type: 'string' },
  'id-col': { type: 'string' },
  interpolation: { type: 'string' },
  times: { type: 'string' },
  output: { type: 'string' },
  tau: { type: 'string' },
  strict: { type: 'boolean' },
  delimiter: { type: 'string' },
  decimal: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  images: { type: 'string' },
  backbone: { type: 'string' },
  'cache-dir': { type: 'string' },
  workers: { type: 'string' },
} as const;

const INFO_FLAGS = { format: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

function parse(command: string, args: readonly string[], options: NonNullable<ParseArgsConfig['options']>): Record<string, string | boolean | undefined> {
  const r = parseFlags(args, options);
  if (r.positionals.length > 0) throw new UsageError(`${command} takes no positional arguments; got ${r.positionals.map((p) => JSON.stringify(p)).join(', ')}`);
  return r.values;
}

async function train(args: readonly string[], io: CliIo): Promise<number> {
  const v = parse('train', args, TRAIN_FLAGS);
  if (v.help === true) {
    io.stdout(TRAIN_HELP);
    return 0;
  }
  const { data, options, format } = trainOptions(v);
  const imaging = imageTrainOptions(v);
  if (imaging?.fineTune !== undefined) {
    const { report } = await fineTuneImagesFile(data, imaging, { verbose: 'auto', ...options });
    io.stdout(format === 'json' ? formatJsonValue(report) : formatFineTuneTable(report));
    return 0;
  }
  if (imaging !== undefined) {
    const { report } = await trainImagesFile(data, imaging, { verbose: 'auto', ...options });
    io.stdout(format === 'json' ? formatTrainJson(report) : formatImageTrainTable(report));
    return 0;
  }
  const targets = { ...(typeof v.report === 'string' ? { report: v.report } : {}), ...(typeof v.figures === 'string' ? { figures: v.figures } : {}) };
  const wanted = Object.keys(targets).length > 0;
  // the JSON carries the figure data, so that survkit report can draw it later
  const report = await trainFile(data, { verbose: 'auto', ...options, ...(wanted || format === 'json' ? { figures: true } : {}) });
  io.stdout(format === 'json' ? formatTrainJson(report) : formatTrainTable(report));
  if (wanted) {
    const { writeReportFiles } = await import('./report-cmd.js');
    for (const line of await writeReportFiles(report, targets)) io.stderr(`${line}\n`);
  }
  return 0;
}

async function predict(args: readonly string[], io: CliIo): Promise<number> {
  const v = parse('predict', args, PREDICT_FLAGS);
  if (v.help === true) {
    io.stdout(PREDICT_HELP);
    return 0;
  }
  const str = (k: string): string | undefined => (typeof v[k] === 'string' ? v[k] : undefined);
  const model = str('model');
  const data = str('data');
  const images = str('images');
  if (model === undefined) throw new UsageError('predict needs --model <model-dir> (written by survkit train --out)');
  if (data !== undefined && images !== undefined)
    throw new UsageError('--images and --data cannot be used together (--images for a model trained with survkit train --images)');
  if (data === undefined && images === undefined) throw new UsageError('predict needs --data <file.csv>');
  const imagingFlags = (['backbone', 'cache-dir', 'workers'] as const).filter((k) => v[k] !== undefined);
  if (images === undefined && imagingFlags.length > 0) throw new UsageError(`--${imagingFlags[0]} applies to --images <manifest.csv>`);
  const o: PredictOptions = { model, ...(data === undefined ? {} : { data }), ...(images === undefined ? {} : { images }) };
  const backbone = str('backbone');
  if (backbone !== undefined) o.backbone = backbone;
  const cacheDir = str('cache-dir');
  if (cacheDir !== undefined) o.cacheDir = cacheDir;
  const workers = str('workers');
  if (workers !== undefined) o.workers = numberFlag('workers', workers, 'an integer >= 0', (x) => Number.isInteger(x) && x >= 0);
  const out = str('out');
  if (out !== undefined) o.out = out;
  const dc = str('duration-col');
  if (dc !== undefined) o.durationCol = dc;
  const ec = str('event-col');
  if (ec !== undefined) o.eventCol = ec;
  const id = str('id-col');
  if (id !== undefined) o.idCol = id;
  const interp = str('interpolation');
  if (interp !== undefined) o.interpolation = numberFlag('interpolation', interp, 'an integer >= 1', (x) => Number.isInteger(x) && x >= 1);
  const times = str('times');
  if (times !== undefined) {
    const list = times.split(',').map((t) => numberFlag('times', t.trim(), 'a comma-separated list of times >= 0', (x) => x >= 0));
    for (let k = 1; k < list.length; k++) {
      if (!((list[k] as number) > (list[k - 1] as number))) throw new UsageError(`--times must be strictly ascending; got ${JSON.stringify(times)}`);
    }
    o.times = list;
  }
  const output = str('output');
  if (output !== undefined) o.output = choiceFlag('output', output, ['curves', 'survival', 'risk', 'median', 'rmst'] as const);
  if (o.times !== undefined && o.output !== undefined && o.output !== 'curves' && o.output !== 'survival') {
    throw new UsageError(`--times gives the times of --output survival; use --tau for --output ${o.output}`);
  }
  const tau = str('tau');
  if (tau !== undefined) {
    if (o.output !== 'rmst' && o.output !== 'risk') throw new UsageError('--tau applies to --output rmst and --output risk');
    o.tau = numberFlag('tau', tau, 'a time > 0', (x) => x > 0);
  }
  if (v.strict === true) o.strict = true;
  const csv = csvFlags(str('delimiter'), str('decimal'));
  if (Object.keys(csv).length > 0) o.csv = csv;
  const r = await predictFile(o);
  for (const w of r.warnings) io.stderr(`warning: ${w}\n`);
  const what =
    r.output === 'curves' || r.output === 'survival'
      ? `${r.n} survival curves on ${r.m} times (${r.format === 'curves' ? 'time,event,<times>: readable by survkit evaluate' : 'id,<times>'})`
      : `${r.n} rows of ${r.output}`;
  if (out === undefined) io.stdout(r.csv);
  else io.stdout(`wrote ${what} to ${out}\n`);
  return 0;
}

async function infoCommand(args: readonly string[], io: CliIo, version: string): Promise<number> {
  const v = parse('info', args, INFO_FLAGS);
  if (v.help === true) {
    io.stdout(INFO_HELP);
    return 0;
  }
  const format = choiceFlag('format', typeof v.format === 'string' ? v.format : 'table', ['table', 'json'] as const);
  const r = await info(version);
  io.stdout(format === 'json' ? formatJsonValue(r) : formatInfo(r));
  return 0;
}

/**
 * Runs `survkit train|predict|info <args>`.
 *
 * @returns the exit code: 0 ok, 2 bad input or usage (one line on stderr), 1 unexpected error
 */
export async function runAsyncCommand(command: AsyncCommand, args: readonly string[], io: CliIo, version: string): Promise<number> {
  try {
    if (command === 'train') return await train(args, io);
    if (command === 'predict') return await predict(args, io);
    return await infoCommand(args, io, version);
  } catch (err) {
    return reportError(err, io);
  }
}
