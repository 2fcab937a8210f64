/**
 * The saved state of each survival family (the `state` object of
 * `survkit.json`), typed and read back with validation: every field a
 * family saves is declared here, and a file whose state lacks a field or
 * holds the wrong kind of value is refused with the field named — never
 * cast and used as it comes.
 */
import { survkitError } from '../../core/errors.js';
import type { DiscreteTimeTransformJSON } from '../../data/discretize.js';
import type { TimeScalerJSON } from '../../data/time-scaler.js';
import type { BreslowBaseline } from '../../estimators/breslow.js';
import type { StrataBaseline } from '../../estimators/breslow-strata.js';

/**
 * A Breslow baseline as saved: times, hazard increments, cumulative hazard and
 * log cumulative hazard (null for −Infinity, where Ĥ0 = 0; null as a whole in
 * files written before it was saved), 17 significant digits.
 */
export type BaselineJSON = { times: number[]; hazard: number[]; cumulativeHazard: number[]; logCumulativeHazard?: (number | null)[] | null };

/** CoxPH's state; `strata`: the per-stratum baselines of a model fitted with strata (absent in older files). */
export type CoxPHState = {
  ties: 'efron' | 'breslow';
  convention: 'exact' | 'pycox';
  baseline: BaselineJSON | null;
  strata?: { levels: string[]; baselines: BaselineJSON[] } | null;
};
/** CoxCC's state. */
export type CoxCCState = { nControls: number; shrink: number; validationRepeats: number; baseline: BaselineJSON | null };
/** CoxTime's state. */
export type CoxTimeState = Omit<CoxCCState, 'baseline'> & { baselineSample: number | null; timeScaler: TimeScalerJSON; baseline: BaselineJSON | null };
/** The state shared by the discrete-time families. */
export type DiscreteState = { labelTransform: DiscreteTimeTransformJSON; causes: number | null };
/** DeepHit's loss options as saved: the options given at construction (alpha, beta, sigma, convention), unset ones left out. */
export type DeepHitLossState = { [option: string]: number | string };
/** DeepHit's state. */
export type DeepHitState = DiscreteState & { loss: DeepHitLossState };
/** LogisticHazard's state. */
export type LogisticHazardState = DiscreteState;

/** A parametric AFT model's state: its distribution and the grid of its curves. */
export type AftState = { distribution: 'weibull' | 'lognormal'; times: number[] | null; timeScale?: number | null };

/** Any family's state, as written to survkit.json. */
export type FamilyState = CoxPHState | CoxCCState | CoxTimeState | DeepHitState | LogisticHazardState | AftState;

const LOAD = 'SurvivalModel.load';

/** Reads the fields of one family's saved state, each checked against its declared kind. */
export class StateReader {
  private readonly s: Record<string, unknown>;

  constructor(
    readonly family: string,
    state: unknown,
  ) {
    if (typeof state !== 'object' || state === null || Array.isArray(state)) {
      throw survkitError('modelState', LOAD, family, 'state', 'an object', state);
    }
    this.s = state as Record<string, unknown>;
  }

  private fail(key: string, expected: string): never {
    throw survkitError('modelState', LOAD, this.family, `state.${key}`, expected, this.s[key]);
  }

  /** One of the allowed strings. */
  choice<T extends string>(key: string, allowed: readonly T[]): T {
    const v = this.s[key];
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) this.fail(key, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
    return v as T;
  }

  /** A finite number (an integer ≥ min when `integer`). */
  number(key: string, opts: { integer?: boolean; min?: number } = {}): number {
    const v = this.s[key];
    const ok = typeof v === 'number' && Number.isFinite(v) && (!opts.integer || Number.isInteger(v)) && (opts.min === undefined || v >= opts.min);
    if (!ok) this.fail(key, `a finite ${opts.integer ? 'integer' : 'number'}${opts.min === undefined ? '' : ` ≥ ${opts.min}`}`);
    return v;
  }

  /** A number as {@link number}, or null. */
  numberOrNull(key: string, opts: { integer?: boolean; min?: number } = {}): number | null {
    return this.s[key] === null ? null : this.number(key, opts);
  }

  /** An array of finite numbers, or null. */
  numbersOrNull(key: string): number[] | null {
    const v = this.s[key];
    if (v === null) return null;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) this.fail(key, 'null or an array of finite numbers');
    return v as number[];
  }

  /** An object (its own fields are checked by whoever reads it). */
  object<T>(key: string, type?: string): T {
    const v = this.s[key];
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      this.fail(key, type === undefined ? 'an object' : `an object with type ${JSON.stringify(type)}`);
    if (type !== undefined && (v as { type?: unknown }).type !== type) this.fail(key, `an object with type ${JSON.stringify(type)}`);
    return v as T;
  }

  /** A saved Breslow baseline (equal-length finite arrays, times strictly ascending), or null. */
  baseline(key = 'baseline'): BreslowBaseline | null {
    const v = this.s[key];
    if (v === null) return null;
    const b: Record<string, unknown> = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
    const arrays = [b.times, b.hazard, b.cumulativeHazard];
    const expected = 'null or { times, hazard, cumulativeHazard }: arrays of finite numbers of one length, times strictly ascending';
    const finiteArray = (a: unknown): boolean => Array.isArray(a) && a.every((x) => typeof x === 'number' && Number.isFinite(x));
    if (!arrays.every(finiteArray)) this.fail(key, expected);
    const [times = [], hazard = [], cumulative = []] = arrays as number[][];
    if (hazard.length !== times.length || cumulative.length !== times.length) this.fail(key, expected);
    for (let i = 1; i < times.length; i++) if (!((times[i] as number) > (times[i - 1] as number))) this.fail(key, expected);
    const log = b.logCumulativeHazard;
    if (log === undefined || log === null) return baselineFromJSON({ times, hazard, cumulativeHazard: cumulative });
    const logOk = Array.isArray(log) && log.length === times.length && log.every((x) => x === null || (typeof x === 'number' && Number.isFinite(x)));
    if (!logOk) this.fail(key, `${expected}; logCumulativeHazard: finite numbers or null, one per time`);
    return baselineFromJSON({ times, hazard, cumulativeHazard: cumulative, logCumulativeHazard: log as (number | null)[] });
  }

  /** Per-stratum baselines saved as { levels, baselines } (levels: distinct non-empty texts), or null / absent. */
  strataBaselines(key = 'strata'): StrataBaseline | null {
    const v = this.s[key];
    if (v === null || v === undefined) return null;
    const expected = 'null or { levels, baselines }: distinct non-empty stratum texts and one saved baseline per level';
    const o = typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
    const { levels, baselines } = o;
    if (!Array.isArray(levels) || !Array.isArray(baselines) || levels.length === 0 || levels.length !== baselines.length) this.fail(key, expected);
    const lv = levels as unknown[];
    if (!lv.every((l) => typeof l === 'string' && l !== '') || new Set(lv).size !== lv.length) this.fail(key, expected);
    const out = (baselines as unknown[]).map((b, k) => {
      const one = new StateReader(this.family, { [`${key}.baselines[${k}]`]: b }).baseline(`${key}.baselines[${k}]`);
      if (one === null) this.fail(key, expected);
      return one;
    });
    return Object.freeze({ levels: lv as string[], baselines: out });
  }
}

/** Baseline → JSON (17 significant digits round-trip exactly). */
export function baselineToJSON(b: BreslowBaseline | null): BaselineJSON | null {
  if (b === null) return null;
  const j: BaselineJSON = { times: Array.from(b.times), hazard: Array.from(b.hazard), cumulativeHazard: Array.from(b.cumulativeHazard) };
  if (b.logCumulativeHazard !== undefined) j.logCumulativeHazard = Array.from(b.logCumulativeHazard, (v) => (v === -Infinity ? null : v));
  return j;
}

/** JSON → baseline. */
export function baselineFromJSON(j: BaselineJSON | null | undefined): BreslowBaseline | null {
  if (j === null || j === undefined) return null;
  const base = { times: Float64Array.from(j.times), hazard: Float64Array.from(j.hazard), cumulativeHazard: Float64Array.from(j.cumulativeHazard) };
  if (j.logCumulativeHazard === undefined || j.logCumulativeHazard === null) return Object.freeze(base);
  return Object.freeze({ ...base, logCumulativeHazard: Float64Array.from(j.logCumulativeHazard, (v) => (v === null ? -Infinity : v)) });
}
