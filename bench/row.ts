/** One benchmark measurement: median wall time over repeats. */
export interface Row {
  task: string;
  n: number;
  m?: number;
  ms: number;
}

/** Median wall-clock milliseconds of `fn` over `repeats` runs (after one warm-up when `warmup`). */
export function timeMedian(fn: () => unknown, repeats = 3, warmup = true): number {
  if (warmup) fn();
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}
