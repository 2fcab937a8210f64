/**
 * aalenJohansen against R survival 3.5.3 survfit(Surv(time, factor(status)) ~ 1) (multi-state: pstate, std.err,
 * limits for conf.type log / plain / log-log) and cmprsk 2.2.11 cuminc (est, Gray's var), on pbc and colon.
 */
import { describe, expect, it } from 'vitest';
import { SurvkitError } from '../../src/core/errors.js';
import { aalenJohansen, type CifConfType } from '../../src/estimators/aalen-johansen.js';
import { kaplanMeier } from '../../src/estimators/kaplan-meier.js';
import { fixture, maxRelErr } from './fixture.js';

const data = {
  pbc: fixture.metrics[0] as { time: number[]; event: number[] },
  colon: fixture.metrics[1] as { time: number[]; event: number[] },
};

describe.each(['pbc', 'colon'] as const)('aalenJohansen on %s', (name) => {
  const ref = fixture.aj[name];
  const y = data[name];
  const aj = aalenJohansen(y);
  const col = (m: number[][], j: number) => m.map((r) => r[j] as number);

  it('has the times and numbers at risk of survfit', () => {
    expect(Array.from(aj.times)).toEqual(ref.times);
    expect(Array.from(aj.nRisk)).toEqual(ref.nRisk);
  });

  it('equals survfit pstate and std.err (IJ) to 1e-12', () => {
    expect(maxRelErr(aj.survival, col(ref.pstate, 0))).toBeLessThan(1e-12);
    expect(maxRelErr(aj.survivalStdErr, col(ref.stdErr, 0))).toBeLessThan(1e-12);
    for (const k of [1, 2]) {
      const c = aj.causes[k - 1]!;
      expect(maxRelErr(c.cif, col(ref.pstate, k))).toBeLessThan(1e-12);
      expect(maxRelErr(c.stdErr, col(ref.stdErr, k))).toBeLessThan(1e-12);
    }
  });

  it.each(['log', 'plain', 'log-log'] as CifConfType[])('equals survfit limits, conf.type %s, to 1e-12', (ct) => {
    const a = ct === 'log' ? aj : aalenJohansen(y, { confType: ct });
    const lo = ref[`lower_${ct}`] as number[][];
    const hi = ref[`upper_${ct}`] as number[][];
    for (const k of [1, 2]) {
      const c = a.causes[k - 1]!;
      expect(maxRelErr(c.lower, col(lo, k))).toBeLessThan(1e-12);
      expect(maxRelErr(c.upper, col(hi, k))).toBeLessThan(1e-12);
      // where R reports NA (p = 0, or p = 1 for log-log) survkit reports the estimate itself
      col(lo, k).forEach((v, i) => {
        if (Number.isNaN(v)) expect(c.lower[i]).toBe(c.cif[i]);
      });
    }
  });

  it('equals cmprsk::cuminc est and var (Gray) at every corner to 1e-12', () => {
    for (const k of [1, 2]) {
      const r = ref.cuminc[k - 1]!;
      const f = aj.cifFunction(k);
      const c = aj.causes[k - 1]!;
      const est: number[] = [];
      const v: number[] = [];
      // cuminc lists each jump twice (value before, value after); read the right-continuous value and compare
      // the "after" corners, i.e. the last entry at each time
      r.time.forEach((t, i) => {
        if (i + 1 < r.time.length && r.time[i + 1] === t) return;
        est.push(f.at(t));
        const j = aj.times.findIndex((u) => u === t);
        v.push(t === 0 ? 0 : (c.grayVariance[j] as number));
      });
      const refEst = r.est.filter((_, i) => !(i + 1 < r.time.length && r.time[i + 1] === r.time[i]));
      const refVar = r.var.filter((_, i) => !(i + 1 < r.time.length && r.time[i + 1] === r.time[i]));
      expect(maxRelErr(est, refEst)).toBeLessThan(1e-12);
      expect(maxRelErr(v, refVar)).toBeLessThan(1e-12);
    }
  });
});

describe('aalenJohansen invariants and errors', () => {
  it('without competing events equals 1 − Kaplan–Meier, and Ŝ + Σ F_k = 1', () => {
    const y = { time: [1, 2, 2, 3, 4, 5, 5, 6], event: [1, 0, 1, 1, 0, 1, 1, 0] };
    const aj = aalenJohansen(y);
    const km = kaplanMeier(y);
    aj.causes[0]!.cif.forEach((f, i) => expect(f).toBeCloseTo(1 - (km.values[i] as number), 15));
    const z = aalenJohansen({ time: [1, 2, 3, 4, 5, 6], event: [1, 2, 0, 2, 1, 0] });
    z.survival.forEach((s, i) => expect(s + z.causes[0]!.cif[i]! + z.causes[1]!.cif[i]!).toBeCloseTo(1, 15));
  });

  it('hand example: F_1 = 1/4 then 3/4', () => {
    const aj = aalenJohansen({ time: [1, 2, 3, 4], event: [1, 2, 0, 1] });
    expect(Array.from(aj.causes[0]!.cif)).toEqual([0.25, 0.25, 0.25, 0.75]);
    expect(() => aj.cifFunction(3)).toThrow(SurvkitError);
  });

  it('rejects bad options', () => {
    expect(() => aalenJohansen({ time: [1], event: [1] }, { confidence: 1 })).toThrow(/confidence/);
    expect(() => aalenJohansen({ time: [1], event: [1] }, { confType: 'logit' as CifConfType })).toThrow(/confType/);
  });
});
