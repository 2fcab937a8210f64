/**
 * Summaries of several probability predictions of the same cases (MC dropout
 * passes, ensemble members): mean probabilities, predictive entropy, mutual
 * information and variance. Plain float64 TypeScript.
 */
import { rowSummaries, type ClassPrediction } from './class-prediction.js';

/** Scores of a sampled prediction that can serve as its `uncertainty`. */
export type SampleScore = 'entropy' | 'mutual-information' | 'variance';

/** The sample scores, for validation. */
export const SAMPLE_SCORES: readonly SampleScore[] = ['entropy', 'mutual-information', 'variance'];

/**
 * Combines T probability matrices p⁽ᵗ⁾ (each n×K row-major) of the same
 * cases:
 *
 * - probs p̄ = (1/T) Σ_t p⁽ᵗ⁾;
 * - entropy H(p̄) = −Σ_k p̄_k log p̄_k (total predictive uncertainty);
 * - mutualInformation I = H(p̄) − (1/T) Σ_t H(p⁽ᵗ⁾) ≥ 0 (the epistemic part,
 *   the BALD score of Houlsby et al. 2011; clipped at 0 against rounding);
 * - variance V = Σ_k (1/T) Σ_t (p⁽ᵗ⁾_k − p̄_k)² (population variance over
 *   the samples, summed over classes; 0 for T = 1).
 *
 * `uncertainty` is the one named by `score`.
 *
 * @example
 * const pred = combineSamples([p1, p2, p3], n, k, 'mutual-information');
 * @see Gal & Ghahramani (2016) ICML; Lakshminarayanan et al. (2017) NeurIPS; Houlsby et al. (2011) arXiv:1112.5745
 */
export function combineSamples(samples: readonly Float64Array[], n: number, k: number, score: SampleScore): ClassPrediction {
  const t = samples.length;
  const probs = new Float64Array(n * k);
  for (const p of samples) for (let j = 0; j < n * k; j++) probs[j] = (probs[j] as number) + (p[j] as number) / t;
  const s = rowSummaries(probs, n, k);
  const meanEntropy = new Float64Array(n);
  const variance = new Float64Array(n);
  for (const p of samples) {
    for (let i = 0; i < n; i++) {
      let h = 0;
      let v = 0;
      for (let j = 0; j < k; j++) {
        const q = p[i * k + j] as number;
        if (q > 0) h -= q * Math.log(q);
        const d = q - (probs[i * k + j] as number);
        v += d * d;
      }
      meanEntropy[i] = (meanEntropy[i] as number) + h / t;
      variance[i] = (variance[i] as number) + v / t;
    }
  }
  const mutualInformation = new Float64Array(n);
  for (let i = 0; i < n; i++) mutualInformation[i] = Math.max(0, (s.entropy[i] as number) - (meanEntropy[i] as number));
  const uncertainty =
    score === 'entropy' ? Float64Array.from(s.entropy) : score === 'variance' ? Float64Array.from(variance) : Float64Array.from(mutualInformation);
  return { n, classes: k, probs, alpha: null, uncertainty, score, ...s, mutualInformation, variance };
}
