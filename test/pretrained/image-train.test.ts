import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageTrainOptions, trainOptions } from '../../src/cli/train-args.js';
import { UsageError } from '../../src/cli/usage.js';
import { parseNpy } from '../../src/tabular/image-items.js';
import { trainImagesFile } from '../../src/tabular/image-train.js';
import { fineTuneImagesFile } from '../../src/tabular/image-finetune.js';
import { repoRoot } from '../fixtures/provenance.js';
import { PRETRAINED } from './grid.js';
import { npy, writeBrightnessCohort } from './brightness-images.js';

let ortPresent = true;
try {
  await import('onnxruntime-node');
} catch {
  ortPresent = false;
}

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'survkit-images-'));
  // 60 grey 64×64 images: brightness b in [0, 1] plus noise; hazard exp(3 b); a covariate 'age' unrelated.
  writeBrightnessCohort(dir, 60, 64, 7);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('survkit train --images', () => {
  it('reads .npy arrays (closed-form header) and rejects other files with the file named', () => {
    const a = parseNpy('t', 'a.npy', npy(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]));
    expect(a.shape).toEqual([2, 3, 1]);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => parseNpy('t', 'b.npy', Buffer.from('hello world'))).toThrow(/^t: b.npy: is not a NumPy .npy file/);
  });

  it.each([['safetensors', 'resnet18.safetensors'], ...(ortPresent ? [['onnx', 'resnet18.onnx']] : [])])(
    'trains a head on cached %s features fused with the covariates, and reuses the cache',
    async (_kind, file) => {
      const cacheDir = join(dir, `cache-${file}`);
      const opts = { backbone: join(PRETRAINED, file), cacheDir, normalize: 'imagenet' as const, featureBatchSize: 8 };
      const train = { model: 'coxph' as const, durationCol: 'time', eventCol: 'event', epochs: 5, seed: 1, backend: 'wasm' as const };
      const first = await trainImagesFile(join(dir, 'manifest.csv'), opts, train);
      expect(first.report.imaging.featureDim).toBe(16);
      expect(first.report.imaging.images).toBe(60);
      expect(first.report.imaging.computedShards).toBe(1);
      expect(first.report.meta.covariateColumns).toContain('age');
      expect(first.report.meta.covariateColumns).toContain('feature_15');
      expect(first.report.meta.features.length).toBe(17);
      const again = await trainImagesFile(join(dir, 'manifest.csv'), opts, train);
      expect([again.report.imaging.reusedShards, again.report.imaging.computedShards]).toEqual([1, 0]);
      expect(again.report.concordanceTd).toEqual(first.report.concordanceTd);
    },
    120_000,
  );

  it('names the manifest and the image for a missing path column or a wrong image shape', async () => {
    writeFileSync(join(dir, 'nopath.csv'), 'file,time,event\nimg0.npy,1,1\n');
    await expect(
      trainImagesFile(join(dir, 'nopath.csv'), { backbone: join(PRETRAINED, 'resnet18.safetensors') }, { model: 'coxph', durationCol: 'time' }),
    ).rejects.toThrow(/nopath.csv: has no column "path" of image paths \(header: file, time, event\)/);
    // Images of another size are resized (bilinear) to the backbone's input; an unreadable one names the row and the file.
    writeFileSync(join(dir, 'small.npy'), npy(new Float32Array(32 * 32), [32, 32]));
    writeFileSync(join(dir, 'bad.npy'), 'hello world');
    writeFileSync(join(dir, 'mixed.csv'), 'path,time,event\nimg0.npy,1,1\nsmall.npy,2,0\nbad.npy,3,1\n');
    await expect(
      trainImagesFile(
        join(dir, 'mixed.csv'),
        { backbone: join(PRETRAINED, 'resnet18.safetensors'), cacheDir: join(dir, 'c2'), workers: 0 },
        { model: 'coxph', durationCol: 'time' },
      ),
    ).rejects.toThrow(/manifest row 2 \(.*bad\.npy\).*is not a NumPy \.npy file/);
    writeFileSync(join(dir, 'badtime.csv'), 'path,time,event\nimg0.npy,1,1\nsmall.npy,soon,0\n');
    await expect(
      trainImagesFile(join(dir, 'badtime.csv'), { backbone: join(PRETRAINED, 'resnet18.safetensors') }, { model: 'coxph', durationCol: 'time' }),
    ).rejects.toThrow(/badtime\.csv: row 3, column "time": expected a finite number ≥ 0; got "soon"/);
  }, 60_000);

  it('survkit train --images prints the backbone and the feature cache (built CLI)', () => {
    const cli = join(repoRoot, 'dist', 'cli', 'main.js');
    const args = [cli, 'train', '--model', 'coxph', '--images', join(dir, 'manifest.csv'), '--backbone', join(PRETRAINED, 'resnet18.safetensors')];
    args.push('--arch', 'resnet18', '--duration-col', 'time', '--epochs', '3', '--cache-dir', join(dir, 'cli-cache'));
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, SURVKIT_BACKEND: 'wasm' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /\n {2}backbone {5}.*resnet18.safetensors \(frozen; fingerprint layers:[0-9a-f]+…\), 16 features per image \(global average pool\)\n/,
    );
    expect(r.stdout).toMatch(/\n {2}features {5}60 images in [\d.]+ s; cache .*cli-cache: 0 shard\(s\) reused, 1 computed\n/);
    expect(r.stdout).toContain('covariates   17 columns used: feature_0 … feature_15 (16 image features), age');
  }, 120_000);

  it('--fine-tune last-block trains the last residual block with the head (the other layers frozen)', async () => {
    const { report } = await fineTuneImagesFile(
      join(dir, 'manifest.csv'),
      { backbone: join(PRETRAINED, 'resnet18.safetensors'), normalize: 'imagenet' },
      { model: 'coxph', durationCol: 'time', epochs: 2, batchSize: 16, seed: 1, backend: 'wasm' },
    );
    expect(report.meta.trainableLayers).toEqual([
      'resnet2d_layer4_1_conv1',
      'resnet2d_layer4_1_bn1',
      'resnet2d_layer4_1_relu1',
      'resnet2d_layer4_1_conv2',
      'resnet2d_layer4_1_bn2',
      'resnet2d_layer4_1_add',
      'resnet2d_layer4_1_out',
    ]);
    expect(report.meta.covariateColumns).toEqual(['age']);
    expect(report.epochs).toBeGreaterThanOrEqual(1);
    const c = (report.concordanceIndex as { cIndex?: number } | undefined)?.cIndex;
    expect(c).toBeGreaterThanOrEqual(0);
    expect(c).toBeLessThanOrEqual(1);
    if (ortPresent)
      await expect(
        fineTuneImagesFile(join(dir, 'manifest.csv'), { backbone: join(PRETRAINED, 'resnet18.onnx') }, { model: 'coxph', durationCol: 'time', epochs: 1 }),
      ).rejects.toThrow(/resnet18.onnx: is not a TF.js Layers network: ONNX and Graph backbones are frozen extractors/);
  }, 120_000);

  it('parses the imaging flags', () => {
    const v = { model: 'coxph', images: 'm.csv', backbone: 'w.safetensors', arch: 'resnet50', normalize: 'imagenet', freeze: true } as const;
    expect(trainOptions(v).data).toBe('m.csv');
    expect(imageTrainOptions(v)).toEqual({ backbone: 'w.safetensors', arch: 'resnet50', normalize: 'imagenet' });
    expect(() => imageTrainOptions({ images: 'm.csv' })).toThrow(UsageError);
    expect(() => imageTrainOptions({ backbone: 'x.onnx' })).toThrow('--backbone applies to --images <manifest.csv>');
    expect(() => imageTrainOptions({ images: 'm.csv', backbone: 'x.onnx', arch: 'resnet18' })).toThrow('--arch applies to a .safetensors backbone');
    expect(() => trainOptions({ model: 'coxph', images: 'm.csv', data: 'd.csv' })).toThrow('--images and --data cannot be used together');
    expect(imageTrainOptions({ images: 'm.csv', backbone: 'w.safetensors', 'fine-tune': 'last-block' })).toEqual({
      backbone: 'w.safetensors',
      fineTune: 'last-block',
    });
    expect(() => imageTrainOptions({ images: 'm.csv', backbone: 'w.onnx', 'fine-tune': 'last-block' })).toThrow('--fine-tune needs a TF.js backbone');
    expect(() => imageTrainOptions({ images: 'm.csv', backbone: 'w.safetensors', 'fine-tune': 'all' })).toThrow(UsageError);
  });
});
