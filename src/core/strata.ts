/** Grouping subjects by stratum (stratified Cox losses, stratified concordance). */

/** Indices of each stratum, in order of first appearance (one group of all subjects without strata). */
export function strataGroups(strata: ArrayLike<number | string> | undefined, n: number): Int32Array[] {
  if (strata === undefined) return [Int32Array.from({ length: n }, (_, i) => i)];
  const groups = new Map<number | string, number[]>();
  for (let i = 0; i < n; i++) {
    const s = strata[i] as number | string;
    const g = groups.get(s);
    if (g === undefined) groups.set(s, [i]);
    else g.push(i);
  }
  return [...groups.values()].map((g) => Int32Array.from(g));
}
