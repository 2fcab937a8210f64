/**
 * Concentration p-values for "the mean loss is > α" from n losses in [0, 1]
 * with empirical mean r̂ (Bates, Angelopoulos et al., RCPS 2021; Learn then
 * Test 2021), and the binomial distribution function they need, in float64.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Γ(x) for x > 0 (Lanczos, g = 7; relative error ~1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0] as number;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (LANCZOS[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** log of the Binomial(n, p) probability of k. */
function logBinomPmf(k: number, n: number, p: number): number {
  if (p === 0) return k === 0 ? 0 : -Infinity;
  if (p === 1) return k === n ? 0 : -Infinity;
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p);
}

/**
 * P(X ≤ k) for X ~ Binomial(n, p) (scipy.stats.binom.cdf): the shorter tail
 * summed term by term from its largest term.
 */
export function binomialCdf(k: number, n: number, p: number): number {
  const kk = Math.floor(k);
  if (kk < 0) return 0;
  if (kk >= n) return 1;
  const mode = Math.floor((n + 1) * p);
  const sumRange = (from: number, to: number): number => {
    let s = 0;
    for (let j = from; j <= to; j++) s += Math.exp(logBinomPmf(j, n, p));
    return s;
  };
  // sum the tail that does not contain the mode (fewer terms, no cancellation)
  if (kk < mode) return Math.min(1, sumRange(0, kk));
  return Math.max(0, 1 - sumRange(kk + 1, n));
}

/** Kullback–Leibler divergence of Bernoulli(a) from Bernoulli(b), 0·log 0 = 0. */
export function bernoulliKl(a: number, b: number): number {
  const t1 = a === 0 ? 0 : a * Math.log(a / b);
  const t2 = a === 1 ? 0 : (1 - a) * Math.log((1 - a) / (1 - b));
  return t1 + t2;
}

/** Hoeffding's p-value exp(−n·h₁(min(r̂, α), α)) with h₁ the Bernoulli KL divergence (Hoeffding 1963, Thm 1). */
export function hoeffdingPValue(rHat: number, n: number, alpha: number): number {
  if (n === 0) return 1;
  return Math.exp(-n * bernoulliKl(Math.min(rHat, alpha), alpha));
}

/** Bentkus' p-value e·P(Binomial(n, α) ≤ ⌈n·r̂⌉), capped at 1 (Bentkus 2004). */
export function bentkusPValue(rHat: number, n: number, alpha: number): number {
  if (n === 0) return 1;
  const k = n * rHat;
  const kk = Math.abs(k - Math.round(k)) <= 1e-9 ? Math.round(k) : Math.ceil(k);
  return Math.min(1, Math.E * binomialCdf(kk, n, alpha));
}

/** The Hoeffding–Bentkus p-value min(Hoeffding, Bentkus) of RCPS / Learn then Test (MAPIE's `compute_hoeffdding_bentkus_p_value`, capped at 1). */
export function hoeffdingBentkusPValue(rHat: number, n: number, alpha: number): number {
  return Math.min(hoeffdingPValue(rHat, n, alpha), bentkusPValue(rHat, n, alpha));
}

/** Exact binomial p-value P(Binomial(n, α) ≤ n·r̂) for 0/1 losses. */
export function binomialPValue(rHat: number, n: number, alpha: number): number {
  if (n === 0) return 1;
  return binomialCdf(Math.round(n * rHat), n, alpha);
}
