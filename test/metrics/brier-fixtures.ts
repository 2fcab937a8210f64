/**
 * Loads the METABRIC golden fixtures used by the Brier / AUC tests
 * (test/fixtures/golden, byte-identical copies of the shared golden folder:
 * pycox 0.3.0 + SciPy 1.10.1 + scikit-survival 0.21.0 in evalsurv_*.json,
 * R 4.2.2 riskRegression 2022.11.28 / pec 2022.5.4 in brier_auc_R_*.json).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SurvivalCurves } from '../../src/estimators/survival-curves.js';

export const fixtureDir = join(import.meta.dirname, '..', 'fixtures');
const golden = join(fixtureDir, 'golden');

export type Model = 'deephit' | 'logistichazard';

/** JSON that may hold Python's NaN (written by json.dumps): NaN becomes null. */
export function readJsonNaN<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8').replace(/\bNaN\b/g, 'null')) as T;
}

export interface EvalSurvJson {
  time_grid: number[];
  brier_score: number[];
  ibs: number;
  ibs_trapz: number;
  nbll: number[];
  inbll: number;
  censor_km: number[];
  sksurv: { times: number[]; brier_score: number[]; ibs: number; cumulative_dynamic_auc: (number | null)[]; mean_auc: number | null };
}

export interface BrierRJson {
  times: number[];
  riskRegression: { times: number[]; brier: number[]; brier_null: number[]; ibs_running: number[]; auc_times: number[]; auc: (number | null)[] };
  pec: { times: number[]; brier: number[]; brier_reference: number[]; crps: { Reference: number; model: number } };
}

export const evalsurv = (m: Model): EvalSurvJson => readJsonNaN(join(golden, 'expected', `evalsurv_metabric_${m}.json`));
export const brierR = (m: Model): BrierRJson => readJsonNaN(join(golden, 'expected', `brier_auc_R_metabric_${m}.json`));

/** The test split's labels (381 subjects). */
export function metabricLabels(): { time: number[]; event: number[] } {
  const lines = readFileSync(join(golden, 'inputs', 'metabric_test_targets.csv'), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1);
  const time: number[] = [];
  const event: number[] = [];
  for (const line of lines) {
    const [d, e] = line.split(',');
    time.push(Number(d));
    event.push(Number(e));
  }
  return { time, event };
}

/** pycox-layout curves (first column = curve grid, one column per subject) as SurvivalCurves. */
export function metabricSurv(m: Model): SurvivalCurves {
  const lines = readFileSync(join(golden, 'inputs', `metabric_${m}_surv_test.csv`), 'utf8')
    .trim()
    .split(/\r?\n/);
  const nSubjects = (lines[0] as string).split(',').length - 1;
  const grid: number[] = [];
  const flat: number[] = [];
  for (const line of lines.slice(1)) {
    const v = line.split(',').map(Number);
    grid.push(v[0] as number);
    for (let i = 1; i <= nSubjects; i++) flat.push(v[i] as number);
  }
  return SurvivalCurves.fromTimeMajor(grid, flat, nSubjects);
}

/** Largest |a − b| / |b| (|a − b| where b = 0) over the entries where b is not null. */
export function maxRelErr(a: ArrayLike<number>, b: readonly (number | null)[]): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    const e = b[i];
    if (e === null || e === undefined) continue;
    const d = Math.abs((a[i] as number) - e);
    worst = Math.max(worst, e === 0 ? d : d / Math.abs(e));
  }
  return worst;
}

export const REL = 1e-10;
