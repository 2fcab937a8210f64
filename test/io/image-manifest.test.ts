import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { simulateMnistSurvival, mnistSurvivalScale } from '../../src/data/mnist-survival.js';
import { imageDataset } from '../../src/io/image-dataset.js';
import { loadImageItem, probeImageItem } from '../../src/io/image-item.js';
import { readImageManifest } from '../../src/io/image-manifest.js';
import { resizeBilinear } from '../../src/io/image-transforms.js';
import { torchBackbone } from '../../src/backbones/torch-weights.js';
import { extractFeatures } from '../../src/models/features/extract-features.js';
import { PRETRAINED } from '../pretrained/grid.js';
import { npy } from '../pretrained/brightness-images.js';

const F = join(import.meta.dirname, '..', 'fixtures');

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(b: Buffer): number {
  let c = 0xffffffff;
  for (const x of b) c = (CRC[(c ^ x) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
/** An 8-bit greyscale PNG (the format's definition: signature, IHDR, one zlib IDAT of filter-0 rows, IEND). */
export function png(pixels: Uint8Array, height: number, width: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc(height * (width + 1));
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

let dir = '';
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = mkdtempSync(join(tmpdir(), 'survkit-manifest-'));
  mkdirSync(join(dir, 'img'));
  mkdirSync(join(dir, 'series'));
  for (let k = 0; k < 4; k++) copyFileSync(join(F, 'dicom', `series_${k}.dcm`), join(dir, 'series', `series_${k}.dcm`));
  writeFileSync(
    join(dir, 'img', 'a.npy'),
    npy(
      Float32Array.from({ length: 6 * 8 }, (_, i) => i),
      [6, 8],
    ),
  );
  writeFileSync(
    join(dir, 'img', 'b.png'),
    png(
      Uint8Array.from({ length: 5 * 7 }, (_, i) => 7 * i),
      5,
      7,
    ),
  );
  const rows = [
    'path,time,event,split,age,site',
    'img/a.npy,1.5,1,train,50,A',
    'img/b.png,2,0,test,61.5,B',
    `${join(F, 'nifti', 'public', 'anatomical.nii')},3,1,train,,C`,
    `${join(F, 'nifti', 'public', 'example_nifti2.nii.gz')},4,2,train,40,A`,
    `${join(F, 'dicom', 'public', 'MR_small_RLE.dcm')},5,0,val,70,B`,
    'series,6,1,train,45,A',
  ];
  writeFileSync(join(dir, 'manifest.csv'), `${rows.join('\n')}\n`);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('readImageManifest', () => {
  it('resolves relative paths against the manifest folder and reads time, event, split and covariates', () => {
    const rows = readImageManifest(join(dir, 'manifest.csv'));
    expect(rows.length).toBe(6);
    expect(rows[0]).toEqual({ path: join(dir, 'img', 'a.npy'), time: 1.5, event: 1, split: 'train', covariates: { age: 50, site: 'A' }, row: 2 });
    expect(rows[2]?.path).toBe(join(F, 'nifti', 'public', 'anatomical.nii'));
    expect(rows[2]?.covariates).toEqual({ age: '', site: 'C' });
    expect(rows[3]?.event).toBe(2);
    expect(rows[5]?.path).toBe(join(dir, 'series'));
  });

  it('names the file, the row and the column of a bad cell', () => {
    const bad = (name: string, text: string): string => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    expect(() => readImageManifest(bad('t.csv', 'path,time,event\na.npy,1,1\nb.npy,-2,0\n'))).toThrow(
      /^readImageManifest: .*t\.csv: row 3, column "time": expected a finite number ≥ 0; got "-2"/,
    );
    expect(() => readImageManifest(bad('e.csv', 'path,time,event\na.npy,1,yes\n'))).toThrow(
      /e\.csv: row 2, column "event": expected an event code 0 \(censored\)/,
    );
    expect(() => readImageManifest(bad('p.csv', 'path,time,event\n,1,1\n'))).toThrow(/p\.csv: row 2, column "path": is empty/);
    expect(() => readImageManifest(bad('n.csv', 'file,time,event\na.npy,1,1\n'))).toThrow(/n\.csv: has no column "path" \(header: file, time, event\)/);
    expect(() => readImageManifest(bad('z.csv', 'path,time,event\n'))).toThrow(/z\.csv: the file has a header but no data rows/);
    // A prediction manifest may leave out time and event.
    expect(readImageManifest(bad('u.csv', 'path\na.npy\n'), { unlabelled: true })[0]?.time).toBeUndefined();
  });
});

describe('bilinear resize (closed form)', () => {
  it('reproduces a linear ramp f = x + 2y at half-pixel source coordinates, clamped at the borders', () => {
    // 2×2 source [[0, 1], [2, 3]] → 4×4: source x = (j + ½)·2/4 − ½ = −0.25, 0.25, 0.75, 1.25 → clamped 0, 0.25, 0.75, 1.
    const v = { data: Float32Array.from([0, 1, 2, 3]), depth: 1, height: 2, width: 2, channels: 1 };
    const s = [0, 0.25, 0.75, 1];
    const want = s.flatMap((y) => s.map((x) => x + 2 * y));
    expect(Array.from(resizeBilinear(v, 4, 4).data)).toEqual(want);
    // Downsampling 4 → 2 samples x = (j + ½)·2 − ½ = 0.5, 2.5: the means of neighbour pairs.
    const w = { data: Float32Array.from([0, 1, 2, 3]), depth: 1, height: 1, width: 4, channels: 1 };
    expect(Array.from(resizeBilinear(w, 1, 2).data)).toEqual([0.5, 2.5]);
  });
});

describe('every file kind through one manifest', () => {
  it('imageDataset reads .npy, PNG, NIfTI (.nii, .nii.gz), DICOM and a DICOM series folder, resized to one shape', async () => {
    const rows = readImageManifest(join(dir, 'manifest.csv'));
    expect(await probeImageItem(rows[0] as { path: string })).toEqual([6, 8, 1]);
    expect(await probeImageItem(rows[1] as { path: string })).toEqual([5, 7, 1]);
    expect(await probeImageItem(rows[5] as { path: string })).toEqual([4, 3, 3, 1]);
    const ds = imageDataset(rows, { shape: [12, 16], channels: 3, intensity: 'none', resize: 'bilinear', batchSize: 4, workers: 0 });
    const shapes: number[][] = [];
    const times: number[] = [];
    for await (const b of ds.batches()) {
      shapes.push(b.x.shape);
      times.push(...(b.time ?? []));
      const v = await b.x.data();
      expect(v.every((x) => Number.isFinite(x))).toBe(true);
      b.x.dispose();
    }
    expect(shapes).toEqual([
      [4, 12, 16, 3],
      [2, 12, 16, 3],
    ]);
    expect(times).toEqual([1.5, 2, 3, 4, 5, 6]);
    // The .npy ramp value(y, x) = 8y + x, doubled in size: its resize is the same ramp at half-pixel coordinates.
    const a = await loadImageItem(rows[0] as { path: string }, { shape: [12, 16], intensity: 'none', resize: 'bilinear' });
    const at = (i: number, n: number, N: number): number => Math.min(Math.max(((i + 0.5) * N) / n - 0.5, 0), N - 1);
    for (const [i, j] of [
      [0, 0],
      [5, 7],
      [11, 15],
    ] as const)
      expect(a[i * 16 + j]).toBeCloseTo(8 * at(i, 12, 6) + at(j, 16, 8), 5);
    // PNG values come in [0, 1] (byte / 255): the top-left pixel is 0 and the bottom-right 7·34 / 255.
    const p = await loadImageItem(rows[1] as { path: string }, { shape: [5, 7], intensity: 'none', resize: 'bilinear' });
    expect(p[0]).toBe(0);
    expect(p[34]).toBeCloseTo(238 / 255, 6);
    await ds.close();
  }, 60_000);
});

describe('extractFeatures on an imageDataset', () => {
  it('streams every file kind through a frozen resnet18 (the same features as the stacked items), cached and reused', async () => {
    const rows = readImageManifest(join(dir, 'manifest.csv'));
    const backbone = await torchBackbone(join(PRETRAINED, 'resnet18.safetensors'), { arch: 'resnet18', inputShape: [64, 64, 3] });
    const spec = { shape: [64, 64] as [number, number], channels: 3 as const, intensity: 'minmax' as const, resize: 'bilinear' as const };
    const ds = imageDataset(rows, { ...spec, batchSize: 4, workers: 1 });
    const cacheDir = join(dir, 'features');
    const a = await extractFeatures(backbone, ds, { cacheDir, shardSize: 4, progress: false });
    const stacked = new Float32Array(rows.length * 64 * 64 * 3);
    for (let i = 0; i < rows.length; i++) stacked.set(await loadImageItem(rows[i] as { path: string }, spec), i * 64 * 64 * 3);
    const b = await extractFeatures(backbone, { data: stacked, shape: [rows.length, 64, 64, 3] }, { progress: false });
    expect(a.shape).toEqual([6, 16]);
    expect(Array.from(a.features)).toEqual(Array.from(b.features));
    const again = await extractFeatures(backbone, ds, { cacheDir, shardSize: 4, progress: false });
    expect([again.reused, again.computed]).toEqual([2, 0]);
    await ds.close();
    backbone.dispose();
  }, 60_000);
});

describe("pycox's MNIST survival simulation (examples/04_mnist_dataloaders_cnn.ipynb)", () => {
  it('β(d) = 365·e^(−0.6d) / ln 1.2, T = −β ln(1 − U), censored at 700 (hand computation)', () => {
    expect(mnistSurvivalScale(0)).toBeCloseTo(2001.9574559276834, 9);
    expect(mnistSurvivalScale(3)).toBeCloseTo(330.92134173176197, 9);
    expect(mnistSurvivalScale(9)).toBeCloseTo(9.04200289336432, 11);
    const s = simulateMnistSurvival([0, 9, 3], { uniforms: [0.5, 0.5, 0.25] });
    // digit 0: T = β0 ln 2 = 1387.65 > 700 → censored at 700; digit 9: β9 ln 2 = 6.267; digit 3: −β3 ln 0.75 = 95.20.
    expect(Array.from(s.event)).toEqual([0, 1, 1]);
    expect(s.time[0]).toBe(700);
    expect(s.time[1]).toBeCloseTo(6.2674388121503455, 10);
    expect(s.time[2]).toBeCloseTo(95.2001374079173, 9);
  });

  it('seeded draws follow the law: P(censored | digit 0) = e^(−700/β0) = 0.7049, E min(T, 700) = β0 (1 − e^(−700/β0)) = 590.72', () => {
    const n = 40_000;
    const s = simulateMnistSurvival(new Int32Array(n), { seed: 3 });
    const pc = s.event.reduce((a, e) => a + (e === 0 ? 1 : 0), 0) / n;
    const mean = s.time.reduce((a, t) => a + t, 0) / n;
    expect(Math.abs(pc - 0.7049292892383853)).toBeLessThan(4 * Math.sqrt((0.705 * 0.295) / n));
    expect(Math.abs(mean - 590.7190094350956)).toBeLessThan(4);
    expect(() => simulateMnistSurvival([10])).toThrow(/simulateMnistSurvival: option 'digits\[0\]' must be an integer 0–9; got 10/);
  });
});
