/**
 * Loading corrupt or mismatched model folders: each gives one SurvkitError that names the
 * folder and the file, leaves no tensor behind, and a folder whose network belongs to
 * another family is refused (naming both).
 */
import * as tf from '@tensorflow/tfjs';
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, appendFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { SurvkitError } from '../../src/core/errors.js';
import { CoxCC, CoxPH, DeepHit, LogisticHazard, SurvivalModel } from '../../src/models/index.js';
import { synthetic } from './synthetic.js';

const root = mkdtempSync(join(tmpdir(), 'survkit-load-corrupt-'));
const dirs: Record<string, string> = {};

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  const data = synthetic(60, 4, 3);
  const labels = { time: data.time, event: data.event };
  const x = data.x;
  const models: [string, SurvivalModel][] = [
    ['coxph', new CoxPH({ inputDim: 4, hidden: [6], seed: 1 })],
    ['coxcc', new CoxCC({ inputDim: 4, hidden: [6], seed: 1 })],
    ['deephit', new DeepHit({ inputDim: 4, hidden: [6], cuts: 10, seed: 1 })],
    ['logistichazard', new LogisticHazard({ inputDim: 4, hidden: [6], cuts: 10, seed: 1 })],
    ['deephit5', new DeepHit({ inputDim: 4, hidden: [6], cuts: 5, seed: 1 })],
  ];
  for (const [name, m] of models) {
    await m.fit(x, labels, { epochs: 1, batchSize: 30, seed: 1, verbose: false });
    dirs[name] = join(root, name);
    await m.save(dirs[name]);
    m.dispose();
  }
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

let k = 0;
/** A copy of a saved folder with `edit` applied. */
function variant(from: string, edit: (dir: string) => void): string {
  const dir = join(root, `v${k++}`);
  cpSync(dirs[from]!, dir, { recursive: true });
  edit(dir);
  return dir;
}
const editJson = (file: string, f: (j: Record<string, unknown>) => unknown) => (dir: string) => {
  const p = join(dir, file);
  writeFileSync(p, JSON.stringify(f(JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>)));
};
/** `edit`, then the fingerprints dropped from survkit.json (as in files from before they were written), so the network is built. */
const unprinted = (edit: (dir: string) => void) => (dir: string) => {
  edit(dir);
  editJson('survkit.json', (j) => ({ ...j, network: undefined }))(dir);
};
const manifest = (j: Record<string, unknown>) => (j.weightsManifest as { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[])[0]!;
const size = (dir: string) => readFileSync(join(dir, 'weights.bin')).byteLength;

async function expectRefused(dir: string, file: RegExp): Promise<string> {
  const before = tf.memory().numTensors;
  let err: unknown;
  try {
    (await SurvivalModel.load(dir)).dispose();
  } catch (e) {
    err = e;
  }
  expect(err, dir).toBeInstanceOf(SurvkitError);
  const msg = (err as Error).message;
  expect(msg.split('\n').length).toBe(1);
  expect(msg).toContain(JSON.stringify(dir));
  expect(msg).toMatch(file);
  expect(tf.memory().numTensors, msg).toBe(before);
  return msg;
}

describe('corrupt model folders', () => {
  const cases: [string, string, (dir: string) => void, RegExp][] = [
    ['truncated weights.bin', 'coxph', (d) => truncateSync(join(d, 'weights.bin'), Math.floor(size(d) / 2)), /weights\.bin has \d+ bytes .*truncated/],
    ['empty weights.bin', 'coxph', (d) => truncateSync(join(d, 'weights.bin'), 0), /weights\.bin has 0 bytes/],
    ['one byte short', 'deephit', (d) => truncateSync(join(d, 'weights.bin'), size(d) - 1), /weights\.bin has \d+ bytes/],
    ['extra bytes after the weights', 'coxph', (d) => appendFileSync(join(d, 'weights.bin'), Buffer.alloc(8)), /extra bytes after the weights/],
    ['missing weights.bin', 'coxph', (d) => unlinkSync(join(d, 'weights.bin')), /weights\.bin is missing/],
    ['missing model.json', 'coxph', (d) => unlinkSync(join(d, 'model.json')), /model\.json is missing/],
    ['model.json is null', 'coxph', (d) => writeFileSync(join(d, 'model.json'), 'null'), /model\.json is not a TF\.js model/],
    ['model.json is []', 'coxph', (d) => writeFileSync(join(d, 'model.json'), '[]'), /model\.json is not a TF\.js model/],
    ['model.json lacks the topology', 'coxph', editJson('model.json', (j) => ({ ...j, modelTopology: undefined })), /model\.json has no 'modelTopology'/],
    ['no weights manifest', 'coxph', editJson('model.json', (j) => ({ ...j, weightsManifest: undefined })), /model\.json has no 'weightsManifest'/],
    [
      'int32 dtype',
      'coxph',
      editJson('model.json', (j) => (manifest(j).weights.forEach((w) => (w.dtype = 'int32')), j)),
      /model\.json weight .* has dtype "int32"/,
    ],
    [
      'wrong shape (same byte count)',
      'coxph',
      unprinted(editJson('model.json', (j) => ((manifest(j).weights[0]!.shape = [...manifest(j).weights[0]!.shape].reverse()), j))),
      /model\.json (declares weight .* with shape|does not describe a TF\.js network)/,
    ],
    ['absurd declared size', 'coxph', editJson('model.json', (j) => ((manifest(j).weights[0]!.shape = [1e6, 1e6]), j)), /declares more than \d+ bytes/],
    [
      'manifest path outside the folder',
      'coxph',
      editJson('model.json', (j) => ((manifest(j).paths = ['../coxcc/weights.bin']), j)),
      /names the path "\.\.\/coxcc\/weights\.bin"/,
    ],
    ['absolute manifest path', 'coxph', editJson('model.json', (j) => ((manifest(j).paths = ['/etc/passwd']), j)), /names the path "\/etc\/passwd"/],
    [
      'unknown layer',
      'coxph',
      unprinted(
        editJson('model.json', (j) => {
          const layers = (j.modelTopology as { config: { layers: { class_name: string }[] } }).config.layers;
          layers[1]!.class_name = 'NoSuchLayer';
          return j;
        }),
      ),
      /model\.json (declares weight .* with shape|does not describe a TF\.js network)/,
    ],
    ['survkit.json without state', 'coxph', editJson('survkit.json', (j) => ({ ...j, state: undefined })), /survkit\.json has no 'state'/],
    ['survkit.json is null', 'coxph', (d) => writeFileSync(join(d, 'survkit.json'), 'null'), /survkit\.json is not a survkit model file/],
    [
      'deephit state without causes',
      'deephit',
      editJson('survkit.json', (j) => ({ ...j, state: { ...(j.state as object), causes: undefined } })),
      /survkit\.json of this DeepHit model is not one survkit wrote: 'state\.causes' must be a finite integer ≥ 1; got undefined/,
    ],
  ];
  it.each(cases)('%s', async (_, from, edit, file) => {
    await expectRefused(variant(from, edit), file);
  });
});

describe('a network that belongs to another family', () => {
  const swap = (net: string, meta: string) => variant(net, (d) => cpSync(join(dirs[meta]!, 'survkit.json'), join(d, 'survkit.json')));
  it('CoxPH network with DeepHit survkit.json', async () => {
    const msg = await expectRefused(swap('coxph', 'deephit'), /survkit\.json/);
    expect(msg).toMatch(/deephit/i);
  });
  it.each([
    ['deephit', 'logistichazard'],
    ['logistichazard', 'deephit'],
    ['coxph', 'coxcc'],
    ['coxcc', 'coxph'],
    ['deephit', 'deephit5'],
  ])('%s network with %s survkit.json', async (net, meta) => {
    await expectRefused(swap(net, meta), /survkit\.json was written for another network|survkit\.json/);
  });
  it('without fingerprints (older files) the structural checks still name both', async () => {
    const dh = variant(
      'coxph',
      unprinted((d) => cpSync(join(dirs.deephit!, 'survkit.json'), join(d, 'survkit.json'))),
    );
    expect(await expectRefused(dh, /survkit\.json/)).toMatch(/survkit>DiscreteHead.*survkit>CoxHead|deephit.*CoxHead/);
    const cuts = variant(
      'deephit',
      unprinted((d) => cpSync(join(dirs.deephit5!, 'survkit.json'), join(d, 'survkit.json'))),
    );
    expect(await expectRefused(cuts, /survkit\.json/)).toMatch(/5 cuts × 1 cause\(s\) = 5 outputs but model\.json's network has 10/);
  });
  it('an intact folder still loads', async () => {
    const m = await SurvivalModel.load(dirs.deephit!);
    expect(m.family).toBe('deephit');
    m.dispose();
  });
});
