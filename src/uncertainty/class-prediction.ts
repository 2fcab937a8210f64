/**
 * The prediction every survkit classifier returns (evidential, softmax,
 * temperature-scaled, MC dropout, ensemble): class probabilities plus one
 * uncertainty score per case, in float64. Plain TypeScript.
 */

/** Which quantity {@link ClassPrediction.uncertainty} holds (higher = less certain, always). */
export type UncertaintyScore = 'vacuity' | 'max-prob' | 'entropy' | 'mutual-information' | 'variance';

/** Predictions of n cases over K classes; matrices are n×K row-major Float64Arrays. */
export interface ClassPrediction {
  /** Number of cases. */
  n: number;
  /** Number of classes K. */
  classes: number;
  /** Class probabilities, n×K row-major; each row sums to 1. */
  probs: Float64Array;
  /** Dirichlet parameters α (n×K) for evidential models; null otherwise. */
  alpha: Float64Array | null;
  /**
   * The method's uncertainty score, higher = less certain (see `score`):
   * evidential u = K/S ∈ (0, 1]; softmax / temperature scaling 1 − max p;
   * MC dropout and ensembles the entropy of the mean probabilities, their
   * mutual information or their variance.
   */
  uncertainty: Float64Array;
  /** What `uncertainty` holds. */
  score: UncertaintyScore;
  /** Predictive entropy −Σ_k p_k log p_k of `probs`, nats, in [0, log K]. */
  entropy: Float64Array;
  /** argmax_k p_k (the lowest index on ties). */
  predictedClass: Int32Array;
  /** max_k p_k. */
  confidence: Float64Array;
  /** MC dropout / ensembles: H(mean p) − mean H(p) (epistemic part), nats. */
  mutualInformation?: Float64Array;
  /** MC dropout / ensembles: Σ_k Var(p_k) over passes or members. */
  variance?: Float64Array;
}

/** Entropy, argmax and max of each row of an n×K probability matrix. */
export function rowSummaries(probs: Float64Array, n: number, k: number): { entropy: Float64Array; predictedClass: Int32Array; confidence: Float64Array } {
  const entropy = new Float64Array(n);
  const predictedClass = new Int32Array(n);
  const confidence = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let h = 0;
    let best = -Infinity;
    let arg = 0;
    for (let j = 0; j < k; j++) {
      const p = probs[i * k + j] as number;
      if (p > 0) h -= p * Math.log(p);
      if (p > best) {
        best = p;
        arg = j;
      }
    }
    entropy[i] = h === 0 ? 0 : h;
    predictedClass[i] = arg;
    confidence[i] = best;
  }
  return { entropy, predictedClass, confidence };
}

/**
 * Row-wise softmax of n×K logits divided by a temperature T, in float64
 * (max subtracted): p_ik = exp(z_ik/T) / Σ_j exp(z_ij/T).
 *
 * @example
 * softmaxRows(new Float64Array([0, Math.log(3)]), 1, 2); // [0.25, 0.75]
 */
export function softmaxRows(logits: ArrayLike<number>, n: number, k: number, temperature = 1): Float64Array {
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let j = 0; j < k; j++) m = Math.max(m, (logits[i * k + j] as number) / temperature);
    let s = 0;
    for (let j = 0; j < k; j++) {
      const e = Math.exp((logits[i * k + j] as number) / temperature - m);
      out[i * k + j] = e;
      s += e;
    }
    for (let j = 0; j < k; j++) out[i * k + j] = (out[i * k + j] as number) / s;
  }
  return out;
}

/**
 * A {@link ClassPrediction} from probabilities, with 1 − max p as the
 * uncertainty score (the softmax baseline of Hendrycks & Gimpel 2017).
 *
 * @example
 * const pred = predictionFromProbs(softmaxRows(logits, n, k), n, k);
 */
export function predictionFromProbs(probs: Float64Array, n: number, k: number): ClassPrediction {
  const s = rowSummaries(probs, n, k);
  const uncertainty = new Float64Array(n);
  for (let i = 0; i < n; i++) uncertainty[i] = 1 - (s.confidence[i] as number);
  return { n, classes: k, probs, alpha: null, uncertainty, score: 'max-prob', ...s };
}

/**
 * A {@link ClassPrediction} from Dirichlet parameters α (n×K, > 0), in
 * float64: S = Σ_k α_k, p = α/S, uncertainty u = K/S (Sensoy et al. 2018,
 * "vacuity"), predicted class argmax α, entropy of p.
 *
 * @example
 * dirichletPrediction(new Float64Array([8, 1, 1]), 1, 3).uncertainty; // [0.3]
 * @see Sensoy, Kaplan & Kandemir (2018) NeurIPS, Eq. 1–2
 */
export function dirichletPrediction(alpha: Float64Array, n: number, k: number): ClassPrediction {
  const probs = new Float64Array(n * k);
  const uncertainty = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += alpha[i * k + j] as number;
    for (let j = 0; j < k; j++) probs[i * k + j] = (alpha[i * k + j] as number) / s;
    uncertainty[i] = k / s;
  }
  return { n, classes: k, probs, alpha, uncertainty, score: 'vacuity', ...rowSummaries(probs, n, k) };
}
