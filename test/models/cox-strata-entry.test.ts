/**
 * CoxPH.fit with `strata` and `entry`: a network without hidden layers (log-risk βᵀx) trained to convergence on the
 * whole training set gives R's coxph(Surv(entry, exit, event) ~ x1 + x2 + x3 + strata(s)) coefficients
 * (test/fixtures/cox/coxph_model_strata_entry_R.json, generator coxph_model_strata_entry.R) to optimiser tolerance.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { messages } from '../../src/core/messages.js';
import { CoxPH, type CoxPHFitOptions } from '../../src/models/index.js';
import { readJson } from '../losses/reference.js';

interface Fixture {
  n: number;
  entry: number[];
  exit: number[];
  event: number[];
  x1: number[];
  x2: number[];
  x3: number[];
  s: string[];
  fits: Record<'efron' | 'breslow', { strata_entry: number[]; strata: number[]; entry: number[] }>;
}
const f = readJson<Fixture>('cox/coxph_model_strata_entry_R.json');
const rows = Array.from({ length: f.n }, (_, i) => [f.x1[i] as number, f.x2[i] as number, f.x3[i] as number]);
let x: tf.Tensor2D;
const labels = { time: f.exit, event: f.event };

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  x = tf.tensor2d(rows);
});
afterAll(() => x.dispose());

let worst = 0;
const near = (got: number[], want: number[], what: string) =>
  got.forEach((v, k) => {
    const e = Math.abs(v - (want[k] as number));
    worst = Math.max(worst, e);
    expect(e, `${what} β${k + 1}: ${v} vs ${want[k]}`).toBeLessThan(1e-3);
  });

async function coefficients(ties: 'efron' | 'breslow', opts: CoxPHFitOptions): Promise<number[]> {
  const model = new CoxPH({ inputDim: 3, hidden: [], seed: 1, ties });
  await model.fit(x, labels, { epochs: 400, batchSize: f.n, learningRate: 0.05, verbose: false, ...opts });
  const w = Array.from(model.net.getWeights()[0]?.dataSync() ?? []);
  model.dispose();
  return w;
}

describe('CoxPH.fit({ strata, entry }) = R coxph (linear case, 1e-3)', () => {
  for (const ties of ['efron', 'breslow'] as const) {
    it(`${ties}: strata + entry, strata only, entry only`, async () => {
      const want = f.fits[ties];
      near(await coefficients(ties, { strata: f.s, entry: f.entry }), want.strata_entry, 'strata + entry');
      near(await coefficients(ties, { strata: f.s }), want.strata, 'strata');
      near(await coefficients(ties, { entry: f.entry }), want.entry, 'entry');
      console.log(`CoxPH linear vs R coxph (${ties}): largest |Δβ| so far ${worst.toExponential(2)}`);
    }, 120_000);
  }

  it('has per-stratum survival curves (its stratum needed to predict) and predicts the log-risk; computeBaseline sets an unstratified one', async () => {
    const model = new CoxPH({ inputDim: 3, hidden: [], seed: 1 });
    await model.fit(x, labels, { epochs: 2, batchSize: 64, verbose: false, strata: f.s, entry: f.entry });
    expect((await model.predictRisk(x)).length).toBe(f.n);
    await expect(model.predictSurvival(x)).rejects.toThrow(messages.coxStrataMissing('CoxPH.predictSurvival', 'strata', 'a, b'));
    expect((await model.predictSurvival(x, { strata: f.s })).n).toBe(f.n);
    await model.computeBaseline(x, labels);
    expect((await model.predictSurvival(x)).n).toBe(f.n);
    model.dispose();
  });

  it('rejects entry times not below the time, wrong lengths, a validation fraction and a memory bank with them', async () => {
    const model = new CoxPH({ inputDim: 3, hidden: [], seed: 1 });
    const bad = [...f.entry];
    bad[4] = f.exit[4] as number;
    await expect(model.fit(x, labels, { epochs: 1, entry: bad })).rejects.toThrow(
      messages.entryNotBeforeExit('CoxPH.fit', 'entry', 4, bad[4], f.exit[4] as number),
    );
    await expect(model.fit(x, labels, { epochs: 1, strata: f.s.slice(1) })).rejects.toThrow(
      messages.lengthMismatch('CoxPH.fit', 'strata', f.n - 1, 'labels', f.n),
    );
    await expect(model.fit(x, labels, { epochs: 1, strata: f.s, validation: 0.2 })).rejects.toThrow(
      "option 'strata' must be used with separate 'validation' data",
    );
    await expect(model.fit(x, labels, { epochs: 1, entry: f.entry, memoryBank: { size: 8 } })).rejects.toThrow(
      "option 'memoryBank' must be used without 'strata' and 'entry'",
    );
    model.dispose();
  });
});
