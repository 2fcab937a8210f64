/**
 * A minimal PNG encoder (8-bit grey or RGB, no interlace, filter 0) for
 * embedding images in plots as data URLs: a 64×64 image costs about 5 kB
 * instead of the ~250 kB of one SVG rectangle per pixel. Compression by
 * node:zlib where the runtime has it (Node's `process.getBuiltinModule`, so
 * that no Node module is imported and the file also runs in a browser);
 * elsewhere uncompressed deflate blocks, which every PNG reader accepts.
 * CRC-32 as in the PNG specification (ISO/IEC 15948, Annex D).
 */
import { assertNumberOption } from '../core/assert.js';
import { concatBytes } from '../core/bytes.js';
import { survkitError } from '../core/errors.js';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 of `bytes` (the PNG / zlib polynomial). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Adler-32 of `bytes` (the zlib trailer, RFC 1950). */
function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length; i += 5552) {
    const end = Math.min(bytes.length, i + 5552);
    for (let k = i; k < end; k++) {
      a += bytes[k] as number;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** A zlib stream of stored (uncompressed) deflate blocks (RFC 1950/1951): valid everywhere, no compression. */
export function zlibStored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / 65535));
  const out = new Uint8Array(2 + blocks * 5 + data.length + 4);
  out[0] = 0x78;
  out[1] = 0x01;
  let at = 2;
  for (let j = 0; j < blocks; j++) {
    const part = data.subarray(j * 65535, Math.min(data.length, (j + 1) * 65535));
    out[at] = j === blocks - 1 ? 1 : 0;
    out[at + 1] = part.length & 0xff;
    out[at + 2] = part.length >>> 8;
    out[at + 3] = ~part.length & 0xff;
    out[at + 4] = (~part.length >>> 8) & 0xff;
    out.set(part, at + 5);
    at += 5 + part.length;
  }
  new DataView(out.buffer).setUint32(at, adler32(data));
  return out;
}

type Deflate = (data: Uint8Array) => Uint8Array;

/** node:zlib's deflateSync when the runtime offers it without an import (Node >= 20.16), else stored blocks. */
function deflate(data: Uint8Array): Uint8Array {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const zlib = proc?.getBuiltinModule?.('node:zlib') as { deflateSync?: Deflate } | undefined;
  return zlib?.deflateSync !== undefined ? new Uint8Array(zlib.deflateSync(data)) : zlibStored(data);
}

/** Base64 of bytes (no Buffer, so it also runs in a browser). */
function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Options of {@link encodePng}. */
export interface EncodePngOptions {
  /** 1 (grey, default) or 3 (RGB, interleaved). */
  channels?: 1 | 3;
  /** Value shown black (default 0). */
  min?: number;
  /** Value shown white (default 1). */
  max?: number;
}

/**
 * Encodes `height × width × channels` values (row-major, channels last) as
 * a PNG: values are mapped linearly from [min, max] to 0–255 and clipped.
 *
 * @example
 * const png = encodePng(new Float32Array(28 * 28).fill(0.5), 28, 28); // mid-grey
 * @throws {SurvkitError} for sizes that are not positive integers, a length that does not match, or max ≤ min
 */
export function encodePng(values: ArrayLike<number>, height: number, width: number, opts: EncodePngOptions = {}): Uint8Array {
  const fn = 'encodePng';
  const h = assertNumberOption(fn, 'height', height, { min: 1, integer: true });
  const w = assertNumberOption(fn, 'width', width, { min: 1, integer: true });
  const c = opts.channels ?? 1;
  if (c !== 1 && c !== 3) throw survkitError('pngChannels', fn, 'channels', c);
  if (values?.length !== h * w * c) throw survkitError('pixelCount', fn, 'values', h, w, c, values?.length ?? 0);
  const lo = opts.min ?? 0;
  const hi = opts.max ?? 1;
  if (!(hi > lo)) throw survkitError('notAboveMin', fn, 'max', lo, hi);
  const row = w * c;
  const raw = new Uint8Array(h * (row + 1));
  for (let y = 0; y < h; y++) {
    raw[y * (row + 1)] = 0; // filter type 0 (none)
    for (let x = 0; x < row; x++) {
      const v = ((values[y * row + x] as number) - lo) / (hi - lo);
      raw[y * (row + 1) + 1 + x] = Number.isNaN(v) ? 0 : Math.round(255 * Math.min(1, Math.max(0, v)));
    }
  }
  const ihdr = new Uint8Array(13);
  const iv = new DataView(ihdr.buffer);
  iv.setUint32(0, w);
  iv.setUint32(4, h);
  ihdr[8] = 8; // bit depth
  ihdr[9] = c === 1 ? 0 : 2; // colour type: grey or truecolour
  return concatBytes([new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflate(raw)), chunk('IEND', new Uint8Array(0))]);
}

/** {@link encodePng} as a `data:image/png;base64,…` URL (for Vega-Lite `image` marks, HTML or Markdown). */
export function pngDataUrl(values: ArrayLike<number>, height: number, width: number, opts: EncodePngOptions = {}): string {
  return `data:image/png;base64,${base64(encodePng(values, height, width, opts))}`;
}
