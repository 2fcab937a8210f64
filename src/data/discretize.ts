import { assertChoice, assertNumberOption, assertStrictlyAscending, toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { searchSorted } from '../core/sort.js';
import { makeCuts, type CutScheme } from './cuts.js';
import { labelsArg, type LabelsInput } from './labels.js';

export type { CutScheme } from './cuts.js';

/** Options of {@link discretize} and {@link DiscreteTimeTransform}: either `cuts`, or `n` (+ `scheme`, `min`). */
export interface DiscretizeOptions {
  /** Fixed cut points (strictly ascending); then nothing is fitted. */
  cuts?: ArrayLike<number>;
  /** Number of cut points to fit from training labels (>= 2). */
  n?: number;
  /** `'equidistant'` (default) or `'quantiles'` (of the Kaplan–Meier curve). */
  scheme?: CutScheme;
  /** First cut (default 0), pycox's `min_`. */
  min?: number;
  /** `'float32'`: round times and cuts to float32 as pycox does on float32 data (default `'float64'`). */
  dtype?: 'float64' | 'float32';
}

/** Discretised labels: the grid and, per subject, its grid index and (possibly censored) event code. */
export interface DiscreteLabels {
  /** Cut points τ_0 < … < τ_{m−1}; the model has m = cuts.length outputs (per cause). */
  readonly cuts: Float64Array;
  /** Index κ_i ∈ [0, m − 1] of each subject's cut. */
  readonly idx: Int32Array;
  /** Event code after discretisation: 0 when censored or beyond the last cut, else the original cause. */
  readonly event: Int32Array;
}

/** The JSON form of a {@link DiscreteTimeTransform} (what `toJSON` writes and `fromJSON` reads). */
export type DiscreteTimeTransformJSON = {
  type: 'DiscreteTimeTransform';
  cuts: number[] | null;
  n: number | null;
  scheme: CutScheme;
  min: number;
  dtype: 'float64' | 'float32';
};

/**
 * pycox's `LabTransDiscreteTime` as a reusable, serialisable transform: `fit` finds
 * the cuts on training labels (unless fixed cuts were given), `transform` maps
 * any labels onto them with pycox's rules (`IdxDiscUnknownC`, censor side 'left'):
 * times above the last cut are censored at the last cut; events move to the right
 * cut (the smallest τ_k >= T); censorings move to the left cut (the largest
 * τ_k <= T). Cause codes of competing risks are kept (pycox's `LabTransDiscreteTime`
 * turns them into 1; its competing-risks example keeps them, as here).
 *
 * @example
 * const lt = new DiscreteTimeTransform({ n: 10, scheme: 'quantiles' }).fit(trainLabels);
 * const { idx, event } = lt.transform(testLabels);
 * const again = DiscreteTimeTransform.fromJSON(JSON.parse(JSON.stringify(lt)));
 * @throws {SurvkitError} on invalid options, on `transform` before `fit`, or on a censored
 *   time below the first cut (pycox cannot place it either)
 * @see Kvamme & Borgan (2019) arXiv:1910.06724 §3; pycox `preprocessing/label_transforms.py`
 */
/**
 * Floor of the bound on a fitted number of cuts: at most max(100, distinct event
 * times of the training labels), since more cuts only add intervals without
 * events (and a network output per cut).
 */
export const MIN_MAX_CUTS = 100;

export class DiscreteTimeTransform {
  private fitted: Float64Array | undefined;
  private readonly n: number | undefined;
  private readonly scheme: CutScheme;
  private readonly min: number;
  private readonly float32: boolean;
  private readonly fixed: boolean;

  constructor(opts: DiscretizeOptions) {
    const fn = 'DiscreteTimeTransform';
    this.scheme = assertChoice(fn, 'scheme', opts.scheme ?? 'equidistant', ['equidistant', 'quantiles'] as const);
    this.min = assertNumberOption(fn, 'min', opts.min ?? 0);
    this.float32 = assertChoice(fn, 'dtype', opts.dtype ?? 'float64', ['float64', 'float32'] as const) === 'float32';
    if ((opts.cuts === undefined) === (opts.n === undefined)) {
      throw survkitError('optionRange', fn, 'cuts', "given exactly when 'n' is not (fixed cut points, or a number of cuts to fit)", opts.cuts);
    }
    if (opts.cuts !== undefined) {
      const cuts = toFloat64(fn, 'cuts', opts.cuts);
      assertStrictlyAscending(fn, 'cuts', cuts);
      this.fitted = this.float32 ? cuts.map(Math.fround) : cuts;
      this.fixed = true;
    } else {
      this.n = assertNumberOption(fn, 'n', opts.n, { min: 2, integer: true });
      this.fixed = false;
    }
  }

  /** Finds the cuts on training labels (a no-op for fixed cuts). */
  fit(labels: LabelsInput): this {
    if (this.fixed) return this;
    const y = labelsArg('DiscreteTimeTransform.fit', 'labels', labels);
    const distinct = new Set<number>();
    for (let i = 0; i < y.time.length; i++) if (y.event[i] !== 0) distinct.add(y.time[i] as number);
    const max = Math.max(MIN_MAX_CUTS, distinct.size);
    if ((this.n as number) > max) throw survkitError('tooManyCuts', 'DiscreteTimeTransform.fit', this.n as number, distinct.size, max);
    this.fitted = makeCuts('DiscreteTimeTransform.fit', y.time, y.event, this.n as number, this.scheme, this.min, this.float32);
    return this;
  }

  /** The cut points (after `fit`). */
  get cuts(): Float64Array {
    if (this.fitted === undefined) throw survkitError('transformNotFitted', 'DiscreteTimeTransform.cuts', 'the grid of cut points');
    return this.fitted.slice();
  }

  /** Number of model outputs per cause, m = cuts.length. */
  get outFeatures(): number {
    return this.cuts.length;
  }

  /** Maps labels onto the cuts (see the class description). */
  transform(labels: LabelsInput): DiscreteLabels {
    const fn = 'DiscreteTimeTransform.transform';
    if (this.fitted === undefined) throw survkitError('transformNotFitted', fn, 'the grid of cut points');
    const cuts = this.fitted;
    const y = labelsArg(fn, 'labels', labels);
    const n = y.time.length;
    const last = cuts[cuts.length - 1] as number;
    const idx = new Int32Array(n);
    const event = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let t = this.float32 ? Math.fround(y.time[i] as number) : (y.time[i] as number);
      let e = y.event[i] as number;
      if (t > last) {
        t = last;
        e = 0;
      }
      const right = searchSorted(cuts, t, 'left'); // smallest cut >= t
      if (e !== 0) idx[i] = right;
      else {
        const left = cuts[right] === t ? right : right - 1;
        if (left < 0) {
          throw survkitError('censoredBeforeFirstCut', fn, `labels.time[${i}]`, cuts[0] as number, t);
        }
        idx[i] = left;
      }
      event[i] = e;
    }
    return Object.freeze({ cuts: cuts.slice(), idx, event });
  }

  /** `fit(labels)` then `transform(labels)`. */
  fitTransform(labels: LabelsInput): DiscreteLabels {
    return this.fit(labels).transform(labels);
  }

  toJSON(): DiscreteTimeTransformJSON {
    return {
      type: 'DiscreteTimeTransform',
      cuts: this.fitted === undefined ? null : Array.from(this.fitted),
      n: this.n ?? null,
      scheme: this.scheme,
      min: this.min,
      dtype: this.float32 ? 'float32' : 'float64',
    };
  }

  /** Rebuilds a transform from {@link toJSON}'s output; fitted cuts are restored exactly. */
  static fromJSON(json: DiscreteTimeTransformJSON): DiscreteTimeTransform {
    const fn = 'DiscreteTimeTransform.fromJSON';
    if (typeof json !== 'object' || json === null || json.type !== 'DiscreteTimeTransform') {
      throw survkitError('savedJson', fn, 'json', 'DiscreteTimeTransform', json);
    }
    if (json.n === null || json.n === undefined) {
      return new DiscreteTimeTransform({ cuts: json.cuts ?? [], scheme: json.scheme, min: json.min, dtype: json.dtype });
    }
    const out = new DiscreteTimeTransform({ n: json.n, scheme: json.scheme, min: json.min, dtype: json.dtype });
    if (json.cuts !== null) {
      const cuts = toFloat64(fn, 'json.cuts', json.cuts);
      assertStrictlyAscending(fn, 'json.cuts', cuts);
      out.fitted = cuts;
    }
    return out;
  }
}

/**
 * Discretises survival labels onto a time grid, pycox `LabTransDiscreteTime`
 * style: `discretize(labels, { n: 10, scheme: 'quantiles' })` fits the cuts on
 * `labels` and transforms them; `discretize(labels, { cuts })` uses fixed cuts.
 * Rules: beyond the last cut → censored at the last cut; events → right cut;
 * censorings → left cut. For a held-out set use a fitted {@link DiscreteTimeTransform}.
 *
 * @returns `{ cuts, idx: Int32Array, event: Int32Array }`
 * @example
 * const { cuts, idx, event } = discretize({ time: [1, 2.5, 4], event: [1, 0, 1] }, { n: 3 });
 * // cuts [0, 2, 4]; idx [1, 1, 2]; event [1, 0, 1]
 * @throws {SurvkitError} on invalid labels or options, or a censored time below the first cut
 */
export function discretize(labels: LabelsInput, opts: DiscretizeOptions): DiscreteLabels {
  return new DiscreteTimeTransform(opts).fitTransform(labels);
}
