import { assertNumberOption } from '../core/assert.js';
import { classifierArgs, type ClassOutcome } from './call-forms.js';
import { probMatrix, topLabelOf, type ClassLabelsInput, type ProbsInput } from './top-label.js';

/** Result of the outcome-first {@link multiclassBrier} and {@link logLoss}. */
export interface ProperScoreResult {
  value: number;
}

/**
 * Multiclass Brier score (Brier 1950): the mean over cases of the squared
 * distance between the probability vector and the one-hot label,
 *
 *   BS = (1/n) Σ_i Σ_k (p_ik − [y_i = k])²,  in [0, 2].
 *
 * This is the original multiclass form (torchmetrics / torch-uncertainty
 * `BrierScore` and the shared golden oracle); scikit-learn's binary
 * `brier_score_loss` is half of it for K = 2.
 *
 * @param outcome `{ labels }`: n integer class indices 0 … K−1 (the labels, first as in every metric)
 * @param probs n×K class probabilities (flat row-major with K = length / labels.length, or rows)
 * @returns `{ value }`, the mean Brier score; the deprecated probs-first form returns the bare number
 * @throws {SurvkitError} as `expectedCalibrationError` does for bad probabilities or labels
 * @example
 * multiclassBrier({ labels: [0, 0] }, [[0.8, 0.2], [0.3, 0.7]]).value; // ((0.04 + 0.04) + (0.49 + 0.49)) / 2 = 0.53
 * @see Brier (1950), "Verification of forecasts expressed in terms of probability", Monthly Weather Review 78
 */
export function multiclassBrier(outcome: ClassOutcome<ClassLabelsInput>, probs: ProbsInput): ProperScoreResult;
/** @deprecated since 0.2: call `multiclassBrier({ labels }, probs).value` — the outcome (labels) first and an object result, as every metric. */
export function multiclassBrier(probs: ProbsInput, labels: ClassLabelsInput): number;
export function multiclassBrier(...args: unknown[]): ProperScoreResult | number {
  const { probs, labels, deprecated } = classifierArgs(args);
  const value = brierValue(probs as ProbsInput, labels as ClassLabelsInput);
  return deprecated ? value : { value };
}

function brierValue(probs: ProbsInput, labels: ClassLabelsInput): number {
  const t = topLabelOf('multiclassBrier', probs, labels);
  let total = 0;
  for (let i = 0; i < t.n; i++) {
    let s = 0;
    for (let j = 0; j < t.k; j++) {
      const d = (t.p[i * t.k + j] as number) - (j === t.labels[i] ? 1 : 0);
      s += d * d;
    }
    total += s;
  }
  return total / t.n;
}

/**
 * Log loss (cross-entropy, negative log-likelihood per case) as scikit-learn
 * 1.2 computes it: every probability is clipped to [ε, 1 − ε] with ε the
 * float64 machine epsilon (2.2e-16), each row is renormalised to sum to 1,
 * and
 *
 *   LL = −(1/n) Σ_i log q_{i, y_i}.
 *
 * The clipping keeps a zero probability for the true class finite
 * (−log ε ≈ 36.04); the renormalisation removes the small row-sum errors of
 * float32 softmax outputs.
 *
 * @param outcome `{ labels }`: n integer class indices 0 … K−1
 * @param probs n×K class probabilities (flat row-major or rows)
 * @returns `{ value }`, the mean log loss (natural log) >= 0; the deprecated probs-first form returns the bare number
 * @throws {SurvkitError} as `expectedCalibrationError` does for bad probabilities or labels
 * @example
 * logLoss({ labels: [0, 1] }, [[0.8, 0.2], [0.3, 0.7]]).value; // −(log 0.8 + log 0.7) / 2 ≈ 0.2899
 * @see scikit-learn `sklearn.metrics.log_loss` (1.2)
 */
export function logLoss(outcome: ClassOutcome<ClassLabelsInput>, probs: ProbsInput): ProperScoreResult;
/** @deprecated since 0.2: call `logLoss({ labels }, probs).value` — the outcome (labels) first and an object result, as every metric. */
export function logLoss(probs: ProbsInput, labels: ClassLabelsInput): number;
export function logLoss(...args: unknown[]): ProperScoreResult | number {
  const { probs, labels, deprecated } = classifierArgs(args);
  const value = logLossValue(probs as ProbsInput, labels as ClassLabelsInput);
  return deprecated ? value : { value };
}

function logLossValue(probs: ProbsInput, labels: ClassLabelsInput): number {
  const t = topLabelOf('logLoss', probs, labels);
  const eps = Number.EPSILON;
  let total = 0;
  for (let i = 0; i < t.n; i++) {
    let s = 0;
    for (let j = 0; j < t.k; j++) s += Math.min(Math.max(t.p[i * t.k + j] as number, eps), 1 - eps);
    const q = Math.min(Math.max(t.p[i * t.k + (t.labels[i] as number)] as number, eps), 1 - eps) / s;
    total += -Math.log(q);
  }
  return total / t.n;
}

/**
 * Predictive (Shannon) entropy of each case's class probabilities, in nats:
 *
 *   H_i = −Σ_k p_ik log p_ik,  with 0·log 0 = 0,  in [0, log K].
 *
 * A common uncertainty score (higher = more uncertain) for
 * `flagLowConfidence`, `aurc` and `oodAuroc`.
 *
 * @param probs n×K class probabilities: rows, or a flat row-major array with `opts.classes` = K
 * @param opts `classes`: K, required for a flat array
 * @returns Float64Array of n entropies
 * @throws {SurvkitError} when a flat array comes without `classes` or its length is not a
 *   multiple of it, a probability is outside [0, 1] or a row does not sum to 1 (±1e-6)
 * @example
 * predictiveEntropy([[0.5, 0.5], [1, 0]]); // Float64Array [0.6931…, 0]
 * predictiveEntropy(new Float64Array([0.5, 0.5, 1, 0]), { classes: 2 }); // the same
 * @see Shannon (1948); Malinin & Gales (2018), "Predictive uncertainty estimation via prior networks", NeurIPS
 */
export function predictiveEntropy(probs: ProbsInput, opts: { classes?: number } = {}): Float64Array {
  const fn = 'predictiveEntropy';
  const classes = opts.classes === undefined ? undefined : assertNumberOption(fn, 'classes', opts.classes, { min: 1, integer: true });
  const m = probMatrix(fn, 'probs', probs, { classes });
  const out = new Float64Array(m.n);
  for (let i = 0; i < m.n; i++) {
    let s = 0;
    for (let j = 0; j < m.k; j++) {
      const p = m.p[i * m.k + j] as number;
      if (p > 0) s += p * Math.log(p);
    }
    out[i] = s === 0 ? 0 : -s;
  }
  return out;
}
