/**
 * Guarantees for survival predictions on METABRIC and SUPPORT (docs/guarantees.md), over random calibration/test
 * splits of the rows not used for training (split = train, val = 0):
 *
 * 1. Conformalized survival analysis (lower predictive bounds). The censoring time must be known for every subject,
 *    which these data sets do not record, so the bench keeps the subjects with an observed event (T known) and
 *    censors them itself, C ~ Exp with P(C >= c0) = 1/2 (independent of X) or with a rate that depends on the first
 *    covariate (weights 1/P(C >= c0 | X) exact). c0 = the median event time of the training rows. A Cox model
 *    (coxph, Breslow) is fitted on the censored training rows; bounds from its curves with the quantile score
 *    (10 % quantile) and the distribution score; coverage = share of test subjects with T >= bound.
 * 2. Selective survival prediction with a guarantee (real censoring): a bootstrap ensemble of 10 Cox fits gives
 *    each subject a band (5–95 %) and curves (the members' mean); the scores are the mean band width on the log
 *    cumulative hazard over the evaluation times, and the model's expected Brier score (1/(t_m − t_1)) ∫ S(1 − S) dt;
 *    riskControlledSurvivalFlag keeps subjects so that their IBS (per-subject IPCW Brier, Ĝ from the training rows,
 *    maxWeight 10, 50 times from the 5 % to the 70 % quantile of the training times) is at most α with probability
 *    ≥ 1 − δ = 0.9, for α below and above the IBS of all. A split violates when the kept test subjects' IBS exceeds α.
 *    The empirical rule (largest threshold whose kept calibration subjects have mean loss <= α) is shown beside it.
 * Usage: npx tsx bench/survival-guarantees.ts [repetitions = 200] [dir = /work/shared/datasets]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Random } from '../src/core/random.js';
import { breslowBaseline, breslowSurvival } from '../src/estimators/breslow.js';
import type { SurvivalCurves } from '../src/estimators/survival-curves.js';
import { coxph } from '../src/stats/coxph.js';
import { fitConformalLowerBound } from '../src/uncertainty/conformal-lower-bound.js';
import { survivalBands } from '../src/uncertainty/survival-bands.js';
import { survivalBandWidth } from '../src/uncertainty/survival-score.js';
import { riskControlledSurvivalFlag, subjectBrierLoss } from '../src/uncertainty/survival-risk-control.js';

const R = Number(process.argv[2] ?? 200);
const dir = process.argv[3] ?? '/work/shared/datasets';

interface Rows {
  x: number[][];
  time: number[];
  event: number[];
}

function load(name: string): { train: Rows; pool: Rows } {
  const lines = readFileSync(join(dir, `${name}.csv`), 'utf8')
    .trim()
    .split('\n');
  const head = (lines[0] as string).split(',');
  const feats = head.map((h, j) => (h.startsWith('x') ? j : -1)).filter((j) => j >= 0);
  const [iT, iE, iS, iV] = ['duration', 'event', 'split', 'val'].map((c) => head.indexOf(c)) as [number, number, number, number];
  const train: Rows = { x: [], time: [], event: [] };
  const pool: Rows = { x: [], time: [], event: [] };
  for (const line of lines.slice(1)) {
    const c = line.split(',');
    const p = c[iS] === 'train' && c[iV] === '0' ? train : pool;
    p.x.push(feats.map((j) => Number(c[j])));
    p.time.push(Number(c[iT]));
    p.event.push(Number(c[iE]));
  }
  return { train, pool };
}

const pick = (r: Rows, idx: readonly number[]): Rows => ({ x: idx.map((i) => r.x[i]!), time: idx.map((i) => r.time[i]!), event: idx.map((i) => r.event[i]!) });

/** A Cox model on standardised covariates: curves for any rows. */
function coxModel(train: Rows): (x: number[][]) => SurvivalCurves {
  const p = train.x[0]!.length;
  const n = train.x.length;
  const mu = Array.from({ length: p }, (_, j) => train.x.reduce((a, r) => a + r[j]!, 0) / n);
  const sd = Array.from({ length: p }, (_, j) => Math.sqrt(train.x.reduce((a, r) => a + (r[j]! - mu[j]!) ** 2, 0) / n) || 1);
  const z = (x: number[][]) => x.map((r) => r.map((v, j) => (v - mu[j]!) / sd[j]!));
  const cols: Record<string, number[]> = {};
  const zt = z(train.x);
  for (let j = 0; j < p; j++) cols[`x${j}`] = zt.map((r) => r[j]!);
  const beta = coxph({ time: train.time, event: train.event }, cols).coefficients.map((c) => c.coef);
  const lp = (x: number[][]) => z(x).map((r) => r.reduce((a, v, j) => a + v * beta[j]!, 0));
  const base = breslowBaseline(lp(train.x), { time: train.time, event: train.event });
  return (x) => breslowSurvival(base, lp(x));
}

function quantile(v: number[], q: number): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))]!;
}
const mean = (v: ArrayLike<number>): number => Array.from(v).reduce((a, b) => a + b, 0) / v.length;
const sdOf = (v: number[]): number => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)));

function lowerBounds(name: string, data: { train: Rows; pool: Rows }): void {
  const alpha = 0.1;
  const rng = new Random(7);
  const evTrain = data.train.event.map((e, i) => (e === 1 ? i : -1)).filter((i) => i >= 0);
  const evPool = data.pool.event.map((e, i) => (e === 1 ? i : -1)).filter((i) => i >= 0);
  const train = pick(data.train, evTrain);
  const pool = pick(data.pool, evPool);
  const c0 = quantile(train.time, 0.5);
  const f0 = train.x.map((r) => r[0]!);
  const m0 = mean(f0);
  const s0 = sdOf(f0) || 1;
  for (const censoring of ['independent', 'covariate'] as const) {
    // P(C >= c0 | x) = exp(−rate(x)·c0): 1/2 for all, or 1/2 at the mean of x0 and varying with it
    const rate = (x: number[]): number => (Math.LN2 / c0) * (censoring === 'independent' ? 1 : Math.exp(0.5 * ((x[0]! - m0) / s0)));
    const prob = (x: number[]): number => Math.exp(-rate(x) * c0);
    const censor = (r: Rows) => {
      const c = r.x.map((x) => -Math.log(1 - rng.next()) / rate(x));
      return { c, time: r.time.map((t, i) => Math.min(t, c[i]!)), event: r.time.map((t, i) => (t <= c[i]! ? 1 : 0)) };
    };
    const tc = censor(train);
    const model = coxModel({ x: train.x, time: tc.time, event: tc.event });
    const pc = censor(pool);
    const curves = model(pool.x);
    const probs = pool.x.map(prob);
    const naiveQ = Array.from({ length: curves.n }, (_, i) => {
      for (let k = 0; k < curves.m; k++) if (curves.get(i, k) <= 1 - alpha) return curves.times[k]!;
      return Infinity;
    });
    const out: Record<string, { cov: number[]; bound: number[]; used: number[] }> = {
      quantile: { cov: [], bound: [], used: [] },
      distribution: { cov: [], bound: [], used: [] },
    };
    const naive: number[] = [];
    for (let r = 0; r < R; r++) {
      const perm = Array.from(rng.permutation(pool.time.length));
      const half = perm.length >> 1;
      const ci = perm.slice(0, half);
      const ti = perm.slice(half);
      for (const score of ['quantile', 'distribution'] as const) {
        const weighted = censoring === 'covariate';
        const lb = fitConformalLowerBound(
          curves.subset(ci),
          { time: ci.map((i) => pc.time[i]!), censoringTime: ci.map((i) => pc.c[i]!) },
          { alpha, c0, score, censoringProb: weighted ? ci.map((i) => probs[i]!) : undefined },
        );
        const res = lb.predict(curves.subset(ti), { censoringProb: weighted ? ti.map((i) => probs[i]!) : undefined });
        out[score]!.cov.push(mean(ti.map((i, j) => (pool.time[i]! >= res.lower[j]! ? 1 : 0))));
        out[score]!.bound.push(mean(res.lower));
        out[score]!.used.push(lb.used);
      }
      naive.push(mean(ti.map((i) => (pool.time[i]! >= naiveQ[i]! ? 1 : 0))));
    }
    console.log(
      `${name}, lower bounds, censoring ${censoring}: ${pool.time.length} subjects with events split in halves, c0 = ${c0.toPrecision(5)}, α = ${alpha}`,
    );
    for (const score of ['quantile', 'distribution'] as const) {
      const o = out[score]!;
      const below = o.cov.filter((v) => v < 1 - alpha).length;
      console.log(
        `| ${score} | ${mean(o.cov).toFixed(4)} ± ${(sdOf(o.cov) / Math.sqrt(R)).toFixed(4)} | ${Math.min(...o.cov).toFixed(3)} | ${below}/${R} | ${mean(o.bound).toPrecision(4)} | ${mean(o.used).toFixed(0)} |`,
      );
    }
    console.log(
      `| Cox 10 % quantile, uncorrected | ${mean(naive).toFixed(4)} | ${Math.min(...naive).toFixed(3)} | ${naive.filter((v) => v < 1 - alpha).length}/${R} | ${mean(naiveQ.map((q) => Math.min(q, c0))).toPrecision(4)} (capped at c0) | |`,
    );
  }
}

function selective(name: string, data: { train: Rows; pool: Rows }, alphas: number[]): void {
  const { train, pool } = data;
  const rng = new Random(8);
  const lo = quantile(train.time, 0.05);
  const hi = quantile(train.time, 0.7);
  const times = Array.from({ length: 50 }, (_, k) => lo + ((hi - lo) * k) / 49);
  const members: SurvivalCurves[] = [];
  for (let b = 0; b < 10; b++) {
    const idx = Array.from(rng.sampleWithReplacement(train.time.length));
    members.push(coxModel(pick(train, idx))(pool.x).at(times));
  }
  const bands = survivalBands(members, { times });
  const curves = bands.mean;
  // the model's own expected Brier score, (1/(t_m − t_1)) ∫ S(1 − S) dt (trapezoid): small where S is near 0 or 1
  const expected = Array.from({ length: curves.n }, (_, i) => {
    let a = 0;
    for (let k = 0; k + 1 < times.length; k++) {
      const f = (j: number) => curves.get(i, j) * (1 - curves.get(i, j));
      a += ((times[k + 1]! - times[k]!) * (f(k) + f(k + 1))) / 2;
    }
    return a / (hi - lo);
  });
  const scores: [string, ArrayLike<number>][] = [
    ['band width (cloglog)', survivalBandWidth(bands, { from: lo, to: hi, scale: 'cloglog' })],
    ['expected Brier ∫S(1 − S)', expected],
  ];
  const labels = { time: pool.time, event: pool.event };
  const trainLabels = { time: train.time, event: train.event };
  const maxWeight = 10;
  const loss = subjectBrierLoss(labels, curves, { times, train: trainLabels, maxWeight });
  console.log(`${name}, selective IBS: pool ${pool.time.length} subjects (halves), IBS of all = ${mean(loss).toFixed(4)}, δ = 0.1, maxWeight ${maxWeight}`);
  for (const [scoreName, score] of scores)
    for (const alpha of alphas) {
      const rows = { ltt: [] as number[][], emp: [] as number[][] };
      let bound = 0;
      for (let r = 0; r < R; r++) {
        const perm = Array.from(rng.permutation(pool.time.length));
        const half = perm.length >> 1;
        const ci = perm.slice(0, half);
        const ti = perm.slice(half);
        const res = riskControlledSurvivalFlag(
          ti.map((i) => score[i]!),
          { score: ci.map((i) => score[i]!), labels: { time: ci.map((i) => pool.time[i]!), event: ci.map((i) => pool.event[i]!) }, curves: curves.subset(ci) },
          { alpha, delta: 0.1, times, train: trainLabels, maxWeight },
        );
        bound = res.lossBound;
        // the empirical rule: the largest calibration score whose kept calibration subjects have mean loss <= α
        const order = [...ci].sort((a, b) => score[a]! - score[b]!);
        let acc = 0;
        let tEmp = -Infinity;
        order.forEach((i, k) => {
          acc += loss[i]!;
          if (acc / (k + 1) <= alpha) tEmp = score[i]!;
        });
        for (const [key, thr] of [
          ['ltt', res.threshold],
          ['emp', tEmp],
        ] as const) {
          const kept = ti.filter((i) => score[i]! <= thr);
          rows[key].push([kept.length / ti.length, kept.length === 0 ? 0 : mean(kept.map((i) => loss[i]!))]);
        }
      }
      for (const [key, label] of [
        ['ltt', 'LTT (riskControlledSurvivalFlag)'],
        ['emp', 'empirical threshold'],
      ] as const) {
        const v = rows[key];
        const violations = v.filter(([k, ibs]) => k! > 0 && ibs! > alpha).length;
        const keptIbs = v.filter(([k]) => k! > 0).map(([, ibs]) => ibs!);
        console.log(
          `| ${scoreName} | ${alpha} | ${label} | ${violations}/${R} | ${mean(v.map(([k]) => k!)).toFixed(3)} | ${(1 - mean(v.map(([k]) => k!))).toFixed(3)} | ${keptIbs.length ? mean(keptIbs).toFixed(4) : '—'} | ${bound.toFixed(3)} |`,
        );
      }
    }
}

for (const name of ['metabric', 'support']) {
  const data = load(name);
  lowerBounds(name, data);
  selective(name, data, name === 'metabric' ? [0.15, 0.17, 0.26, 0.28] : [0.2, 0.22, 0.25, 0.27]);
}
