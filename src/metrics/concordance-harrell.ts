import { strataGroups } from '../core/strata.js';
import { assertArrayLike, assertChoice, assertNumberOption, assertSameLength, toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { assertSingleRisk, countEvents, survivalLabelsAs, type LabelsInput, type SurvivalLabels } from '../data/labels.js';
import { isTimeEventCall, timeEventOf } from './call-forms.js';
import { countPairs } from './concordance-pairs.js';
import { countPairsEntryStrata } from './concordance-entry.js';

/** Which way the scores point. */
export type ScoreDirection = 'risk' | 'survival';

/**
 * The options every concordance function shares ({@link concordanceIndex},
 * {@link concordanceIndexIpcw}, {@link concordanceConfidenceInterval},
 * {@link compareConcordance}): which way the scores point and the risk tie tolerance.
 */
export interface ConcordanceOptions {
  /** Risks with |r_i − r_j| <= tiedTol count as tied (½). Default 1e-8 (scikit-survival). Use 0 for R's exact ties. */
  tiedTol?: number;
  /**
   * `'risk'` (default): higher score = earlier event (scikit-survival, R
   * `reverse = TRUE`, torchsurv). `'survival'`: higher score = longer
   * survival (lifelines); the scores are negated.
   */
  direction?: ScoreDirection;
}

/** Options of {@link concordanceIndex}: the shared ones, entry times and strata. */
export interface ConcordanceIndexOptions extends ConcordanceOptions {
  /**
   * Entry (left-truncation) time of each subject, below its time: an event at t is compared only with
   * the subjects at risk then, entry_j < t ≤ T_j (R `concordance(Surv(entry, time, event) ~ x)`).
   */
  entry?: ArrayLike<number>;
  /** Stratum of each subject (numbers or strings): only pairs within a stratum count (R `strata(s)`). */
  strata?: ArrayLike<number | string>;
}

/** Result of {@link concordanceIndex}. */
export interface ConcordanceResult {
  /** (concordant + tiedRisk / 2) / comparable. */
  cIndex: number;
  /** Comparable pairs in which the earlier event has the higher risk. */
  concordant: number;
  /** Comparable pairs in which the earlier event has the lower risk. */
  discordant: number;
  /** Comparable pairs with tied risks (counted ½). */
  tiedRisk: number;
  /**
   * scikit-survival's `tied_time`: for every event, the number of censored
   * subjects with exactly the same time, summed (these pairs ARE comparable).
   * R counts something else: `tied.y` + `tied.xy` = pairs of events with equal
   * times, which are not comparable.
   */
  tiedTime: number;
  /** concordant + discordant + tiedRisk. */
  comparable: number;
}

/** Validated inputs of the risk-score concordance functions. */
export interface RiskInputs {
  labels: SurvivalLabels;
  risk: Float64Array;
  tiedTol: number;
}

/** Validates time, event, risk and `tiedTol` in the name of `fn`. */
export function riskInputs(fn: string, time: unknown, event: unknown, risk: unknown, tiedTol: unknown): RiskInputs {
  const labels = survivalLabelsAs(fn, time, event);
  assertSingleRisk(fn, 'event', labels);
  const r = toFloat64(fn, 'risk', risk);
  assertSameLength(fn, 'time', labels.time.length, 'risk', r.length);
  const tol = assertNumberOption(fn, 'tiedTol', tiedTol ?? 1e-8, { min: 0 });
  if (countEvents(labels) === 0) throw survkitError('noEvents', fn, 'event');
  return { labels, risk: r, tiedTol: tol };
}

/**
 * Harrell's concordance index for right-censored data, counted exactly as
 * scikit-survival 0.21 `concordance_index_censored` (and R
 * `survival::concordance(timewt = "n")`, lifelines `concordance_index` on
 * −risk).
 *
 * A pair (i, j) is comparable when δ_i = 1 and T_i < T_j, or δ_i = 1, δ_j = 0
 * and T_i = T_j (the censored one is taken to outlive the event); two events at
 * the same time are not comparable. It is concordant when r_i > r_j, tied
 * when |r_i − r_j| <= tiedTol (counted ½):
 *
 *   C = (#concordant + ½ #tied) / #comparable.
 *
 * Counts: `tiedTime` follows scikit-survival (Σ over events of censored subjects
 * at the same time; 7 on the METABRIC test fixture). R's `tied.y` + `tied.xy`
 * count the event pairs sharing a time instead (4 there); R's `tied.x` is our
 * `tiedRisk` with exact equality (pass `tiedTol: 0`).
 *
 * Complexity: O(n log n) time, O(n) memory (radix-sorted time and risk groups,
 * one Fenwick sweep over whichever of the two has fewer distinct values).
 *
 * @param labels the n subjects' labels ({@link LabelsInput}: `{ time, event }`, a `[time, event]` pair, row records), event 0/1
 * @param risk n finite scores; higher = earlier event (see `direction`)
 * @param opts `tiedTol` (default 1e-8), `direction` (`'risk'` default, `'survival'`), `entry` (left truncation:
 *   an event is compared with the subjects at risk at its time, entry_j < t ≤ T_j), `strata` (pairs within strata only)
 * @returns {@link ConcordanceResult}
 * @throws {SurvkitError} on unequal lengths, empty input, NaN/±Infinity, negative
 *   times, event codes other than 0/1 (`notBinaryEvent`), no events (`noEvents`),
 *   or no comparable pairs (`noComparablePairs`)
 * @example
 * const r = concordanceIndex({ time: [1, 2, 3, 4], event: [1, 1, 0, 1] }, [4, 2, 1, 3]);
 * r.cIndex; // 0.8 (4 of 5 comparable pairs concordant)
 * @see Harrell, Califf, Pryor, Lee & Rosati (1996), Statistics in Medicine 15(4):361–387
 */
export function concordanceIndex(labels: LabelsInput, risk: ArrayLike<number>, opts?: ConcordanceIndexOptions): ConcordanceResult;
/** @deprecated since 0.2: call `concordanceIndex({ time, event }, risk, opts)` — labels first, as every metric. */
export function concordanceIndex(time: unknown, event: unknown, risk: unknown, opts?: ConcordanceOptions): ConcordanceResult;
export function concordanceIndex(...args: unknown[]): ConcordanceResult {
  const fn = 'concordanceIndex';
  const { time, event, rest } = timeEventOf(fn, args, isTimeEventCall(args, 1));
  const risk = rest[0];
  const opts = (rest[1] ?? {}) as ConcordanceIndexOptions;
  const direction = assertChoice(fn, 'direction', opts.direction ?? 'risk', ['risk', 'survival'] as const);
  const inp = riskInputs(fn, time, event, risk, opts.tiedTol);
  if (direction === 'survival') for (let i = 0; i < inp.risk.length; i++) inp.risk[i] = -(inp.risk[i] as number);
  if (opts.entry !== undefined || opts.strata !== undefined) {
    const n = inp.risk.length;
    let entry: Float64Array | undefined;
    if (opts.entry !== undefined) {
      entry = toFloat64(fn, 'entry', opts.entry);
      assertSameLength(fn, 'time', n, 'entry', entry.length);
      entry.forEach((v, i) => {
        if (!(v < (inp.labels.time[i] as number))) throw survkitError('entryNotBeforeExit', fn, 'entry', i, v, inp.labels.time[i] as number);
      });
    }
    if (opts.strata !== undefined) assertSameLength(fn, 'time', n, 'strata', assertArrayLike(fn, 'strata', opts.strata).length);
    const c = countPairsEntryStrata(inp.labels.time, inp.labels.event, inp.risk, inp.tiedTol, entry, strataGroups(opts.strata, n));
    if (c.comparable === 0) throw survkitError('noComparablePairs', fn);
    return { cIndex: (c.concordant + 0.5 * c.tiedRisk) / c.comparable, ...c };
  }
  return harrellFromValidated(fn, inp.labels.time, inp.labels.event, inp.risk, inp.tiedTol);
}

/** Harrell's C on validated arrays (no copies, no checks except the outcome). */
export function harrellFromValidated(fn: string, time: Float64Array, event: ArrayLike<number>, risk: Float64Array, tol: number): ConcordanceResult {
  const c = countPairs(time, event, risk, tol);
  if (c.comparable === 0) throw survkitError('noComparablePairs', fn);
  return {
    cIndex: (c.concordant + 0.5 * c.tiedRisk) / c.comparable,
    concordant: c.concordant,
    discordant: c.discordant,
    tiedRisk: c.tiedRisk,
    tiedTime: c.tiedTime,
    comparable: c.comparable,
  };
}
