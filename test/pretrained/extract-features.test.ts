import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { loadOnnxBackbone } from '../../src/backbones/onnx-backbone.js';
import { torchBackbone } from '../../src/backbones/torch-weights.js';
import { extractFeatures, type FeatureProgress } from '../../src/models/features/extract-features.js';
import { float32Base64, gridValues, inputFor, maxAbsDiff, parityFixture, PRETRAINED, type ParityRecord } from './grid.js';

const rec = parityFixture().nets.resnet18 as ParityRecord;
let ortPresent = true;
try {
  await import('onnxruntime-node');
} catch {
  ortPresent = false;
}

/** Mean over the spatial positions of a channels-last map [b, h, w, c] (the definition of global average pooling). */
function meanPool(map: Float32Array, shape: number[]): Float64Array {
  const [b, h, w, c] = shape as [number, number, number, number];
  const out = new Float64Array(b * c);
  for (let i = 0; i < b; i++)
    for (let j = 0; j < h * w; j++)
      for (let k = 0; k < c; k++) out[i * c + k] = (out[i * c + k] as number) + (map[(i * h * w + j) * c + k] as number) / (h * w);
  return out;
}

let dir = '';
let net: tf.LayersModel;
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  dir = mkdtempSync(join(tmpdir(), 'survkit-features-'));
  net = await torchBackbone(join(PRETRAINED, 'resnet18.safetensors'), { inputShape: [64, 64, 3] });
});
afterAll(async () => {
  net.dispose();
  rmSync(dir, { recursive: true, force: true });
  await initBackend({ backend: 'cpu' });
});

// 10 images (the parity input's 2 and 8 more from the same counter hash)
const ten = { data: gridValues('ten-images', 10 * 64 * 64 * 3, -1024, 2048, -10), shape: [10, 64, 64, 3] };

describe('extractFeatures', () => {
  it("pools a TF.js backbone's map as torchvision's average pool does (torch's map, pooled)", async () => {
    const x = inputFor(rec.inputShape);
    const out = await extractFeatures(net, { data: x.values, shape: x.shape }, { progress: false });
    expect(out.shape).toEqual([2, 16]);
    expect(maxAbsDiff(out.features, meanPool(float32Base64(rec.output), rec.outputShape))).toBeLessThanOrEqual(1e-4);
  });

  it.skipIf(!ortPresent)('runs an ONNX backbone (torch.onnx.export) to the same pooled features within 1e-5', async () => {
    const onnx = await loadOnnxBackbone(join(PRETRAINED, 'resnet18.onnx'), { threads: 1 });
    const x = inputFor(rec.inputShape);
    const out = await extractFeatures(onnx, { data: x.values, shape: x.shape }, { progress: false, pool: 'avg' });
    expect(maxAbsDiff(out.features, meanPool(float32Base64(rec.output), rec.outputShape))).toBeLessThanOrEqual(1e-5);
    await onnx.dispose();
  });

  it('writes shards and a manifest, reuses them, and reports progress with rate and ETA', async () => {
    const cacheDir = join(dir, 'reuse');
    const seen: FeatureProgress[] = [];
    const first = await extractFeatures(net, ten, { cacheDir, shardSize: 4, batchSize: 3, progress: (p) => seen.push(p) });
    expect([first.computed, first.reused, first.rebuilt]).toEqual([3, 0, []]);
    expect(seen.at(-1)?.done).toBe(10);
    expect(seen[0]?.total).toBe(10);
    expect(seen[0]?.rate).toBeGreaterThan(0);
    expect(seen[0]?.etaSeconds).toBeGreaterThan(0);
    const manifest = JSON.parse(readFileSync(join(cacheDir, 'manifest.json'), 'utf8')) as { shards: Record<string, { count: number }>; featureDim: number };
    expect(Object.values(manifest.shards).map((s) => s.count)).toEqual([4, 4, 2]);
    expect(manifest.featureDim).toBe(16);
    const again = await extractFeatures(net, ten, { cacheDir, shardSize: 4, progress: false });
    expect([again.computed, again.reused]).toEqual([0, 3]);
    expect(again.features).toEqual(first.features);
    const direct = await extractFeatures(net, ten, { progress: false });
    expect(maxAbsDiff(direct.features, first.features)).toBe(0);
  });

  it('resumes after an interruption from the last complete shard', async () => {
    const cacheDir = join(dir, 'resume');
    const per = 64 * 64 * 3;
    const source = (failAt: number) => ({
      length: 10,
      async *batches() {
        for (let i = 0; i < 10; i++) {
          await Promise.resolve(); // a read from disk
          if (i === failAt) throw new Error('disk unplugged');
          yield { x: tf.tensor(ten.data.subarray(i * per, (i + 1) * per), [1, 64, 64, 3]) };
        }
      },
    });
    await expect(extractFeatures(net, source(9), { cacheDir, shardSize: 4, progress: false })).rejects.toThrow('disk unplugged');
    const resumed = await extractFeatures(net, source(-1), { cacheDir, shardSize: 4, progress: false });
    expect([resumed.reused, resumed.computed]).toEqual([2, 1]);
    const direct = await extractFeatures(net, ten, { progress: false });
    expect(resumed.features).toEqual(direct.features);
  });

  it('detects damaged, truncated and mismatched caches and rebuilds them, never using them', async () => {
    const cacheDir = join(dir, 'damage');
    const good = await extractFeatures(net, ten, { cacheDir, shardSize: 4, progress: false });
    // a flipped byte in shard 1
    const f1 = join(cacheDir, 'shard-1.f32');
    const bytes = readFileSync(f1);
    bytes[5] = (bytes[5] as number) ^ 0xff;
    writeFileSync(f1, bytes);
    // a truncated shard 2
    writeFileSync(join(cacheDir, 'shard-2.f32'), readFileSync(join(cacheDir, 'shard-2.f32')).subarray(0, 10));
    const fixed = await extractFeatures(net, ten, { cacheDir, shardSize: 4, progress: false });
    expect([fixed.reused, fixed.computed]).toEqual([1, 2]);
    expect(fixed.rebuilt).toEqual([
      `${cacheDir}: shard 1: shard-1.f32 does not match its checksum (damaged); recomputed`,
      `${cacheDir}: shard 2: shard-2.f32 has 10 bytes, expected 128 (truncated or damaged); recomputed`,
    ]);
    expect(fixed.features).toEqual(good.features);
    // changed inputs in the first shard only
    const changed = { data: Float32Array.from(ten.data), shape: ten.shape };
    changed.data[0] = 0.5;
    const c = await extractFeatures(net, changed, { cacheDir, shardSize: 4, progress: false });
    expect([c.reused, c.computed]).toEqual([2, 1]);
    expect(c.rebuilt[0]).toMatch(/shard 0: the inputs changed; recomputed$/);
    // a damaged manifest
    writeFileSync(join(cacheDir, 'manifest.json'), '{"format": "survkit-fea');
    const m = await extractFeatures(net, ten, { cacheDir, shardSize: 4, progress: false });
    expect(m.rebuilt).toEqual(['manifest.json is not valid JSON (damaged); the cache is rebuilt']);
    expect([m.reused, m.computed]).toEqual([0, 3]);
    // another backbone (same architecture, other weights) and another pooling
    const other = await torchBackbone(join(PRETRAINED, 'resnet18.safetensors'), { inputShape: [64, 64, 3] });
    const w = other.getLayer('resnet2d_conv1');
    w.setWeights([tf.mul(w.getWeights()[0] as tf.Tensor, 2)]);
    const o = await extractFeatures(other, ten, { cacheDir, shardSize: 4, progress: false });
    expect(o.rebuilt[0]).toMatch(/: it was built by another backbone \(fingerprint layers:[0-9a-f]+…, this one layers:[0-9a-f]+…\); the cache is rebuilt$/);
    expect([o.reused, o.computed]).toEqual([0, 3]);
    expect(maxAbsDiff(o.features, good.features)).toBeGreaterThan(1e-3);
    other.dispose();
    const mx = await extractFeatures(net, ten, { cacheDir, shardSize: 4, progress: false, pool: 'max' });
    expect(mx.rebuilt[0]).toMatch(/built by another backbone/);
    const mx2 = await extractFeatures(net, ten, { cacheDir, shardSize: 4, progress: false, pool: 'avg' });
    expect(mx2.rebuilt[0]).toMatch(/it was built with pool 'max', not 'avg'/);
  });

  it('rejects a backbone of another kind and a source of the wrong form', async () => {
    await expect(extractFeatures({} as tf.LayersModel, ten)).rejects.toThrow(
      /^extractFeatures: 'backbone' must be a tf.LayersModel, a tf.GraphModel or an OnnxBackbone/,
    );
    await expect(extractFeatures(net, { data: new Float32Array(5), shape: [2, 64, 64, 3] })).rejects.toThrow(/'source' must be a Float32Array of 24576 values/);
  });
});
