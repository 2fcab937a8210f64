/**
 * Risk-controlled flagging: the flagging threshold on any uncertainty score
 * (higher = flag) chosen on labelled calibration data with a finite-sample
 * guarantee, by Learn then Test (Angelopoulos, Bates, Candès, Jordan & Lei
 * 2021) or conformal risk control (Angelopoulos, Bates, Fisch, Lei & Schuster 2022).
 */
import { assertChoice, assertNumberOption, toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { bentkusPValue, binomialPValue, hoeffdingBentkusPValue, hoeffdingPValue } from './p-values.js';
import type { FlagResult } from './flag.js';

/** p-value of H₀: "selective risk at threshold t > α" from the kept calibration cases. */
export type RiskPValue = 'hoeffding-bentkus' | 'hoeffding' | 'bentkus' | 'binomial';

/** Family-wise error control over the candidate thresholds. */
export type RiskCorrection = 'bonferroni' | 'fixed-sequence';

/** Options of {@link riskControlledFlag}. */
export interface RiskControlOptions {
  /** Target risk α in (0, 1): the error rate of the kept cases (LTT) or the rate of kept-and-wrong cases (CRC). */
  alpha: number;
  /** LTT: the guarantee fails with probability at most δ (default 0.1). */
  delta?: number;
  /** 'ltt' (default): P(selective risk ≤ α) ≥ 1 − δ; 'crc': E[loss · kept] ≤ α. */
  method?: 'ltt' | 'crc';
  /** LTT p-value (default 'hoeffding-bentkus'; 'binomial' needs 0/1 losses). */
  pValue?: RiskPValue;
  /**
   * LTT: 'fixed-sequence' (default; candidates tested at level δ from the smallest threshold up, stopping at the
   * first p > δ; it starts at the first candidate keeping at least ⌈log δ / log(1 − α)⌉ calibration cases, since
   * fewer cannot reject whatever their labels) or 'bonferroni' (p ≤ δ/m over the m candidates).
   */
  correction?: RiskCorrection;
  /**
   * Candidate thresholds. Default: the calibration-score quantiles at levels j/gridSize, j = 1 … gridSize (a
   * grid that depends on the calibration scores, not on their labels). A grid fixed before seeing the
   * calibration data makes the LTT guarantee exact.
   */
  thresholds?: ArrayLike<number>;
  /** Size of the default grid (integer >= 1, default 50). */
  gridSize?: number;
}

/** Calibration cases: their scores and either correctness (1 = right) or a loss in [0, 1] (1 = wrong). */
export type RiskCalibration =
  { score: ArrayLike<number>; correct: ArrayLike<number | boolean>; loss?: never } | { score: ArrayLike<number>; loss: ArrayLike<number>; correct?: never };

/** Result of {@link riskControlledFlag}. */
export interface RiskControlledFlagResult extends FlagResult {
  /** False when no candidate threshold passed (every case is flagged: threshold −∞). */
  certified: boolean;
  method: 'ltt' | 'crc';
  alpha: number;
  /** LTT only. */
  delta?: number;
  /** The candidate thresholds, ascending (LTT), and their p-values. */
  candidates?: Float64Array;
  pValues?: Float64Array;
  /** Fraction of calibration cases kept at the threshold. */
  calibrationCoverage: number;
  /** Mean loss of the kept calibration cases (0 when none is kept). */
  calibrationRisk: number;
}

function lossesOf(fn: string, cal: unknown, n: number): Float64Array {
  const c = (cal ?? {}) as { score?: unknown; correct?: unknown; loss?: unknown };
  if ((c.correct === undefined) === (c.loss === undefined)) throw survkitError('riskCalibrationSet', fn, 'calibration', cal);
  if (c.correct !== undefined) {
    const raw = c.correct as ArrayLike<unknown>;
    if (typeof raw !== 'object' || raw === null || typeof raw.length !== 'number') throw survkitError('riskCalibrationSet', fn, 'calibration', cal);
    if (raw.length !== n) throw survkitError('lengthMismatch', fn, 'calibration.correct', raw.length, 'calibration.score', n);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = raw[i];
      const ok = v === true || v === 1 ? 1 : v === false || v === 0 ? 0 : undefined;
      if (ok === undefined) throw survkitError('optionRange', fn, `calibration.correct[${i}]`, '0, 1, true or false', v);
      out[i] = 1 - ok;
    }
    return out;
  }
  const loss = toFloat64(fn, 'calibration.loss', c.loss);
  if (loss.length !== n) throw survkitError('lengthMismatch', fn, 'calibration.loss', loss.length, 'calibration.score', n);
  for (let i = 0; i < n; i++) {
    const v = loss[i] as number;
    if (!(v >= 0 && v <= 1)) throw survkitError('optionRange', fn, `calibration.loss[${i}]`, 'a number in [0, 1]', v);
  }
  return loss;
}

/** The default grid: sorted-score order statistics at ⌈n·j/G⌉, distinct, ascending. */
function quantileGrid(sorted: Float64Array, g: number): Float64Array {
  const n = sorted.length;
  const out: number[] = [];
  for (let j = 1; j <= g; j++) {
    const idx = Math.min(n, Math.max(1, Math.ceil((n * j) / g - 1e-9))) - 1;
    const v = sorted[idx] as number;
    if (out.length === 0 || v > (out[out.length - 1] as number)) out.push(v);
  }
  return Float64Array.from(out);
}

/**
 * Flags the cases whose uncertainty score is above a threshold chosen so that the
 * kept (unflagged) cases carry a guaranteed risk, whatever the score (1 − max p,
 * u = K/S, entropy, mutual information, ensemble variance, survival band width):
 *
 * - **Learn then Test** (`method: 'ltt'`, default): for each candidate threshold t the
 *   null "error rate of the cases with score ≤ t is > α" is tested with a
 *   p-value on the n_t kept calibration cases (Hoeffding–Bentkus by default); the
 *   largest t rejected under family-wise control (fixed-sequence or Bonferroni) is
 *   used. Then, for a new exchangeable case, P(error | kept) ≤ α with probability
 *   ≥ 1 − δ over the calibration draw.
 * - **Conformal risk control** (`method: 'crc'`): t̂ = the largest t with
 *   (Σ_i loss_i·[s_i ≤ t] + 1)/(n + 1) ≤ α, which bounds the expected rate of
 *   kept-and-wrong cases, E[loss·1{kept}] ≤ α (not the error rate among the kept).
 *
 * A case is kept when score ≤ threshold. When no candidate passes, every case is
 * flagged (threshold −∞, `certified: false`).
 *
 * @param score n finite scores of the cases to triage (higher = less trustworthy)
 * @param calibration labelled calibration cases `{ score, correct }` or `{ score, loss }`
 * @example
 * const calScore = Array.from({ length: 400 }, (_, i) => (i + 0.5) / 400);
 * const correct = calScore.map((s, i) => (i % 10 < 10 * s ? 0 : 1)); // error rate grows with the score
 * const r = riskControlledFlag([0.05, 0.5, 0.9], { score: calScore, correct }, { alpha: 0.1, delta: 0.1 });
 * // r.threshold ≈ 0.1: the kept calibration cases have error rate ≤ 0.1 with room for the finite sample
 * @throws {SurvkitError} for empty or non-finite scores, malformed calibration data, or options out of range
 * @see Angelopoulos, Bates, Candès, Jordan & Lei (2021), Learn then Test: calibrating predictive algorithms to achieve risk control, arXiv:2110.01052
 * @see Angelopoulos, Bates, Fisch, Lei & Schuster (2022), Conformal risk control, arXiv:2208.02814 (ICLR 2024)
 */
export function riskControlledFlag(score: ArrayLike<number>, calibration: RiskCalibration, opts: RiskControlOptions): RiskControlledFlagResult {
  const fn = 'riskControlledFlag';
  const s = toFloat64(fn, 'score', score);
  const cal = (calibration ?? {}) as { score?: unknown };
  if (typeof calibration !== 'object' || calibration === null || cal.score === undefined)
    throw survkitError('riskCalibrationSet', fn, 'calibration', calibration);
  const cs = toFloat64(fn, 'calibration.score', cal.score);
  const n = cs.length;
  const loss = lossesOf(fn, calibration, n);
  const alpha = assertNumberOption(fn, 'alpha', opts?.alpha, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  const method = assertChoice(fn, 'method', opts.method ?? 'ltt', ['ltt', 'crc'] as const);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (cs[a] as number) - (cs[b] as number));
  const sorted = Float64Array.from(order, (i) => cs[i] as number);
  const sortedLoss = Float64Array.from(order, (i) => loss[i] as number);
  /** Number kept and loss sum at threshold t (scores ≤ t). */
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = (prefix[i] as number) + (sortedLoss[i] as number);
  const keptAt = (t: number): number => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] as number) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  let threshold = -Infinity;
  const extra: Partial<RiskControlledFlagResult> = {};
  if (method === 'crc') {
    // largest t (at a calibration score, or +∞) with (L(t) + 1)/(n + 1) <= α, L(t) = Σ loss over scores <= t
    const budget = alpha * (n + 1) - 1;
    if (budget >= (prefix[n] as number) - 1e-12) threshold = Infinity;
    else {
      for (let i = 0; i < n; i++) {
        // thresholds at distinct scores only: the group of ties ends at i
        if (i + 1 < n && sorted[i + 1] === sorted[i]) continue;
        if ((prefix[i + 1] as number) <= budget + 1e-12) threshold = sorted[i] as number;
        else break;
      }
    }
  } else {
    const delta = assertNumberOption(fn, 'delta', opts.delta ?? 0.1, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
    const pv = assertChoice(fn, 'pValue', opts.pValue ?? 'hoeffding-bentkus', ['hoeffding-bentkus', 'hoeffding', 'bentkus', 'binomial'] as const);
    const correction = assertChoice(fn, 'correction', opts.correction ?? 'fixed-sequence', ['bonferroni', 'fixed-sequence'] as const);
    if (pv === 'binomial' && !loss.every((v) => v === 0 || v === 1)) {
      throw survkitError('optionRange', fn, 'pValue', "'hoeffding-bentkus', 'hoeffding' or 'bentkus' (losses are not all 0 or 1)", pv);
    }
    let grid: Float64Array;
    if (opts.thresholds !== undefined) {
      grid = toFloat64(fn, 'thresholds', opts.thresholds).sort();
    } else {
      const g = assertNumberOption(fn, 'gridSize', opts.gridSize ?? 50, { min: 1, integer: true });
      grid = quantileGrid(sorted, g);
    }
    const pFn = pv === 'hoeffding' ? hoeffdingPValue : pv === 'bentkus' ? bentkusPValue : pv === 'binomial' ? binomialPValue : hoeffdingBentkusPValue;
    const pValues = new Float64Array(grid.length);
    for (let j = 0; j < grid.length; j++) {
      const k = keptAt(grid[j] as number);
      pValues[j] = k === 0 ? 1 : pFn((prefix[k] as number) / k, k, alpha);
    }
    if (correction === 'bonferroni') {
      const level = delta / grid.length;
      for (let j = 0; j < grid.length; j++) if ((pValues[j] as number) <= level) threshold = grid[j] as number;
    } else {
      // candidates keeping fewer than log δ / log(1 − α) cases cannot be rejected whatever their labels
      // ((1 − α)^n is the smallest p-value n cases can give): the sequence starts after them
      const minKept = Math.ceil(Math.log(delta) / Math.log1p(-alpha) - 1e-9);
      let j = 0;
      while (j < grid.length && keptAt(grid[j] as number) < minKept) j++;
      for (; j < grid.length; j++) {
        if ((pValues[j] as number) > delta) break;
        threshold = grid[j] as number;
      }
    }
    extra.delta = delta;
    extra.candidates = grid;
    extra.pValues = pValues;
  }
  const kept = threshold === Infinity ? n : keptAt(threshold);
  const flagged = new Uint8Array(s.length);
  let keptNew = 0;
  for (let i = 0; i < s.length; i++) {
    if ((s[i] as number) > threshold) flagged[i] = 1;
    else keptNew++;
  }
  return {
    flagged,
    threshold,
    coverage: keptNew / s.length,
    certified: threshold !== -Infinity,
    method,
    alpha,
    ...extra,
    calibrationCoverage: kept / n,
    calibrationRisk: kept === 0 ? 0 : (prefix[kept] as number) / kept,
  };
}
