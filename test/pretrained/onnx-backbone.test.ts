/** The ONNX path: torch.onnx.export'ed networks (torchvision-parity.py) run by onnxruntime-node against torch's outputs. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importOnnxRuntime, loadOnnxBackbone } from '../../src/backbones/onnx-backbone.js';
import { messages } from '../../src/core/messages.js';
import { float32Base64, inputFor, maxAbsDiff, parityFixture, PRETRAINED, type ParityRecord } from './grid.js';

const fixture = parityFixture();
let ortPresent = true;
try {
  await import('onnxruntime-node');
} catch {
  ortPresent = false;
  console.log('onnxruntime-node is not installed: the ONNX parity tests are skipped');
}

describe.skipIf(!ortPresent)('ONNX backbones (onnxruntime-node) against torchvision, max |diff| <= 1e-5', () => {
  it.each(Object.keys(fixture.nets))('%s (reduced widths)', async (name) => {
    const rec = fixture.nets[name] as ParityRecord;
    const backbone = await loadOnnxBackbone(join(PRETRAINED, `${name}.onnx`), { threads: 1 });
    expect(backbone.inputName).toBe('input');
    const x = inputFor(rec.inputShape);
    const y = await backbone.run(x.values, x.shape);
    expect(y.shape).toEqual(rec.outputShape);
    const diff = maxAbsDiff(y.data, float32Base64(rec.output));
    console.log(`parity onnx ${name}: max |diff| ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-5);
    await backbone.dispose();
  });

  it('names the file on an input shape mismatch and on a file that is not ONNX', async () => {
    const file = join(PRETRAINED, 'resnet18.onnx');
    const backbone = await loadOnnxBackbone(file);
    expect(backbone.inputShape?.slice(1)).toEqual([3, 64, 64]);
    await expect(backbone.run(new Float32Array(2 * 32 * 32 * 3), [2, 32, 32, 3])).rejects.toThrow(
      messages.onnxInputShape(
        'OnnxBackbone.run',
        file,
        'input',
        '[batch, 3, 64, 64] (channels first)',
        '[2, 3, 32, 32] (channels first, from the channels-last batch [2, 32, 32, 3])',
      ),
    );
    await backbone.dispose();
    const dir = mkdtempSync(join(tmpdir(), 'survkit-onnx-'));
    writeFileSync(join(dir, 'junk.onnx'), 'not a model');
    await expect(loadOnnxBackbone(join(dir, 'junk.onnx'))).rejects.toThrow(/^loadOnnxBackbone: .*junk.onnx is not an ONNX model onnxruntime can run/);
    await expect(loadOnnxBackbone(join(dir, 'none.onnx'))).rejects.toThrow(/none.onnx cannot be read/);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('onnxruntime-node missing', () => {
  it('says which file needed it and how to install it', async () => {
    await expect(importOnnxRuntime('loadOnnxBackbone', 'm.onnx', () => Promise.reject(new Error("Cannot find package 'onnxruntime-node'")))).rejects.toThrow(
      messages.onnxMissing('loadOnnxBackbone', 'm.onnx'),
    );
  });
});
