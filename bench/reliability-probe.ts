/**
 * Reliability probe: ≥ 25 000 generated inputs over survkit's public functions
 * (metrics, estimators, label transforms, losses), half of them valid and half
 * with one argument replaced by a hostile value (NaN / ±Infinity, array-likes
 * with length −1, 1.5 or 1e12, empty, wrong length, wrong type, huge sizes,
 * extreme log-risk shifts). Each call is classified as
 *
 * - a typed SurvkitError (fine),
 * - a non-library exception (a bug: RangeError, TypeError, …),
 * - a result holding NaN/±Infinity where a finite value is due (a bug),
 * - a metric value outside its possible range (a bug), or
 * - a valid result.
 *
 * Not part of the test suite (it takes a minute). Run: `npx tsx bench/reliability-probe.ts [inputs]`
 * (default 27 000; FC_SEED=n to change the seed). Exits 1 when any bug is found.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { SurvkitError } from '../src/core/errors.js';
import { breslowBaseline, breslowSurvival } from '../src/estimators/breslow.js';
import { censoringKaplanMeier } from '../src/estimators/censoring.js';
import { kaplanMeier } from '../src/estimators/kaplan-meier.js';
import { nelsonAalen } from '../src/estimators/nelson-aalen.js';
import { pmfFromLogits, survivalFromHazardLogits, survivalFromPmfLogits } from '../src/estimators/discrete-time.js';
import { SurvivalCurves } from '../src/estimators/survival-curves.js';
import { discretize } from '../src/data/discretize.js';
import { sampleCaseControl } from '../src/data/case-control.js';
import { survivalLabels } from '../src/data/labels.js';
import { coxCcLoss } from '../src/losses/cox-cc.js';
import { coxPhLoss } from '../src/losses/cox-ph.js';
import { deepHitLoss } from '../src/losses/deephit.js';
import { deepHitNll } from '../src/losses/deephit-nll.js';
import { dirichletKlToUniform, evidentialLoss } from '../src/losses/evidential.js';
import { logisticHazardLoss } from '../src/losses/logistic-hazard.js';
import {
  adaptiveCalibrationError,
  aurc,
  bootstrap,
  brierScore,
  calibrationAt,
  concordanceConfidenceInterval,
  concordanceIndex,
  concordanceIndexIpcw,
  concordanceTd,
  cumulativeDynamicAuc,
  dCalibration,
  expectedCalibrationError,
  integratedBrierScore,
  integratedNbll,
  logLoss,
  maxCalibrationError,
  multiclassBrier,
  nbll,
  oodAuroc,
  predictiveEntropy,
  reliabilityDiagram,
  riskCoverageCurve,
} from '../src/metrics/index.js';

/** A consistent random data set that the functions' valid inputs are drawn from. */
interface World {
  time: number[];
  event: number[];
  risk: number[];
  curves: SurvivalCurves;
  grid: number[];
  times: number[];
  probs: number[][];
  classes: number[];
  shift: number;
}

const hostileArrays: unknown[] = [
  { length: -1 },
  { length: 1e12 },
  { length: 1.5 },
  { length: NaN },
  { length: 2 ** 32 },
  { length: 3, 0: 1, 1: 2, 2: 'x' },
  [],
  [NaN, 1, 2],
  [Infinity, 1, 2],
  [-Infinity, 0, 1],
  [1e308, 1e308, 1e308],
  [-1, 2, 3],
  '123',
  null,
  undefined,
  42,
  new Float64Array([NaN]),
  new Float32Array([1, Infinity]),
];

const worldArb: fc.Arbitrary<World> = fc
  .integer({ min: 2, max: 30 })
  .chain((n) =>
    fc.record({
      time: fc.array(
        fc.oneof(
          fc.integer({ min: 0, max: 40 }).map((v) => v / 4),
          fc.double({ min: 0, max: 10, noNaN: true }),
        ),
        { minLength: n, maxLength: n },
      ),
      event: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: n, maxLength: n }),
      risk: fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: n, maxLength: n }),
      gaps: fc.array(fc.double({ min: 1e-6, max: 3, noNaN: true }), { minLength: 1, maxLength: 8 }),
      factors: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 9 * n, maxLength: 9 * n }),
      fracs: fc.array(
        fc.oneof(
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.integer({ min: 0, max: 100 }).map((k) => k / 100),
        ),
        { minLength: 2, maxLength: 8 },
      ),
      clusters: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 0, maxLength: 3 }),
      probsRaw: fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }), { minLength: n, maxLength: n }),
      classes: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: n, maxLength: n }),
      shift: fc.oneof(fc.constant(0), fc.double({ min: -3000, max: 3000, noNaN: true })),
    }),
  )
  .map((r) => {
    if (!r.event.includes(1)) r.event[0] = 1;
    const grid = [0.05];
    for (const g of r.gaps) grid.push((grid[grid.length - 1] as number) + g);
    const m = grid.length;
    const n = r.time.length;
    const v = new Float64Array(n * m);
    for (let i = 0; i < n; i++) {
      let s = 1;
      for (let k = 0; k < m; k++) v[i * m + k] = s *= (r.factors[i * 9 + k] as number) ** 0.3;
    }
    const lo = Math.min(...r.time);
    const hi = Math.max(...r.time);
    // Evaluation times inside the follow-up, sometimes with tight clusters (uneven grids).
    let times = r.fracs.map((f) => lo + f * (hi - lo));
    for (const c of r.clusters) if (times[c] !== undefined) times.push(times[c] + 1e-6 * (hi - lo + 1));
    times = [...new Set(times)].filter((t) => t < hi).sort((a, b) => a - b);
    const probs = r.probsRaw.map((row) => {
      const s = row.reduce((a, b) => a + b, 0) || 1;
      return row.map((x) => x / s);
    });
    return { time: r.time, event: r.event, risk: r.risk, curves: new SurvivalCurves(grid, v), grid, times, probs, classes: r.classes, shift: r.shift };
  });

type Check = (result: unknown) => string | null;

/** In [lo, hi] (with a float rounding slack). */
const inRange =
  (lo: number, hi: number, pick: (r: unknown) => number[]): Check =>
  (r) => {
    for (const v of pick(r)) if (!(v >= lo - 1e-9 && v <= hi + 1e-9)) return `value ${v} outside [${lo}, ${hi}]`;
    return null;
  };
const scalar = (r: unknown): number[] => [r as number];
const valueOf = (r: unknown): number[] => [(r as { value: number }).value];
const field =
  (...keys: string[]) =>
  (r: unknown): number[] =>
    keys.flatMap((k) => {
      const v = (r as Record<string, unknown>)[k];
      return typeof v === 'number' ? [v] : ArrayBuffer.isView(v) || Array.isArray(v) ? Array.from(v as ArrayLike<number>) : [];
    });

interface Target {
  name: string;
  /** The arguments from a world; `arg` (when ≥ 0) is replaced by the hostile value. */
  call: (w: World, hostile: { arg: number; value: unknown } | null) => unknown;
  arity: number;
  check?: Check;
}

/**
 * Replaces argument `k` of `args` when asked. An options object (a plain object in
 * the last place) is not replaced by a non-object (the typed API forbids that): its
 * fields get hostile sizes instead (bins 1e9, replicates 1e8, …).
 */
function mutate(args: unknown[], h: { arg: number; value: unknown } | null): unknown[] {
  if (h === null) return args;
  const out = [...args];
  const k = h.arg % args.length;
  const cur = out[k];
  const isOpts =
    k === args.length - 1 && k > 0 && cur !== null && typeof cur === 'object' && !Array.isArray(cur) && Object.getPrototypeOf(cur) === Object.prototype;
  if (isOpts) {
    const hostileOpts = [
      { bins: 1e9 },
      { bins: -1 },
      { bins: NaN },
      { replicates: 1e8 },
      { groups: 1e9 },
      { cuts: 1e9 },
      { maxWeight: -1 },
      { klWeight: 1e308 },
      { tau: NaN },
    ];
    const pick = hostileOpts[Math.abs(JSON.stringify(h.value ?? 'u').length) % hostileOpts.length] as object;
    out[k] = { ...cur, ...pick };
  } else out[k] = h.value;
  return out;
}

const lab = (w: World) => ({ time: w.time, event: w.event });
const call =
  (f: (...a: never[]) => unknown, args: (w: World) => unknown[]) =>
  (w: World, h: { arg: number; value: unknown } | null): unknown =>
    (f as (...a: unknown[]) => unknown)(...mutate(args(w), h));

/** A tensor built from a plain value, disposed after use by the caller's tidy. */
const t1 = (v: number[]): tf.Tensor => tf.tensor1d(v);
const t2 = (v: number[][]): tf.Tensor => tf.tensor2d(v);
const hostileTensor = (h: unknown): unknown => (Array.isArray(h) && h.every((x) => typeof x === 'number') && h.length > 0 ? tf.tensor1d(h) : h);
/** Rows of numbers → a [n, k] tensor; a flat numeric array → a [n] tensor (a wrong rank for the loss); anything else as it is. */
const asTensor2d = (v: unknown): tf.Tensor => {
  if (Array.isArray(v) && v.length > 0 && v.every((r) => Array.isArray(r))) return t2(v as number[][]);
  return hostileTensor(v) as tf.Tensor;
};

const targets: Target[] = [
  { name: 'concordanceIndex', arity: 4, call: call(concordanceIndex, (w) => [w.time, w.event, w.risk, {}]), check: inRange(0, 1, field('cIndex')) },
  {
    name: 'concordanceConfidenceInterval',
    arity: 4,
    call: call(concordanceConfidenceInterval, (w) => [w.time, w.event, w.risk, { method: 'ij' }]),
    check: inRange(0, 1, field('cIndex')),
  },
  {
    name: 'concordanceIndexIpcw',
    arity: 4,
    call: call(concordanceIndexIpcw, (w) => [lab(w), lab(w), w.risk, { clipWeights: 1e-3 }]),
    check: inRange(0, 1, field('cIndex')),
  },
  { name: 'concordanceTd', arity: 3, call: call(concordanceTd, (w) => [w.curves, lab(w), {}]), check: inRange(0, 1, field('cIndex')) },
  { name: 'brierScore', arity: 4, call: call(brierScore, (w) => [w.curves, lab(w), w.times, {}]), check: inRange(0, 1, field('values')) },
  { name: 'nbll', arity: 4, call: call(nbll, (w) => [w.curves, lab(w), w.times, {}]), check: inRange(0, 17, field('values')) },
  { name: 'integratedBrierScore', arity: 4, call: call(integratedBrierScore, (w) => [w.curves, lab(w), w.times, {}]), check: inRange(0, 1, scalar) },
  {
    name: 'integratedBrierScore (pec)',
    arity: 4,
    call: call(integratedBrierScore, (w) => [w.curves, lab(w), w.times, { convention: 'pec' }]),
    check: inRange(0, 1, scalar),
  },
  // −log clipped at 1e-7 (pycox): each NBLL term is at most −log(1e-7) ≈ 16.1.
  { name: 'integratedNbll', arity: 4, call: call(integratedNbll, (w) => [w.curves, lab(w), w.times, {}]), check: inRange(0, 17, scalar) },
  {
    name: 'cumulativeDynamicAuc',
    arity: 4,
    call: call(cumulativeDynamicAuc, (w) => [lab(w), lab(w), w.risk, w.times]),
    check: inRange(0, 1, field('auc', 'meanAuc')),
  },
  { name: 'dCalibration', arity: 3, call: call(dCalibration, (w) => [w.curves, lab(w), { bins: 5 }]), check: inRange(0, 1, field('pValue')) },
  {
    name: 'calibrationAt',
    arity: 4,
    call: call(calibrationAt, (w) => [w.curves, lab(w), w.times[0] ?? 1, { groups: 2 }]),
    check: inRange(0, 1, field('pValue')),
  },
  { name: 'kaplanMeier', arity: 3, call: call(kaplanMeier, (w) => [w.time, w.event, {}]), check: inRange(0, 1, field('survival')) },
  { name: 'nelsonAalen', arity: 2, call: call(nelsonAalen, (w) => [w.time, w.event]) },
  { name: 'censoringKaplanMeier', arity: 2, call: call(censoringKaplanMeier, (w) => [lab(w), {}]) },
  { name: 'survivalLabels', arity: 2, call: call(survivalLabels, (w) => [w.time, w.event]) },
  { name: 'discretize', arity: 2, call: call(discretize, (w) => [lab(w), { n: 4 }]) },
  { name: 'sampleCaseControl', arity: 2, call: call(sampleCaseControl, (w) => [lab(w), { seed: 1 }]) },
  {
    name: 'breslowBaseline+Survival (shifted log-risk)',
    arity: 2,
    call: (w, h) => {
      const g = w.risk.map((r) => r + w.shift);
      const [gg, y] = mutate([g, lab(w)], h);
      return breslowSurvival(breslowBaseline(gg as number[], y as never), gg as number[]).values;
    },
    check: inRange(0, 1, (r) => Array.from(r as Float64Array)),
  },
  { name: 'pmfFromLogits', arity: 2, call: call(pmfFromLogits, (w) => [w.risk, w.risk.length]), check: inRange(0, 1, (r) => Array.from(r as Float64Array)) },
  {
    name: 'survivalFromPmfLogits',
    arity: 2,
    call: call(survivalFromPmfLogits, (w) => [w.risk, [0, ...w.risk.slice(1).map((_, k) => k + 1)]]),
    check: inRange(0, 1, field('values')),
  },
  {
    name: 'survivalFromHazardLogits',
    arity: 2,
    call: call(survivalFromHazardLogits, (w) => [w.risk, w.risk.map((_, k) => k)]),
    check: inRange(0, 1, field('values')),
  },
  {
    name: 'expectedCalibrationError',
    arity: 3,
    call: call(expectedCalibrationError, (w) => [{ labels: w.classes }, w.probs, { bins: 10 }]),
    check: inRange(0, 1, field('value')),
  },
  {
    name: 'maxCalibrationError',
    arity: 3,
    call: call(maxCalibrationError, (w) => [{ labels: w.classes }, w.probs, { bins: 10 }]),
    check: inRange(0, 1, field('value')),
  },
  {
    name: 'adaptiveCalibrationError',
    arity: 3,
    call: call(adaptiveCalibrationError, (w) => [{ labels: w.classes }, w.probs, { bins: 5 }]),
    check: inRange(0, 1, field('value')),
  },
  { name: 'reliabilityDiagram', arity: 3, call: call(reliabilityDiagram, (w) => [{ labels: w.classes }, w.probs, {}]) },
  { name: 'multiclassBrier', arity: 2, call: call(multiclassBrier, (w) => [{ labels: w.classes }, w.probs]), check: inRange(0, 2, field('value')) },
  { name: 'logLoss', arity: 2, call: call(logLoss, (w) => [{ labels: w.classes }, w.probs]) },
  { name: 'predictiveEntropy', arity: 2, call: call(predictiveEntropy, (w) => [w.probs, {}]) },
  { name: 'riskCoverageCurve', arity: 2, call: call(riskCoverageCurve, (w) => [w.risk, { correct: w.event.map((e) => e === 1) }]) },
  { name: 'aurc', arity: 2, call: call(aurc, (w) => [{ correct: w.event.map((e) => e === 1) }, w.risk]), check: inRange(0, 1, valueOf) },
  { name: 'oodAuroc', arity: 2, call: call(oodAuroc, (w) => [w.risk, w.time]), check: inRange(0, 1, scalar) },
  {
    name: 'bootstrap',
    arity: 3,
    call: (w, h) => {
      const [n, opts] = mutate([w.time.length, { replicates: 20, seed: 1 }], h);
      return bootstrap((idx) => idx.length, n as number, opts as never);
    },
  },
  // Losses (TF.js, cpu backend): a finite value or an error, never NaN.
  {
    name: 'coxPhLoss',
    arity: 3,
    call: (w, h) => {
      const [g, t, e] = mutate([w.risk, w.time, w.event], h);
      return tf.tidy(() => coxPhLoss(hostileTensor(g) as tf.Tensor, t as number[], e as number[]).dataSync()[0]);
    },
  },
  {
    name: 'coxCcLoss',
    arity: 2,
    call: (w, h) => {
      const [g, c] = mutate([w.risk, w.risk.map((r) => r * 0.5)], h);
      return tf.tidy(() => {
        const gc = hostileTensor(g);
        const ctl = Array.isArray(c) && c.every((x) => typeof x === 'number') && c.length > 0 ? tf.tensor2d(c.map((x: number) => [x])) : c;
        return coxCcLoss(gc as tf.Tensor, ctl as tf.Tensor).dataSync()[0];
      });
    },
  },
  {
    name: 'logisticHazardLoss',
    arity: 3,
    call: (w, h) => {
      const [phi, idx, e] = mutate([w.probs.map((r) => r.map((x) => 20 * x - 10)), w.classes, w.event], h);
      return tf.tidy(() => logisticHazardLoss(asTensor2d(phi), idx as number[], e as number[]).dataSync()[0]);
    },
  },
  {
    name: 'deepHitNll',
    arity: 3,
    call: (w, h) => {
      const [phi, idx, e] = mutate([w.probs.map((r) => r.map((x) => 20 * x - 10)), w.classes, w.event], h);
      return tf.tidy(() => deepHitNll(asTensor2d(phi), idx as number[], e as number[]).dataSync()[0]);
    },
  },
  {
    name: 'deepHitLoss',
    arity: 3,
    call: (w, h) => {
      const [phi, idx, e] = mutate([w.probs.map((r) => r.map((x) => 20 * x - 10)), w.classes, w.event], h);
      return tf.tidy(() => deepHitLoss(asTensor2d(phi), idx as number[], e as number[]).dataSync()[0]);
    },
  },
  {
    name: 'evidentialLoss',
    arity: 3,
    call: (w, h) => {
      const [y, alpha, opts] = mutate([w.classes, w.probs.map((r) => r.map((x) => 1 + 10 ** (12 * x))), { klWeight: 0.5, kind: 'digamma' }], h);
      return tf.tidy(() => evidentialLoss(y as number[], asTensor2d(alpha), opts as never).dataSync()[0]);
    },
  },
  {
    name: 'dirichletKlToUniform',
    arity: 1,
    call: (w, h) => {
      const [alpha] = mutate([w.probs.map((r) => r.map((x) => 1 + 10 ** (12 * x)))], h);
      return tf.tidy(() => Array.from(dirichletKlToUniform(asTensor2d(alpha)).dataSync()));
    },
    check: inRange(0, Infinity, (r) => r as number[]),
  },
];
void t1;

/** Every number reachable in a result (own fields, arrays, typed arrays; depth ≤ 4). */
function numbers(x: unknown, depth = 0, out: number[] = []): number[] {
  if (typeof x === 'number') out.push(x);
  else if (depth > 4 || x === null || typeof x !== 'object') return out;
  else if (ArrayBuffer.isView(x)) {
    if (!(x instanceof DataView)) for (const v of x as unknown as Iterable<number | bigint>) if (typeof v === 'number') out.push(v);
  } else if (Array.isArray(x)) for (const v of x) numbers(v, depth + 1, out);
  else for (const v of Object.values(x)) numbers(v, depth + 1, out);
  return out;
}

/** Fields where ±Infinity is a documented value, not a failure (e.g. a step function's domain end). */
const INFINITY_OK = new Set(['kaplanMeier', 'nelsonAalen', 'censoringKaplanMeier', 'discretize', 'logLoss']);

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const total = Number(process.argv[2] ?? 27_000);
  const seed = process.env.FC_SEED === undefined ? 20261127 : Number(process.env.FC_SEED);
  const hostileArb = fc.oneof(
    { weight: 1, arbitrary: fc.constant(null) },
    {
      weight: 1,
      arbitrary: fc.record({ arg: fc.nat(5), value: fc.constantFrom(...hostileArrays) }),
    },
  );
  const inputs = fc.sample(fc.tuple(fc.nat(targets.length - 1), worldArb, hostileArb), { seed, numRuns: total });
  const counts = { inputs: 0, typedErrors: 0, valid: 0, nonLibrary: 0, nonFinite: 0, outOfRange: 0 };
  const perFn = new Map<string, { n: number; err: number; bad: number }>();
  const bugs: string[] = [];
  const tensorsBefore = tf.memory().numTensors;
  for (const [k, w, h] of inputs) {
    const target = targets[k] as Target;
    const stat = perFn.get(target.name) ?? { n: 0, err: 0, bad: 0 };
    perFn.set(target.name, stat);
    stat.n++;
    counts.inputs++;
    let result: unknown;
    try {
      result = target.call(w, h);
    } catch (err) {
      if (err instanceof SurvkitError) {
        counts.typedErrors++;
        stat.err++;
      } else {
        counts.nonLibrary++;
        stat.bad++;
        if (bugs.length < 40) bugs.push(`${target.name}: non-library ${(err as Error).name}: ${(err as Error).message.slice(0, 160)}`);
      }
      continue;
    }
    const nums = numbers(result);
    const bad = nums.find((v) => Number.isNaN(v) || (!Number.isFinite(v) && !INFINITY_OK.has(target.name)));
    if (bad !== undefined) {
      counts.nonFinite++;
      stat.bad++;
      if (bugs.length < 40) bugs.push(`${target.name}: result holds ${bad} (hostile: ${h === null ? 'none' : JSON.stringify(h)})`);
      continue;
    }
    const problem = target.check?.(result) ?? null;
    if (problem !== null) {
      counts.outOfRange++;
      stat.bad++;
      if (bugs.length < 40) bugs.push(`${target.name}: ${problem} (hostile: ${h === null ? 'none' : JSON.stringify(h)})`);
      continue;
    }
    counts.valid++;
  }
  const leaked = tf.memory().numTensors - tensorsBefore;
  console.log(`reliability probe, seed ${seed}: ${counts.inputs} inputs over ${targets.length} public functions`);
  console.log(JSON.stringify({ ...counts, leakedTensors: leaked }));
  for (const [name, s] of perFn)
    console.log(`  ${name.padEnd(44)} ${String(s.n).padStart(5)} inputs, ${String(s.err).padStart(5)} typed errors, ${s.bad} bugs`);
  if (bugs.length > 0) console.log(`\nfirst bugs:\n${bugs.map((b) => `  ${b}`).join('\n')}`);
  process.exitCode = counts.nonLibrary + counts.nonFinite + counts.outOfRange + Math.max(0, leaked) > 0 ? 1 : 0;
}

await main();
