/**
 * The evaluate protocol end to end against the references: METABRIC test
 * predictions from the golden folder, rewritten into survkit's CSV formats,
 * evaluated by `main`, compared with what pycox 0.3.0 `EvalSurv`,
 * scikit-survival 0.21.0 and lifelines computed for the same numbers.
 *
 * Fixtures (copied from the shared golden folder, see its README for the
 * versions: Python 3.11.2, numpy 1.24.2, scipy 1.10.1, pandas 1.5.3):
 * - test/fixtures/golden/inputs/metabric_deephit_surv_test.csv (pycox layout: rows = 91 grid
 *   times, columns = 381 subjects) + metabric_test_targets.csv, and
 *   expected/evalsurv_metabric_deephit.json (generators/evalsurv.py: pycox 0.3.0 EvalSurv
 *   with the 100-point linspace grid, scikit-survival 0.21.0 cross-checks with y_train = y_test);
 * - inputs/metabric_coxph_logrisk_test.csv and expected/cindex_py_metabric_coxph.json
 *   (generators/cindex.py: scikit-survival 0.21.0 concordance_index_censored / _ipcw, tau = 200).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { tempDir } from '../helpers/temp-dir.js';

const golden = join(import.meta.dirname, '..', 'fixtures', 'golden');
const tmp = tempDir('survkit-golden-');

function lines(path: string): string[][] {
  return readFileSync(join(golden, path), 'utf8')
    .trim()
    .split(/\r?\n/)
    .map((l) => l.split(','));
}

function runJson(...argv: string[]): Record<string, Record<string, unknown>> {
  let out = '';
  let err = '';
  const code = main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  expect(err).toBe('');
  expect(code).toBe(0);
  return JSON.parse(out) as Record<string, Record<string, unknown>>;
}

function expectClose(got: unknown, want: number, rel = 1e-10): void {
  expect(typeof got).toBe('number');
  const g = got as number;
  expect(Math.abs(g - want)).toBeLessThanOrEqual(rel * Math.max(Math.abs(want), 1e-300));
}

function expectAllClose(got: unknown, want: readonly number[], rel = 1e-10): void {
  expect(Array.isArray(got)).toBe(true);
  const g = got as number[];
  expect(g).toHaveLength(want.length);
  g.forEach((v, k) => expectClose(v, want[k] as number, rel));
}

/** Curves-format CSV from pycox's time-major layout plus the targets. */
function curvesCsv(): string {
  const surv = lines('inputs/metabric_deephit_surv_test.csv');
  const targets = lines('inputs/metabric_test_targets.csv').slice(1);
  const grid = surv.slice(1).map((r) => r[0] as string);
  const rows = targets.map(([d, e], i) => [d, e, ...surv.slice(1).map((r) => r[i + 1] as string)].join(','));
  return [['time', 'event', ...grid].join(','), ...rows].join('\n');
}

interface EvalSurvJson {
  time_grid: number[];
  brier_score: number[];
  ibs: number;
  inbll: number;
  c_td_antolini: number;
  sksurv: { times: number[]; brier_score: number[]; ibs: number; cumulative_dynamic_auc: (number | null)[] };
}

describe('evaluate on METABRIC DeepHit curves vs pycox 0.3.0 EvalSurv and scikit-survival 0.21.0', () => {
  const path = join(tmp, 'metabric-deephit.csv');
  writeFileSync(path, curvesCsv());
  // Python's json writes NaN as NaN, which JSON.parse rejects
  const ev = JSON.parse(readFileSync(join(golden, 'expected/evalsurv_metabric_deephit.json'), 'utf8').replace(/\bNaN\b/g, 'null')) as EvalSurvJson;

  it('pycox protocol (defaults): grid, C_td antolini, Brier curve, IBS, integrated NBLL', () => {
    const out = runJson('evaluate', path, '--format', 'json');
    expect(out.meta?.grid).toEqual(ev.time_grid); // numpy linspace, bit for bit
    expectClose(out.concordanceTd?.cIndex, ev.c_td_antolini);
    expectAllClose(out.brierScore?.values, ev.brier_score);
    expectClose(out.integratedBrierScore?.value, ev.ibs);
    expectClose(out.integratedNbll?.value, ev.inbll);
  });

  it('--convention sksurv: Brier curve and IBS on the grid points inside the follow-up; AUC where defined', () => {
    const out = runJson('evaluate', path, '--format', 'json', '--convention', 'sksurv');
    expect(out.brierScore?.times).toEqual(ev.sksurv.times);
    expectAllClose(out.brierScore?.values, ev.sksurv.brier_score);
    expectClose(out.integratedBrierScore?.value, ev.sksurv.ibs);
    // scikit-survival gives NaN where no event has happened yet; survkit leaves those times out
    const defined = ev.sksurv.times.map((t, k) => [t, ev.sksurv.cumulative_dynamic_auc[k]] as const).filter(([, a]) => a !== null);
    expect(out.cumulativeDynamicAuc?.times).toEqual(defined.map(([t]) => t));
    expectAllClose(
      out.cumulativeDynamicAuc?.auc,
      defined.map(([, a]) => a as number),
    );
  });
});

describe('evaluate on METABRIC CoxPH log-risks vs scikit-survival 0.21.0 and lifelines', () => {
  const src = lines('inputs/metabric_coxph_logrisk_test.csv');
  expect(src[0]).toEqual(['duration', 'event', 'log_risk']);
  const path = join(tmp, 'metabric-coxph.csv');
  writeFileSync(path, ['time,event,risk', ...src.slice(1).map((r) => r.join(','))].join('\n'));
  const want = JSON.parse(readFileSync(join(golden, 'expected/cindex_py_metabric_coxph.json'), 'utf8')) as {
    sksurv: { harrell: number; concordant: number; discordant: number; tied_risk: number; tied_time: number; uno: { cindex: number; tau: number } };
  };

  it("Harrell's C with its counts, and Uno's C with --tau 200", () => {
    const out = runJson('evaluate', path, '--format', 'json', '--tau', String(want.sksurv.uno.tau));
    const c = out.concordanceIndex as Record<string, number>;
    expectClose(c.cIndex, want.sksurv.harrell);
    expect([c.concordant, c.discordant, c.tiedRisk, c.tiedTime]).toEqual([
      want.sksurv.concordant,
      want.sksurv.discordant,
      want.sksurv.tied_risk,
      want.sksurv.tied_time,
    ]);
    expectClose(out.concordanceIndexIpcw?.cIndex, want.sksurv.uno.cindex);
  });
});
