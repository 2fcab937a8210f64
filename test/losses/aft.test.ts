/**
 * AFT likelihoods: the Weibull loss against torchsurv's neg_log_likelihood_weibull
 * (test/fixtures/aft/torchsurv_weibull.json, generator aft_torchsurv.py) in float32 on
 * cpu and wasm, with gradients; the float64 Weibull and log-normal likelihoods at R
 * survreg's coefficients on lung against R's maximised log-likelihood (aft_survreg.R).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aftLoss, aftLossFloat64, aftSurvival, logNormalSurvival } from '../../src/losses/parametric.js';
import { messages } from '../../src/core/messages.js';
import { readJson } from './reference.js';

interface TsCase {
  n: number;
  cols: number;
  log_params: number[];
  time: number[];
  event: number[];
  mean_float32: number;
  sum_float32: number;
  mean_float64: number;
  sum_float64: number;
  grad_mean_float64: number[];
}
interface Fit {
  coefficients: number[];
  scale: number;
  lp: number[];
  loglik: number;
}
const TS = readJson<{ cases: TsCase[] }>('aft/torchsurv_weibull.json');
const R = readJson<{ time: number[]; event: number[]; fits: { weibull: Fit; lognormal: Fit } }>('aft/survreg_R.json');
const worst: Record<string, number> = {};
const note = (k: string, v: number) => (worst[k] = Math.max(worst[k] ?? 0, v));

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`Weibull AFT loss = torchsurv (${backend})`, () => {
    let previous = 'cpu';
    beforeAll(async () => {
      previous = tf.getBackend() ?? 'cpu';
      expect(await tf.setBackend(backend)).toBe(true);
    });
    afterAll(async () => {
      await tf.setBackend(previous);
    });
    it('mean and sum within 1e-5 relative of torchsurv float32; gradient within 1e-5 of the largest entry', () => {
      for (const c of TS.cases) {
        const p = tf.tensor2d(c.log_params, [c.n, c.cols]);
        for (const reduction of ['mean', 'sum'] as const) {
          const v = aftLoss('weibull', p, c.time, c.event, { reduction });
          const err = Math.abs((v.dataSync()[0] as number) - c[`${reduction}_float32`]) / Math.abs(c[`${reduction}_float32`]);
          note(`torchsurv ${backend}`, err);
          expect(err).toBeLessThan(1e-5);
          v.dispose();
        }
        const g = tf.grad((x: tf.Tensor) => aftLoss('weibull', x, c.time, c.event))(p);
        const scale = Math.max(...c.grad_mean_float64.map(Math.abs));
        g.dataSync().forEach((v, i) => expect(Math.abs(v - (c.grad_mean_float64[i] as number)) / scale).toBeLessThan(1e-5));
        tf.dispose([p, g]);
        // float64 reference: 1e-12 of torchsurv float64
        const ref = aftLossFloat64('weibull', c.log_params, c.time, c.event, { reduction: 'sum' });
        note('torchsurv float64', Math.abs(ref - c.sum_float64) / c.sum_float64);
        expect(Math.abs(ref - c.sum_float64) / c.sum_float64).toBeLessThan(1e-12);
      }
    });
  });
}

describe('AFT likelihood at R survreg coefficients = R loglik (lung)', () => {
  for (const dist of ['weibull', 'lognormal'] as const) {
    it(`${dist}: float64 1e-12 relative; the float32 loss 1e-6`, () => {
      const f = R.fits[dist];
      const logScale = Math.log(f.scale);
      const params = f.lp.flatMap((mu) => [mu, dist === 'weibull' ? -logScale : logScale]);
      const v = aftLossFloat64(dist, params, R.time, R.event, { reduction: 'sum' });
      const err = Math.abs(v + f.loglik) / Math.abs(f.loglik);
      note(`survreg ${dist} float64`, err);
      expect(err).toBeLessThan(1e-12);
      const t = tf.tidy(() => aftLoss(dist, tf.tensor2d(params, [f.lp.length, 2]), R.time, R.event, { reduction: 'sum' }).dataSync()[0] as number);
      note(`survreg ${dist} float32`, Math.abs(t + f.loglik) / Math.abs(f.loglik));
      expect(Math.abs(t + f.loglik) / Math.abs(f.loglik)).toBeLessThan(1e-6);
    });
  }

  it('closed-form survival: Weibull exp(−(t/λ)^k); log-normal tail of Φ (values known in closed form)', () => {
    const s = aftSurvival('weibull', [0, 0], [0, 0.5, 2]);
    expect(Array.from(s)).toEqual([1, Math.exp(-0.5), Math.exp(-2)]);
    // 1 − Φ(z) from scipy 1.10 norm.sf
    expect(Math.exp(logNormalSurvival(0))).toBe(0.5);
    for (const [z, want] of [
      [1.96, 0.024997895148220435],
      [5, 2.866515718791933e-7],
      [10, 7.61985302416047e-24],
      [-2, 0.9772498680518208],
    ] as const) {
      expect(Math.abs(Math.exp(logNormalSurvival(z)) - want) / want).toBeLessThan(1e-12);
    }
    console.log('AFT losses: largest relative errors', JSON.stringify(worst));
  });

  it('errors', () => {
    const p = tf.tensor2d([0, 0], [1, 2]);
    expect(() => aftLoss('weibull', p, [0], [1])).toThrow(messages.positiveTime('aftLoss', 'time', 0, 0));
    expect(() => aftLoss('lognormal', tf.tensor2d([0], [1, 1]), [1], [1])).toThrow(messages.shapeMismatch('aftLoss', 'params', '[n, 2]', '[1, 1]'));
    p.dispose();
  });
});
