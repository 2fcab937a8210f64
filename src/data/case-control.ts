import { assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { Random } from '../core/random.js';
import { argsort, searchSorted } from '../core/sort.js';
import { labelsArg, assertSingleRisk, type LabelsInput } from './labels.js';

/** One draw of controls: `controls[c·k + j]` is the j-th control of case `cases[c]`. */
export interface CaseControlSample {
  /** Subjects with an event, the cases (ascending index unless a subset was asked for). */
  readonly cases: Int32Array;
  /** Row-major [cases.length × nControls] subject indices, each from its case's risk set. */
  readonly controls: Int32Array;
  readonly nControls: number;
}

/**
 * The case-control sampler of pycox's CoxCC and Cox-Time (`CoxCCDataset`,
 * `sample_alive_from_dates`): the cases are the subjects with an event; for each
 * case i, `nControls` controls are drawn independently and uniformly (with
 * replacement) from its risk set {j: T_j >= T_i}, which contains i itself.
 * Sorting happens once in the constructor; each `sample` is O(cases · k).
 *
 * @example
 * const sampler = new CaseControlSampler({ time: [5, 1, 3, 8], event: [1, 1, 0, 0] });
 * const { cases, controls } = sampler.sample(new Random(42)); // cases [0, 1]
 * @throws {SurvkitError} on invalid labels, competing-risk codes, no events, or nControls not an integer >= 1
 * @see Kvamme, Borgan & Scheel (2019) JMLR 20(129) §3; Goldstein & Langholz (1992) Ann. Statist. 20:1903
 */
export class CaseControlSampler {
  readonly cases: Int32Array;
  readonly nControls: number;
  private readonly sorted: Int32Array;
  /** First position in `sorted` of each case's risk set. */
  private readonly start: Int32Array;
  private readonly position: Map<number, number>;

  constructor(labels: LabelsInput, opts: { nControls?: number } = {}) {
    const fn = 'CaseControlSampler';
    const y = labelsArg(fn, 'labels', labels);
    assertSingleRisk(fn, 'labels.event', y);
    this.nControls = assertNumberOption(fn, 'nControls', opts.nControls ?? 1, { min: 1, integer: true });
    this.sorted = argsort(y.time);
    const sortedTimes = new Float64Array(this.sorted.length);
    for (let p = 0; p < sortedTimes.length; p++) sortedTimes[p] = y.time[this.sorted[p] as number] as number;
    const cases: number[] = [];
    for (let i = 0; i < y.event.length; i++) if (y.event[i] === 1) cases.push(i);
    if (cases.length === 0) throw survkitError('noEvents', fn, 'labels');
    this.cases = Int32Array.from(cases);
    this.start = new Int32Array(y.time.length);
    this.position = new Map();
    for (const i of cases) this.start[i] = searchSorted(sortedTimes, y.time[i] as number, 'left');
    cases.forEach((i, c) => this.position.set(i, c));
  }

  /** Size of the risk set {j: T_j >= T_i} of subject i. */
  riskSetSize(i: number): number {
    return this.sorted.length - (this.start[i] as number);
  }

  /**
   * Draws controls for all cases, or for the cases listed in `cases` (e.g. one
   * mini-batch of case indices, which must be subjects with an event).
   */
  sample(rng: Random, cases: ArrayLike<number> = this.cases): CaseControlSample {
    const k = this.nControls;
    const out = new Int32Array(cases.length * k);
    const n = this.sorted.length;
    for (let c = 0; c < cases.length; c++) {
      const i = cases[c] as number;
      if (!this.position.has(i)) throw survkitError('caseIndex', 'CaseControlSampler.sample', `cases[${c}]`, i);
      const lo = this.start[i] as number;
      for (let j = 0; j < k; j++) out[c * k + j] = this.sorted[lo + rng.int(n - lo)] as number;
    }
    return Object.freeze({ cases: Int32Array.from(cases), controls: out, nControls: k });
  }
}

/**
 * One seeded case-control draw (see {@link CaseControlSampler}).
 *
 * @example
 * const { cases, controls } = sampleCaseControl({ time: [5, 1, 3, 8], event: [1, 1, 0, 0] }, { nControls: 2, seed: 1 });
 * @throws {SurvkitError} as {@link CaseControlSampler}
 */
export function sampleCaseControl(labels: LabelsInput, opts: { nControls?: number; seed?: number } = {}): CaseControlSample {
  const seed = assertNumberOption('sampleCaseControl', 'seed', opts.seed ?? 0, { integer: true });
  const nControls = opts.nControls ?? 1;
  return new CaseControlSampler(labels, { nControls }).sample(new Random(seed));
}
