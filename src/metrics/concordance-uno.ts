import { assertChoice, assertNumberOption, assertSameLength, toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { assertSingleRisk, countEvents, isLabelsShape, labelsArg, type LabelsInput } from '../data/labels.js';
import { CensoringWeights } from '../estimators/censoring-weights.js';
import { assertNotTwice, evaluatedLabels, riskInDirection } from './call-forms.js';
import type { ConcordanceOptions, ConcordanceResult } from './concordance-harrell.js';
import { countPairs } from './concordance-pairs.js';

/** Options of {@link concordanceIndexIpcw}. */
export interface IpcwConcordanceOptions extends ConcordanceOptions {
  /**
   * Labels whose censoring distribution Ĝ is estimated (scikit-survival's
   * `survival_train`). Default: the evaluated labels (a single-sample analysis, as R).
   */
  train?: LabelsInput;
  /** Truncation time: only events before τ (sksurv: T_i < τ; R: T_i <= τ) carry weight. Default: none. */
  tau?: number;
  /** Floor for Ĝ: weights use max(Ĝ, clipWeights) instead of failing where Ĝ = 0. Default: none (fail). */
  clipWeights?: number;
  /**
   * `'sksurv'` (default): weight 1/Ĝ(T_i)², scikit-survival `concordance_index_ipcw`.
   * `'R'`: weight 1/Ĝ(T_i−)², R `survival::concordance(timewt = "n/G2")` (with `ymax = tau`).
   */
  convention?: 'sksurv' | 'R';
}

/** Result of {@link concordanceIndexIpcw}. */
export interface IpcwConcordanceResult extends ConcordanceResult {
  /** Σ_i w_i·concordant_i over weighted events (R's `concordant` count for timewt "n/G2"). */
  weightedConcordant: number;
  weightedDiscordant: number;
  weightedTiedRisk: number;
  weightedComparable: number;
}

/**
 * Uno's inverse-probability-of-censoring weighted concordance index, as
 * scikit-survival 0.21 `concordance_index_ipcw` computes it (or, with
 * `convention: 'R'`, as R `survival::concordance(timewt = "n/G2")`).
 *
 * Ĝ is the Kaplan–Meier estimate of the censoring distribution fitted on
 * `train`, with events leaving before censorings at tied times. Each event i of
 * `test` with T_i < τ gets w_i = 1/Ĝ(T_i)² (R: 1/Ĝ(T_i−)², T_i <= τ), others 0;
 * pairs and risk ties are as in Harrell's C:
 *
 *   C = Σ_i w_i (#concordant_i + ½ #tied_i) / Σ_i w_i #comparable_i.
 *
 * The integer counts (`concordant`, …, `comparable`) are unweighted over all
 * events, as scikit-survival returns them (independent of τ); the `weighted*`
 * sums are R's counts for "n/G2". O(n log n) time, O(n) memory.
 *
 * Without the `train` option Ĝ is estimated from the evaluated labels, a
 * single-sample analysis (R, or `cindex.py` without `--train`).
 *
 * @param labels labels of the n evaluated subjects ({@link LabelsInput}), event 0/1
 * @param risk n finite risk scores, higher = earlier event (see `direction`)
 * @param opts `train` (labels for Ĝ), `tau`, `tiedTol`, `direction`, `clipWeights`, `convention`
 * @throws {SurvkitError} on invalid labels or risk, competing-risk codes, no
 *   events in `train` or `test` (`noEvents`, as scikit-survival), a weighted test
 *   event after the last training time while Ĝ > 0 there (`timeOutsideTrain`),
 *   Ĝ = 0 at a weighted event time without `clipWeights` (`censoringZero`), or
 *   no weighted comparable pairs (`noComparablePairs`, e.g. τ below every event)
 * @example
 * const y = { time: [1, 2, 3, 4, 5], event: [1, 0, 1, 1, 0] };
 * concordanceIndexIpcw(y, [5, 4, 3, 2, 1]).cIndex; // 1
 * concordanceIndexIpcw(y, [5, 4, 3, 2, 1], { train: y, tau: 4 }).cIndex; // 1
 * @see Uno, Cai, Pencina, D'Agostino & Wei (2011), Statistics in Medicine 30(10):1105–1117
 */
export function concordanceIndexIpcw(labels: LabelsInput, risk: ArrayLike<number>, opts?: IpcwConcordanceOptions): IpcwConcordanceResult;
/** @deprecated since 0.2: call `concordanceIndexIpcw(test, risk, { train })` — labels first, training labels as an option. */
export function concordanceIndexIpcw(train: LabelsInput, test: LabelsInput, risk: unknown, opts?: IpcwConcordanceOptions): IpcwConcordanceResult;
export function concordanceIndexIpcw(...args: unknown[]): IpcwConcordanceResult {
  const fn = 'concordanceIndexIpcw';
  const { train, test, risk, opts } = ipcwArgs(fn, args);
  const tr = labelsArg(fn, 'train', train);
  const te = labelsArg(fn, 'test', test);
  assertSingleRisk(fn, 'train.event', tr);
  assertSingleRisk(fn, 'test.event', te);
  const r = toFloat64(fn, 'risk', risk);
  assertSameLength(fn, 'test.time', te.time.length, 'risk', r.length);
  const tol = assertNumberOption(fn, 'tiedTol', opts.tiedTol ?? 1e-8, { min: 0 });
  const tau = opts.tau === undefined ? Infinity : assertNumberOption(fn, 'tau', opts.tau, { min: 0, minExclusive: true });
  const clip = opts.clipWeights === undefined ? 0 : assertNumberOption(fn, 'clipWeights', opts.clipWeights, { min: 0, max: 1, minExclusive: true });
  const convention = assertChoice(fn, 'convention', opts.convention ?? 'sksurv', ['sksurv', 'R'] as const);
  if (countEvents(tr) === 0) throw survkitError('noEvents', fn, 'train.event');
  if (countEvents(te) === 0) throw survkitError('noEvents', fn, 'test.event');

  const G = new CensoringWeights(tr, {
    fn,
    ties: 'events-first',
    eventSide: convention === 'R' ? 'left' : 'right',
    floor: clip,
    strictRange: true,
    power: 2,
    remedy: 'clipWeights',
  });
  const n = te.time.length;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = te.time[i] as number;
    if ((te.event[i] as number) === 0) continue;
    if (convention === 'R' ? t > tau : t >= tau) continue;
    G.checkRange(t, 'test.time');
    w[i] = G.eventWeight(t);
  }
  const c = countPairs(te.time, te.event, r, tol, { weight: w });
  if (c.wComparable === 0) throw survkitError('noComparablePairs', fn);
  return {
    cIndex: (c.wConcordant + 0.5 * c.wTiedRisk) / c.wComparable,
    concordant: c.concordant,
    discordant: c.discordant,
    tiedRisk: c.tiedRisk,
    tiedTime: c.tiedTime,
    comparable: c.comparable,
    weightedConcordant: c.wConcordant,
    weightedDiscordant: c.wDiscordant,
    weightedTiedRisk: c.wTiedRisk,
    weightedComparable: c.wComparable,
  };
}

/**
 * `(labels, risk, opts)` or the deprecated `(train, test, risk, opts)` as the
 * train / test / risk the function body reads; scores turned into risks for
 * `direction: 'survival'`.
 */
function ipcwArgs(fn: string, args: readonly unknown[]): { train: unknown; test: unknown; risk: unknown; opts: IpcwConcordanceOptions } {
  const deprecated = args.length > 3 || isLabelsShape(args[1]);
  const opts = ((deprecated ? args[3] : args[2]) ?? {}) as IpcwConcordanceOptions;
  const risk = riskInDirection(fn, 'risk', deprecated ? args[2] : args[1], opts.direction);
  if (deprecated) {
    assertNotTwice(fn, 'train', opts.train);
    return { train: args[0], test: args[1], risk, opts };
  }
  const test = evaluatedLabels(fn, args[0], risk);
  return { train: opts.train ?? test, test, risk, opts };
}
