/** Loads the golden concordance fixtures (test/fixtures/golden, copied from the shared golden folder). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SurvivalCurves } from '../../src/estimators/survival-curves.js';

export const fixtureDir = join(import.meta.dirname, '..', 'fixtures');

/** Numeric CSV with a header row → columns by name. */
export function readCsv(path: string): Record<string, number[]> {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const head = (lines[0] as string).split(',').map((h) => h.replace(/^"|"$/g, ''));
  const cols: Record<string, number[]> = Object.fromEntries(head.map((h) => [h, [] as number[]]));
  for (const line of lines.slice(1)) {
    line.split(',').forEach((v, k) => (cols[head[k] as string] as number[]).push(Number(v)));
  }
  return cols;
}

/** JSON fixture; Python's bare NaN / Infinity tokens are read as null. */
export function readJson<T = Record<string, unknown>>(rel: string): T {
  const text = readFileSync(join(fixtureDir, rel), 'utf8').replace(/(?<=[:,[]\s*)-?(NaN|Infinity)(?=\s*[,\]}])/g, 'null');
  return JSON.parse(text) as T;
}

/** METABRIC CoxPH test predictions: duration, event, log_risk. */
export function metabricCox(): { time: number[]; event: number[]; risk: number[] } {
  const c = readCsv(join(fixtureDir, 'golden', 'inputs', 'metabric_coxph_logrisk_test.csv'));
  return { time: c.duration as number[], event: c.event as number[], risk: c.log_risk as number[] };
}

/** pycox-layout survival curves (first column = grid) and the test targets. */
export function metabricCurves(model: 'deephit' | 'logistichazard'): { curves: SurvivalCurves; time: number[]; event: number[] } {
  const lines = readFileSync(join(fixtureDir, 'golden', 'inputs', `metabric_${model}_surv_test.csv`), 'utf8')
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
  const t = readCsv(join(fixtureDir, 'golden', 'inputs', 'metabric_test_targets.csv'));
  return { curves: SurvivalCurves.fromTimeMajor(grid, flat, nSubjects), time: t.duration as number[], event: t.event as number[] };
}
