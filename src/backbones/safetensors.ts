/**
 * A native reader and writer of the safetensors format (the format
 * torchvision, timm, MONAI and Hugging Face ship state dicts in): 8 bytes
 * little-endian u64 header length N, N bytes of JSON header
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: {…} }`,
 * then the raw little-endian data, offsets relative to the data section.
 */
import { readFile } from 'node:fs/promises';
import { survkitError } from '../core/errors.js';

/** Element types survkit reads (F32, F16, BF16, F64 convert to float32; the integer types are kept as read). */
export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'F64' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

const BYTES: Record<SafetensorsDtype, number> = { F32: 4, F16: 2, BF16: 2, F64: 8, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

/** One tensor of a safetensors file. */
export interface SafeTensor {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** The tensor's bytes: a view on the file buffer (no copy). */
  bytes: Uint8Array;
  /** Whether {@link SafeTensor.toFloat32} returns a view on the file buffer (F32 data at a 4-byte-aligned address) rather than a copy. */
  zeroCopy: boolean;
  /** The values as float32 (F32 without a copy where aligned; F16, BF16, F64 and integers converted). */
  toFloat32(): Float32Array;
}

/** A read safetensors file. */
export interface SafetensorsFile {
  /** The file's path ('<bytes>' for a buffer). */
  file: string;
  tensors: Map<string, SafeTensor>;
  /** The header's `__metadata__` (string → string), or {}. */
  metadata: Record<string, string>;
}

const f16Table = ((): Float32Array => {
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 0x1f;
    const m = h & 0x3ff;
    t[h] = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m === 0 ? s * Infinity : NaN) : s * (1 + m / 1024) * 2 ** (e - 15);
  }
  return t;
})();

function toFloat32(dtype: SafetensorsDtype, bytes: Uint8Array, n: number): { values: Float32Array; zeroCopy: boolean } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dtype === 'F32') {
    if (bytes.byteOffset % 4 === 0) return { values: new Float32Array(bytes.buffer, bytes.byteOffset, n), zeroCopy: true };
    return { values: new Float32Array(bytes.slice().buffer), zeroCopy: false };
  }
  const out = new Float32Array(n);
  if (dtype === 'F16') for (let i = 0; i < n; i++) out[i] = f16Table[dv.getUint16(2 * i, true)] as number;
  else if (dtype === 'BF16') {
    const u = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) u[i] = dv.getUint16(2 * i, true) << 16;
  } else if (dtype === 'F64') for (let i = 0; i < n; i++) out[i] = dv.getFloat64(8 * i, true);
  else if (dtype === 'I64') for (let i = 0; i < n; i++) out[i] = Number(dv.getBigInt64(8 * i, true));
  else if (dtype === 'I32') for (let i = 0; i < n; i++) out[i] = dv.getInt32(4 * i, true);
  else if (dtype === 'I16') for (let i = 0; i < n; i++) out[i] = dv.getInt16(2 * i, true);
  else if (dtype === 'I8') for (let i = 0; i < n; i++) out[i] = dv.getInt8(i);
  else for (let i = 0; i < n; i++) out[i] = dv.getUint8(i);
  return { values: out, zeroCopy: false };
}

/**
 * Reads a safetensors file (a path, or its bytes) without copying the
 * tensor data: every tensor's `bytes` is a view on the one file buffer, and
 * F32 tensors at aligned addresses convert to float32 as views too.
 *
 * @example
 * const st = await readSafetensors('resnet18.safetensors');
 * st.tensors.get('conv1.weight')?.shape; // [64, 3, 7, 7]
 * @throws {SurvkitError} `safetensorsFile` naming the file for a file shorter than its header, a header that is not a
 *   JSON object, an unknown dtype, a shape that does not match the byte range, or data past the end (a truncated file)
 */
export async function readSafetensors(source: string | Uint8Array): Promise<SafetensorsFile> {
  const fn = 'readSafetensors';
  let buf: Uint8Array;
  const file = typeof source === 'string' ? source : '<bytes>';
  if (typeof source === 'string') {
    try {
      buf = await readFile(source);
    } catch (err) {
      throw survkitError('safetensorsFile', fn, file, `cannot be read (${(err as Error).message})`);
    }
  } else if (source instanceof Uint8Array) buf = source;
  else throw survkitError('filePath', fn, 'source', 'a safetensors file (or its bytes)', source);
  return parseSafetensors(fn, file, buf);
}

/** {@link readSafetensors} on bytes already in memory, in the name of `fn`. */
export function parseSafetensors(fn: string, file: string, buf: Uint8Array): SafetensorsFile {
  const bad = (problem: string): never => {
    throw survkitError('safetensorsFile', fn, file, problem);
  };
  if (buf.byteLength < 8) bad(`has ${buf.byteLength} bytes; a safetensors file starts with an 8-byte header length`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  if (n > buf.byteLength - 8) bad(`declares a ${n}-byte header but has ${buf.byteLength - 8} bytes after the length (truncated, or not a safetensors file)`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(8, 8 + n)));
  } catch {
    bad('has a header that is not valid JSON (not a safetensors file?)');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) bad('has a header that is not a JSON object');
  const data = buf.subarray(8 + n);
  const tensors = new Map<string, SafeTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof raw === 'object' && raw !== null) metadata = raw as Record<string, string>;
      continue;
    }
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== 'object' || e === null) bad(`tensor ${JSON.stringify(name)} has no entry object`);
    const dtype = e.dtype as SafetensorsDtype;
    if (typeof dtype !== 'string' || !(dtype in BYTES))
      bad(`tensor ${JSON.stringify(name)} has dtype ${JSON.stringify(e.dtype)}; survkit reads ${Object.keys(BYTES).join(', ')}`);
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((s) => Number.isInteger(s) && (s as number) >= 0))
      bad(`tensor ${JSON.stringify(name)} has shape ${JSON.stringify(shape)}; expected a list of non-negative integers`);
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isInteger(o) && (o as number) >= 0) || (off[0] as number) > (off[1] as number))
      bad(`tensor ${JSON.stringify(name)} has data_offsets ${JSON.stringify(off)}; expected [begin, end] with 0 <= begin <= end`);
    const [b, end] = off as [number, number];
    const count = (shape as number[]).reduce((a, s) => a * s, 1);
    if (end - b !== count * BYTES[dtype])
      bad(
        `tensor ${JSON.stringify(name)} (${dtype}, shape [${(shape as number[]).join(', ')}]) needs ${count * BYTES[dtype]} bytes but its offsets span ${end - b}`,
      );
    if (end > data.byteLength)
      bad(`is truncated: tensor ${JSON.stringify(name)} needs bytes ${b}–${end} of the data section, which has ${data.byteLength} bytes`);
    const bytes = data.subarray(b, end);
    const zeroCopy = dtype === 'F32' && bytes.byteOffset % 4 === 0;
    tensors.set(name, { name, dtype, shape: shape as number[], bytes, zeroCopy, toFloat32: () => toFloat32(dtype, bytes, count).values });
  }
  return { file, tensors, metadata };
}

/** One tensor to write with {@link writeSafetensors}: float32 values stored as `dtype` (F32 default; F16 and BF16 round to nearest even). */
export interface SafeTensorInput {
  shape: readonly number[];
  values: Float32Array | BigInt64Array;
  dtype?: 'F32' | 'F16' | 'BF16' | 'I64';
}

/** float32 → float16 bits, round to nearest even (also subnormals, infinities, NaN). */
const scratchF = new Float32Array(1);
const scratchU = new Uint32Array(scratchF.buffer);

export function float16Bits(x: number): number {
  scratchF[0] = x;
  const u = scratchU[0] as number;
  const sign = (u >>> 16) & 0x8000;
  const exp = (u >>> 23) & 0xff;
  let mant = u & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let r = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    if (rem > half || (rem === half && (r & 1) === 1)) r++;
    return sign | r;
  }
  let r = mant >>> 13;
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (r & 1) === 1)) {
    r++;
    if (r === 0x400) {
      r = 0;
      e++;
      if (e >= 31) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | r;
}

/**
 * Writes tensors in the safetensors format (header padded with spaces to 8
 * bytes, tensors in the given order) and returns the bytes.
 *
 * @example
 * const bytes = writeSafetensors({ w: { shape: [2], values: new Float32Array([1, 2]) } });
 */
export function writeSafetensors(tensors: Record<string, SafeTensorInput>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const dtype = t.dtype ?? 'F32';
    const n = t.values.length;
    let bytes: Uint8Array;
    if (dtype === 'I64') bytes = new Uint8Array(BigInt64Array.from(t.values as BigInt64Array).buffer);
    else if (dtype === 'F32') bytes = new Uint8Array(Float32Array.from(t.values as Float32Array).buffer);
    else {
      const out = new Uint16Array(n);
      const v = t.values as Float32Array;
      if (dtype === 'F16') for (let i = 0; i < n; i++) out[i] = float16Bits(v[i] as number);
      else {
        const u = new Uint32Array(Float32Array.from(v).buffer);
        for (let i = 0; i < n; i++) {
          const x = u[i] as number;
          out[i] = ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
        }
      }
      bytes = new Uint8Array(out.buffer);
    }
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes.byteLength] };
    offset += bytes.byteLength;
    parts.push(bytes);
  }
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let text = JSON.stringify(header);
  text += ' '.repeat((8 - (Buffer.byteLength(text) % 8)) % 8);
  const head = Buffer.from(text, 'utf8');
  const out = new Uint8Array(8 + head.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.byteLength), true);
  out.set(head, 8);
  let at = 8 + head.byteLength;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
