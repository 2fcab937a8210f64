import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { resnet2d } from '../../src/backbones/resnet2d.js';
import { float16Bits, readSafetensors, writeSafetensors } from '../../src/backbones/safetensors.js';
import { guessTorchArch, loadTorchWeights, torchBackbone, TORCH_ARCHS } from '../../src/backbones/torch-weights.js';
import { r3d } from '../../src/backbones/video.js';
import { SurvkitError } from '../../src/core/errors.js';
import { messages } from '../../src/core/messages.js';
import { PRETRAINED } from './grid.js';

const file = (name: string): string => join(PRETRAINED, `${name}.safetensors`);

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});
afterAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('readSafetensors', () => {
  it('reads the header, dtypes and shapes the generator wrote, with F32 tensors as zero-copy views', async () => {
    const st = await readSafetensors(file('resnet18'));
    const conv = st.tensors.get('conv1.weight');
    expect(conv?.dtype).toBe('F32');
    expect(conv?.shape).toEqual([4, 3, 7, 7]);
    expect(conv?.zeroCopy).toBe(true);
    const v = conv?.toFloat32() as Float32Array;
    expect(v.buffer).toBe(conv?.bytes.buffer); // a view on the file buffer, no copy
    expect(st.tensors.get('bn1.num_batches_tracked')?.dtype).toBe('I64');
    expect(st.metadata).toEqual({ format: 'pt' });
    expect((await readSafetensors(file('resnet50'))).tensors.get('conv1.weight')?.dtype).toBe('F16');
    expect((await readSafetensors(file('resnet34'))).tensors.get('conv1.weight')?.dtype).toBe('BF16');
  });

  it('decodes F16 and BF16 exactly (closed forms) and round-trips through writeSafetensors', async () => {
    // float16: 1 = 0x3c00, -2 = 0xc000, 65504 = 0x7bff (largest), 2^-24 = 0x0001 (smallest subnormal), 1/3 → 0x3555
    expect([1, -2, 65504, 2 ** -24, 1 / 3].map(float16Bits)).toEqual([0x3c00, 0xc000, 0x7bff, 0x0001, 0x3555]);
    const values = new Float32Array([1, -2, 0.5, 2 ** -24, 3.140625]);
    const bytes = writeSafetensors({ h: { shape: [5], values, dtype: 'F16' }, b: { shape: [5], values, dtype: 'BF16' }, f: { shape: [1, 5], values } });
    const st = await readSafetensors(bytes);
    expect(Array.from(st.tensors.get('h')?.toFloat32() ?? [])).toEqual(Array.from(values));
    // bfloat16 keeps 8 significant bits: 3.140625 = 0x40490000 is exact, 2^-24 too
    expect(Array.from(st.tensors.get('b')?.toFloat32() ?? [])).toEqual(Array.from(values));
    expect(st.tensors.get('f')?.shape).toEqual([1, 5]);
  });

  it('names the file and the problem for truncated and invalid files', async () => {
    const good = new Uint8Array(readFileSync(file('resnet18')));
    const err = async (bytes: Uint8Array): Promise<string> => {
      try {
        await readSafetensors(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(SurvkitError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(await err(good.subarray(0, good.byteLength - 10))).toMatch(/^readSafetensors: <bytes> is truncated: tensor "fc.bias" needs bytes/);
    expect(await err(good.subarray(0, 5))).toMatch(/has 5 bytes; a safetensors file starts with an 8-byte header length/);
    expect(await err(good.subarray(0, 100))).toMatch(/declares a \d+-byte header but has 92 bytes/);
    const junk = new Uint8Array(16);
    new DataView(junk.buffer).setBigUint64(0, 8n, true);
    junk.set(Buffer.from('{"a": 1,'), 8);
    expect(await err(junk)).toMatch(/header that is not valid JSON/);
    const bad = (header: object): Uint8Array => {
      const text = Buffer.from(JSON.stringify(header));
      const b = new Uint8Array(8 + text.byteLength + 8);
      new DataView(b.buffer).setBigUint64(0, BigInt(text.byteLength), true);
      b.set(text, 8);
      return b;
    };
    expect(await err(bad({ w: { dtype: 'F8_E4M3', shape: [2], data_offsets: [0, 2] } }))).toMatch(
      /tensor "w" has dtype "F8_E4M3"; survkit reads F32, F16, BF16/,
    );
    expect(await err(bad({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }))).toMatch(/needs 12 bytes but its offsets span 8/);
    await expect(readSafetensors('/nonexistent/w.safetensors')).rejects.toThrow(/^readSafetensors: \/nonexistent\/w.safetensors cannot be read/);
  });
});

describe('loadTorchWeights errors', () => {
  it('recognises the architecture of a file and refuses one made for another, naming both', async () => {
    for (const name of ['resnet18', 'resnet34', 'resnet50', 'r3d_18', 'mc3_18', 'r2plus1d_18'])
      expect(guessTorchArch((await readSafetensors(file(name))).tensors)?.arch).toBe(name);
    const net = resnet2d({ inputShape: [64, 64, 3], widths: [4, 8, 12, 16], blocksPerStage: 2, stem: 'conv7' });
    await expect(loadTorchWeights(net, file('resnet50'), { arch: 'resnet18' })).rejects.toThrow(
      messages.torchWeightArch(
        'loadTorchWeights',
        file('resnet50'),
        'resnet50',
        'resnet18',
        'Bottleneck blocks (layer1.0.conv3.weight), 3/4/6/3 blocks per stage',
      ),
    );
    await expect(loadTorchWeights(net, file('r3d_18'), { arch: 'resnet18' })).rejects.toThrow(
      /holds a r3d_18 state dict .*not resnet18; pass \{ arch: 'r3d_18' \}/,
    );
    net.dispose();
  });

  it('lists every missing, unexpected and wrongly shaped key in one error', async () => {
    // widths 4/8/12/32 and a 3×3 stem: conv1 and layer4 shapes differ from the file's
    const net = resnet2d({ inputShape: [64, 64, 3], widths: [4, 8, 12, 32], blocksPerStage: 2, stem: 'conv3' });
    let message = '';
    try {
      await loadTorchWeights(net, file('resnet18'), { arch: 'resnet18' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^loadTorchWeights: .*resnet18.safetensors does not fit the resnet18 network \(\d+ problems\):/);
    expect(message).toContain("wrong shape: conv1.weight is [4, 3, 7, 7] in the file, the network's resnet2d_conv1 needs [4, 3, 3, 3]");
    expect(message).toContain('wrong shape: layer4.0.conv1.weight is [16, 12, 3, 3]');
    expect(message).toContain('wrong shape: layer4.1.bn2.running_var is [16]');
    net.dispose();
    // A state dict with one key removed and one renamed: both named.
    const st = await readSafetensors(file('resnet18'));
    const tensors: Parameters<typeof writeSafetensors>[0] = {};
    for (const [k, t] of st.tensors) {
      if (k === 'layer2.1.bn1.running_mean') continue;
      tensors[k === 'layer3.0.conv2.weight' ? 'layer3.0.conv9.weight' : k] =
        t.dtype === 'I64' ? { shape: t.shape, values: new BigInt64Array(1), dtype: 'I64' } : { shape: t.shape, values: t.toFloat32() };
    }
    const net2 = resnet2d({ inputShape: [64, 64, 3], widths: [4, 8, 12, 16], blocksPerStage: 2, stem: 'conv7' });
    const err = loadTorchWeights(net2, writeSafetensors(tensors), { arch: 'resnet18' });
    await expect(err).rejects.toThrow(
      /\(3 problems\):\n {2}missing: layer2\.1\.bn1\.running_mean \(layer resnet2d_layer2_1_bn1, shape \[8\]\)\n {2}missing: layer3\.0\.conv2\.weight .*\n {2}unexpected: layer3\.0\.conv9\.weight/,
    );
    net2.dispose();
  });

  it('loads into a network of any widths and reports what it skipped (the classifier, num_batches_tracked)', async () => {
    const net = r3d({ inputShape: [8, 32, 32, 3], widths: [4, 8, 12, 16], blocksPerStage: 2, stem: 'conv7' });
    const res = await loadTorchWeights(net, file('r3d_18'), { arch: 'r3d_18' });
    expect(res.skipped).toContain('fc.weight');
    expect(res.skipped).toContain('stem.1.num_batches_tracked');
    const st = await readSafetensors(file('r3d_18'));
    expect(res.loaded).toBe([...st.tensors.keys()].filter((k) => !k.startsWith('fc.') && !k.endsWith('num_batches_tracked')).length);
    // the stem kernel [out, in, t, h, w] → [t, h, w, in, out]
    const k = (await net.getLayer('r3d_stem_0').getWeights()[0]?.data()) as Float32Array;
    const w = st.tensors.get('stem.0.weight')?.toFloat32() as Float32Array;
    // element [o=2, i=1, t=0, h=3, w=5] of the torch tensor (shape [4, 3, 3, 7, 7])
    expect(k[(((0 * 7 + 3) * 7 + 5) * 3 + 1) * 4 + 2]).toBe(w[(((2 * 3 + 1) * 3 + 0) * 7 + 3) * 7 + 5]);
    net.dispose();
    await expect(torchBackbone(file('mc3_18'), { arch: 'r3d_18', inputShape: [8, 32, 32, 3] })).rejects.toThrow(/holds a mc3_18 state dict/);
    const other = writeSafetensors({ 'encoder.weight': { shape: [2, 2], values: new Float32Array(4) } });
    await expect(torchBackbone(other, { inputShape: [8, 8, 3] })).rejects.toThrow(messages.torchWeightUnknown('torchBackbone', '<bytes>', TORCH_ARCHS));
    expect(tf.memory().numTensors).toBeGreaterThanOrEqual(0);
  });
});
