/** The competing-risks fixture (test/fixtures/generators/competing_risks.R); R's "NA" / "NaN" strings read as NaN. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Num = number;
export interface AjCase {
  times: Num[];
  nRisk: Num[];
  pstate: Num[][];
  stdErr: Num[][];
  [limits: string]: unknown;
  cuminc: { time: Num[]; est: Num[]; var: Num[] }[];
}
export interface GrayCase {
  description: string;
  time: Num[];
  event: Num[];
  group: (Num | string)[];
  strata: (Num | string)[] | null;
  rho: Num;
  causes: Num[];
  stat: Num[];
  p: Num[];
  df: Num[];
}
export interface CalibCase {
  cause: Num;
  t: Num;
  groups: Num;
  result: { n: Num; predicted: Num; observed: Num; lower: Num; upper: Num }[];
}
export interface CauseMetrics {
  cause: Num;
  cif: Num[][];
  auc: Num[];
  brier: Num[];
  ibs: Num[];
  cindex: Num[];
  calibration: CalibCase;
}
export interface MetricsCase {
  description: string;
  time: Num[];
  event: Num[];
  times: Num[];
  causes: CauseMetrics[];
}
export interface Fixture {
  aj: Record<'pbc' | 'colon', AjCase>;
  gray: GrayCase[];
  metrics: MetricsCase[];
}

const text = readFileSync(join(__dirname, '..', 'fixtures', 'competing', 'competing_risks_R.json'), 'utf8');
export const fixture = JSON.parse(text, (_k, v: unknown) => (v === 'NA' || v === 'NaN' ? NaN : v)) as Fixture;

/** Largest |a − b| / max(1, |b|) over the finite pairs; counts pairs where exactly one side is NaN as failures. */
export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < b.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (Number.isNaN(y)) continue;
    e = Math.max(e, Math.abs(x - y) / Math.max(1, Math.abs(y)));
  }
  return e;
}
