/**
 * Per-stratum, left-truncated Breslow baseline against R survival on R's lung data with a synthetic entry time
 * (test/fixtures/cox/baseline_strata_entry_R.json, generator cox_baseline_strata_entry.R): basehaz(centered = FALSE)
 * per stratum and survfit(fit, newdata) at the same linear predictors, 1e-10 relative.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { messages } from '../../src/core/messages.js';
import { breslowBaseline } from '../../src/estimators/breslow.js';
import { breslowBaselineStrata, strataSurvival } from '../../src/estimators/breslow-strata.js';
import { CoxPH, SurvivalModel } from '../../src/models/index.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJson } from '../losses/reference.js';

interface Fit {
  baselines: { stratum: string; times: number[]; cumulativeHazard: number[] }[];
  newdata: { times: number[]; survival: number[] }[];
}
interface Fixture {
  n: number;
  time: number[];
  event: number[];
  entry: number[];
  sex: number[];
  lp: number[];
  newdata: { lp: number[]; sex: number[] };
  fit_strata_entry: Fit;
  fit_strata: Fit;
  fit_entry: Fit;
}
const f = readJson<Fixture>('cox/baseline_strata_entry_R.json');
const labels = { time: f.time, event: f.event };
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

const cases = [
  ['strata + entry', f.fit_strata_entry, { entry: f.entry, strata: f.sex }],
  ['strata only', f.fit_strata, { strata: f.sex }],
  ['entry only', f.fit_entry, { entry: f.entry }],
] as const;

describe('breslowBaselineStrata = R basehaz / survfit (lung, synthetic entry; 1e-10 relative)', () => {
  for (const [name, fit, opts] of cases) {
    it(`${name}: the cumulative hazard per stratum and S(t | lp) of new subjects on their stratum's times`, () => {
      const base = breslowBaselineStrata(f.lp, labels, opts);
      const levels = fit.baselines.map((b) => b.stratum.replace(/^sex=/, ''));
      expect(base.levels).toEqual('strata' in opts ? levels : null);
      let worst = 0;
      fit.baselines.forEach((want, k) => {
        const got = base.baselines[k]!;
        expect(Array.from(got.times)).toEqual(want.times);
        want.cumulativeHazard.forEach((h, j) => (worst = Math.max(worst, rel(got.cumulativeHazard[j] as number, h))));
      });
      const curves = strataSurvival('t', base, f.newdata.lp, 'strata' in opts ? f.newdata.sex : undefined);
      fit.newdata.forEach((want, i) => {
        want.times.forEach((t, j) => (worst = Math.max(worst, rel(curves.stepAt(i, t), want.survival[j] as number))));
      });
      console.log(`breslowBaselineStrata vs R (${name}): largest relative error ${worst.toExponential(2)}`);
      expect(worst).toBeLessThanOrEqual(1e-10);
    });
  }

  it('is breslowBaseline without strata and entry; errors name the subject and the stratum', () => {
    const plain = breslowBaselineStrata(f.lp, labels);
    const ref = breslowBaseline(f.lp, labels);
    expect(Array.from(plain.baselines[0]!.times)).toEqual(Array.from(ref.times));
    ref.cumulativeHazard.forEach((h, k) => expect(rel(plain.baselines[0]!.cumulativeHazard[k] as number, h)).toBeLessThanOrEqual(1e-13));
    const bad = [...f.entry];
    bad[3] = f.time[3] as number;
    expect(() => breslowBaselineStrata(f.lp, labels, { entry: bad })).toThrow(
      messages.entryNotBeforeExit('breslowBaselineStrata', 'entry', 3, bad[3], f.time[3] as number),
    );
    const s = f.sex.map(String);
    s[5] = ' ';
    expect(() => breslowBaselineStrata(f.lp, labels, { strata: s })).toThrow(messages.coxStratumValue('breslowBaselineStrata', 'strata', 5, ' '));
    const base = breslowBaselineStrata(f.lp, labels, { strata: f.sex });
    expect(() => strataSurvival('fn', base, [0, 0], undefined)).toThrow(messages.coxStrataMissing('fn', 'strata', '1, 2'));
    expect(() => strataSurvival('fn', base, [0, 0], [1, 3])).toThrow(messages.coxStratumUnseen('fn', 'strata', 1, '3', '1, 2'));
  });
});

describe('CoxPH fitted with strata and entry: the per-stratum baseline of its log-risks, saved and loaded', () => {
  it('equals breslowBaselineStrata on the trained log-risks; predictions read each stratum; save/load keeps them', async () => {
    await initBackend({ backend: 'cpu' });
    const x = tf.tensor2d(f.lp.map((v, i) => [v, (f.sex[i] as number) - 1]));
    const model = new CoxPH({ inputDim: 2, hidden: [], seed: 2 });
    await model.fit(x, labels, { epochs: 3, batchSize: 64, verbose: false, strata: f.sex, entry: f.entry });
    const g = await model.predictRisk(x);
    const want = breslowBaselineStrata(g, labels, { strata: f.sex, entry: f.entry });
    expect(model.baseline).toBeNull();
    expect(model.strataBaseline?.levels).toEqual(['1', '2']);
    want.baselines.forEach((b, k) => expect(Array.from(model.strataBaseline!.baselines[k]!.cumulativeHazard)).toEqual(Array.from(b.cumulativeHazard)));
    const curves = await model.predictSurvival(x, { strata: f.sex });
    const direct = strataSurvival('t', want, g, f.sex);
    expect(Array.from(curves.values)).toEqual(Array.from(direct.values));
    await expect(model.predictRisk(x, { at: 100 })).rejects.toThrow(messages.coxStrataMissing('CoxPH.predictRisk', 'strata', '1, 2'));
    const dir = mkdtempSync(join(tmpdir(), 'survkit-cox-strata-'));
    await model.save(dir);
    const again = (await SurvivalModel.load(dir)) as CoxPH;
    const back = await again.predictSurvival(x, { strata: f.sex });
    expect(Array.from(back.values)).toEqual(Array.from(curves.values));
    again.dispose();
    // a saved state.strata that is not { levels, baselines } is refused naming the field
    const meta = JSON.parse(readFileSync(join(dir, 'survkit.json'), 'utf8')) as { state: { strata: { levels: string[] } } };
    meta.state.strata.levels = ['1', '1'];
    writeFileSync(join(dir, 'survkit.json'), JSON.stringify(meta));
    await expect(SurvivalModel.load(dir)).rejects.toThrow(/survkit\.json.*state\.strata/);
    model.dispose();
    x.dispose();
    rmSync(dir, { recursive: true });
  }, 120_000);
});
