/**
 * Loads the survival calibration fixtures: METABRIC curves/targets and the SurvivalEVAL values
 * (test/fixtures/golden/expected/survival_calibration_metabric_*.json, copied from the shared
 * golden folder; test/fixtures/calibration/survival_calibration_cases.json, made by
 * test/fixtures/generators/survival_calibration_cases.py).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SurvivalCurves } from '../../src/estimators/survival-curves.js';

export const fixtureDir = join(import.meta.dirname, '..', 'fixtures');

export type Model = 'deephit' | 'logistichazard';

export interface DCalRef {
  bins?: number;
  statistic: number;
  p_value: number;
  histogram: number[];
}
export interface OneCalRef {
  t0: number;
  bins?: number;
  method?: 'DN' | 'Uncensored';
  p_value: number;
  p_value_sf?: number;
  df?: number;
  statistic: number;
  observed: number[];
  expected: number[];
}
export interface GoldenCalibration {
  n: number;
  bins: number;
  d_calibration: DCalRef;
  one_calibration: OneCalRef[];
  km_calibration: number;
}
export interface SyntheticCase {
  name: string;
  times: number[];
  curves: number[][];
  time: number[];
  event: number[];
  d_calibration: DCalRef[];
  one_calibration?: OneCalRef[];
}
export interface CalibrationCases {
  metabric: Record<Model, { d_calibration: DCalRef[]; one_calibration: OneCalRef[] }>;
  synthetic: SyntheticCase[];
}

function readNumericRows(path: string): number[][] {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/).slice(1);
  return lines.map((l) => l.split(',').map(Number));
}

/** METABRIC test curves of one model (pycox layout) with the test targets. */
export function metabric(model: Model): { curves: SurvivalCurves; time: number[]; event: number[] } {
  const rows = readNumericRows(join(fixtureDir, 'golden', 'inputs', `metabric_${model}_surv_test.csv`));
  const nSubjects = (rows[0] as number[]).length - 1;
  const grid = rows.map((r) => r[0] as number);
  const flat = rows.flatMap((r) => r.slice(1));
  const targets = readNumericRows(join(fixtureDir, 'golden', 'inputs', 'metabric_test_targets.csv'));
  return {
    curves: SurvivalCurves.fromTimeMajor(grid, flat, nSubjects),
    time: targets.map((r) => r[0] as number),
    event: targets.map((r) => r[1] as number),
  };
}

export function goldenCalibration(model: Model): GoldenCalibration {
  return JSON.parse(readFileSync(join(fixtureDir, 'golden', 'expected', `survival_calibration_metabric_${model}.json`), 'utf8')) as GoldenCalibration;
}

export function calibrationCases(): CalibrationCases {
  return JSON.parse(readFileSync(join(fixtureDir, 'calibration', 'survival_calibration_cases.json'), 'utf8')) as CalibrationCases;
}

export function syntheticCurves(c: SyntheticCase): SurvivalCurves {
  return SurvivalCurves.fromRows(c.times, c.curves);
}

/** |a − b| / |b| (absolute when b = 0). */
export function relErr(a: number, b: number): number {
  return b === 0 ? Math.abs(a) : Math.abs(a - b) / Math.abs(b);
}

/** Largest relative error over two equal-length arrays (throws on a length mismatch). */
export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, relErr(a[i] as number, b[i] as number));
  return m;
}
