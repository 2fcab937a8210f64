/**
 * survkit's networks with PyTorch weights against torchvision's own outputs
 * (test/fixtures/generators/torchvision-parity.py): reduced-width resnet18/34/50,
 * r3d_18, mc3_18 and r2plus1d_18 from committed F32 / F16 / BF16 safetensors, and a
 * FULL-size resnet18 rebuilt from the fixture's recipe (F16-exact weights, checked
 * byte for byte against the generator's SHA-256 of the data it gave torch).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { torchBackbone } from '../../src/backbones/torch-weights.js';
import { readSafetensors, writeSafetensors, type SafeTensorInput } from '../../src/backbones/safetensors.js';
import { float32Base64, inputFor, maxAbsDiff, parityFixture, PRETRAINED, weightFor, type ParityRecord } from './grid.js';

const fixture = parityFixture();

async function features(net: tf.LayersModel, inputShape: number[]): Promise<Float32Array> {
  const x = inputFor(inputShape);
  const t = tf.tensor(x.values, x.shape);
  const y = net.predict(t) as tf.Tensor;
  const out = (await y.data()) as Float32Array;
  tf.dispose([t, y]);
  return out;
}

const chLast = (s: number[]): number[] => [...s.slice(2), 3];

describe.each(['wasm', 'cpu'] as const)('torchvision parity on %s (TF.js path, max |diff| <= 1e-4)', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });
  afterAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it.each(Object.keys(fixture.nets))('%s (reduced widths) matches torchvision', async (name) => {
    const rec = fixture.nets[name] as ParityRecord;
    const before = tf.memory().numTensors;
    const net = await torchBackbone(join(PRETRAINED, `${name}.safetensors`), { inputShape: chLast(rec.inputShape) });
    expect(net.outputs[0]?.shape.slice(1)).toEqual(rec.outputShape.slice(1));
    const got = await features(net, rec.inputShape);
    const diff = maxAbsDiff(got, float32Base64(rec.output));
    console.log(`parity ${backend} ${name} (${rec.dtype}): max |diff| ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-4);
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('full-size resnet18 (torchvision.models.resnet18, F16 weights rebuilt from the recipe)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });
  afterAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it("the rebuilt file equals the generator's byte for byte and the features match torch within 1e-4", async () => {
    const rec = JSON.parse(readFileSync(join(PRETRAINED, 'resnet18-full-f16.json'), 'utf8')) as ParityRecord;
    const tensors: Record<string, SafeTensorInput> = {};
    for (const [name, dtype, shape] of rec.tensors ?? []) {
      const n = shape.reduce((a, s) => a * s, 1);
      tensors[name] = dtype === 'I64' ? { shape, dtype: 'I64', values: new BigInt64Array(n) } : { shape, dtype: 'F16', values: weightFor(name, shape) };
    }
    const bytes = writeSafetensors(tensors, { format: 'pt' });
    const st = await readSafetensors(bytes);
    const sha = createHash('sha256');
    for (const t of st.tensors.values()) sha.update(t.bytes);
    expect(sha.digest('hex')).toBe(rec.dataSha256);
    expect(bytes.byteLength).toBeGreaterThan(23e6); // 11.7 M parameters in float16
    const net = await torchBackbone(bytes, { arch: 'resnet18', inputShape: [224, 224, 3] });
    expect(net.countParams()).toBe(11_689_512 - 513_000 + 9_600); // torchvision's count − fc + BN running statistics
    const got = await features(net, rec.inputShape);
    const diff = maxAbsDiff(got, float32Base64(rec.output));
    console.log(`parity wasm resnet18 FULL (F16): max |diff| ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-4);
    net.dispose();
  }, 120_000);
});
