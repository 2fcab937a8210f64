/** Every loss rejects NaN/±Infinity in a model output with a SurvkitError (opt-out: validate: false). */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { SurvkitError } from '../../src/core/errors.js';
import { coxCcLoss } from '../../src/losses/cox-cc.js';
import { coxPhLoss } from '../../src/losses/cox-ph.js';
import { deepHitLoss } from '../../src/losses/deephit.js';
import { deepHitNll } from '../../src/losses/deephit-nll.js';
import { evidentialLoss } from '../../src/losses/evidential.js';
import { logisticHazardLoss } from '../../src/losses/logistic-hazard.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const bad = [NaN, Infinity, -Infinity];

/** Each loss on 2 subjects with `v` at position `at` of its output. */
const losses: [string, (v: number, at: number, validate?: boolean) => tf.Tensor][] = [
  ['coxPhLoss', (v, at) => coxPhLoss(tf.tensor1d([0.1, 0.2].map((x, i) => (i === at % 2 ? v : x))), [1, 2], [1, 0])],
  [
    'coxCcLoss',
    (v, at, validate) => {
      const c = [0.1, 0.2];
      const ctl = [[0.3], [0.4]];
      if (at % 2 === 0) c[0] = v;
      else ctl[1]![0] = v;
      return coxCcLoss(tf.tensor1d(c), tf.tensor2d(ctl), validate === undefined ? {} : { validate });
    },
  ],
  ['logisticHazardLoss', (v, at, validate) => logisticHazardLoss(phi(v, at), [1, 0], [1, 0], validate === undefined ? {} : { validate })],
  ['deepHitNll', (v, at, validate) => deepHitNll(phi(v, at), [1, 0], [1, 0], validate === undefined ? {} : { validate })],
  ['deepHitLoss', (v, at, validate) => deepHitLoss(phi(v, at), [1, 0], [1, 0], validate === undefined ? {} : { validate })],
  ['evidentialLoss', (v, at, validate) => evidentialLoss([0, 1], phi(v, at, 1), { klWeight: 0.5, ...(validate === undefined ? {} : { validate }) })],
];

function phi(v: number, at: number, base = 0): tf.Tensor2D {
  const x = [
    [base + 0.1, base + 0.2],
    [base + 0.3, base + 0.4],
  ];
  x[Math.floor((at % 4) / 2)]![at % 2] = v;
  return tf.tensor2d(x);
}

describe('losses reject non-finite outputs', () => {
  it.each(losses)('%s: NaN, Infinity, -Infinity anywhere is a SurvkitError naming the loss', (name, f) => {
    for (const v of bad) {
      for (let at = 0; at < 4; at++) {
        expect(() => f(v, at)).toThrow(SurvkitError);
        expect(() => f(v, at)).toThrow(new RegExp(`^${name}: '\\w+' must be finite.*got ${Number.isNaN(v) ? 'NaN' : String(v)}`));
      }
    }
  });
  it('property: any finite output gives a finite loss; any non-finite one an error (never NaN)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: losses.length - 1 }),
        fc.oneof(fc.double({ min: -50, max: 50, noNaN: true }), fc.constantFrom(...bad)),
        fc.nat(3),
        (k, v, at) => {
          const [, f] = losses[k]!;
          const x = k === losses.length - 1 && Number.isFinite(v) ? Math.abs(v) + 0.5 : v; // evidential α > 0
          if (!Number.isFinite(x)) {
            expect(() => f(x, at)).toThrow(SurvkitError);
            return;
          }
          const out = tf.tidy(() => f(x, at).dataSync()[0]!);
          expect(Number.isFinite(out)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
  it('validate: false skips the device read (the opt-out for hot loops)', () => {
    for (const [name, f] of losses.slice(1)) {
      const v = tf.tidy(() => f(NaN, 0, false).dataSync()[0]!);
      expect(Number.isNaN(v), name).toBe(true);
    }
  });
  it('evidentialLoss: klWeight above 1e6 is refused (1e308 overflowed float32)', () => {
    const a = tf.tensor2d([[2, 1]]);
    expect(() => evidentialLoss([0], a, { klWeight: 1e308 })).toThrow(/evidentialLoss: option 'klWeight' must be/);
    expect(() => evidentialLoss([0], a, { klWeight: 1e6 }).dispose()).not.toThrow();
    a.dispose();
  });
});
