import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { resnet2d } from '../../src/backbones/index.js';
import { initBackend } from '../../src/backend/index.js';
import { CoxPH } from '../../src/models/index.js';
import { readDicom } from '../../src/io/dicom.js';
import { imageDataset } from '../../src/io/image-dataset.js';
import { loadImageItem } from '../../src/io/image-item.js';
import { cropOrPad, flipAxis, normaliseIntensity, shapeAndAugment } from '../../src/io/image-transforms.js';
import { niftiToCanonical, readNifti } from '../../src/io/nifti.js';

const F = join(import.meta.dirname, '..', 'fixtures');
const rows = [
  { path: join(F, 'nifti', 'public', 'anatomical.nii'), time: 5, event: 1 },
  { path: join(F, 'dicom', 'public', 'MR_small_RLE.dcm'), time: 2, event: 0 },
  { path: join(F, 'dicom', 'public', 'SC_rgb_rle_16bit.dcm'), time: 3, event: 1 },
  { path: join(F, 'nifti', 'public', 'standard.nii.gz'), time: 4, event: 2 },
  { path: join(F, 'dicom', 'public', 'JPEG2000.dcm'), time: 1, event: 1 },
];
const augment = { flip: ['x', 'y'] as const, crop: 4, rotate: 10, jitter: { scale: 0.1, shift: 0.05 } };

async function epochs(ds: ReturnType<typeof imageDataset>, n: number): Promise<{ x: number[][]; time: number[][] }> {
  const x: number[][] = [];
  const time: number[][] = [];
  for (let e = 0; e < n; e++) {
    const xs: number[] = [];
    const ts: number[] = [];
    for await (const b of ds.batches()) {
      xs.push(...(await b.x.data()));
      ts.push(...(b.time ?? []));
      b.x.dispose();
    }
    x.push(xs);
    time.push(ts);
  }
  return { x, time };
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('image transforms (closed forms)', () => {
  const v = { data: Float32Array.from({ length: 12 }, (_, i) => i), depth: 1, height: 3, width: 4, channels: 1 };
  it('cropOrPad crops and zero-pads around the centre, and shifts by the offset', () => {
    expect(Array.from(cropOrPad(v, 1, 1, 2).data)).toEqual([5, 6]); // row 1, columns 1–2
    expect(Array.from(cropOrPad(v, 1, 3, 6).data)).toEqual([0, 0, 1, 2, 3, 0, 0, 4, 5, 6, 7, 0, 0, 8, 9, 10, 11, 0]);
    expect(Array.from(cropOrPad(v, 1, 1, 2, [0, 1, 1]).data)).toEqual([10, 11]);
  });
  it('flipAxis reverses one axis; twice is the identity', () => {
    expect(Array.from(flipAxis(v, 'x').data.slice(0, 4))).toEqual([3, 2, 1, 0]);
    expect(Array.from(flipAxis(v, 'y').data.slice(0, 4))).toEqual([8, 9, 10, 11]);
    expect(flipAxis(flipAxis(v, 'y'), 'y').data).toEqual(v.data);
  });
  it('z-score gives mean 0 and population sd 1; min–max spans [0, 1]', () => {
    const z = normaliseIntensity(v.data, 'zscore');
    const mean = z.reduce((a, b) => a + b, 0) / z.length;
    expect(mean).toBeCloseTo(0, 6);
    expect(Math.sqrt(z.reduce((a, b) => a + b * b, 0) / z.length)).toBeCloseTo(1, 6);
    const m = normaliseIntensity(v.data, 'minmax');
    expect([m[0], m[11]]).toEqual([0, 1]);
    expect(Array.from(normaliseIntensity(Float32Array.from([-1000, 40, 1000]), { window: { center: 40, width: 400 } }))).toEqual([0, 0.5012531280517578, 1]);
  });
  it('augmentation depends on the seed only', () => {
    const a = shapeAndAugment(v, 1, 3, 4, { flip: true, crop: 1, rotate: 15, jitter: { scale: 0.2 } }, 11).data;
    expect(shapeAndAugment(v, 1, 3, 4, { flip: true, crop: 1, rotate: 15, jitter: { scale: 0.2 } }, 11).data).toEqual(a);
    expect(shapeAndAugment(v, 1, 3, 4, { flip: true, crop: 1, rotate: 15, jitter: { scale: 0.2 } }, 12).data).not.toEqual(a);
    expect(shapeAndAugment(v, 1, 3, 4).data).toEqual(v.data); // no augmentation: crop/pad only
  });
});

describe('imageDataset: a BatchSource over files on disk', () => {
  it('evaluation source: manifest order, labels, fixed shape, items as loaded one by one, no augmentation', async () => {
    const ds = imageDataset(rows, { shape: [24, 24], batchSize: 2, workers: 0, augment });
    expect(ds.size).toBe(5);
    const shapes: number[][] = [];
    const xs: number[] = [];
    const times: number[] = [];
    const events: number[] = [];
    for await (const b of ds.batches()) {
      shapes.push(b.x.shape);
      xs.push(...(await b.x.data()));
      times.push(...(b.time ?? []));
      events.push(...(b.event ?? []));
      b.x.dispose();
    }
    expect(shapes).toEqual([
      [2, 24, 24, 1],
      [2, 24, 24, 1],
      [1, 24, 24, 1],
    ]);
    expect(times).toEqual([5, 2, 3, 4, 1]);
    expect(events).toEqual([1, 0, 1, 2, 1]);
    const first = await loadImageItem(rows[0] as (typeof rows)[0], { shape: [24, 24] });
    expect(xs.slice(0, 24 * 24)).toEqual(Array.from(first));
  });

  it('the item values are the decoded file, normalised, centre-cropped (NIfTI: canonical middle slice; DICOM: modality values)', async () => {
    const vol = niftiToCanonical(await readNifti(rows[0]?.path as string));
    const [nx, ny, nz] = vol.shape as [number, number, number];
    const z = Math.floor(nz / 2);
    const item = await loadImageItem(rows[0] as (typeof rows)[0], { shape: [ny, nx], intensity: 'none' });
    expect(Array.from(item)).toEqual(Array.from(vol.data.subarray(z * nx * ny, (z + 1) * nx * ny)));
    const dcm = await readDicom(rows[4]?.path as string);
    const w = { center: 100, width: 200 };
    const item2 = await loadImageItem(rows[4] as (typeof rows)[0], { shape: [dcm.rows, dcm.columns], intensity: { window: w } });
    expect(Array.from(item2)).toEqual(Array.from(normaliseIntensity(dcm.pixels, { window: w })));
  });

  it('training source: shuffled and augmented, identical with worker threads and inline for a seed, new draws each epoch', async () => {
    const opts = { shape: [20, 20] as [number, number], batchSize: 2, training: true, augment, seed: 7 };
    const inline = imageDataset(rows, { ...opts, workers: 0 });
    const threaded = imageDataset(rows, { ...opts, workers: 2 });
    const a = await epochs(inline, 2);
    const b = await epochs(threaded, 2);
    await threaded.close();
    expect(b).toEqual(a);
    expect(a.time[0]).not.toEqual([5, 2, 3, 4, 1]); // shuffled (fixed seed)
    expect([...(a.time[0] as number[])].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(a.x[1]).not.toEqual(a.x[0]);
    const other = await epochs(imageDataset(rows, { ...opts, workers: 0, seed: 8 }), 1);
    expect(other.x[0]).not.toEqual(a.x[0]);
  }, 60_000);

  it('3D items: NIfTI volumes cropped / padded to [depth, height, width]', async () => {
    const ds = imageDataset([rows[0] as (typeof rows)[0], rows[3] as (typeof rows)[0]], { shape: [8, 16, 16], batchSize: 2, workers: 0, intensity: 'zscore' });
    for await (const b of ds.batches()) {
      expect(b.x.shape).toEqual([2, 8, 16, 16, 1]);
      b.x.dispose();
    }
  });

  it('is a BatchSource: CoxPH trains on a training dataset and predicts on an evaluation one', async () => {
    const cox = rows.map((r) => ({ ...r, event: Math.min(r.event, 1) }));
    const train = imageDataset(cox, { shape: [16, 16], batchSize: 5, workers: 0, training: true, augment, seed: 1 });
    const test = imageDataset(cox, { shape: [16, 16], batchSize: 2, workers: 0 });
    const model = new CoxPH({ backbone: resnet2d({ inputShape: [16, 16, 1], widths: [4, 8], seed: 1 }), attach: { pool: 'avg' }, seed: 1 });
    const history = await model.fit(train, { epochs: 2, learningRate: 0.01, seed: 1, verbose: false });
    expect(history.loss).toHaveLength(2);
    expect(history.loss.every(Number.isFinite)).toBe(true);
    const risk = await model.predictRisk(test);
    expect(risk).toHaveLength(5);
  }, 60_000);

  it('leaves no tensors behind but the batches the caller owns', async () => {
    const before = tf.memory().numTensors;
    const ds = imageDataset(rows, { shape: [8, 8], batchSize: 3, workers: 0 });
    for await (const b of ds.batches()) b.x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a row that cannot be read names the row and the file; a training source needs labels', async () => {
    const bad = [...rows, { path: join(F, 'dicom', 'public', 'nope.dcm'), time: 1, event: 1 }];
    const ds = imageDataset(bad, { shape: [8, 8], batchSize: 2, workers: 0 });
    await expect(epochs(ds, 1)).rejects.toThrow(/^imageDataset: manifest row 5 \(.*nope\.dcm\): readDicom: cannot read 'path'.*the file does not exist/);
    expect(() => imageDataset([{ path: 'a.png' }], { shape: [8, 8], training: true })).toThrow(
      /imageDataset: manifest row 0: a training source needs numeric time and event/,
    );
    expect(() => imageDataset([], { shape: [8, 8] })).toThrow(/imageDataset: manifest: must be a non-empty list/);
  });
});
