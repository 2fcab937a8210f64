/**
 * PMF, MTLR, PC-Hazard and BCESurv losses against pycox 0.3.0 on given inputs
 * (test/fixtures/zoo/pycox_zoo.json, generator pycox_zoo_losses.py): values
 * within 1e-5 relative of pycox's float32 result, gradients (tf.grad) against
 * torch autograd in float64 — on the cpu and wasm backends.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bceSurvLoss, mtlrLoss, pcHazardLoss, pmfLoss } from '../../src/losses/index.js';
import { messages } from '../../src/core/messages.js';
import { readJson } from './reference.js';

interface LossCase {
  n: number;
  m: number;
  phi: number[];
  idx: number[];
  event: number[];
  idx_pc: number[];
  event_pc: number[];
  frac: number[];
  [key: string]: number | number[];
}

const G = readJson<{ losses: LossCase[] }>('zoo/pycox_zoo.json');
const NAMES = ['pmf', 'mtlr', 'pchazard', 'bcesurv'] as const;

function lossOf(name: (typeof NAMES)[number], c: LossCase, phi: tf.Tensor): tf.Scalar {
  if (name === 'pmf') return pmfLoss(phi, c.idx, c.event, { validate: false });
  if (name === 'mtlr') return mtlrLoss(phi, c.idx, c.event, { validate: false });
  if (name === 'bcesurv') return bceSurvLoss(phi, c.idx, c.event, { validate: false });
  return pcHazardLoss(phi, c.idx_pc, c.event_pc, c.frac, { validate: false });
}

const worst: Record<string, { value: number; grad: number }> = {};

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`zoo losses = pycox 0.3.0 (${backend})`, () => {
    let previous = 'cpu';
    beforeAll(async () => {
      previous = tf.getBackend() ?? 'cpu';
      expect(await tf.setBackend(backend)).toBe(true);
    });
    afterAll(async () => {
      await tf.setBackend(previous);
    });

    for (const name of NAMES) {
      it(`${name}: value within 1e-5 relative, gradient within 1e-5 of the largest entry`, () => {
        for (const c of G.losses) {
          const before = tf.memory().numTensors;
          const phi = tf.tensor2d(c.phi, [c.n, c.m]);
          const loss = lossOf(name, c, phi);
          const value = loss.dataSync()[0] as number;
          loss.dispose();
          const ref = c[`${name}_float32`] as number;
          const relErr = Math.abs(value - ref) / Math.abs(ref);
          expect(relErr).toBeLessThan(1e-5);
          const g = tf.grad((p: tf.Tensor) => lossOf(name, c, p))(phi);
          const got = g.dataSync();
          const want = c[`${name}_grad_float64`] as number[];
          const scale = Math.max(...want.map(Math.abs));
          let gErr = 0;
          for (let i = 0; i < want.length; i++) gErr = Math.max(gErr, Math.abs((got[i] as number) - (want[i] as number)) / scale);
          expect(gErr).toBeLessThan(1e-5);
          tf.dispose([phi, g]);
          expect(tf.memory().numTensors).toBe(before);
          const key = `${name}/${backend}`;
          worst[key] = { value: Math.max(worst[key]?.value ?? 0, relErr), grad: Math.max(worst[key]?.grad ?? 0, gErr) };
        }
      });
    }
  });
}

describe('zoo losses: errors', () => {
  it('name the function and argument', () => {
    const phi = tf.tensor2d([0.1, 0.2, 0.3, 0.4], [2, 2]);
    expect(() => pmfLoss(phi, [0, 2], [1, 0])).toThrow(messages.durationIndex('pmfLoss', 'idxDuration[1]', 2, 2));
    expect(() => mtlrLoss(phi, [0, 1], [2, 0])).toThrow(messages.notBinaryEvent('mtlrLoss', 'event', 0, 2));
    expect(() => bceSurvLoss(tf.tensor1d([1, 2]), [0, 1], [1, 0])).toThrow(messages.shapeMismatch('bceSurvLoss', 'phi', '[n, m]', '[2]'));
    expect(() => pcHazardLoss(phi, [-2, 0], [1, 0], [0.5, 0.5])).toThrow(messages.pcHazardIndex('pcHazardLoss', 'idxDuration[0]', 2, -2));
    expect(() => pcHazardLoss(phi, [0, 1], [1, 0], [0.5, -0.5])).toThrow(messages.intervalFraction('pcHazardLoss', 'intervalFrac', 1, -0.5));
    expect(() => pcHazardLoss(tf.tensor2d([NaN, 0], [1, 2]), [0], [1], [0.5])).toThrow(/pcHazardLoss/);
    phi.dispose();
  });

  it('report the largest errors', () => {
    console.log('zoo losses vs pycox, max relative error (value / gradient):', JSON.stringify(worst));
  });
});
