import { survkitError } from '../core/errors.js';
import { searchSorted } from '../core/sort.js';
import { DiscreteTimeTransform, type DiscretizeOptions } from './discretize.js';
import { labelsArg, type LabelsInput } from './labels.js';

/** PC-Hazard labels: the grid, and per subject its interval index, event code and fraction of the interval lived. */
export interface PcHazardLabels {
  /** Cut points τ_0 < … < τ_m; the model has m = cuts.length − 1 outputs (one hazard per interval). */
  readonly cuts: Float64Array;
  /** Interval κ_i ∈ [−1, m − 1] ending at the cut at or after T_i; −1 for T_i at (or below) the first cut (no contribution to the loss). */
  readonly idx: Int32Array;
  /** 0 when censored, beyond the last cut or at the first cut, else the original code. */
  readonly event: Int32Array;
  /**
   * ρ_i = 1 − (τ_{κ+1} − T_i)/(τ_{κ+1} − τ_κ), the fraction of interval κ_i lived (0 where κ_i = −1); with pycox,
   * T_i is the original time, so beyond the last cut ρ_i > 1 (the last interval's hazard carries on).
   */
  readonly frac: Float64Array;
}

/**
 * pycox 0.3.0's `LabTransPCHazard` for {@link PCHazard}: `n` intervals means n + 1
 * cut points (fitted as {@link DiscreteTimeTransform} fits them, equidistant or on
 * Kaplan–Meier quantiles, from `min`); times above the last cut are censored there;
 * events and censorings both go to the cut at or after T (`censor_side='right'`),
 * κ is that cut's index − 1 and ρ the fraction of the interval lived (from the original
 * time, so above 1 beyond the last cut, as in pycox). With
 * `dtype: 'float32'` times, cuts and ρ are computed in float32 arithmetic, as
 * numpy does on float32 durations.
 *
 * @example
 * const lt = new PcHazardTransform({ n: 10 }).fit(trainLabels); // 11 cuts, 10 intervals
 * const { idx, event, frac } = lt.transform(testLabels);
 * @throws {SurvkitError} on invalid options, fewer than 2 fixed cuts, or `transform` before `fit`
 * @see Kvamme & Borgan (2019) arXiv:1910.06724 §4; pycox `preprocessing/label_transforms.py:LabTransPCHazard`
 */
export class PcHazardTransform {
  /** The grid of cut points (its `n` counts cut points, i.e. intervals + 1). */
  readonly grid: DiscreteTimeTransform;

  /** `n` = number of intervals (pycox's `cuts` integer) or fixed `cuts`; or an existing grid of cut points. */
  constructor(opts: DiscretizeOptions | DiscreteTimeTransform) {
    if (opts instanceof DiscreteTimeTransform) this.grid = opts;
    else {
      if (opts.cuts !== undefined && opts.cuts.length < 2) throw survkitError('pcHazardCuts', 'PcHazardTransform', 'cuts', opts.cuts);
      this.grid = new DiscreteTimeTransform(opts.n === undefined ? opts : { ...opts, n: opts.n + 1 });
    }
  }

  /** Finds the cuts on training labels (a no-op for fixed cuts). */
  fit(labels: LabelsInput): this {
    this.grid.fit(labels);
    return this;
  }

  /** The cut points (after `fit`). */
  get cuts(): Float64Array {
    return this.grid.cuts;
  }

  /** Number of model outputs, m = cuts.length − 1. */
  get outFeatures(): number {
    return this.grid.cuts.length - 1;
  }

  /** Maps labels onto the intervals (see the class description). */
  transform(labels: LabelsInput): PcHazardLabels {
    const fn = 'PcHazardTransform.transform';
    const cuts = this.grid.cuts;
    if (cuts.length < 2) throw survkitError('pcHazardCuts', fn, 'cuts', Array.from(cuts));
    const f32 = this.grid.toJSON().dtype === 'float32';
    const r = f32 ? Math.fround : (v: number) => v;
    const y = labelsArg(fn, 'labels', labels);
    const n = y.time.length;
    const last = cuts[cuts.length - 1] as number;
    const idx = new Int32Array(n);
    const event = new Int32Array(n);
    const frac = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const time = r(y.time[i] as number);
      let t = time;
      let e = y.event[i] as number;
      if (t > last) {
        t = last;
        e = 0;
      }
      const right = searchSorted(cuts, t, 'left'); // the cut at or after t
      if (right === 0) {
        idx[i] = -1;
        event[i] = 0;
        frac[i] = 0;
        continue;
      }
      const hi = cuts[right] as number;
      frac[i] = r(1 - r(r(hi - time) / r(hi - (cuts[right - 1] as number))));
      idx[i] = right - 1;
      event[i] = e;
    }
    return Object.freeze({ cuts, idx, event, frac });
  }

  /** `fit(labels)` then `transform(labels)`. */
  fitTransform(labels: LabelsInput): PcHazardLabels {
    return this.fit(labels).transform(labels);
  }
}
