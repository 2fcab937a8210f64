/**
 * argsort's two sorts side by side: the comparator sort (V8's TimSort on an index array) and the radix sort
 * (`radixArgsort`), CPU µs per call (median of 9 after a warm-up) at n = 256 … 16384 on seeded normal values;
 * the crossover sets `RADIX_ARGSORT_MIN` in src/core/sort.ts. Run: `npx tsx bench/argsort.ts`.
 */
import { Random } from '../src/core/random.js';
import { radixArgsort } from '../src/core/radix-sort.js';

function comparatorArgsort(values: Float64Array): Int32Array {
  const idx = new Int32Array(values.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  idx.sort((a, b) => (values[a] as number) - (values[b] as number) || a - b);
  return idx;
}

/** Median CPU µs of `reps` calls, each on a fresh copy of `x`, after one warm-up call. */
function cpuMicros(fn: (x: Float64Array) => Int32Array, x: Float64Array, reps = 9): number {
  fn(x.slice());
  const out: number[] = [];
  for (let r = 0; r < reps; r++) {
    const copy = x.slice();
    const c0 = process.cpuUsage();
    fn(copy);
    const c = process.cpuUsage(c0);
    out.push(c.user + c.system);
  }
  out.sort((a, b) => a - b);
  return out[reps >> 1] as number;
}

const rng = new Random(7);
const sizes = [256, 1024, 2048, 4096, 8192, 16384];
const inputs = sizes.map((n) => Float64Array.from({ length: n }, () => rng.normal()));
// both sorts compiled by the JIT at every size before anything is timed
for (let k = 0; k < 20; k++) {
  for (const x of inputs) {
    comparatorArgsort(x.slice());
    radixArgsort(x.slice());
  }
}
console.log('| n | comparator µs | radix µs |');
console.log('| --- | --- | --- |');
for (const x of inputs) {
  const n = x.length;
  console.log(`| ${n} | ${cpuMicros(comparatorArgsort, x)} | ${cpuMicros(radixArgsort, x)} |`);
}
console.log(
  `\nload average ${(await import('node:os'))
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}; ${new Date().toISOString()}`,
);
