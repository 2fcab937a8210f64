/**
 * NumPy `.npy` files (format 1.0–3.0, C order, float / int / uint dtypes) as
 * channels-last float32 items: `[h, w]` becomes `[h, w, 1]`; `[h, w, c]` and
 * `[t, h, w, c]` are kept.
 */
import { survkitError } from '../core/errors.js';

/** An item: values channels last and its shape (`[h, w, c]` or `[t, h, w, c]`). */
export interface NpyItem {
  data: Float32Array;
  shape: number[];
}

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

/** Parses a NumPy .npy file (format 1.0–3.0, C order); errors name `fn` and `file`. */
export function parseNpy(fn: string, file: string, buf: Uint8Array): NpyItem {
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
