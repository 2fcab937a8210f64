/**
 * The one service for inverse-probability-of-censoring weights (IPCW): Ĝ
 * fitted on the training labels, read in one of the reference conventions,
 * floored, checked and inverted. Uno's C, the cumulative/dynamic AUC and the
 * Brier/NBLL family all take their 1/Ĝ from here, so the conventions (Ĝ at T
 * or T−, tie order, floor, range rule) live in one place.
 */
import { survkitError } from '../core/errors.js';
import type { CensoringZeroRemedy } from '../core/messages.js';
import { searchSorted } from '../core/sort.js';
import type { SurvivalLabels } from '../data/labels.js';
import { censoringKaplanMeier, type CensoringTies } from './censoring.js';

/** How Ĝ is estimated, read and inverted. */
export interface CensoringWeightOptions {
  /** Function name for error messages. */
  fn: string;
  /** Tie order of the censoring Kaplan–Meier (see {@link CensoringTies}). */
  ties: CensoringTies;
  /** An event at T is weighted 1/Ĝ(T−) (`'left'`: pycox, R, pec, riskRegression) or 1/Ĝ(T) (`'right'`: scikit-survival). */
  eventSide: 'left' | 'right';
  /**
   * `'step'` (default): Ĝ is a right-continuous step, 1 before the first time.
   * `'pycox'`: pycox 0.3 `idx_at_times` reads of its `kaplan_meier` series — a
   * leading (0, 1) when min(T) > 0, every read clipped to the first entry.
   */
  reader?: 'step' | 'pycox';
  /** Ĝ is floored at this value before it is inverted (pycox `1/max_weight`, sksurv `clip`). Default 0: no floor. */
  floor?: number;
  /**
   * scikit-survival's range rule: a read beyond the last training time while
   * Ĝ > 0 there throws `timeOutsideTrain` (the censoring distribution is
   * unknown beyond it). Default false.
   */
  strictRange?: boolean;
  /** Weights 1/Ĝ (1, default) or 1/Ĝ² (2, Uno's C). */
  power?: 1 | 2;
  /** Which caller option the `censoringZero` message suggests where a needed Ĝ is 0. */
  remedy: CensoringZeroRemedy;
}

/**
 * Inverse censoring weights from the labels Ĝ is fitted on.
 *
 * `eventWeight(T)` = 1/max(Ĝ(T) or Ĝ(T−), floor)^power for an event at T;
 * `timeWeight(t)` = 1/max(Ĝ(t), floor)^power for a subject known to survive
 * past t. Both throw `censoringZero` (with the caller's remedy) where the
 * floored Ĝ is 0, and with `strictRange` `timeOutsideTrain` beyond the last
 * training time. O(n log n) to build, O(log n) per weight.
 *
 * @example
 * const w = new CensoringWeights({ time: Float64Array.of(1, 2, 3), event: Int32Array.of(1, 0, 1) },
 *   { fn: 'f', ties: 'events-first', eventSide: 'right', remedy: 'tau' });
 * w.eventWeight(3); // 1 / 0.5 = 2
 */
export class CensoringWeights {
  /** Largest time of the labels Ĝ was fitted on. */
  readonly lastTime: number;
  /** Ĝ at `lastTime`. */
  readonly lastValue: number;
  private readonly idx: Float64Array;
  private readonly val: Float64Array;
  private readonly initial: number;
  private readonly opts: CensoringWeightOptions;
  private readonly floor: number;

  constructor(train: SurvivalLabels, opts: CensoringWeightOptions) {
    this.opts = opts;
    this.floor = opts.floor ?? 0;
    const g = censoringKaplanMeier(train, { ties: opts.ties });
    if (opts.reader === 'pycox') {
      const lead = (g.times[0] as number) > 0 ? 1 : 0;
      this.idx = new Float64Array(g.times.length + lead);
      this.val = new Float64Array(g.times.length + lead);
      if (lead === 1) this.val[0] = 1;
      this.idx.set(g.times, lead);
      this.val.set(g.values, lead);
      this.initial = this.val[0] as number; // reads before the first entry are clipped to it
    } else {
      this.idx = g.times;
      this.val = g.values;
      this.initial = 1;
    }
    this.lastTime = this.idx[this.idx.length - 1] as number;
    this.lastValue = this.val[this.val.length - 1] as number;
  }

  /** Ĝ at t (`'right'`) or Ĝ(t−) (`'left'`), unfloored. */
  survival(t: number, side: 'left' | 'right'): number {
    const k = searchSorted(this.idx, t, side);
    return k === 0 ? this.initial : (this.val[k - 1] as number);
  }

  /** With `strictRange`: throws `timeOutsideTrain` for t beyond the last training time while Ĝ > 0 there. */
  checkRange(t: number, arg: string): void {
    if (this.opts.strictRange === true && t > this.lastTime && this.lastValue > 0) {
      throw survkitError('timeOutsideTrain', this.opts.fn, arg, t, this.lastTime);
    }
  }

  /** The weight of an event at T: 1/Ĝ(T−) or 1/Ĝ(T) (floored, to the power). */
  eventWeight(t: number): number {
    return this.invert(this.survival(t, this.opts.eventSide), t);
  }

  /** The weight of a subject known to survive past t: 1/Ĝ(t) (floored, to the power). */
  timeWeight(t: number): number {
    return this.invert(this.survival(t, 'right'), t);
  }

  private invert(g: number, t: number): number {
    const gf = Math.max(g, this.floor);
    if (!(gf > 0)) throw survkitError('censoringZero', this.opts.fn, t, this.opts.remedy);
    return this.opts.power === 2 ? 1 / (gf * gf) : 1 / gf;
  }
}
