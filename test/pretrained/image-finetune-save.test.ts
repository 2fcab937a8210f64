/**
 * `survkit train --images … --fine-tune last-block --out`: the fine-tuned backbone and head, the preprocessing and the
 * family's baseline are saved, so that `survkit predict --images` in a fresh process (and predictFile / SurvivalModel.load
 * in code) predicts what the trained model predicted; a model folder without its weights, or whose survkit.json does not
 * match its network, is refused with the file named.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SurvivalModel } from '../../src/models/index.js';
import { fineTuneImages } from '../../src/tabular/image-finetune.js';
import { loadFittedImage } from '../../src/tabular/image-items.js';
import { predictFile } from '../../src/tabular/predict.js';
import { Standardizer } from '../../src/data/standardize.js';
import type { TabularModelMeta } from '../../src/tabular/train.js';
import type { SurvivalCurves } from '../../src/estimators/survival-curves.js';
import { repoRoot } from '../fixtures/provenance.js';
import { PRETRAINED } from './grid.js';
import { writeBrightnessCohort } from './brightness-images.js';

const cli = join(repoRoot, 'dist', 'cli', 'main.js');
const env = { ...process.env, SURVKIT_BACKEND: 'wasm' };
const backbone = join(PRETRAINED, 'resnet18.safetensors');
let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'survkit-finetune-save-'));
  // 32 grey 24×24 images: brightness b in [0, 1] plus noise; hazard exp(3 b); a covariate 'age'.
  writeBrightnessCohort(dir, 32, 24, 5);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The curves rows of `survkit predict` output (`time,event,<grid>` or `id,<grid>`): grid and values per row. */
function parseCurves(text: string, lead: number): { times: number[]; rows: number[][] } {
  const lines = text.trim().split('\n');
  const times = (lines[0] as string).split(',').slice(lead).map(Number);
  return { times, rows: lines.slice(1).map((l) => l.split(',').slice(lead).map(Number)) };
}

/** Largest |a − b| over the rows `pick` of `curves` against `rows`. */
function maxDiff(curves: SurvivalCurves, rows: number[][], pick: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < pick.length; i++) {
    const row = rows[pick[i] as number] as number[];
    expect(row).toHaveLength(curves.m);
    for (let k = 0; k < curves.m; k++) worst = Math.max(worst, Math.abs((curves.values[i * curves.m + k] as number) - (row[k] as number)));
  }
  return worst;
}

describe('survkit train --images --fine-tune last-block --out', () => {
  const out = (): string => join(dir, 'ft-model');
  let testRows: Int32Array = new Int32Array(0);
  let testCurves: SurvivalCurves | undefined;

  it('saves the fine-tuned backbone, head, preprocessing and baseline with the mode recorded', async () => {
    const r = await fineTuneImages(
      join(dir, 'manifest.csv'),
      { backbone, normalize: 'imagenet', intensity: 'minmax' },
      { model: 'coxph', durationCol: 'time', eventCol: 'event', epochs: 2, batchSize: 8, seed: 3, backend: 'wasm', out: out() },
    );
    testRows = r.testRows;
    testCurves = r.testCurves;
    expect(r.report.meta.savedTo).toBe(out());
    // the saved model is the trained one: its weights equal the in-process network's
    const loaded = await SurvivalModel.load(out());
    const a = r.model.net.getWeights();
    const b = loaded.net.getWeights();
    expect(b.length).toBe(a.length);
    for (let k = 0; k < a.length; k++) expect(Array.from(b[k]!.dataSync())).toEqual(Array.from(a[k]!.dataSync()));
    r.model.dispose();
    loaded.dispose();
    const saved = JSON.parse(readFileSync(join(out(), 'survkit.json'), 'utf8')) as {
      family: string;
      covariates: TabularModelMeta;
      state: { baseline: unknown };
    };
    expect(saved.family).toBe('coxph');
    expect(saved.state.baseline).not.toBeNull();
    expect(saved.covariates.features).toEqual(['age']);
    expect(saved.covariates.imaging).toMatchObject({
      kind: 'survkit-images',
      mode: 'fine-tune',
      backbone,
      inputShape: [24, 24, 3],
      pool: 'avg',
      normalize: 'imagenet',
      intensity: 'minmax',
      pathCol: 'path',
      featureDim: 16,
    });
    expect(saved.covariates.imaging?.trainableLayers).toContain('resnet2d_layer4_1_conv2');
  }, 180_000);

  it('survkit predict --images in a fresh process gives the in-process test curves (float32 precision)', () => {
    expect(testCurves).toBeDefined();
    const p = spawnSync(process.execPath, [cli, 'predict', '--model', out(), '--images', join(dir, 'manifest.csv')], { encoding: 'utf8', env });
    expect(p.stderr).toBe('');
    expect(p.status).toBe(0);
    const got = parseCurves(p.stdout, 2);
    expect(got.rows).toHaveLength(32);
    expect(got.times).toEqual(Array.from(testCurves!.times));
    const diff = maxDiff(testCurves!, got.rows, testRows);
    expect(diff).toBeLessThanOrEqual(1e-6);
  }, 120_000);

  it('predictFile and SurvivalModel.load + predictSurvival in code give the same curves', async () => {
    const r = await predictFile({ model: out(), images: join(dir, 'manifest.csv') });
    expect(maxDiff(testCurves!, parseCurves(r.csv, 2).rows, testRows)).toBeLessThanOrEqual(1e-6);
    // by hand: the images fitted as recorded, the covariates standardised as recorded
    const model = await SurvivalModel.load(out());
    const meta = model.covariates as unknown as TabularModelMeta;
    const rec = meta.imaging!;
    const rows = Array.from(testRows);
    const per = 24 * 24 * 3;
    const images = new Float32Array(rows.length * per);
    for (const [i, row] of rows.entries())
      images.set(await loadFittedImage('t', join(dir, `img${row}.npy`), rec.inputShape, rec.normalize, rec.intensity), i * per);
    const table = readFileSync(join(dir, 'manifest.csv'), 'utf8').trim().split('\n').slice(1);
    const age = rows.map((row) => Number((table[row] as string).split(',')[3]));
    const std = Standardizer.fromJSON(meta.standardizer).transform(Float64Array.from(age), rows.length);
    const x = [tf.tensor(images, [rows.length, ...rec.inputShape]), tf.tensor2d(Float32Array.from(std), [rows.length, 1])];
    const curves = await model.predictSurvival(x);
    tf.dispose(x);
    model.dispose();
    let worst = 0;
    for (let k = 0; k < curves.values.length; k++) worst = Math.max(worst, Math.abs((curves.values[k] as number) - (testCurves!.values[k] as number)));
    expect(worst).toBeLessThanOrEqual(1e-6);
  }, 120_000);

  it('refuses --backbone, a folder without its weights, and a survkit.json that does not match the network', async () => {
    const p = spawnSync(process.execPath, [cli, 'predict', '--model', out(), '--images', join(dir, 'manifest.csv'), '--backbone', backbone], {
      encoding: 'utf8',
      env,
    });
    expect(p.status).toBe(2);
    expect(p.stderr).toContain('its backbone is saved in the model, so --backbone');
    const noWeights = join(dir, 'no-weights');
    cpSync(out(), noWeights, { recursive: true });
    unlinkSync(join(noWeights, 'weights.bin'));
    await expect(predictFile({ model: noWeights, images: join(dir, 'manifest.csv') })).rejects.toThrow(
      /cannot load a survkit model from ".*no-weights": weights\.bin is missing or unreadable/,
    );
    const edit = (name: string, change: (m: { covariates: TabularModelMeta }) => void): string => {
      const d = join(dir, name);
      cpSync(out(), d, { recursive: true });
      const m = JSON.parse(readFileSync(join(d, 'survkit.json'), 'utf8')) as { covariates: TabularModelMeta };
      change(m);
      writeFileSync(join(d, 'survkit.json'), JSON.stringify(m));
      return d;
    };
    const shape = edit('wrong-shape', (m) => {
      m.covariates.imaging!.inputShape = [32, 32, 3];
    });
    await expect(predictFile({ model: shape, images: join(dir, 'manifest.csv') })).rejects.toThrow(
      /wrong-shape": survkit\.json records a fine-tuned image model fed items of shape \[32,32,3\] but model\.json's network takes \[24, 24, 3\]/,
    );
    const frozen = edit('wrong-mode', (m) => {
      m.covariates.imaging!.mode = 'frozen';
    });
    await expect(predictFile({ model: frozen, images: join(dir, 'manifest.csv') })).rejects.toThrow(
      /wrong-mode": survkit\.json records a frozen-feature image model .* but model\.json's network takes \[24, 24, 3\] and \[1\], not a feature table/,
    );
    const covs = edit('wrong-covariates', (m) => {
      m.covariates.features = [];
    });
    await expect(predictFile({ model: covs, images: join(dir, 'manifest.csv') })).rejects.toThrow(
      /survkit\.json records a fine-tuned image model with 0 covariate input\(s\) \(none\) but model\.json's network takes \[24, 24, 3\] and \[1\]/,
    );
    const cli2 = spawnSync(process.execPath, [cli, 'predict', '--model', noWeights, '--images', join(dir, 'manifest.csv')], { encoding: 'utf8', env });
    expect(cli2.status).toBe(2);
    expect(cli2.stderr).toContain('weights.bin is missing or unreadable');
  }, 120_000);

  it('survkit train --fine-tune --out (built CLI) writes a model survkit predict --images reads', () => {
    const m = join(dir, 'cli-model');
    const args = [cli, 'train', '--model', 'logistichazard', '--images', join(dir, 'manifest.csv'), '--backbone', backbone, '--fine-tune', 'last-block'];
    args.push('--duration-col', 'time', '--epochs', '1', '--batch-size', '8', '--cuts', '4', '--out', m);
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', env });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`saved to     ${m} (fine-tuned backbone and head)`);
    const saved = JSON.parse(readFileSync(join(m, 'survkit.json'), 'utf8')) as {
      family: string;
      covariates: TabularModelMeta;
      state: { labelTransform: { cuts: number[] } };
    };
    expect(saved.family).toBe('logistichazard');
    expect(saved.covariates.imaging?.mode).toBe('fine-tune');
    expect(saved.state.labelTransform.cuts).toHaveLength(4);
    writeFileSync(join(dir, 'new.csv'), 'path,age\nimg0.npy,51\nimg1.npy,52\n');
    const p = spawnSync(process.execPath, [cli, 'predict', '--model', m, '--images', join(dir, 'new.csv')], { encoding: 'utf8', env });
    expect(p.stderr).toBe('');
    expect(p.status).toBe(0);
    const got = parseCurves(p.stdout, 1);
    expect(got.times).toEqual(saved.state.labelTransform.cuts);
    expect(got.rows).toHaveLength(2);
    const again = spawnSync(process.execPath, args, { encoding: 'utf8', env });
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('it already holds a survkit model; use --force to replace it');
  }, 240_000);
});
