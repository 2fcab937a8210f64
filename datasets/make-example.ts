/**
 * Generates the bundled example files of `survkit evaluate` (see
 * datasets/README.md): a seeded simulation from a Weibull proportional-hazards
 * model, so the files can be reproduced byte for byte:
 *
 *   npx tsx datasets/make-example.ts
 *
 * Model: covariate x ~ N(0, 1), group g ∈ {A = 0, B = 1} with probability ½
 * each, linear predictor η = 0.8·x + 0.6·g, event time T with
 * S(t | η) = exp(−(t / 6)^1.5 · e^η), independent censoring C ~ U(0, 14),
 * observed time min(T, C) rounded to 0.1 (at least 0.1, so there are ties),
 * event = [T <= C] (about 35 % censored). The predicted curves are the true
 * S(t | η·(1 + miscalibration)) on the grid 0.5, 1.0, …, 10.0 (miscalibration
 * is 0: the predictions are the true model); the risk score is η.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '../src/core/random.js';

/** Settings of the simulation. */
export interface ExampleOptions {
  seed: number;
  nTest: number;
  nTrain: number;
  /** Scale λ and shape k of the baseline Weibull: H0(t) = (t / λ)^k. */
  scale: number;
  shape: number;
  /** Upper end of the uniform censoring distribution. */
  censorMax: number;
  /** Predicted curves use η·(1 + miscalibration); 0 = the true model. */
  miscalibration: number;
}

export const defaults: ExampleOptions = { seed: 20240611, nTest: 300, nTrain: 600, scale: 6, shape: 1.5, censorMax: 14, miscalibration: 0 };

/** The 20-point prediction grid 0.5, 1.0, …, 10.0. */
export const grid: readonly number[] = Array.from({ length: 20 }, (_, k) => (k + 1) / 2);

interface Subject {
  time: number;
  event: number;
  eta: number;
  group: 'A' | 'B';
}

function simulate(rng: Random, n: number, o: ExampleOptions): Subject[] {
  const out: Subject[] = [];
  for (let i = 0; i < n; i++) {
    const x = rng.normal();
    const g = rng.next() < 0.5 ? 0 : 1;
    const eta = 0.8 * x + 0.6 * g;
    let u = rng.next();
    while (u === 0) u = rng.next();
    const t = o.scale * Math.pow(-Math.log(u) / Math.exp(eta), 1 / o.shape);
    const c = rng.next() * o.censorMax;
    const time = Math.max(0.1, Math.round(Math.min(t, c) * 10) / 10);
    out.push({ time, event: t <= c ? 1 : 0, eta, group: g === 0 ? 'A' : 'B' });
  }
  return out;
}

/** A number with 6 significant digits, written as short as possible. */
function num(v: number): string {
  return String(Number(v.toPrecision(6)));
}

/** The three CSV texts, keyed by file name. */
export function makeExample(o: ExampleOptions = defaults): Record<string, string> {
  const rng = new Random(o.seed);
  const test = simulate(rng, o.nTest, o);
  const train = simulate(rng, o.nTrain, o);
  const curve = (eta: number): string[] => grid.map((t) => num(Math.exp(-Math.pow(t / o.scale, o.shape) * Math.exp(eta * (1 + o.miscalibration)))));
  const lines = (header: string, rows: string[][]): string => [header, ...rows.map((r) => r.join(','))].join('\n') + '\n';
  return {
    'example-predictions.csv': lines(
      ['time', 'event', ...grid.map((t) => String(t)), 'group'].join(','),
      test.map((s) => [s.time.toFixed(1), String(s.event), ...curve(s.eta), s.group]),
    ),
    'example-risk.csv': lines(
      'time,event,risk,group',
      test.map((s) => [s.time.toFixed(1), String(s.event), num(s.eta), s.group]),
    ),
    'example-train.csv': lines(
      'time,event',
      train.map((s) => [s.time.toFixed(1), String(s.event)]),
    ),
  };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = fileURLToPath(new URL('.', import.meta.url));
  for (const [name, text] of Object.entries(makeExample())) {
    writeFileSync(join(dir, name), text);
    console.log(`wrote ${join('datasets', name)}`);
  }
}
