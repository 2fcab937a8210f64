/**
 * The imaging CLI tests' synthetic cohort: grey images whose brightness b ∈ [0, 1] (plus noise) sets the hazard exp(3 b),
 * written as NumPy .npy files with a manifest (path, time, event, age; age unrelated to the outcome).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Random } from '../../src/core/random.js';

/** A NumPy .npy (format 1.0, little-endian float32, C order). */
export function npy(data: Float32Array, shape: number[]): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const pre = Buffer.alloc(10);
  pre[0] = 0x93;
  pre.write('NUMPY', 1, 'latin1');
  pre[6] = 1;
  pre.writeUInt16LE(header.length, 8);
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(data.buffer)]);
}

/** Writes `n` size×size images img0.npy … and dir/manifest.csv (exponential times with hazard exp(3 b), 80 % events). */
export function writeBrightnessCohort(dir: string, n: number, size: number, seed: number): void {
  const rng = new Random(seed);
  const rows = ['path,time,event,age'];
  for (let i = 0; i < n; i++) {
    const b = rng.next();
    const img = new Float32Array(size * size);
    for (let k = 0; k < img.length; k++) img[k] = b + 0.1 * (rng.next() - 0.5);
    writeFileSync(join(dir, `img${i}.npy`), npy(img, [size, size]));
    const t = -Math.log(1 - rng.next()) / Math.exp(3 * b);
    rows.push(`img${i}.npy,${t.toFixed(6)},${rng.next() < 0.8 ? 1 : 0},${(50 + 10 * rng.next()).toFixed(1)}`);
  }
  writeFileSync(join(dir, 'manifest.csv'), `${rows.join('\n')}\n`);
}
