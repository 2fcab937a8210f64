/**
 * The counter-hash weights and inputs of test/fixtures/generators/torchvision-parity.py, in TypeScript: the same
 * (tensor name, element index) → k · 2^e rule, so a test can rebuild the generator's full-size weights from the
 * recipe in a small fixture instead of a committed weight file. Every step is integer arithmetic mod 2^32.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../fixtures/provenance.js';

export const PRETRAINED = join(repoRoot, 'test', 'fixtures', 'pretrained');

export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(text, 'utf8')) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

/** lowbias32 of (i · 0x9E3779B1 + seed · 0x85EBCA77) mod 2^32. */
function hash32(seedTerm: number, i: number): number {
  let h = (Math.imul(i, 0x9e3779b1) + seedTerm) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** (lo + (hash >> 21) mod span) · 2^exp per element. */
export function gridValues(name: string, n: number, lo: number, span: number, exp: number): Float32Array {
  const seedTerm = Math.imul(fnv1a32(name), 0x85ebca77) >>> 0;
  const scale = 2 ** exp;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (((hash32(seedTerm, i) >>> 21) % span) + lo) * scale;
  return out;
}

/** Python's round(): halves to even. */
function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The generator's weight_for. */
export function weightFor(name: string, shape: readonly number[]): Float32Array {
  const n = shape.reduce((a, s) => a * s, 1);
  const last = name.split('.').pop();
  if (last === 'weight' && shape.length >= 2) {
    const fanIn = shape.slice(1).reduce((a, s) => a * s, 1);
    const e = pyRound(Math.log2(Math.sqrt(3 / fanIn))) - 10;
    return gridValues(name, n, -1024, 2048, e);
  }
  if (last === 'weight') return gridValues(name, n, 640, 384, -10);
  if (last === 'running_var') return gridValues(name, n, 512, 1024, -10);
  return gridValues(name, n, -1024, 2048, -13);
}

/** The generator's input (NC(T)HW order) as channels last. */
export function inputFor(shape: readonly number[]): { values: Float32Array; shape: number[] } {
  const n = shape.reduce((a, s) => a * s, 1);
  const x = gridValues('input', n, -1024, 2048, -10);
  const [b, c] = shape as [number, number];
  const s = n / (b * c);
  const out = new Float32Array(n);
  for (let i = 0; i < b; i++) for (let k = 0; k < c; k++) for (let j = 0; j < s; j++) out[(i * s + j) * c + k] = x[(i * c + k) * s + j] as number;
  return { values: out, shape: [b, ...shape.slice(2), c] };
}

export function float32Base64(text: string): Float32Array {
  const b = Buffer.from(text, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export interface ParityRecord {
  inputShape: number[];
  dtype: string;
  outputShape: number[];
  output: string;
  dataSha256: string;
  tensors?: [string, string, number[]][];
}

export function parityFixture(): { widths: number[]; nets: Record<string, ParityRecord> } {
  return JSON.parse(readFileSync(join(PRETRAINED, 'parity.json'), 'utf8')) as { widths: number[]; nets: Record<string, ParityRecord> };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}
