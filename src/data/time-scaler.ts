import { toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';

/** Options of {@link TimeScaler}. */
export interface TimeScalerOptions {
  /** Standardise log(1 + t) instead of t (pycox `log_duration`; default false). */
  log1p?: boolean;
  /** Subtract the training mean (default true). */
  withMean?: boolean;
  /** Divide by the training standard deviation (default true). */
  withStd?: boolean;
}

/** The JSON form of a {@link TimeScaler}. */
export type TimeScalerJSON = {
  type: 'TimeScaler';
  log1p: boolean;
  withMean: boolean;
  withStd: boolean;
  mean: number | null;
  scale: number | null;
};

/**
 * Cox-Time's time standardisation (pycox `LabTransCoxTime`, i.e. scikit-learn's
 * `StandardScaler` on t or log(1 + t)): z = (f(t) − μ) / s with μ the training
 * mean of f(t) and s its population standard deviation (ddof 0; s = 1 when f(t)
 * is constant, as scikit-learn does). `inverse` maps z back to t exactly
 * (f⁻¹(z·s + μ)), for any z — pycox's `map_scaled_to_orig` is a lookup table of
 * the training times. Computed in float64 (pycox casts to float32 first, so
 * its z differ by float32 rounding).
 *
 * @example
 * const ts = new TimeScaler({ log1p: true }).fit([1, 5, 20, 100]);
 * const z = ts.transform([5, 50]);
 * ts.inverse(z); // Float64Array [5, 50] (to rounding)
 * @throws {SurvkitError} on non-finite times, t <= −1 with `log1p`, or use before `fit`
 * @see Kvamme, Borgan & Scheel (2019) JMLR 20(129) §4.2; pycox `preprocessing/label_transforms.py`
 */
export class TimeScaler {
  readonly log1p: boolean;
  readonly withMean: boolean;
  readonly withStd: boolean;
  private mu: number | undefined;
  private s: number | undefined;

  constructor(opts: TimeScalerOptions = {}) {
    this.log1p = opts.log1p ?? false;
    this.withMean = opts.withMean ?? true;
    this.withStd = opts.withStd ?? true;
  }

  private f(fn: string, time: ArrayLike<number>): Float64Array {
    const t = toFloat64(fn, 'time', time);
    if (this.log1p) {
      for (let i = 0; i < t.length; i++) {
        const v = t[i] as number;
        if (!(v > -1)) throw survkitError('log1pDomain', fn, `time[${i}]`, v);
        t[i] = Math.log1p(v);
      }
    }
    return t;
  }

  /** Learns μ and s from training times. */
  fit(time: ArrayLike<number>): this {
    const x = this.f('TimeScaler.fit', time);
    const n = x.length;
    let sum = 0;
    for (const v of x) sum += v;
    const mean = sum / n;
    // Deviations are divided by their largest magnitude m before squaring, so
    // that the variance neither underflows (times ~1e-160) nor overflows.
    let m = 0;
    for (const v of x) m = Math.max(m, Math.abs(v - mean));
    let sq = 0;
    let corr = 0;
    if (m > 0) {
      for (const v of x) {
        const d = (v - mean) / m;
        sq += d * d;
        corr += d;
      }
    }
    const scaledVariance = (sq - (corr * corr) / n) / n; // variance / m²
    const eps = Number.EPSILON;
    // scikit-learn's _is_constant_feature, var ≤ n·eps·var + (n·mean·eps)², divided by m².
    const constant = m === 0 || scaledVariance <= n * eps * scaledVariance + ((n * mean * eps) / m) ** 2;
    this.mu = this.withMean ? mean : 0;
    this.s = this.withStd && !constant ? m * Math.sqrt(scaledVariance) : 1;
    return this;
  }

  /** Training mean μ of f(t) that is subtracted (0 with `withMean: false`). */
  get mean(): number {
    if (this.mu === undefined) throw survkitError('transformNotFitted', 'TimeScaler.mean', 'the mean');
    return this.mu;
  }

  /** Divisor s (1 with `withStd: false` or constant times). */
  get scale(): number {
    if (this.s === undefined) throw survkitError('transformNotFitted', 'TimeScaler.scale', 'the scale');
    return this.s;
  }

  /** z = (f(t) − μ) / s. */
  transform(time: ArrayLike<number>): Float64Array {
    const fn = 'TimeScaler.transform';
    if (this.mu === undefined || this.s === undefined) throw survkitError('transformNotFitted', fn, 'the scale');
    const x = this.f(fn, time);
    for (let i = 0; i < x.length; i++) x[i] = ((x[i] as number) - this.mu) / this.s;
    return x;
  }

  /** `fit(time)` then `transform(time)`. */
  fitTransform(time: ArrayLike<number>): Float64Array {
    return this.fit(time).transform(time);
  }

  /** t = f⁻¹(z·s + μ) (expm1 with `log1p`). */
  inverse(scaled: ArrayLike<number>): Float64Array {
    const fn = 'TimeScaler.inverse';
    if (this.mu === undefined || this.s === undefined) throw survkitError('transformNotFitted', fn, 'the scale');
    const z = toFloat64(fn, 'scaled', scaled);
    for (let i = 0; i < z.length; i++) {
      const v = (z[i] as number) * this.s + this.mu;
      z[i] = this.log1p ? Math.expm1(v) : v;
    }
    return z;
  }

  toJSON(): TimeScalerJSON {
    return { type: 'TimeScaler', log1p: this.log1p, withMean: this.withMean, withStd: this.withStd, mean: this.mu ?? null, scale: this.s ?? null };
  }

  /** Rebuilds a scaler from {@link toJSON}'s output (μ and s restored exactly). */
  static fromJSON(json: TimeScalerJSON): TimeScaler {
    const fn = 'TimeScaler.fromJSON';
    if (typeof json !== 'object' || json === null || json.type !== 'TimeScaler') {
      throw survkitError('savedJson', fn, 'json', 'TimeScaler', json);
    }
    const out = new TimeScaler({ log1p: json.log1p, withMean: json.withMean, withStd: json.withStd });
    if (json.mean !== null && json.scale !== null) {
      if (!Number.isFinite(json.mean)) throw survkitError('finiteNumber', fn, 'json.mean', json.mean);
      if (!(json.scale > 0) || !Number.isFinite(json.scale)) throw survkitError('positiveNumber', fn, 'json.scale', json.scale);
      out.mu = json.mean;
      out.s = json.scale;
    }
    return out;
  }
}
