/**
 * Loader for test/fixtures/km/km_survfit_R.json (R survival::survfit and
 * prodlim reverse Kaplan–Meier; see test/fixtures/generators/km.R). R's
 * non-finite numbers are stored as the strings 'NA', 'NaN', 'Inf'; `num`
 * maps them to NaN / NaN / Infinity ('NA' and 'NaN' are kept apart by `isNA`).
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { FixtureProvenance } from '../fixtures/provenance.js';

export type RNum = number | 'NA' | 'NaN' | 'Inf' | '-Inf';

export interface KmCase {
  source: string;
  source_md5?: string;
  n: number;
  time: number[];
  event: number[];
  survfit: {
    time: number[];
    n_risk: number[];
    n_event: number[];
    n_censor: number[];
    surv: number[];
    std_err: RNum[];
    cumhaz: number[];
    std_chaz: number[];
  };
  conf: Record<'log-log' | 'log' | 'plain' | 'log-log_0.9', { lower: RNum[]; upper: RNum[] }>;
  reverse_survfit: { time: number[]; n_risk: number[]; n_event: number[]; surv: number[] };
  reverse_prodlim?: { time: number[]; n_risk: number[]; n_event: number[]; n_lost: number[]; surv: number[] };
}

export interface KmFixture {
  provenance: FixtureProvenance;
  cases: Record<string, KmCase>;
}

export const km: KmFixture = JSON.parse(readFileSync(new URL('../fixtures/km/km_survfit_R.json', import.meta.url), 'utf8')) as KmFixture;

export function num(x: RNum): number {
  if (typeof x === 'number') return x;
  if (x === 'Inf') return Infinity;
  if (x === '-Inf') return -Infinity;
  return NaN;
}

/** Relative error |a − b| / max(|b|, tiny); 0 when both are equal (incl. both infinite). */
export function relErr(a: number, b: number): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(b), Number.MIN_VALUE);
}

/**
 * Asserts `got[k]` ≈ `want[k]` to `rtol` relative (absolute `atol` near 0) and
 * returns the largest relative error seen (over entries with |want| > atol).
 */
export function expectAllClose(got: ArrayLike<number>, want: readonly number[], rtol: number, atol = 1e-300, what = ''): number {
  expect(got.length, `${what} length`).toBe(want.length);
  let worst = 0;
  for (let k = 0; k < want.length; k++) {
    const a = got[k] as number;
    const b = want[k] as number;
    if (a === b) continue;
    const err = Math.abs(a - b);
    if (Math.abs(b) > atol) worst = Math.max(worst, err / Math.abs(b));
    if (!(err <= Math.max(atol, rtol * Math.abs(b)))) {
      expect.fail(`${what}[${k}]: got ${a}, want ${b} (relative error ${err / Math.abs(b)})`);
    }
  }
  return worst;
}
