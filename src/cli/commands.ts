/**
 * The `survkit` commands that load TensorFlow.js — train, predict, info —
 * each with its own flags. main.ts imports this module only when one of them
 * is run, so `survkit evaluate` never loads TF.js.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { formatJsonValue } from './format.js';
import { INFO_HELP, PREDICT_HELP, TRAIN_HELP } from './help.js';
import { formatInfo, info } from './info.js';
import { predictFile, type PredictOptions } from '../tabular/predict.js';
import { trainFile } from '../tabular/train.js';
import { TRAIN_FLAGS, trainOptions } from './train-args.js';
import { formatTrainJson, formatTrainTable } from './train-format.js';
import { choiceFlag, numberFlag, reportError, UsageError, type CliIo } from './usage.js';

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
  help: { type: 'boolean', short: 'h' },
} as const;

const INFO_FLAGS = { format: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

function parse(command: string, args: readonly string[], options: NonNullable<ParseArgsConfig['options']>): Record<string, string | boolean | undefined> {
  try {
    const r = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    if (r.positionals.length > 0)
      throw new UsageError(`${command} takes no positional arguments; got ${r.positionals.map((p) => JSON.stringify(p)).join(', ')}`);
    return r.values as Record<string, string | boolean | undefined>;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError((err as Error).message);
  }
}

async function train(args: readonly string[], io: CliIo): Promise<number> {
  const v = parse('train', args, TRAIN_FLAGS);
  if (v.help === true) {
    io.stdout(TRAIN_HELP);
    return 0;
  }
  const { data, options, format } = trainOptions(v);
  const report = await trainFile(data, { verbose: 'auto', ...options });
  io.stdout(format === 'json' ? formatTrainJson(report) : formatTrainTable(report));
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
  if (model === undefined) throw new UsageError('predict needs --model <model-dir> (written by survkit train --out)');
  if (data === undefined) throw new UsageError('predict needs --data <file.csv>');
  const o: PredictOptions = { model, data };
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
  const r = await predictFile(o);
  if (out === undefined) io.stdout(r.csv);
  else
    io.stdout(
      `wrote ${r.n} survival curves on ${r.m} times (${r.format === 'curves' ? 'time,event,<times>: readable by survkit evaluate' : 'id,<times>'}) to ${out}\n`,
    );
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
