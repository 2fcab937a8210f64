/**
 * survkit's resnet3d with MONAI / MedicalNet state dicts against MONAI's own ResNet
 * (test/fixtures/generators/monai-resnet3d-parity.py): reduced-width ResNet-10 (MedicalNet layout:
 * `module.` keys and a `conv_seg` head), 18 and 34 (shortcut A), 50 (bottleneck; shortcut B with bias,
 * and shortcut A), from committed F32 / F16 / BF16 safetensors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { guessTorchArch, loadTorchWeights, torchBackbone, type TorchArch } from '../../src/backbones/torch-weights.js';
import { resnet3d } from '../../src/backbones/resnet3d.js';
import { readSafetensors, writeSafetensors, type SafeTensorInput } from '../../src/backbones/safetensors.js';
import { messages } from '../../src/core/messages.js';
import { float32Base64, inputFor, maxAbsDiff, PRETRAINED, type ParityRecord } from './grid.js';

interface MonaiRecord extends ParityRecord {
  monai: { block: string; layers: number[]; shortcut_type: string; conv1_t_stride: number; no_max_pool?: boolean; n_input_channels?: number };
  medicalNetLayout: boolean;
  pooled: string;
}
const fixture = JSON.parse(readFileSync(join(PRETRAINED, 'monai-parity.json'), 'utf8')) as { nets: Record<string, MonaiRecord> };

const ARCH: Record<string, TorchArch> = {
  medicalnet_resnet10: 'resnet3d_10',
  resnet18_a: 'resnet3d_18',
  resnet34_a: 'resnet3d_34',
  resnet50_b: 'resnet3d_50',
  resnet50_a: 'resnet3d_50',
};

async function run(net: tf.LayersModel, inputShape: number[]): Promise<Float32Array> {
  const x = inputFor(inputShape);
  const t = tf.tensor(x.values, x.shape);
  const y = net.predict(t) as tf.Tensor;
  const out = (await y.data()) as Float32Array;
  tf.dispose([t, y]);
  return out;
}

const chLast = (s: number[]): number[] => [...s.slice(2), s[1] as number];

describe.each(['wasm', 'cpu'] as const)('MONAI 3D ResNet parity on %s (TF.js path, max |diff| <= 1e-4)', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });
  afterAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it.each(Object.keys(fixture.nets))('%s (reduced widths) matches MONAI', async (name) => {
    const rec = fixture.nets[name] as MonaiRecord;
    const file = join(PRETRAINED, `monai_${name}.safetensors`);
    const st = await readSafetensors(file);
    expect(guessTorchArch(st.tensors)?.arch).toBe(ARCH[name]);
    const before = tf.memory().numTensors;
    // The stem stride is not in the weights: MedicalNet files default to 2, MONAI files to 1 (MONAI's default).
    const stride = rec.monai.conv1_t_stride;
    const defaulted = rec.medicalNetLayout ? stride === 2 : stride === 1;
    const net = await torchBackbone(file, {
      inputShape: chLast(rec.inputShape),
      ...(defaulted ? {} : { conv1Stride: stride }),
      ...(rec.monai.no_max_pool === true ? { noMaxPool: true } : {}),
    });
    expect(net.outputs[0]?.shape.slice(1)).toEqual(rec.outputShape.slice(1));
    const got = await run(net, rec.inputShape);
    const diff = maxAbsDiff(got, float32Base64(rec.output));
    console.log(`parity ${backend} monai ${name} (${rec.dtype}): max |diff| ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-4);
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('resnet3d weight loading errors', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('skips MedicalNet conv_seg and num_batches_tracked; reports every missing, unexpected and wrongly shaped key', async () => {
    const st = await readSafetensors(join(PRETRAINED, 'monai_medicalnet_resnet10.safetensors'));
    const net = resnet3d({ inputShape: [16, 24, 24, 1], widths: [4, 8, 12, 16], blocksPerStage: 1, downsampleBias: false, conv1Stride: 2 });
    const r = await loadTorchWeights(net, st, { arch: 'resnet3d_10' });
    expect(r.skipped.filter((k) => k.startsWith('conv_seg.'))).toEqual(['conv_seg.0.weight', 'conv_seg.0.bias']);
    expect(r.skipped.every((k) => k.startsWith('conv_seg.') || k.endsWith('.num_batches_tracked'))).toBe(true);
    net.dispose();
    // the same file with one key dropped, one renamed and one of another shape
    const tensors: Record<string, SafeTensorInput> = {};
    for (const [k, t] of st.tensors) {
      if (k === 'module.layer1.0.bn1.running_var' || k.endsWith('num_batches_tracked')) continue;
      const key = k === 'module.layer2.0.conv2.weight' ? 'module.layer2.0.conv9.weight' : k;
      tensors[key] =
        k === 'module.conv1.weight'
          ? { dtype: 'F32', shape: [4, 1, 3, 3, 3], values: new Float32Array(108) }
          : { dtype: 'F32', shape: t.shape, values: t.toFloat32() };
    }
    const bad = writeSafetensors(tensors);
    const net2 = resnet3d({ inputShape: [16, 24, 24, 1], widths: [4, 8, 12, 16], blocksPerStage: 1, downsampleBias: false, conv1Stride: 2 });
    const problems = [
      'missing: layer1.0.bn1.running_var (layer resnet3d_layer1_0_bn1, shape [4])',
      'missing: layer2.0.conv2.weight (layer resnet3d_layer2_0_conv2, shape [8, 8, 3, 3, 3])',
      'unexpected: layer2.0.conv9.weight (no layer resnet3d_layer2_0_conv9 with that weight)',
      "wrong shape: conv1.weight is [4, 1, 3, 3, 3] in the file, the network's resnet3d_conv1 needs [4, 1, 7, 7, 7]",
    ];
    await expect(loadTorchWeights(net2, await readSafetensors(bad), { arch: 'resnet3d_10' })).rejects.toThrow(
      messages.torchWeightKeys('loadTorchWeights', '<bytes>', 'resnet3d_10', 4, problems),
    );
    net2.dispose();
  });

  it('names the architecture a file holds and the channels it takes', async () => {
    const file = join(PRETRAINED, 'monai_resnet50_b.safetensors');
    await expect(torchBackbone(file, { arch: 'resnet3d_18', inputShape: [16, 32, 32, 1] })).rejects.toThrow(/holds resnet3d_50|resnet3d_50/);
    await expect(torchBackbone(file, { inputShape: [16, 32, 32, 3] })).rejects.toThrow(
      /takes 1-channel volumes .* inputShape \[16, 32, 32, 3\] has 3 channels/,
    );
  });
});
