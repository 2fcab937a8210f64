/**
 * `survkit predict --images`: a model trained by `survkit train --images … --out` records its backbone (file,
 * SHA-256, fingerprint, architecture, input shape, normalisation and intensity settings), so that predict
 * extracts the same features from a manifest; a moved or changed backbone is an error naming the file.
 * Also: the imaging CLI flags (--intensity, --workers, --input-shape) and a video as the first manifest row.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageTrainOptions, intensityFlag } from '../../src/cli/train-args.js';
import { UsageError } from '../../src/cli/usage.js';
import { messages } from '../../src/core/messages.js';
import { Random } from '../../src/core/random.js';
import { Standardizer } from '../../src/data/standardize.js';
import { torchBackbone } from '../../src/backbones/torch-weights.js';
import { loadFittedImage } from '../../src/tabular/image-items.js';
import { imageFeatureTable, trainImagesFile } from '../../src/tabular/image-train.js';
import { predictFile } from '../../src/tabular/predict.js';
import { trainFile, type TabularModelMeta } from '../../src/tabular/train.js';
import { SurvivalModel } from '../../src/models/index.js';
import { repoRoot } from '../fixtures/provenance.js';
import { PRETRAINED } from './grid.js';
import { npy, writeBrightnessCohort } from './brightness-images.js';

let dir = '';
const train = { model: 'coxph' as const, durationCol: 'time', eventCol: 'event', epochs: 3, seed: 1, backend: 'wasm' as const };
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'survkit-image-predict-'));
  writeBrightnessCohort(dir, 40, 48, 11);
  // new subjects: no outcome columns
  writeFileSync(join(dir, 'new.csv'), `path,age\n${[0, 1, 2, 3, 4].map((i) => `img${i}.npy,${50 + i}`).join('\n')}\n`);
  copyFileSync(join(PRETRAINED, 'resnet18.safetensors'), join(dir, 'backbone.safetensors'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('survkit predict --images', () => {
  it('predicts from a manifest with the recorded backbone: the curves of the model on the same features', async () => {
    const out = join(dir, 'model');
    const backbone = join(dir, 'backbone.safetensors');
    await trainImagesFile(join(dir, 'manifest.csv'), { backbone, normalize: 'imagenet', cacheDir: join(dir, 'c1'), workers: 0 }, { ...train, out });
    const saved = JSON.parse(readFileSync(join(out, 'survkit.json'), 'utf8')) as { covariates: TabularModelMeta };
    const rec = saved.covariates.imaging;
    expect(rec).toMatchObject({ kind: 'survkit-images', backbone, arch: null, inputShape: [48, 48, 3], pool: 'avg', normalize: 'imagenet' });
    expect(rec?.intensity).toBe('none');
    expect(rec?.fileSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(rec?.featureDim).toBe(16);

    const r = await predictFile({ model: out, images: join(dir, 'new.csv'), cacheDir: join(dir, 'c2'), workers: 0 });
    expect(r.format).toBe('id');
    expect(r.n).toBe(5);
    const again = await predictFile({ model: out, images: join(dir, 'new.csv'), cacheDir: join(dir, 'c2'), workers: 0 });
    expect(again.csv).toBe(r.csv); // from the cache

    // The same curves by hand: the backbone on the fitted images, global average, then the model on [features, age].
    const net = await torchBackbone(backbone, { inputShape: [48, 48, 3] });
    const model = await SurvivalModel.load(out);
    const imgs = await Promise.all([0, 1, 2, 3, 4].map((i) => loadFittedImage('t', join(dir, `img${i}.npy`), [48, 48, 3], 'imagenet')));
    const x = tf.tensor4d(Float32Array.from(imgs.flatMap((a) => Array.from(a))), [5, 48, 48, 3]);
    const f = tf.tidy(() => (net.predict(x) as tf.Tensor).mean([1, 2]));
    const feats = (await f.data()) as Float32Array;
    const raw = Float64Array.from({ length: 5 * 17 }, (_, k) =>
      k % 17 < 16 ? (feats[Math.floor(k / 17) * 16 + (k % 17)] as number) : 50 + Math.floor(k / 17),
    );
    const std = Standardizer.fromJSON((model.covariates as unknown as TabularModelMeta).standardizer);
    const xt = tf.tensor2d(std.transform(raw, 5), [5, 17]);
    const curves = await model.predictSurvival(xt);
    const lines = r.csv.trim().split('\n');
    for (let i = 0; i < 5; i++) {
      const cells = (lines[i + 1] as string).split(',').slice(1).map(Number);
      const want = Array.from(curves.values.subarray(i * curves.m, (i + 1) * curves.m));
      expect(Math.max(...cells.map((v, k) => Math.abs(v - (want[k] as number))))).toBeLessThan(1e-5);
    }
    tf.dispose([x, f, xt]);
    net.dispose();
    model.dispose();
  }, 120_000);

  it('a moved or changed backbone is an error naming the file and what to do; --backbone points at the moved file', async () => {
    const out = join(dir, 'model2');
    const backbone = join(dir, 'b2.safetensors');
    copyFileSync(join(PRETRAINED, 'resnet18.safetensors'), backbone);
    await trainImagesFile(join(dir, 'manifest.csv'), { backbone, cacheDir: join(dir, 'c3'), workers: 0 }, { ...train, out });
    const opts = { model: out, images: join(dir, 'new.csv'), cacheDir: join(dir, 'c4'), workers: 0 };
    const moved = join(dir, 'moved.safetensors');
    copyFileSync(backbone, moved);
    unlinkSync(backbone);
    await expect(predictFile(opts)).rejects.toThrow(messages.imageBackboneMoved('survkit predict', out, backbone));
    const ok = await predictFile({ ...opts, backbone: moved });
    expect(ok.n).toBe(5);
    // another file at the recorded path (a resnet34 state dict): its SHA-256 differs
    copyFileSync(join(PRETRAINED, 'resnet34.safetensors'), backbone);
    await expect(predictFile(opts)).rejects.toThrow(
      /is not the one the model .*model2 was trained with \(fingerprint [0-9a-f]{24}… recorded, [0-9a-f]{24}… now\)/,
    );
    await expect(predictFile(opts)).rejects.toThrow(/b2\.safetensors/);
  }, 120_000);

  it('a table model with --images, and an image model with --data, are errors saying which to use', async () => {
    const csv = join(dir, 'table.csv');
    const rng = new Random(3);
    writeFileSync(csv, `x,time,event\n${Array.from({ length: 30 }, () => `${rng.next()},${rng.next() + 0.1},${rng.next() < 0.7 ? 1 : 0}`).join('\n')}\n`);
    const tableModel = join(dir, 'table-model');
    await trainFile(csv, { ...train, out: tableModel });
    await expect(predictFile({ model: tableModel, images: join(dir, 'new.csv') })).rejects.toThrow(
      messages.imageModelMode('survkit predict', tableModel, 'was trained on a table (survkit train --data), not on images; predict with --data <file.csv>'),
    );
    await expect(predictFile({ model: join(dir, 'model'), data: csv })).rejects.toThrow(
      /was trained on image features .* predict with --images <manifest.csv>/,
    );
  }, 60_000);
});

describe('a video as the first manifest row', () => {
  const clip = (name: string, seed: number): string => {
    const rng = new Random(seed);
    const raw = new Uint8Array(6 * 24 * 24 * 3);
    for (let i = 0; i < raw.length; i++) raw[i] = rng.int(256);
    writeFileSync(join(dir, `${name}.raw`), raw);
    const r = spawnSync(ffmpeg.path, [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-s',
      '24x24',
      '-r',
      '25',
      '-i',
      join(dir, `${name}.raw`),
      '-c:v',
      'ffv1',
      join(dir, `${name}.mkv`),
    ]);
    if (r.status !== 0) throw new Error(String(r.stderr));
    return `${name}.mkv`;
  };

  it('with a safetensors backbone needs --input-shape (a clear error), and with it extracts the features', async () => {
    const rows = ['path,time,event', `${clip('v0', 1)},1,1`, `${clip('v1', 2)},2,0`, `${clip('v2', 3)},3,1`];
    writeFileSync(join(dir, 'videos.csv'), `${rows.join('\n')}\n`);
    const img = { backbone: join(PRETRAINED, 'r3d_18.safetensors'), cacheDir: join(dir, 'cv'), workers: 0, normalize: 'kinetics' as const };
    await expect(imageFeatureTable('survkit train --images', join(dir, 'videos.csv'), img, {})).rejects.toThrow(
      messages.imageInputShape('survkit train --images', join(dir, 'videos.csv'), join(dir, 'v0.mkv')),
    );
    const { table, record } = await imageFeatureTable('survkit train --images', join(dir, 'videos.csv'), { ...img, inputShape: [4, 32, 32] }, {});
    expect(record.inputShape).toEqual([4, 32, 32, 3]);
    expect(table.header.slice(0, 16)).toEqual(Array.from({ length: 16 }, (_, k) => `feature_${k}`));
    expect(table.rows).toHaveLength(3);
    expect(table.rows.every((r) => r.slice(0, 16).every((v) => Number.isFinite(Number(v))))).toBe(true);
  }, 120_000);
});

describe('a MedicalNet 3D ResNet backbone on grey volumes', () => {
  it("feeds one channel (the weights take 1) at the volumes' size", async () => {
    const rng = new Random(5);
    const rows = ['path,time,event'];
    for (let i = 0; i < 3; i++) {
      const v = Float32Array.from({ length: 16 * 24 * 24 }, () => rng.next());
      writeFileSync(join(dir, `vol${i}.npy`), npy(v, [16, 24, 24, 1]));
      rows.push(`vol${i}.npy,${i + 1},1`);
    }
    writeFileSync(join(dir, 'volumes.csv'), `${rows.join('\n')}\n`);
    const backbone = join(PRETRAINED, 'monai_medicalnet_resnet10.safetensors');
    const { table, record } = await imageFeatureTable('t', join(dir, 'volumes.csv'), { backbone, cacheDir: join(dir, 'cvol'), workers: 0 }, {});
    expect(record.inputShape).toEqual([16, 24, 24, 1]);
    expect(table.rows).toHaveLength(3);
    // the first volume's features = the network's layer4 map (1×1×1 here) on the volume as read
    const net = await torchBackbone(backbone, { inputShape: [16, 24, 24, 1] });
    const first = await loadFittedImage('t', join(dir, 'vol0.npy'), [16, 24, 24, 1], 'none');
    const x = tf.tensor5d(first, [1, 16, 24, 24, 1]);
    const y = net.predict(x) as tf.Tensor;
    const want = Array.from(await y.data());
    const got = (table.rows[0] as string[]).slice(0, 16).map(Number);
    expect(Math.max(...got.map((v, k) => Math.abs(v - (want[k] as number))))).toBeLessThan(1e-6);
    // the stem stride the weights do not record: given, it is used and recorded for predict
    const s1 = await imageFeatureTable('t', join(dir, 'volumes.csv'), { backbone, conv1Stride: 1, cacheDir: join(dir, 'cvol1'), workers: 0 }, {});
    expect(s1.record.conv1Stride).toBe(1);
    expect(record.conv1Stride).toBeNull();
    const net1 = await torchBackbone(backbone, { inputShape: [16, 24, 24, 1], conv1Stride: 1 });
    const y1 = tf.tidy(() => (net1.predict(x) as tf.Tensor).mean([1, 2, 3]));
    const want1 = Array.from(await y1.data());
    const got1 = (s1.table.rows[0] as string[]).slice(0, 16).map(Number);
    expect(Math.max(...got1.map((v, k) => Math.abs(v - (want1[k] as number))))).toBeLessThan(1e-6);
    expect(Math.max(...got1.map((v, k) => Math.abs(v - (got[k] as number))))).toBeGreaterThan(1e-3); // another network
    tf.dispose([x, y, y1]);
    net.dispose();
    net1.dispose();
  }, 60_000);
});

describe('imaging CLI flags', () => {
  it('parses --intensity, --workers and --input-shape, and rejects bad values', () => {
    const v = { images: 'm.csv', backbone: 'w.safetensors', intensity: 'window:40,400', workers: '0', 'input-shape': '16,112,112' } as const;
    expect(imageTrainOptions(v)).toEqual({
      backbone: 'w.safetensors',
      intensity: { window: { center: 40, width: 400 } },
      workers: 0,
      inputShape: [16, 112, 112],
    });
    expect(intensityFlag('zscore')).toBe('zscore');
    expect(intensityFlag('minmax')).toBe('minmax');
    expect(() => intensityFlag('window:40')).toThrow(UsageError);
    expect(() => intensityFlag('window:40,0')).toThrow('--intensity must be none, zscore, minmax or window:C,W');
    expect(() => imageTrainOptions({ ...v, workers: '-1' })).toThrow('--workers must be an integer >= 0');
    expect(() => imageTrainOptions({ ...v, 'input-shape': '16,112', workers: '1.5' })).toThrow(UsageError);
    expect(() => imageTrainOptions({ ...v, 'input-shape': '0,112,112' })).toThrow('--input-shape must be H,W or T,H,W');
    expect(() => imageTrainOptions({ intensity: 'zscore' })).toThrow('--intensity applies to --images <manifest.csv>');
    expect(imageTrainOptions({ images: 'm.csv', backbone: 'w.safetensors', arch: 'resnet3d_10', 'conv1-stride': '2' })).toEqual({
      backbone: 'w.safetensors',
      arch: 'resnet3d_10',
      conv1Stride: 2,
    });
    expect(() => imageTrainOptions({ images: 'm.csv', backbone: 'w.onnx', 'conv1-stride': '2' })).toThrow('--conv1-stride applies to a .safetensors backbone');
  });

  it('survkit train --images --intensity --workers --out, then survkit predict --images (built CLI)', () => {
    const cli = join(repoRoot, 'dist', 'cli', 'main.js');
    const env = { ...process.env, SURVKIT_BACKEND: 'wasm' };
    const out = join(dir, 'cli-model');
    const args = [cli, 'train', '--model', 'coxph', '--images', join(dir, 'manifest.csv'), '--backbone', join(dir, 'backbone.safetensors')];
    args.push('--duration-col', 'time', '--epochs', '2', '--cache-dir', join(dir, 'cli-cache'), '--intensity', 'window:0.5,1', '--workers', '1', '--out', out);
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', env });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const saved = JSON.parse(readFileSync(join(out, 'survkit.json'), 'utf8')) as { covariates: TabularModelMeta };
    expect(saved.covariates.imaging?.intensity).toEqual({ window: { center: 0.5, width: 1 } });
    const p = spawnSync(process.execPath, [cli, 'predict', '--model', out, '--images', join(dir, 'new.csv'), '--workers', '0'], { encoding: 'utf8', env });
    expect(p.stderr).toBe('');
    expect(p.status).toBe(0);
    expect(p.stdout.split('\n')[0]).toMatch(/^id,/);
    expect(p.stdout.trim().split('\n')).toHaveLength(6);
    const help = spawnSync(process.execPath, [cli, 'train', '--help'], { encoding: 'utf8' });
    expect(help.stdout).toContain('--intensity <i>');
    expect(help.stdout).toContain('--workers <N>');
    expect(help.stdout).toContain('--input-shape <s>');
    const bad = spawnSync(process.execPath, [cli, 'predict', '--model', out, '--data', 'x.csv', '--images', 'y.csv'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--images and --data cannot be used together');
  }, 180_000);
});
