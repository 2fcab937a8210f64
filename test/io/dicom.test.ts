import { readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { messages } from '../../src/core/messages.js';
import { applyWindow, parseDicom, readDicom } from '../../src/io/dicom.js';
import { dicomSeriesTensor, dicomTensor, readDicomSeries } from '../../src/io/dicom-series.js';
import { errorOf } from '../helpers/errors.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'dicom');

interface Expected {
  rows: number;
  columns: number;
  frames: number;
  samplesPerPixel: number;
  photometric: string;
  transferSyntax: string;
  modality: string;
  stored: number[];
  modality_lut?: number[];
  voi_unit?: number[];
  window?: { center: number; width: number };
  instanceNumber?: number;
  imagePositionPatient?: number[];
  imageOrientationPatient?: number[];
  pixelSpacing?: number[];
}
/** pydicom 2.3.1's reading of the fixture files (test/fixtures/generators/dicom_pydicom.py). */
const golden = JSON.parse(readFileSync(join(dir, 'pydicom.json'), 'utf8')) as { provenance: string; files: Record<string, Expected> };
const single = Object.keys(golden.files).filter((f) => !f.startsWith('series_'));

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('readDicom against pydicom', () => {
  it.each(Object.keys(golden.files))('%s: attributes and pixel values (modality LUT) exactly as pydicom', async (name) => {
    const e = golden.files[name] as Expected;
    const im = await readDicom(join(dir, name));
    expect({
      rows: im.rows,
      columns: im.columns,
      frames: im.frames,
      samples: im.samplesPerPixel,
      photometric: im.photometric,
      syntax: im.transferSyntaxUID,
      modality: im.modality,
    }).toEqual({
      rows: e.rows,
      columns: e.columns,
      frames: e.frames,
      samples: e.samplesPerPixel,
      photometric: e.photometric,
      syntax: e.transferSyntax,
      modality: e.modality,
    });
    // pydicom's pixel_array is (frames, rows, columns[, samples]) whatever the planar configuration; so is survkit's order.
    const expected = e.modality_lut ?? e.stored;
    expect(im.pixels.length).toBe(expected.length);
    expect(Array.from(im.pixels)).toEqual(expected.map((v) => Math.fround(v)));
    expect(im.window).toEqual(e.window);
    expect(im.instanceNumber).toBe(e.instanceNumber);
    expect(im.imagePositionPatient).toEqual(e.imagePositionPatient);
    expect(im.imageOrientationPatient).toEqual(e.imageOrientationPatient);
    expect(im.pixelSpacing).toEqual(e.pixelSpacing);
  });

  it.each(single.filter((f) => golden.files[f]?.voi_unit !== undefined))('%s: applyWindow = pydicom apply_voi_lut (LINEAR) scaled to [0, 1]', async (name) => {
    const e = golden.files[name] as Expected;
    const im = await readDicom(join(dir, name));
    const y = applyWindow(im.pixels, im.window as { center: number; width: number });
    const want = e.voi_unit as number[];
    expect(want.some((v) => v > 0 && v < 1)).toBe(true); // the window's linear part is exercised
    y.forEach((v, i) => expect(Math.abs(v - (want[i] as number))).toBeLessThan(1e-7));
  });
});

describe('applyWindow', () => {
  it('follows DICOM PS3.3 C.11.2.1.2.1 at the edges, inverts on request, rejects a width < 1', () => {
    // c = 40, w = 400: x <= -160 -> 0, x > 239 -> 1, linear between.
    const y = applyWindow([-1000, -160, -159.5, 39.5, 239, 239.5, 3000], { center: 40, width: 400 });
    expect(Array.from(y)).toEqual([0, 0, Math.fround(0.5 / 399), 0.5, 1, 1, 1]);
    expect(Array.from(applyWindow([-1000, 3000], { center: 40, width: 400 }, { invert: true }))).toEqual([1, 0]);
    expect(Array.from(applyWindow([9, 10, 11], { center: 10.5, width: 1 }))).toEqual([0, 0, 1]);
    expect(() => applyWindow([1], { center: 0, width: 0.5 })).toThrow(messages.dicomWindowWidth('applyWindow', 'window.width', 0.5));
    expect(() => applyWindow([1], { center: NaN, width: 10 })).toThrow(messages.dicomWindow('applyWindow', 'window', { center: NaN, width: 10 }));
    expect(() => applyWindow([1], null as never)).toThrow(messages.dicomWindow('applyWindow', 'window', null));
  });
});

describe('readDicomSeries', () => {
  it('orders the slices along the normal of ImageOrientationPatient, not by file name or InstanceNumber order of reading', async () => {
    const files = [0, 1, 2, 3].map((k) => join(dir, `series_${k}.dcm`));
    const v = await readDicomSeries(files);
    expect(v.order).toBe('position');
    // Written at positions z = 2, 0, 3, 1 (× 1.25 mm along the normal) as files 0, 1, 2, 3.
    expect(v.files).toEqual([1, 3, 0, 2].map((k) => join(dir, `series_${k}.dcm`)));
    expect(v.sliceSpacing).toBeCloseTo(1.25, 5);
    expect(v.slices).toBe(4);
    v.files.forEach((f, s) => {
      const name = f.split('/').pop() as string;
      expect(Array.from(v.volume.subarray(9 * s, 9 * s + 9))).toEqual((golden.files[name] as Expected).modality_lut);
    });
    expect(v.pixelSpacing).toEqual([0.5, 0.5]);
  });

  it('reads a directory, skipping files that are not DICOM', async () => {
    const tmp = tempDir('survkit-dicom-');
    for (const k of [0, 1, 2, 3]) copyFileSync(join(dir, `series_${k}.dcm`), join(tmp, `s${k}.dcm`));
    writeFileSync(join(tmp, 'notes.txt'), 'not dicom');
    const v = await readDicomSeries(tmp);
    expect(v.files.map((f) => f.split('/').pop())).toEqual(['s1.dcm', 's3.dcm', 's0.dcm', 's2.dcm']);
  });

  it('rejects multi-frame members, mixed sizes, duplicate positions and empty folders', async () => {
    const mf = await readDicomSeries([join(dir, 'series_0.dcm'), join(dir, 'xa_multiframe.dcm')]).catch((e: Error) => e);
    expect((mf as Error).message).toMatch(/xa_multiframe\.dcm is a multi-frame or colour image; read it with readDicom/);
    const dup = await readDicomSeries([join(dir, 'series_0.dcm'), join(dir, 'series_0.dcm')]).catch((e: Error) => e);
    expect((dup as Error).message).toMatch(/are at the same position/);
    const size = await readDicomSeries([join(dir, 'ct_signed12.dcm'), join(dir, 'mr_unsigned16_implicit.dcm')]).catch((e: Error) => e);
    expect((size as Error).message).toMatch(/is 4 × 7 but .* is 6 × 5/);
    const empty = tempDir('survkit-dicom-empty-');
    await expect(readDicomSeries(empty)).rejects.toThrow(messages.dicomFile('readDicomSeries', empty, 'no DICOM image found'));
    await expect(readDicomSeries({ length: 1 } as never)).rejects.toThrow(messages.dicomSource('readDicomSeries', 'source', { length: 1 }));
  });
});

describe('tensors', () => {
  it('dicomTensor: [frames, rows, columns, samples]; the file window by default, else min–max; MONOCHROME1 inverted', async () => {
    const ct = await readDicom(join(dir, 'ct_signed12.dcm'));
    const t = dicomTensor(ct);
    expect(t.shape).toEqual([1, 6, 5, 1]);
    expect(Array.from(t.dataSync())).toEqual(Array.from(applyWindow(ct.pixels, { center: 40, width: 400 })));
    t.dispose();
    const mf = dicomTensor(await readDicom(join(dir, 'xa_multiframe.dcm')));
    expect(mf.shape).toEqual([3, 4, 4, 1]);
    expect(mf.min().dataSync()[0]).toBe(0);
    expect(mf.max().dataSync()[0]).toBe(1);
    mf.dispose();
    const cr = await readDicom(join(dir, 'cr_mono1_8bit.dcm'));
    const inv = dicomTensor(cr).dataSync();
    const lo = Math.min(...cr.pixels);
    const hi = Math.max(...cr.pixels);
    expect(inv[0]).toBeCloseTo(1 - ((cr.pixels[0] as number) - lo) / (hi - lo), 6);
    const rgb = dicomTensor(await readDicom(join(dir, 'xc_rgb_planar1.dcm')), { scaling: 'none' });
    expect(rgb.shape).toEqual([1, 3, 4, 3]);
    expect(Array.from(rgb.dataSync())).toEqual((golden.files['xc_rgb_planar1.dcm'] as Expected).stored);
    rgb.dispose();
    expect(() => dicomTensor(cr, { scaling: 'file' })).toThrow(/has no WindowCenter/);
    expect(() => dicomTensor(cr, { scaling: 'linear' as never })).toThrow(messages.dicomScaling('dicomTensor', 'scaling', 'linear'));
  });

  it('dicomSeriesTensor: [1, slices, rows, columns, 1] for 3D and video backbones', async () => {
    const v = await readDicomSeries([0, 1, 2, 3].map((k) => join(dir, `series_${k}.dcm`)));
    const before = tf.memory().numTensors;
    const t = dicomSeriesTensor(v, { scaling: { center: 0, width: 1000 } });
    expect(t.shape).toEqual([1, 4, 3, 3, 1]);
    expect(Array.from(t.dataSync())).toEqual(Array.from(applyWindow(v.volume, { center: 0, width: 1000 })));
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('bad input', () => {
  it('names the file and the problem', () => {
    expect(() => parseDicom(new Uint8Array([1, 2, 3]), 'x.dcm')).toThrow(/^parseDicom: x\.dcm: not a readable DICOM file/);
    const bytes = new Uint8Array(readFileSync(join(dir, 'ct_signed12.dcm')));
    const cut = bytes.subarray(0, bytes.length - 10);
    expect(errorOf(() => parseDicom(cut, 'cut.dcm')).message).toMatch(/cut\.dcm: (not a readable DICOM file|the pixel data has)/);
  });

  it('rejects unknown transfer syntaxes, and compressed data before the codecs are loaded, naming the file, the syntax and what to do', () => {
    // Rewrite the transfer syntax UID of an uncompressed file (same length with its padding).
    const bytes = new Uint8Array(readFileSync(join(dir, 'ct_signed12.dcm')));
    const text = Buffer.from(bytes).toString('latin1');
    const at = text.indexOf('1.2.840.10008.1.2.1\0');
    expect(at).toBeGreaterThan(0);
    bytes.set(Buffer.from('1.2.840.10008.1.2.9\0', 'latin1'), at);
    expect(errorOf(() => parseDicom(bytes, 'odd.dcm')).message).toBe(
      messages.dicomTransferSyntax('parseDicom', 'odd.dcm', '1.2.840.10008.1.2.9', 'unknown transfer syntax'),
    );
    bytes.set(Buffer.from('1.2.840.10008.1.2.5\0', 'latin1'), at);
    expect(errorOf(() => parseDicom(bytes, 'rle.dcm')).message).toBe(
      messages.dicomCodecNotLoaded('parseDicom', 'rle.dcm', '1.2.840.10008.1.2.5', 'RLE Lossless'),
    );
  });

  it('readDicom reports a missing file', async () => {
    await expect(readDicom('/no/such.dcm')).rejects.toThrow(messages.dataFile('readDicom', 'path', '/no/such.dcm', 'the file does not exist'));
  });
});
