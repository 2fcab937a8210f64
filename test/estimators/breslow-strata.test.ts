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
      const curves = strataSurvival(base, f.newdata.lp, 'strata' in opts ? f.newdata.sex : undefined);
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
    expect(() => strataSurvival(base, [0, 0], undefined)).toThrow(messages.coxStrataMissing('strataSurvival', 'strata', '1, 2'));
    expect(() => strataSurvival(base, [0, 0], [1, 3])).toThrow(messages.coxStratumUnseen('strataSurvival', 'strata', 1, '3', '1, 2'));
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
    const direct = strataSurvival(want, g, f.sex);
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

describe('breslowBaselineStrata: running sums against each risk set summed afresh', () => {
  /** The definition: d_k / Σ_{j in s: entry_j < t_k ≤ T_j} exp(g_j), each sum taken afresh in float64. */
  function definition(g: number[], time: number[], event: number[], entry: number[], strata: string[], level: string): { times: number[]; hazard: number[] } {
    const members = g.map((_, i) => i).filter((i) => strata[i] === level);
    const times = [...new Set(members.map((i) => time[i] as number))].sort((a, b) => a - b);
    const hazard = times.map((t) => {
      const d = members.filter((i) => time[i] === t && event[i] !== 0).length;
      if (d === 0) return 0;
      let s = 0;
      for (const i of members) if ((time[i] as number) >= t && (entry[i] as number) < t) s += Math.exp(g[i] as number);
      return d / s;
    });
    return { times, hazard };
  }

  it('equals the definition to 1e-13 with ties, late entries and log-risks that span 60 (high-risk subjects leave first)', () => {
    let seed = 7;
    const u = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const n = 600;
    const time: number[] = [];
    const entry: number[] = [];
    const event: number[] = [];
    const g: number[] = [];
    const strata: string[] = [];
    for (let i = 0; i < n; i++) {
      const t = 1 + Math.floor(u() * 80); // ties
      time.push(t);
      entry.push(u() < 0.5 ? 0 : Math.floor(u() * (t - 1)) + 0.5 * u());
      event.push(u() < 0.7 ? 1 : 0);
      // the earliest exits carry the largest log-risks: the running sum cancels as they leave
      g.push(30 - (60 * t) / 80 + u());
      strata.push(u() < 0.5 ? 'a' : 'b');
    }
    const b = breslowBaselineStrata(g, { time, event }, { entry, strata });
    expect(b.levels).toEqual(['a', 'b']);
    for (const [k, level] of ['a', 'b'].entries()) {
      const want = definition(g, time, event, entry, strata, level);
      const got = b.baselines[k];
      expect(Array.from(got?.times ?? [])).toEqual(want.times);
      want.hazard.forEach((h, j) => {
        const v = got?.hazard[j] as number;
        if (h === 0) expect(v).toBe(0);
        else expect(Math.abs(v - h) / h).toBeLessThanOrEqual(1e-13);
      });
    }
  });
});
