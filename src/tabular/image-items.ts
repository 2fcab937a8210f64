/**
 * One image (or clip) per manifest row for `survkit train --images`: NumPy
 * `.npy` arrays (`[h, w]`, `[h, w, c]` or `[t, h, w, c]`, any numeric dtype)
 * and DICOM files (`readDicom`: pixels after the modality rescale), as
 * channels-last float32, with the normalisation pretrained weights expect.
 */
import { readFile } from 'node:fs/promises';
import { survkitError } from '../core/errors.js';
import { readDicom } from '../io/dicom.js';

/** An item: values channels last and its shape (`[h, w, c]` or `[t, h, w, c]`). */
export interface ImageItem {
  data: Float32Array;
  shape: number[];
}

/** Per-channel mean and std of the usual pretrained weights (images scaled to [0, 1] first). */
export const NORMALIZATIONS = {
  none: undefined,
  imagenet: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  kinetics: { mean: [0.43216, 0.394666, 0.37645], std: [0.22803, 0.22145, 0.216989] },
} as const;
export type Normalization = keyof typeof NORMALIZATIONS;

const NPY_DTYPES: Record<string, [number, (dv: DataView, o: number, le: boolean) => number]> = {
  f4: [4, (dv, o, le) => dv.getFloat32(o, le)],
  f8: [8, (dv, o, le) => dv.getFloat64(o, le)],
  u1: [1, (dv, o) => dv.getUint8(o)],
  i1: [1, (dv, o) => dv.getInt8(o)],
  u2: [2, (dv, o, le) => dv.getUint16(o, le)],
  i2: [2, (dv, o, le) => dv.getInt16(o, le)],
  i4: [4, (dv, o, le) => dv.getInt32(o, le)],
  u4: [4, (dv, o, le) => dv.getUint32(o, le)],
};

/** Parses a NumPy .npy file (format 1.0–3.0, C order). */
export function parseNpy(fn: string, file: string, buf: Uint8Array): ImageItem {
  const bad = (problem: string): never => {
    throw survkitError('imageManifest', fn, file, problem);
  };
  if (buf.byteLength < 10 || buf[0] !== 0x93 || String.fromCharCode(...buf.subarray(1, 6)) !== 'NUMPY') bad('is not a NumPy .npy file');
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const major = buf[6] as number;
  const hlen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = (major === 1 ? 10 : 12) + hlen;
  const header = Buffer.from(buf.subarray(major === 1 ? 10 : 12, start)).toString('latin1');
  const descr = /'descr':\s*'([<>|=])([a-z]\d)'/.exec(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (descr === null || shapeText === null) bad('has an .npy header without descr or shape');
  if (/'fortran_order':\s*True/.test(header)) bad('is stored in Fortran order; save it with np.ascontiguousarray');
  const spec = NPY_DTYPES[(descr as RegExpExecArray)[2] as string];
  if (spec === undefined) bad(`has dtype ${(descr as RegExpExecArray)[2]}; expected a float, int or uint type`);
  const shape = ((shapeText as RegExpExecArray)[1] as string)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  const [size, get] = spec as [number, (dv: DataView, o: number, le: boolean) => number];
  const n = shape.reduce((a, s) => a * s, 1);
  if (start + n * size > buf.byteLength) bad(`is truncated: shape (${shape.join(', ')}) needs ${n * size} bytes of data, it has ${buf.byteLength - start}`);
  const le = (descr as RegExpExecArray)[1] !== '>';
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = get(dv, start + i * size, le);
  if (shape.length === 2) shape.push(1);
  if (shape.length !== 3 && shape.length !== 4) bad(`has shape (${shape.join(', ')}); expected (h, w), (h, w, c) or (t, h, w, c)`);
  return { data, shape };
}

/** Reads one item by its extension (.npy, .dcm / .dicom). */
export async function readImageItem(fn: string, file: string): Promise<ImageItem> {
  const lower = file.toLowerCase();
  if (lower.endsWith('.npy')) {
    let buf: Buffer;
    try {
      buf = await readFile(file);
    } catch (err) {
      throw survkitError('imageManifest', fn, file, `cannot be read (${(err as Error).message})`);
    }
    return parseNpy(fn, file, buf);
  }
  if (lower.endsWith('.dcm') || lower.endsWith('.dicom')) {
    const d = await readDicom(file);
    const shape = d.frames > 1 ? [d.frames, d.rows, d.columns, d.samplesPerPixel] : [d.rows, d.columns, d.samplesPerPixel];
    return { data: d.pixels, shape };
  }
  throw survkitError('imageManifest', fn, file, 'has an extension survkit train --images does not read; expected .npy or .dcm');
}

/**
 * Fits an item to the backbone's input `want` (channels last, without the
 * batch axis): grey items are repeated to 3 channels when the backbone takes 3;
 * then the normalisation ((x − mean) / std per channel) is applied.
 */
export function fitItem(fn: string, file: string, item: ImageItem, want: readonly number[], norm: Normalization): Float32Array {
  let { data, shape } = item;
  const wantC = want[want.length - 1] as number;
  const c = shape[shape.length - 1] as number;
  if (c === 1 && wantC === 3) {
    const rgb = new Float32Array(data.length * 3);
    for (let i = 0; i < data.length; i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = data[i] as number;
    data = rgb;
    shape = [...shape.slice(0, -1), 3];
  }
  if (shape.join() !== want.join())
    throw survkitError(
      'imageManifest',
      fn,
      file,
      `has shape [${item.shape.join(', ')}] but the backbone takes [${want.join(', ')}] (channels last); resize the images first`,
    );
  const nz = NORMALIZATIONS[norm];
  if (nz === undefined) return data;
  const out = new Float32Array(data.length);
  const C = wantC;
  for (let i = 0; i < data.length; i++) {
    const k = i % C;
    out[i] = ((data[i] as number) - (nz.mean[k % 3] as number)) / (nz.std[k % 3] as number);
  }
  return out;
}
