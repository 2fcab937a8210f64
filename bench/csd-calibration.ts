/**
 * Conformalized survival distributions on METABRIC and SUPPORT (docs/guarantees.md): a Cox model (survkit's coxph,
 * Breslow baseline) is fitted on the training rows (split = train, val = 0), CSD (censored calibration subjects dropped, or replaced by their
 * Kaplan–Meier conditional mean of the training rows) and CSD-iPOT on the validation rows
 * (val = 1), and everything is measured on the test rows (split = test): D-calibration (10 bins), 1-calibration at the
 * median test time (D'Agostino–Nam, 10 groups), Harrell's C of the risk 1 − S(t*) at that time, and the integrated
 * Brier score on 100 times from the 5 % to the 90 % quantile of the test times. The post-processed curves are read
 * on 2000 equally spaced times (the metrics read curves as steps).
 * Usage: npx tsx bench/csd-calibration.ts [dir with metabric.csv and support.csv; default /work/shared/datasets]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { breslowBaseline, breslowSurvival } from '../src/estimators/breslow.js';
import { SurvivalCurves } from '../src/estimators/survival-curves.js';
import { concordanceIndex } from '../src/metrics/concordance-harrell.js';
import { dCalibration } from '../src/metrics/d-calibration.js';
import { integratedBrierScore } from '../src/metrics/integrated.js';
import { oneCalibration } from '../src/metrics/one-calibration.js';
import { coxph } from '../src/stats/coxph.js';
import { fitConformalSurvival } from '../src/uncertainty/conformal-survival-distributions.js';

const dir = process.argv[2] ?? '/work/shared/datasets';

interface Part {
  x: number[][];
  time: number[];
  event: number[];
}

function load(name: string): { train: Part; cal: Part; test: Part } {
  const lines = readFileSync(join(dir, `${name}.csv`), 'utf8')
    .trim()
    .split('\n');
  const head = (lines[0] as string).split(',');
  const feats = head.map((h, j) => (h.startsWith('x') ? j : -1)).filter((j) => j >= 0);
  const [iT, iE, iS, iV] = ['duration', 'event', 'split', 'val'].map((c) => head.indexOf(c)) as [number, number, number, number];
  const parts = { train: { x: [], time: [], event: [] } as Part, cal: { x: [], time: [], event: [] } as Part, test: { x: [], time: [], event: [] } as Part };
  for (const line of lines.slice(1)) {
    const c = line.split(',');
    const p = c[iS] === 'test' ? parts.test : c[iV] === '1' ? parts.cal : parts.train;
    p.x.push(feats.map((j) => Number(c[j])));
    p.time.push(Number(c[iT]));
    p.event.push(Number(c[iE]));
  }
  return parts;
}

function quantile(v: number[], q: number): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))] as number;
}

function metrics(curves: SurvivalCurves, test: Part, tStar: number, ibsTimes: number[]) {
  const labels = { time: test.time, event: test.event };
  const s = curves.at([tStar], { interpolation: 'linear' });
  const risk = Array.from({ length: curves.n }, (_, i) => 1 - s.get(i, 0));
  return {
    dcalP: dCalibration(labels, curves).pValue,
    oneCalP: oneCalibration(labels, curves, { t: tStar }).pValue,
    cIndex: concordanceIndex(labels, risk).cIndex,
    ibs: integratedBrierScore(labels, curves, { times: ibsTimes }).value,
  };
}

for (const name of ['metabric', 'support']) {
  const { train, cal, test } = load(name);
  const p = train.x[0]!.length;
  const mu = Array.from({ length: p }, (_, j) => train.x.reduce((a, r) => a + r[j]!, 0) / train.x.length);
  const sd = Array.from({ length: p }, (_, j) => Math.sqrt(train.x.reduce((a, r) => a + (r[j]! - mu[j]!) ** 2, 0) / train.x.length) || 1);
  const z = (x: number[][]) => x.map((r) => r.map((v, j) => (v - mu[j]!) / sd[j]!));
  const zt = z(train.x);
  const cols: Record<string, number[]> = {};
  for (let j = 0; j < p; j++) cols[`x${j}`] = zt.map((r) => r[j]!);
  const fit = coxph({ time: train.time, event: train.event }, cols);
  const beta = fit.coefficients.map((c) => c.coef);
  const lp = (x: number[][]) => z(x).map((r) => r.reduce((a, v, j) => a + v * beta[j]!, 0));
  const base = breslowBaseline(lp(train.x), { time: train.time, event: train.event });
  const calCurves = breslowSurvival(base, lp(cal.x));
  const testCurves = breslowSurvival(base, lp(test.x));
  const tStar = quantile(test.time, 0.5);
  const lo = quantile(test.time, 0.05);
  const hi = quantile(test.time, 0.9);
  const ibsTimes = Array.from({ length: 100 }, (_, k) => lo + ((hi - lo) * k) / 99);
  const calLabels = { time: cal.time, event: cal.event };
  const rows: [string, ReturnType<typeof metrics>, number][] = [
    ['Cox (Breslow)', metrics(testCurves, test, tStar, ibsTimes), dCalibration(calLabels, calCurves).pValue],
  ];
  const variants = [
    ['+ CSD (uncensored only)', { method: 'csd', decensor: 'uncensored' }],
    ['+ CSD (KM margin)', { method: 'csd', decensor: 'margin', kmLabels: { time: train.time, event: train.event } }],
    ['+ CSD-iPOT', { method: 'csd-ipot' }],
  ] as const;
  // dCalibration reads curves as right-continuous steps: the Breslow curves are steps, the post-processed ones are
  // continuous, so those are read on 2000 equally spaced times up to the last grid time
  const last = testCurves.times[testCurves.m - 1] as number;
  const fine = Array.from({ length: 2000 }, (_, k) => (last * (k + 1)) / 2000);
  for (const [label, opts] of variants) {
    const map = fitConformalSurvival(calCurves, { time: cal.time, event: cal.event }, opts);
    const post = map.predict(testCurves).toCurves(fine);
    const postCal = map.predict(calCurves).toCurves(fine);
    rows.push([label, metrics(post, test, tStar, ibsTimes), dCalibration(calLabels, postCal).pValue]);
  }
  const nEv = (q: Part) => q.event.reduce((a, b) => a + b, 0);
  console.log(
    `${name}: train ${train.time.length} (${nEv(train)} events), calibration ${cal.time.length} (${nEv(cal)}), test ${test.time.length} (${nEv(test)}); t* = ${tStar}`,
  );
  console.log("| curves | D-calibration p | 1-calibration p at t* | Harrell's C of 1 − S(t*) | IBS | D-calibration p, calibration rows |");
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const [label, m, calP] of rows) {
    const row = [m.dcalP.toPrecision(3), m.oneCalP.toPrecision(3), m.cIndex.toFixed(4), m.ibs.toFixed(4), calP.toPrecision(3)];
    console.log(`| ${label} | ${row.join(' | ')} |`);
  }
  console.log('');
}
