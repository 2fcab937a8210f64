/** The closest name to a misspelt one ("did you mean …?"), by edit distance. */

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] as number;
      prev[j] = Math.min(up + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] as number;
}

/**
 * The candidate closest to `name` (case-insensitive Levenshtein distance), or
 * undefined when none is within max(2, ⌊|name| / 3⌋) edits. A candidate that
 * differs only in case, or contains / is contained in `name`, wins first.
 *
 * @example
 * closestName('frmat', ['format', 'seed']); // 'format'
 * closestName('Time', ['time', 'status']); // 'time'
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const low = name.toLowerCase();
  const same = candidates.find((c) => c.toLowerCase() === low);
  if (same !== undefined) return same;
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const c of candidates) {
    const d = distance(low, c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  if (best === undefined && low.length >= 3) best = candidates.find((c) => c.toLowerCase().includes(low) || (c.length >= 3 && low.includes(c.toLowerCase())));
  return best;
}
