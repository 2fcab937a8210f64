import { assertNumberOption } from '../core/assert.js';
import { chiSquareSf } from '../core/chi-square.js';
import { survkitError } from '../core/errors.js';
import { asLabels, type LabelsInput } from '../data/labels.js';
import { cholesky2, chsolve2 } from './cholesky.js';
import { groupCodes, sortOrder, type GroupInput } from './cox-data.js';
import { sortedLevels } from './logrank.js';

/** Options of {@link grayTest}. */
export interface GrayTestOptions {
  /** Power of the weight (1 − F̂(t−))^ρ of the score (cmprsk's `rho`, default 0). */
  rho?: number;
  /** Stratum of each subject: scores and variances are summed over strata (cmprsk's `strata`). */
  strata?: GroupInput;
  /** Test this cause only (default: every cause with at least one event, as cmprsk). */
  cause?: number;
}

/** Gray's test of one cause. */
export interface GrayCauseTest {
  cause: number;
  /** χ² statistic sᵀ V⁻¹ s on the first k − 1 groups' scores. */
  statistic: number;
  df: number;
  p: number;
  /** Scores of the first k − 1 groups. */
  score: number[];
  /** Their (k − 1) × (k − 1) variance matrix. */
  variance: number[][];
}

/** Result of {@link grayTest}. */
export interface GrayTestResult {
  /** The group levels in sorted order (as R's factor levels). */
  groups: (number | string)[];
  rho: number;
  tests: GrayCauseTest[];
}

/**
 * Gray's k-sample test for the equality of the cumulative incidence functions of one cause among groups, as
 * `cmprsk::cuminc` (2.2) computes it: at each event time the score adds ρ-weighted differences between each
 * group's cause-k events and those expected under a common subdistribution hazard, with the variance of the
 * paper's Section 3 (ties corrected as cmprsk does); stratified by summing scores and variances over strata.
 * χ² = sᵀ V⁻¹ s on the first k − 1 groups, k − 1 degrees of freedom.
 *
 * @param labels event codes 0 = censored, 1..K = cause
 * @param groups the group of each subject (numbers or strings), at least two groups
 * @param opts `rho` (default 0), `strata`, `cause`
 * @returns {@link GrayTestResult}, one test per cause
 * @throws {SurvkitError} on bad labels or groups, fewer than 2 groups, no events of the cause, a singular variance
 * @example
 * const g = grayTest({ time: [1, 2, 3, 4, 5, 6, 7, 8], event: [1, 2, 1, 0, 2, 1, 1, 0] }, [1, 1, 1, 1, 2, 2, 2, 2]);
 * g.tests[0].p; // p-value for cause 1
 * @see Gray (1988), Ann Stat 16:1141–1154
 */
export function grayTest(labels: LabelsInput, groups: GroupInput, opts: GrayTestOptions = {}): GrayTestResult {
  const fn = 'grayTest';
  const y = asLabels(fn, 'labels', labels);
  const n = y.time.length;
  const rho = assertNumberOption(fn, 'rho', opts.rho ?? 0, {});
  const g = groupCodes(fn, 'groups', groups, n);
  const levels = sortedLevels(g.levels);
  const ng = levels.length;
  if (ng < 2) throw survkitError('logrankGroups', fn, 'groups', ng);
  const recode = g.levels.map((l) => levels.indexOf(l));
  const group = Int32Array.from(g.codes, (c) => recode[c] as number);
  const strata = opts.strata === undefined ? new Int32Array(n) : groupCodes(fn, 'strata', opts.strata, n).codes;
  const present = [...new Set(Array.from(y.event).filter((e) => e !== 0))].sort((a, b) => a - b);
  if (present.length === 0) throw survkitError('noEvents', fn, 'labels.event');
  let causes = present;
  if (opts.cause !== undefined) {
    const c = assertNumberOption(fn, 'cause', opts.cause, { min: 1, integer: true });
    if (!present.includes(c)) throw survkitError('causeAbsent', fn, 'cause', c, present);
    causes = [c];
  }
  const order = sortOrder(y.time, new Int32Array(n), strata);
  const tests = causes.map((cause) => {
    const ng1 = ng - 1;
    const s = new Float64Array(ng1);
    const v = new Float64Array(ng1 * ng1);
    let start = 0;
    while (start < n) {
      const st = strata[order[start] as number];
      let end = start;
      while (end < n && strata[order[end] as number] === st) end++;
      stratumScore(y.time, y.event, group, order.subarray(start, end), ng, cause, rho, s, v);
      start = end;
    }
    const m = Float64Array.from(v);
    const rank = cholesky2(m, ng1, 1e-9);
    if (rank !== ng1) throw survkitError('graySingular', fn, cause);
    const x = Float64Array.from(s);
    chsolve2(m, ng1, x);
    let stat = 0;
    for (let i = 0; i < ng1; i++) stat += (s[i] as number) * (x[i] as number);
    const variance = Array.from({ length: ng1 }, (_, i) => Array.from(v.subarray(i * ng1, (i + 1) * ng1)));
    return { cause, statistic: stat, df: ng1, p: chiSquareSf(stat, ng1), score: Array.from(s), variance };
  });
  return { groups: levels, rho, tests };
}

/** Adds one stratum's score and variance (subjects `idx`, sorted by time) to `s` and `v`. */
function stratumScore(
  time: Float64Array,
  event: Int32Array,
  group: Int32Array,
  idx: Int32Array,
  ng: number,
  cause: number,
  rho: number,
  s: Float64Array,
  vOut: Float64Array,
): void {
  const ng1 = ng - 1;
  const rs = new Float64Array(ng);
  for (const i of idx) rs[group[i] as number] = (rs[group[i] as number] as number) + 1;
  const f1m = new Float64Array(ng); // left-continuous CIF of the cause, per group
  const f1 = new Float64Array(ng);
  const skmm = new Float64Array(ng).fill(1); // left-continuous KM of any event, per group
  const skm = new Float64Array(ng).fill(1);
  const c = new Float64Array(ng * ng);
  const a = new Float64Array(ng * ng);
  const v3 = new Float64Array(ng);
  const v2 = new Float64Array(ng1 * ng);
  const v = new Float64Array(ng1 * ng1);
  const d1 = new Float64Array(ng);
  const d2 = new Float64Array(ng);
  let fm = 0;
  let f = 0;
  const n = idx.length;
  for (let lo = 0; lo < n;) {
    const t = time[idx[lo] as number] as number;
    let hi = lo;
    d1.fill(0);
    d2.fill(0);
    for (; hi < n && time[idx[hi] as number] === t; hi++) {
      const i = idx[hi] as number;
      const e = event[i] as number;
      if (e === cause) d1[group[i] as number] = (d1[group[i] as number] as number) + 1;
      else if (e !== 0) d2[group[i] as number] = (d2[group[i] as number] as number) + 1;
    }
    let nd1 = 0;
    let nd2 = 0;
    for (let j = 0; j < ng; j++) {
      nd1 += d1[j] as number;
      nd2 += d2[j] as number;
    }
    if (nd1 > 0 || nd2 > 0) {
      let tr = 0;
      let tq = 0;
      for (let j = 0; j < ng; j++) {
        const r = rs[j] as number;
        if (r <= 0) continue;
        skm[j] = ((skmm[j] as number) * (r - (d1[j] as number) - (d2[j] as number))) / r;
        f1[j] = (f1m[j] as number) + ((skmm[j] as number) * (d1[j] as number)) / r;
        tr += r / (skmm[j] as number);
        tq += (r * (1 - (f1m[j] as number))) / (skmm[j] as number);
      }
      f = fm + nd1 / tr;
      const fb = Math.pow(1 - fm, rho);
      a.fill(0);
      for (let i = 0; i < ng; i++) {
        if ((rs[i] as number) <= 0) continue;
        const t1 = (rs[i] as number) / (skmm[i] as number);
        a[i * ng + i] = fb * t1 * (1 - t1 / tr);
        for (let j = i + 1; j < ng; j++) {
          if ((rs[j] as number) <= 0) continue;
          a[i * ng + j] = (-fb * t1 * (rs[j] as number)) / ((skmm[j] as number) * tr);
          a[j * ng + i] = a[i * ng + j] as number;
        }
        for (let j = i; j < ng; j++) {
          const aij = a[i * ng + j] as number;
          if (aij !== 0) {
            c[i * ng + j] = (c[i * ng + j] as number) + (aij * nd1) / (tr * (1 - fm));
            c[j * ng + i] = c[i * ng + j] as number;
          }
        }
      }
      for (let i = 0; i < ng1; i++) {
        const r = rs[i] as number;
        if (r <= 0) continue;
        s[i] = (s[i] as number) + fb * ((d1[i] as number) - (nd1 * r * (1 - (f1m[i] as number))) / ((skmm[i] as number) * tq));
      }
      if (nd1 > 0) {
        for (let k = 0; k < ng; k++) {
          const r = rs[k] as number;
          if (r <= 0) continue;
          const t4 = (skm[k] as number) > 0 ? 1 - (1 - f) / (skm[k] as number) : 1;
          const t5 = nd1 > 1 ? 1 - (nd1 - 1) / (tr * (skmm[k] as number) - 1) : 1;
          const t3 = (t5 * (skmm[k] as number) * nd1) / (tr * r);
          v3[k] = (v3[k] as number) + t4 * t4 * t3;
          for (let i = 0; i < ng1; i++) {
            const t1 = (a[i * ng + k] as number) - t4 * (c[i * ng + k] as number);
            v2[i * ng + k] = (v2[i * ng + k] as number) + t1 * t4 * t3;
            for (let j = 0; j <= i; j++) {
              const t2 = (a[j * ng + k] as number) - t4 * (c[j * ng + k] as number);
              v[i * ng1 + j] = (v[i * ng1 + j] as number) + t1 * t2 * t3;
            }
          }
        }
      }
      if (nd2 > 0) {
        for (let k = 0; k < ng; k++) {
          const dk = d2[k] as number;
          if ((skm[k] as number) <= 0 || dk <= 0) continue;
          const r = rs[k] as number;
          const t4 = (1 - f) / (skm[k] as number);
          const t5 = dk > 1 ? 1 - (dk - 1) / (r - 1) : 1;
          const t3 = (t5 * (skmm[k] as number) * (skmm[k] as number) * dk) / (r * r);
          v3[k] = (v3[k] as number) + t4 * t4 * t3;
          for (let i = 0; i < ng1; i++) {
            const t1 = t4 * (c[i * ng + k] as number);
            v2[i * ng + k] = (v2[i * ng + k] as number) - t1 * t4 * t3;
            for (let j = 0; j <= i; j++) {
              const t2 = t4 * (c[j * ng + k] as number);
              v[i * ng1 + j] = (v[i * ng1 + j] as number) + t1 * t2 * t3;
            }
          }
        }
      }
    }
    for (let j = lo; j < hi; j++) rs[group[idx[j] as number] as number] = (rs[group[idx[j] as number] as number] as number) - 1;
    fm = f;
    f1m.set(f1);
    skmm.set(skm);
    lo = hi;
  }
  for (let i = 0; i < ng1; i++) {
    for (let j = 0; j <= i; j++) {
      let x = v[i * ng1 + j] as number;
      for (let k = 0; k < ng; k++) {
        x += (c[i * ng + k] as number) * (c[j * ng + k] as number) * (v3[k] as number);
        x += (c[i * ng + k] as number) * (v2[j * ng + k] as number);
        x += (c[j * ng + k] as number) * (v2[i * ng + k] as number);
      }
      vOut[i * ng1 + j] = (vOut[i * ng1 + j] as number) + x;
      if (j !== i) vOut[j * ng1 + i] = (vOut[j * ng1 + i] as number) + x;
    }
  }
}
