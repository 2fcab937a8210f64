/**
 * FULL-size torchvision networks (resnet18, r3d_18, mc3_18, r2plus1d_18 at 64…512 channels) generated at test time by
 * test/fixtures/generators/torchvision-parity.py --full, when Debian's /usr/bin/python3 has torch and torchvision;
 * skipped with a message otherwise (CI). Small inputs (64² images, 4×32² clips) keep them to seconds.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { loadOnnxBackbone } from '../../src/backbones/onnx-backbone.js';
import { torchBackbone } from '../../src/backbones/torch-weights.js';
import { repoRoot } from '../fixtures/provenance.js';
import { float32Base64, inputFor, maxAbsDiff, type ParityRecord } from './grid.js';

const PYTHON = process.env.SURVKIT_TORCH_PYTHON ?? '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
const havePython = probe.status === 0;
if (!havePython) console.log(`full-size torchvision parity skipped: ${PYTHON} with torch and torchvision is not available`);
let ortPresent = true;
try {
  await import('onnxruntime-node');
} catch {
  ortPresent = false;
}
const NETS = ['resnet18', 'r3d_18', 'mc3_18', 'r2plus1d_18'];

describe.skipIf(!havePython)('full-size torchvision networks, generated now by torch', () => {
  let dir = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'survkit-tv-full-'));
    const gen = join(repoRoot, 'test', 'fixtures', 'generators', 'torchvision-parity.py');
    const r = spawnSync(PYTHON, [gen, '--full', dir, '--nets', NETS.join(','), '--frames', '4', '--size', '32', '--image-size', '64'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`generator failed: ${r.stderr}`);
    await initBackend({ backend: 'wasm' });
  }, 240_000);
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await initBackend({ backend: 'cpu' });
  });

  it.each(NETS)(
    '%s: TF.js (wasm) within 1e-4 and ONNX within 1e-5 of torch',
    async (name) => {
      const rec = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as ParityRecord;
      const x = inputFor(rec.inputShape);
      const expected = float32Base64(rec.output);
      const net = await torchBackbone(join(dir, `${name}.safetensors`), { arch: name as 'resnet18', inputShape: x.shape.slice(1) });
      const t = tf.tensor(x.values, x.shape);
      const y = net.predict(t) as tf.Tensor;
      const tfDiff = maxAbsDiff(await y.data(), expected);
      tf.dispose([t, y]);
      net.dispose();
      console.log(`parity wasm ${name} FULL: max |diff| ${tfDiff.toExponential(2)}`);
      expect(tfDiff).toBeLessThanOrEqual(1e-4);
      if (!ortPresent) return;
      const onnx = await loadOnnxBackbone(join(dir, `${name}.onnx`), { threads: 2 });
      const o = await onnx.run(x.values, x.shape);
      const onnxDiff = maxAbsDiff(o.data, expected);
      await onnx.dispose();
      console.log(`parity onnx ${name} FULL: max |diff| ${onnxDiff.toExponential(2)}`);
      expect(onnxDiff).toBeLessThanOrEqual(1e-5);
    },
    120_000,
  );
});
