import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { niftiResample, niftiToCanonical, parseNifti, readNifti, type NiftiVolume } from '../../src/io/nifti.js';
import { closestOrientation } from '../../src/io/nifti-affine.js';
import { errorOf } from '../helpers/errors.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'nifti');

interface Grid {
  shape: number[];
  affine: number[][];
  data: string;
}
interface Golden extends Grid {
  path: string;
  version: number;
  zooms: number[];
  datatype: number;
  canonical: Grid & { axcodes: string[]; zooms: number[] };
  resampled?: Record<'0' | '1', Grid & { spacing: number[] }>;
}
/** nibabel 5.0.0 / scipy 1.10.1 on nibabel's public test images (test/fixtures/generators/nifti_nibabel.py). */
const golden = JSON.parse(readFileSync(join(dir, 'nibabel.json'), 'utf8')) as { provenance: object; files: Record<string, Golden> };

const unpack = (b64: string): Float64Array => {
  const buf = gunzipSync(Buffer.from(b64, 'base64'));
  return new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
};
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
};
const expectAffine = (got: number[][], want: number[][], tol: number): void => {
  got.forEach((row, r) => row.forEach((v, c) => expect(Math.abs(v - (want[r]?.[c] as number)), `affine[${r}][${c}]`).toBeLessThanOrEqual(tol)));
};
/** float32 data: nibabel's float64 values rounded to float32, so a difference up to half an ulp of float32 (relative 6e-8). */
const tolFor = (vol: NiftiVolume, want: Float64Array): number =>
  vol.data instanceof Float64Array ? 0 : Math.max(...Array.from(want, (v) => Math.abs(v))) * 2 ** -24;

describe('readNifti against nibabel', () => {
  it.each(Object.keys(golden.files))('%s: data, shape, spacing, datatype and affine as nibabel', async (name) => {
    const g = golden.files[name] as Golden;
    const vol = await readNifti(join(dir, g.path));
    expect(vol.shape).toEqual(g.shape);
    expect(vol.spacing.map((v) => Math.fround(v))).toEqual(g.zooms.map((v) => Math.fround(v)));
    expect(vol.datatype).toBe(g.datatype);
    expect(vol.version).toBe(g.version);
    expectAffine(vol.affine, g.affine, 1e-6);
    const want = unpack(g.data);
    expect(maxAbsDiff(vol.data, want)).toBeLessThanOrEqual(tolFor(vol, want));
  });

  it.each(Object.keys(golden.files))('%s: niftiToCanonical = nibabel as_closest_canonical', async (name) => {
    const g = golden.files[name] as Golden;
    const can = niftiToCanonical(await readNifti(join(dir, g.path)));
    expect(can.shape).toEqual(g.canonical.shape);
    expectAffine(can.affine, g.canonical.affine, 1e-6);
    expect(can.spacing.map((v) => Math.fround(v))).toEqual(g.canonical.zooms.map((v) => Math.fround(v)));
    const want = unpack(g.canonical.data);
    expect(maxAbsDiff(can.data, want)).toBeLessThanOrEqual(tolFor(can, want));
    // The canonical affine's 3 × 3 part points i, j, k to +R, +A, +S.
    expect(closestOrientation(can.affine)).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
    ]);
  });

  const threeD = Object.keys(golden.files).filter((f) => golden.files[f]?.resampled !== undefined);
  it.each(threeD.flatMap((f) => [[f, 1] as const, [f, 0] as const]))('%s: niftiResample order %i = nibabel resample_to_output', async (name, order) => {
    const g = golden.files[name] as Golden;
    const r = (g.resampled as Record<string, Grid & { spacing: number[] }>)[String(order)] as Grid & { spacing: number[] };
    const vol = await readNifti(join(dir, g.path));
    const out = niftiResample(vol, r.spacing, { order });
    expect(out.shape).toEqual(r.shape);
    expectAffine(out.affine, r.affine, 1e-9);
    const want = unpack(r.data);
    const diff = maxAbsDiff(out.data, want);
    // Nearest, and linear on integer data (rounded as scipy casts): the same values; linear on float data: float32 storage.
    const integer = vol.sclSlope === 1 && vol.sclInter === 0 && ![16, 64].includes(vol.datatype);
    expect(diff).toBeLessThanOrEqual(order === 0 || integer ? 0 : 1e-6 * Math.max(1, ...Array.from(want, Math.abs)));
  });

  it('errors name the file and the problem', async () => {
    expect(errorOf(() => parseNifti(new Uint8Array(400), 'zeros.nii')).message).toMatch(/^parseNifti: zeros\.nii: not a single-file NIfTI/);
    await expect(readNifti('/no/such.nii')).rejects.toThrow(messages.dataFile('readNifti', 'path', '/no/such.nii', 'the file does not exist'));
    const vol = await readNifti(join(dir, 'public', 'standard.nii.gz'));
    expect(errorOf(() => niftiResample(vol, [1, 0, 1])).message).toMatch(/standard\.nii\.gz: 'spacing' must be 3 positive numbers/);
  });
});
