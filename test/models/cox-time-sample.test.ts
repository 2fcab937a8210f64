import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { Random } from '../../src/core/random.js';
import { coxTimeBaseline } from '../../src/estimators/cox-time-breslow.js';
import { CoxTime } from '../../src/models/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const n = 80;
const rng = new Random(9);
const xv = Float32Array.from({ length: n * 3 }, () => rng.normal());
// distinct times, so that the sampled rows can be read back from the baseline's time grid
const time = Array.from({ length: n }, (_, i) => 1 + i * 0.37 + (i % 5) * 0.01);
const event = Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 0 : 1));
const fit = { epochs: 1, batchSize: 32, verbose: false, seed: 1 } as const;

describe('CoxTime baselineSample', () => {
  it('computes the baseline on a sample of the rows: exactly the time-dependent Breslow estimate on those rows', async () => {
    const x = tf.tensor2d(xv, [n, 3]);
    const m = new CoxTime({ inputDim: 3, hidden: [8], seed: 3, baselineSample: 30 });
    await m.fit(x, { time, event }, fit);
    const base = m.baseline!;
    expect(base.times.length).toBe(30);
    const rows = time.map((t, i) => (base.times.includes(t) ? i : -1)).filter((i) => i >= 0);
    expect(rows.length).toBe(30);
    const xSub = tf.gather(x, tf.tensor1d(rows, 'int32'));
    const ref = coxTimeBaseline({ time: rows.map((i) => time[i] as number), event: rows.map((i) => event[i] as number) }, (t, atRisk) =>
      m.logRiskAt([xSub], t, atRisk),
    );
    // the fit's baseline walks the dense ReLU network in float64 on the host, logRiskAt runs net.predict in float32:
    // ĥ0 = d / Σ exp g differs by at most max |Δg|, float32 rounding of a few layers (≤ 1e-6 relative)
    base.hazard.forEach((h, k) => expect(Math.abs(h - (ref.hazard[k] as number))).toBeLessThanOrEqual(1e-6 * (ref.hazard[k] as number)));
    // a fraction: round(0.25 · 80) = 20 rows; the same seed gives the same rows
    const frac = new CoxTime({ inputDim: 3, hidden: [8], seed: 3, baselineSample: 0.25 });
    await frac.fit(x, { time, event }, fit);
    expect(frac.baseline!.times.length).toBe(20);
    tf.dispose([x, xSub]);
    m.dispose();
    frac.dispose();
  });

  it('1 or at least n rows is the full baseline; the option survives save/load; bad values are rejected', async () => {
    const x = tf.tensor2d(xv, [n, 3]);
    const full = new CoxTime({ inputDim: 3, hidden: [8], seed: 4 });
    const one = new CoxTime({ inputDim: 3, hidden: [8], seed: 4, baselineSample: 1 });
    const many = new CoxTime({ inputDim: 3, hidden: [8], seed: 4, baselineSample: 500 });
    for (const m of [full, one, many]) await m.fit(x, { time, event }, fit);
    expect(Array.from(one.baseline!.hazard)).toEqual(Array.from(full.baseline!.hazard));
    expect(Array.from(many.baseline!.hazard)).toEqual(Array.from(full.baseline!.hazard));
    const back = CoxTime.fromState(one.net, JSON.parse(JSON.stringify(one.stateJSON())) as never);
    expect(back.baselineSample).toBe(1);
    expect(() => new CoxTime({ inputDim: 3, baselineSample: 0 })).toThrow(/CoxTime: .*baselineSample/);
    expect(() => new CoxTime({ inputDim: 3, baselineSample: 2.5 })).toThrow(
      /CoxTime: option 'baselineSample' must be a fraction in \(0, 1\] or a whole number of rows/,
    );
    x.dispose();
    for (const m of [full, one, many]) m.dispose();
  });
});
