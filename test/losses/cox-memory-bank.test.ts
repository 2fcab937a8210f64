/**
 * The memory-bank Cox loss against torchsurv's Momentum loss (test/fixtures/cox/torchsurv_momentum.json,
 * generator cox_momentum_torchsurv.py): the pooled loss of a queue and a batch, and its gradient with
 * respect to the batch's log-risks (float64 autograd in torch; survkit's loss returns float32).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { coxMemoryBankLoss } from '../../src/losses/cox-memory-bank.js';
import { coxPhLoss } from '../../src/losses/cox-ph.js';
import { messages } from '../../src/core/messages.js';
import { readJson } from './reference.js';

interface Static {
  bank_log_risk: number[];
  bank_time: number[];
  bank_event: number[];
  log_risk: number[];
  time: number[];
  event: number[];
  loss: number;
  grad: number[];
}
const { static: cases } = readJson<{ static: Static[] }>('cox/torchsurv_momentum.json');
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('coxMemoryBankLoss = torchsurv Momentum bank loss (golden)', () => {
  cases.forEach((c, k) => {
    it(`case ${k}: ${c.bank_time.length} queued + ${c.time.length} in the batch, value and batch gradient (float32, 1e-5 relative)`, () => {
      const bank = { logRisk: c.bank_log_risk, time: c.bank_time, event: c.bank_event };
      const g = tf.tensor1d(c.log_risk);
      const value = tf.tidy(() => coxMemoryBankLoss(g, c.time, c.event, bank).dataSync()[0] as number);
      expect(rel(value, c.loss)).toBeLessThan(1e-5);
      const grad = tf.tidy(() =>
        Array.from(
          tf
            .grad((x: tf.Tensor) => coxMemoryBankLoss(x, c.time, c.event, bank))(g)
            .dataSync(),
        ),
      );
      grad.forEach((v, i) => expect(Math.abs(v - (c.grad[i] as number))).toBeLessThan(1e-5 * Math.max(1, Math.abs(c.grad[i] as number))));
      g.dispose();
    });
  });

  it('with an empty bank is the batch Cox loss', () => {
    const g = tf.tensor1d([0.3, -0.2, 0.5]);
    const a = tf.tidy(() => coxMemoryBankLoss(g, [2, 5, 1], [1, 0, 1], { logRisk: [], time: [], event: [] }).dataSync()[0]);
    const b = tf.tidy(() => coxPhLoss(g, [2, 5, 1], [1, 0, 1]).dataSync()[0]);
    expect(a).toBe(b);
    g.dispose();
  });

  it('names the bank array whose length differs', () => {
    const g = tf.tensor1d([0.3]);
    expect(() => coxMemoryBankLoss(g, [1], [1], { logRisk: [1, 2], time: [1], event: [1, 1] })).toThrow(
      messages.lengthMismatch('coxMemoryBankLoss', 'bank.time', 1, 'bank.logRisk', 2),
    );
    g.dispose();
  });
});
