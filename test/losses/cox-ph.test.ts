import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { coxPhLoss, coxPhLossFloat64 } from '../../src/losses/index.js';
import { coxPhLossHost } from '../../src/losses/cox-ph.js';
import { Random } from '../../src/core/random.js';
import { messages } from '../../src/core/messages.js';
import { coxNaive, coxPycoxNaive, expectClose, finiteDiff, readCsv, readJson } from './reference.js';

interface PycoxCox {
  cox_ph_loss_float64: number;
  breslow_nll_mean: number;
  efron_nll_mean: number;
  breslow_nll_sum: number;
  efron_nll_sum: number;
  cox_cumsum_nll_stable: number;
}
interface RCox {
  loglik_breslow: number;
  loglik_efron: number;
  nll_mean_breslow: number;
  nll_mean_efron: number;
}

function input(name: 'noties' | 'ties') {
  const { rows } = readCsv(`golden/inputs/loss_cox_${name}.csv`);
  return { t: rows.map((r) => r[0] as number), e: rows.map((r) => r[1] as number), g: rows.map((r) => r[2] as number) };
}

const scalar = (x: tf.Scalar) => x.dataSync()[0] as number;
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

/** Random batch with many tied times (integer times 1..5) and at least one event. */
function tiedBatch(seed: number, n: number) {
  const rng = new Random(seed);
  const t = Array.from({ length: n }, () => 1 + rng.int(5));
  const e = Array.from({ length: n }, () => (rng.next() < 0.6 ? 1 : 0));
  e[0] = 1;
  const g = Array.from({ length: n }, () => rng.normal());
  return { t, e, g };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('coxPhLoss: golden values', () => {
  const R = { noties: readJson<RCox>('golden/expected/cox_loglik_R_noties.json'), ties: readJson<RCox>('golden/expected/cox_loglik_R_ties.json') };
  const P = { noties: readJson<PycoxCox>('golden/expected/losses_cox_noties.json'), ties: readJson<PycoxCox>('golden/expected/losses_cox_ties.json') };

  for (const name of ['noties', 'ties'] as const) {
    const { t, e, g } = input(name);
    it(`${name}: Efron and Breslow equal R coxph's log-likelihood per event (float32 tensor, float64 reference)`, () => {
      for (const ties of ['efron', 'breslow'] as const) {
        const want = R[name][ties === 'efron' ? 'nll_mean_efron' : 'nll_mean_breslow'];
        expect(rel(coxPhLossFloat64(g, t, e, { ties }).value, want)).toBeLessThan(1e-12);
        expect(rel(scalar(coxPhLoss(tf.tensor1d(g), t, e, { ties })), want)).toBeLessThan(1e-6);
        const sum = -R[name][ties === 'efron' ? 'loglik_efron' : 'loglik_breslow'];
        expect(rel(coxPhLossFloat64(g, t, e, { ties, reduction: 'sum' }).value, sum)).toBeLessThan(1e-12);
        expect(rel(scalar(coxPhLoss(tf.tensor2d(g, [g.length, 1]), t, e, { ties, reduction: 'sum' })), sum)).toBeLessThan(1e-6);
      }
    });
  }

  it("'pycox' convention equals pycox cox_ph_loss without ties", () => {
    const { t, e, g } = input('noties');
    expect(rel(coxPhLossFloat64(g, t, e, { convention: 'pycox' }).value, P.noties.cox_ph_loss_float64)).toBeLessThan(1e-12);
    expect(rel(scalar(coxPhLoss(tf.tensor1d(g), t, e, { convention: 'pycox' })), P.noties.cox_ph_loss_float64)).toBeLessThan(1e-6);
  });

  it("'pycox' convention with ties equals the stable-sort value 2.65611 (pycox's own torch.sort order gives 2.69267)", () => {
    const { t, e, g } = input('ties');
    expect(P.ties.cox_cumsum_nll_stable).toBeCloseTo(2.65611, 5);
    expect(rel(coxPhLossFloat64(g, t, e, { convention: 'pycox' }).value, P.ties.cox_cumsum_nll_stable)).toBeLessThan(1e-12);
    expect(rel(scalar(coxPhLoss(tf.tensor1d(g), t, e, { convention: 'pycox' })), P.ties.cox_cumsum_nll_stable)).toBeLessThan(1e-6);
  });

  it('numpy Breslow/Efron of the pycox oracle agree with R', () => {
    expect(rel(P.ties.efron_nll_mean, R.ties.nll_mean_efron)).toBeLessThan(1e-14);
    expect(rel(P.ties.breslow_nll_mean, R.ties.nll_mean_breslow)).toBeLessThan(1e-14);
  });
});

describe('coxPhLoss: gradients', () => {
  it('float64 gradient equals central finite differences of an explicit-risk-set implementation (ties)', () => {
    for (let seed = 1; seed <= 4; seed++) {
      const { t, e, g } = tiedBatch(seed, 25);
      for (const ties of ['efron', 'breslow'] as const) {
        const fd = finiteDiff((x) => coxNaive(x, t, e, ties), g);
        expectClose(coxPhLossFloat64(g, t, e, { ties }).gradient, fd, 1e-6, 1e-8);
      }
      const fd = finiteDiff((x) => coxPycoxNaive(x, t, e), g);
      expectClose(coxPhLossFloat64(g, t, e, { convention: 'pycox' }).gradient, fd, 1e-6, 1e-8);
    }
  });

  it('tf.grad on cpu agrees with float64 finite differences (ties, [n] and [n, 1])', () => {
    const { t, e, g } = tiedBatch(11, 40);
    for (const ties of ['efron', 'breslow'] as const) {
      const fd = finiteDiff((x) => coxNaive(x, t, e, ties), g);
      const grad = tf.tidy(() => tf.grad((x: tf.Tensor) => coxPhLoss(x, t, e, { ties }))(tf.tensor2d(g, [g.length, 1])));
      expect(grad.shape).toEqual([g.length, 1]);
      expectClose(grad.dataSync(), fd, 1e-4, 1e-6);
      grad.dispose();
    }
  });

  it('property: the float64 gradient matches finite differences for random tied batches', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.boolean(), fc.double({ min: -3, max: 3, noNaN: true })), { minLength: 2, maxLength: 15 }),
        fc.constantFrom('efron' as const, 'breslow' as const),
        (rows, ties) => {
          const t = rows.map((r) => r[0]);
          const e = rows.map((r, i) => (r[1] || i === 0 ? 1 : 0));
          const g = rows.map((r) => r[2]);
          expectClose(
            coxPhLossFloat64(g, t, e, { ties }).gradient,
            finiteDiff((x) => coxNaive(x, t, e, ties), g),
            1e-5,
            1e-7,
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('coxPhLoss: invariants and properties', () => {
  it('property: Efron equals Breslow when no two events share a time', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 30, maxLength: 30 }),
        fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
        (times, gs, evs) => {
          // censored subjects may tie with anything; events have distinct times
          const t = [...times, ...times.slice(0, 3)];
          const e = t.map((_, i) => (i < times.length ? (evs[i] === true || i === 0 ? 1 : 0) : 0));
          const g = t.map((_, i) => gs[i % 30] as number);
          const a = coxPhLossFloat64(g, t, e, { ties: 'efron' });
          const b = coxPhLossFloat64(g, t, e, { ties: 'breslow' });
          expect(a.value).toBe(b.value);
          expect(Array.from(a.gradient)).toEqual(Array.from(b.gradient));
        },
      ),
    );
  });

  it('property: adding a constant to every log-risk leaves the loss unchanged', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 6 }), fc.boolean(), fc.double({ min: -4, max: 4, noNaN: true })), { minLength: 1, maxLength: 25 }),
        fc.double({ min: -500, max: 500, noNaN: true }),
        fc.constantFrom('efron' as const, 'breslow' as const),
        (rows, c, ties) => {
          const t = rows.map((r) => r[0]);
          const e = rows.map((r, i) => (r[1] || i === 0 ? 1 : 0));
          const g = rows.map((r) => r[2]);
          const a = coxPhLossFloat64(g, t, e, { ties }).value;
          const b = coxPhLossFloat64(
            g.map((v) => v + c),
            t,
            e,
            { ties },
          ).value;
          expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(c)) * rows.length);
        },
      ),
    );
  });

  it('is finite and equals the shifted value for log-risks of ±1e4 (float32 tensors)', () => {
    const { t, e } = tiedBatch(5, 30);
    const rng = new Random(3);
    const g = t.map(() => (rng.int(257) - 128) / 64); // shifting by 1e4 is exact in float32
    for (const shift of [1e4, -1e4]) {
      for (const ties of ['efron', 'breslow'] as const) {
        const want = coxPhLossFloat64(g, t, e, { ties }).value;
        const got = scalar(coxPhLoss(tf.tensor1d(g.map((v) => v + shift)), t, e, { ties }));
        expect(Number.isFinite(got)).toBe(true);
        expect(rel(got, want)).toBeLessThan(1e-6);
      }
    }
  });

  it('stays finite with log-risks spread over [−1e4, 1e4] (exact risk sets)', () => {
    // subject 1 (g = −1e4) is alone in its risk set; subject 0's set is dominated by itself: loss 0
    expect(coxPhLossFloat64([1e4, -1e4], [1, 2], [1, 1], { reduction: 'sum' }).value).toBe(0);
    const { t, e } = tiedBatch(8, 50);
    const g = t.map((_, i) => (i % 3 === 0 ? 1e4 : i % 3 === 1 ? -1e4 : 0));
    for (const ties of ['efron', 'breslow'] as const) {
      const r = coxPhLossFloat64(g, t, e, { ties });
      expect(Number.isFinite(r.value)).toBe(true);
      expect(r.gradient.every(Number.isFinite)).toBe(true);
      const grad = tf.tidy(() =>
        tf
          .grad((x: tf.Tensor) => coxPhLoss(x, t, e, { ties }))(tf.tensor1d(g))
          .dataSync(),
      );
      expect(grad.every(Number.isFinite)).toBe(true);
    }
  });

  it("reduction 'sum' is 'mean' times the number of events", () => {
    const { t, e, g } = tiedBatch(9, 20);
    const d = e.filter((v) => v === 1).length;
    const mean = coxPhLossFloat64(g, t, e).value;
    expect(coxPhLossFloat64(g, t, e, { reduction: 'sum' }).value).toBeCloseTo(mean * d, 12);
  });

  it('leaves no tensors behind in a training-like loop', () => {
    const { t, e, g } = tiedBatch(10, 64);
    const x = tf.variable(tf.tensor1d(g));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) {
      tf.tidy(() => {
        coxPhLoss(x, t, e);
        tf.grad((v: tf.Tensor) => coxPhLoss(v, t, e, { ties: 'breslow' }))(x);
        coxPhLoss(x, t, e, { convention: 'pycox' });
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});

describe('coxPhLoss: errors', () => {
  const g = tf.tensor1d([0.1, 0.2, 0.3]);
  it('rejects bad shapes, lengths, codes, options and non-finite outputs with catalogue messages', () => {
    expect(() => coxPhLoss(tf.zeros([3, 2]), [1, 2, 3], [1, 0, 1])).toThrow(
      messages.shapeMismatch('coxPhLoss', 'logRisk', '[n] or [n, 1] with n >= 1', '[3, 2]'),
    );
    expect(() => coxPhLoss(g, [1, 2], [1, 0, 1])).toThrow(messages.lengthMismatch('coxPhLoss', 'time', 2, 'logRisk', 3));
    expect(() => coxPhLoss(g, [1, 2, 3], [1, 0, 2])).toThrow(messages.notBinaryEvent('coxPhLoss', 'event', 2, 2));
    expect(() => coxPhLoss(g, [1, 2, 3], [0, 0, 0])).toThrow(messages.noEvents('coxPhLoss', 'event'));
    expect(() => coxPhLoss(g, [1, 2, 3], [1, 0, 1], { ties: 'exact' as 'efron' })).toThrow(
      messages.optionRange('coxPhLoss', 'ties', "one of 'efron', 'breslow'", 'exact'),
    );
    expect(() => coxPhLoss(tf.tensor1d([0, NaN, 1]), [1, 2, 3], [1, 0, 1])).toThrow(messages.notFinite('coxPhLoss', 'logRisk', 1, NaN));
    expect(() => coxPhLossFloat64([0, 1], [1, Infinity], [1, 0])).toThrow(messages.notFinite('coxPhLossFloat64', 'time', 1, Infinity));
  });
});

describe('coxPhLossHost', () => {
  it('gives the value and gradient of coxPhLoss (tf.valueAndGrad), for both conventions and both tie rules', () => {
    const time = [3, 1, 2, 2, 5, 4, 2];
    const event = [1, 0, 1, 1, 0, 1, 1];
    const g = [0.3, -1.2, 0.8, 0.1, 2.0, -0.4, 0.5];
    for (const opts of [{ convention: 'pycox' as const }, { ties: 'efron' as const }, { ties: 'breslow' as const }]) {
      const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => coxPhLoss(x, time, event, opts))(tf.tensor1d(g));
      const host = coxPhLossHost(g.length, time, event, opts)(Float32Array.from(g)); // the network output is float32
      expect(Math.fround(host.value)).toBe(value.dataSync()[0]);
      expect(Array.from(Float32Array.from(host.gradient), (v) => v + 0)).toEqual(Array.from(grad.dataSync(), (v) => v + 0));
      tf.dispose([value, grad]);
    }
  });
});
