import { assertNumberOption, toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { casesForCoverage, maxCoverageAtRisk, rankOutcomes } from '../metrics/selective-core.js';

/**
 * How {@link flagLowConfidence} picks its threshold:
 * - `{ threshold }`: a fixed threshold;
 * - `{ targetCoverage, calibration }`: keep (at least) that fraction of the
 *   calibration (validation) scores;
 * - `{ targetRisk, calibration: { score, correct } }`: keep as many
 *   calibration cases as possible while their error rate stays <= targetRisk.
 */
export type FlagPolicy =
  | { threshold: number; targetCoverage?: never; targetRisk?: never }
  | { targetCoverage: number; calibration: ArrayLike<number>; threshold?: never; targetRisk?: never }
  | { targetRisk: number; calibration: { score: ArrayLike<number>; correct: ArrayLike<number | boolean> }; threshold?: never; targetCoverage?: never };

/** Result of {@link flagLowConfidence}. */
export interface FlagResult {
  /** 1 where score > threshold (refer the case to a human), else 0; one entry per score. */
  flagged: Uint8Array;
  /** Cases with score <= threshold are kept. */
  threshold: number;
  /** Fraction of the given scores that is kept (not flagged). */
  coverage: number;
  /** Fraction of the calibration cases kept at the threshold (target policies only). */
  calibrationCoverage?: number;
  /** Error rate of the kept calibration cases (`targetRisk` only). */
  calibrationRisk?: number;
}

/**
 * Flags the predictions a model should not be trusted with: every case whose
 * uncertainty score is above a threshold. The threshold is fixed, or chosen
 * on held-out calibration data so that
 *
 * - `targetCoverage` c: the smallest calibration score t with
 *   #{s_j <= t} / m >= c, i.e. the ⌈m·c⌉-th smallest (m·c within 1e-9 of an
 *   integer counts as that integer). At least a fraction c of the calibration
 *   set is kept, exactly ⌈m·c⌉/m when no score is tied with it;
 * - `targetRisk` ρ: the threshold with the largest calibration coverage whose
 *   kept cases have error rate <= ρ (the risk–coverage curve's
 *   `coverageAtRisk` point; thresholds at distinct calibration scores only).
 *
 * Works with any score where higher means less trustworthy: 1 − max p,
 * predictive entropy, evidential u = K/S, ensemble variance, the width of a
 * survival band. The guarantee holds on the calibration data; on new data the
 * kept fraction and error rate vary around it. For a finite-sample guarantee on
 * new cases use {@link riskControlledFlag} (Learn then Test).
 *
 * @param score n finite uncertainty scores of the cases to triage (higher = more uncertain)
 * @param policy `{ threshold }`, `{ targetCoverage, calibration }` or
 *   `{ targetRisk, calibration: { score, correct } }`
 * @returns `{ flagged, threshold, coverage }` plus the calibration coverage (and risk)
 * @throws {SurvkitError} when scores are empty or not finite, the policy is malformed,
 *   targetCoverage is not in (0, 1], targetRisk is not in [0, 1], or no threshold
 *   reaches targetRisk (the message gives the best achievable error rate)
 * @example
 * const cal = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
 * flagLowConfidence([0.15, 0.95, 0.85], { targetCoverage: 0.9, calibration: cal });
 * // threshold 0.8 (9 of 10 kept) → flagged Uint8Array [0, 1, 1], coverage 1/3
 * @see Geifman & El-Yaniv (2017), "Selective classification for deep neural networks", NeurIPS
 */
export function flagLowConfidence(score: ArrayLike<number>, policy: FlagPolicy): FlagResult {
  const fn = 'flagLowConfidence';
  const s = toFloat64(fn, 'score', score);
  const p = policy as Partial<{ threshold: unknown; targetCoverage: unknown; targetRisk: unknown; calibration: unknown }>;
  const kinds = (['threshold', 'targetCoverage', 'targetRisk'] as const).filter((key) => typeof policy === 'object' && policy !== null && p[key] !== undefined);
  if (kinds.length !== 1) {
    throw survkitError('flagPolicy', fn, 'policy', policy);
  }
  let threshold: number;
  const extra: Pick<FlagResult, 'calibrationCoverage' | 'calibrationRisk'> = {};
  if (kinds[0] === 'threshold') {
    threshold = assertNumberOption(fn, 'threshold', p.threshold);
  } else if (kinds[0] === 'targetCoverage') {
    const target = assertNumberOption(fn, 'targetCoverage', p.targetCoverage, { min: 0, max: 1, minExclusive: true });
    const cal = toFloat64(fn, 'calibration', p.calibration).sort();
    const k = casesForCoverage(cal.length, target);
    threshold = cal[k - 1] as number;
    let kept = k;
    while (kept < cal.length && cal[kept] === threshold) kept++;
    extra.calibrationCoverage = kept / cal.length;
  } else {
    const target = assertNumberOption(fn, 'targetRisk', p.targetRisk, { min: 0, max: 1 });
    const cal = (p.calibration ?? {}) as { score?: unknown; correct?: unknown };
    if (typeof cal !== 'object' || cal === null || cal.score === undefined || cal.correct === undefined) {
      throw survkitError('riskCalibrationSet', fn, 'policy.calibration', p.calibration);
    }
    const ranked = rankOutcomes(fn, cal.score, { correct: cal.correct as ArrayLike<number> }, 1, {
      score: 'calibration.score',
      correct: 'calibration.correct',
      loss: 'calibration.loss',
    });
    const point = maxCoverageAtRisk(fn, 'targetRisk', ranked, target);
    threshold = point.threshold;
    extra.calibrationCoverage = point.coverage;
    extra.calibrationRisk = point.risk;
  }
  const flagged = new Uint8Array(s.length);
  let kept = 0;
  for (let i = 0; i < s.length; i++) {
    if ((s[i] as number) > threshold) flagged[i] = 1;
    else kept++;
  }
  return { flagged, threshold, coverage: kept / s.length, ...extra };
}
