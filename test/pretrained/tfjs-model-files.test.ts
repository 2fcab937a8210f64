import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { attachHead } from '../../src/backbones/attach.js';
import { resnet2d } from '../../src/backbones/resnet2d.js';
import { r3d } from '../../src/backbones/video.js';
import { CoxHead } from '../../src/heads/index.js';
import { fileIOHandler, loadGraphModelFromDisk, loadLayersModelFromDisk } from '../../src/io/tfjs-model-files.js';
import { extractFeatures } from '../../src/models/features/extract-features.js';
import { gridValues, maxAbsDiff } from './grid.js';

let dir = '';
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = mkdtempSync(join(tmpdir(), 'survkit-tfjs-files-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A TF.js graph model written by hand: x [-1, 4, 4, 2] → 1×1 Conv2D (weights w [1, 1, 2, 3]) → Relu. */
function writeGraphModel(folder: string, w: Float32Array): string {
  mkdirSync(folder, { recursive: true });
  const dims = (d: number[]) => ({ dim: d.map((s) => ({ size: String(s) })) });
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const modelJson = {
    format: 'graph-model',
    generatedBy: '2.15.0',
    convertedBy: 'hand-written test graph',
    modelTopology: {
      node: [
        { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims([-1, 4, 4, 2]) } } },
        { name: 'w', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims([1, 1, 2, 3]) } } } },
        {
          name: 'conv',
          op: 'Conv2D',
          input: ['x', 'w'],
          attr: {
            T: { type: 'DT_FLOAT' },
            strides: { list: { i: ['1', '1', '1', '1'] } },
            dilations: { list: { i: ['1', '1', '1', '1'] } },
            padding: { s: b64('VALID') },
            data_format: { s: b64('NHWC') },
          },
        },
        { name: 'relu', op: 'Relu', input: ['conv'], attr: { T: { type: 'DT_FLOAT' } } },
      ],
      versions: { producer: 1 },
    },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [{ name: 'w', shape: [1, 1, 2, 3], dtype: 'float32' }] }],
  };
  writeFileSync(join(folder, 'model.json'), JSON.stringify(modelJson));
  writeFileSync(join(folder, 'group1-shard1of1.bin'), new Uint8Array(w.buffer));
  return join(folder, 'model.json');
}

describe('TF.js models from disk without tfjs-node', () => {
  it('saves and reloads a Layers model (survkit layers included) and attachHead works on the loaded model', async () => {
    const net = r3d({ inputShape: [4, 8, 8, 3], widths: [4, 8], stem: 'conv7', seed: 3 });
    const path = join(dir, 'r3d', 'model.json');
    await net.save(fileIOHandler(path));
    const loaded = await loadLayersModelFromDisk(`file://${path}`);
    const x = tf.tensor(gridValues('clip', 2 * 4 * 8 * 8 * 3, -1024, 2048, -10), [2, 4, 8, 8, 3]);
    const a = net.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(maxAbsDiff((await a.data()) as Float32Array, (await b.data()) as Float32Array)).toBe(0);
    const withHead = attachHead(loaded, new CoxHead({ seed: 1 }), { pool: 'avg', freeze: true });
    expect(withHead.outputs[0]?.shape).toEqual([null, 1]);
    expect(loaded.layers.every((l) => !l.trainable)).toBe(true);
    tf.dispose([x, a, b]);
    net.dispose();
    withHead.dispose();
  });

  it('uses a Graph model as a frozen feature extractor; the features are the closed form mean(relu(x·W))', async () => {
    const w = new Float32Array([0.5, -1, 0.25, 2, 0.75, -0.5]); // [1, 1, 2, 3]: W[c][k] = w[c * 3 + k]
    const graph = await loadGraphModelFromDisk(writeGraphModel(join(dir, 'graph'), w));
    const x = gridValues('graph-input', 3 * 16 * 2, -1024, 2048, -10);
    const out = await extractFeatures(graph, { data: x, shape: [3, 4, 4, 2] }, { progress: false });
    const expected = new Float64Array(9);
    for (let i = 0; i < 3; i++)
      for (let p = 0; p < 16; p++)
        for (let k = 0; k < 3; k++) {
          const v = (x[(i * 16 + p) * 2] as number) * (w[k] as number) + (x[(i * 16 + p) * 2 + 1] as number) * (w[3 + k] as number);
          expected[i * 3 + k] = (expected[i * 3 + k] as number) + Math.max(0, v) / 16;
        }
    expect(out.shape).toEqual([3, 3]);
    expect(maxAbsDiff(out.features, expected)).toBeLessThanOrEqual(1e-6);
    expect(out.fingerprint).toMatch(/^graph:[0-9a-f]{64}$/);
    graph.dispose();
  });

  it('names the file for a missing model, a truncated shard, a shard outside the folder and the wrong kind of model', async () => {
    await expect(loadLayersModelFromDisk(join(dir, 'none', 'model.json'))).rejects.toThrow(/^loadLayersModelFromDisk: .*none\/model.json cannot be read/);
    const g = writeGraphModel(join(dir, 'trunc'), new Float32Array(6));
    writeFileSync(join(dir, 'trunc', 'group1-shard1of1.bin'), new Uint8Array(10));
    await expect(loadGraphModelFromDisk(g)).rejects.toThrow(/trunc\/model.json declares 24 bytes of weights but its weight files hold 10 \(truncated\?\)/);
    const g2 = writeGraphModel(join(dir, 'kind'), new Float32Array(6));
    await expect(loadLayersModelFromDisk(g2)).rejects.toThrow(/is a Graph model \(format graph-model\): load it with loadGraphModelFromDisk/);
    writeFileSync(join(dir, 'escape.json'), JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['../x.bin'], weights: [] }] }));
    await expect(loadGraphModelFromDisk(join(dir, 'escape.json'))).rejects.toThrow(/lists the weight file "..\/x.bin", which is outside its folder/);
    const net = resnet2d({ inputShape: [8, 8, 1], widths: [2], seed: 1 });
    await net.save(fileIOHandler(join(dir, 'layers', 'model.json')));
    await expect(loadGraphModelFromDisk(join(dir, 'layers', 'model.json'))).rejects.toThrow(/is a Layers model \(format layers-model\)/);
    net.dispose();
  });
});
