/**
 * lgamma / digamma / trigamma / polygamma ops: golden values from SciPy
 * (test/fixtures/gamma/gamma-functions.json, made by
 * test/fixtures/generators/gamma_functions.py), gradients, recurrences,
 * float64 finite differences, domain edges, errors and tensor hygiene — on
 * the cpu and wasm backends.
 *
 * Tolerance: every fixture point is a float32 value and its reference is
 * SciPy's float64 value there, so the ops (float64 inside, one rounding to
 * float32) are held to 1e-6 *relative* error everywhere, including next to
 * the zeros of log Γ (x = 1, 2) and of ψ (x₀ ≈ 1.4616); exact zeros must be
 * exact. (For float64 inputs that float32 cannot represent, near those zeros
 * only an absolute accuracy of ~|ψ(x)|·|x − fround(x)| is possible.)
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SurvkitError } from '../../src/core/errors.js';
import { messages } from '../../src/core/messages.js';
import { initBackend } from '../../src/backend/index.js';
import { digamma, lgamma, lgammaScalar, polygamma, polygammaScalar, trigamma } from '../../src/ops/index.js';
import type { FixtureProvenance } from '../fixtures/provenance.js';

interface Case {
  x: number;
  lgamma: number;
  digamma: number;
  trigamma: number;
  tetragamma: number;
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/gamma/gamma-functions.json', import.meta.url), 'utf8')) as {
  provenance: FixtureProvenance;
  cases: Case[];
};
const xs = fixture.cases.map((c) => c.x);

/** Max relative error; a zero reference must be matched exactly. */
function maxRelError(got: ArrayLike<number>, want: number[]): number {
  let worst = 0;
  want.forEach((w, i) => {
    const g = got[i] as number;
    const err = w === 0 ? (g === 0 ? 0 : Infinity) : Math.abs(g - w) / Math.abs(w);
    worst = Math.max(worst, err);
  });
  return worst;
}

function values(f: () => tf.Tensor): Float32Array {
  return tf.tidy(() => f().dataSync() as Float32Array);
}

describe('fixture', () => {
  it('has >= 200 float32 points spanning (1e-6, 1e6) with provenance', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(200);
    expect(Math.min(...xs)).toBeLessThan(1.0001e-6);
    expect(Math.max(...xs)).toBeGreaterThan(0.9999e6);
    expect(xs.every((x) => Math.fround(x) === x)).toBe(true);
    expect(fixture.provenance.reference).toMatch(/SciPy 1\.17/);
  });
});

describe('float64 scalar functions', () => {
  it('match SciPy to 1e-13 relative + 1e-15 absolute', () => {
    // The absolute term covers SciPy itself: its gammaln is off by ~8e-17 absolute
    // (2.4e-9 relative) at x = 1 − 2⁻²⁴, where mpmath agrees with survkit to 1e-16.
    const close = (got: number, want: number) => Math.abs(got - want) <= 1e-13 * Math.abs(want) + 1e-15;
    for (const c of fixture.cases) {
      expect(close(lgammaScalar(c.x), c.lgamma)).toBe(true);
      expect(close(polygammaScalar(0, c.x), c.digamma)).toBe(true);
      expect(close(polygammaScalar(1, c.x), c.trigamma)).toBe(true);
      expect(close(polygammaScalar(2, c.x), c.tetragamma)).toBe(true);
    }
  });

  it('satisfy the recurrences log Γ(x+1) = log Γ(x) + log x and ψ⁽ⁿ⁾(x+1) = ψ⁽ⁿ⁾(x) + (−1)ⁿ n!/xⁿ⁺¹', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 1e4, noNaN: true }), (x) => {
        const tol = (v: number) => 1e-12 * Math.max(1, Math.abs(v));
        expect(Math.abs(lgammaScalar(x + 1) - lgammaScalar(x) - Math.log(x))).toBeLessThanOrEqual(tol(lgammaScalar(x + 1)));
        expect(Math.abs(polygammaScalar(0, x + 1) - polygammaScalar(0, x) - 1 / x)).toBeLessThanOrEqual(tol(1 / x));
        expect(Math.abs(polygammaScalar(1, x) - polygammaScalar(1, x + 1) - 1 / (x * x))).toBeLessThanOrEqual(tol(1 / (x * x)));
      }),
    );
  });

  it('are derivatives of one another (central finite differences in float64)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-2, max: 1e3, noNaN: true }), (x) => {
        const h = 1e-5 * x;
        const d = (f: (v: number) => number) => (f(x + h) - f(x - h)) / (2 * h);
        const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.abs(b) + 1e-8;
        expect(close(d(lgammaScalar), polygammaScalar(0, x))).toBe(true);
        expect(
          close(
            d((v) => polygammaScalar(0, v)),
            polygammaScalar(1, x),
          ),
        ).toBe(true);
        expect(
          close(
            d((v) => polygammaScalar(1, v)),
            polygammaScalar(2, x),
          ),
        ).toBe(true);
      }),
    );
  });
});

describe.each(['cpu', 'wasm'] as const)('ops on %s', (backend) => {
  let previous = 'cpu';
  beforeAll(async () => {
    previous = tf.getBackend() ?? 'cpu';
    await initBackend({ backend });
  });
  afterAll(async () => {
    await tf.setBackend(previous);
  });

  it('lgamma, digamma, trigamma and polygamma(2) match SciPy to 1e-6 relative', () => {
    const x = () => tf.tensor1d(xs);
    const errors = {
      lgamma: maxRelError(
        values(() => lgamma(x())),
        fixture.cases.map((c) => c.lgamma),
      ),
      digamma: maxRelError(
        values(() => digamma(x())),
        fixture.cases.map((c) => c.digamma),
      ),
      trigamma: maxRelError(
        values(() => trigamma(x())),
        fixture.cases.map((c) => c.trigamma),
      ),
      tetragamma: maxRelError(
        values(() => polygamma(2, x())),
        fixture.cases.map((c) => c.tetragamma),
      ),
    };
    for (const e of Object.values(errors)) expect(e).toBeLessThanOrEqual(1e-6);
    // One rounding to float32 (2⁻²⁴ ≈ 6e-8) is essentially all the error there is.
    for (const e of Object.values(errors)) expect(e).toBeLessThanOrEqual(1e-7);
  });

  it('gradients: d lgamma = digamma, d digamma = trigamma, d trigamma = ψ″ (to 1e-6 relative)', () => {
    const x = () => tf.tensor1d(xs);
    const g1 = values(() => tf.grad((a: tf.Tensor) => lgamma(a).sum())(x()));
    const g2 = values(() => tf.grad((a: tf.Tensor) => digamma(a).sum())(x()));
    const g3 = values(() => tf.grad((a: tf.Tensor) => trigamma(a).sum())(x()));
    expect(
      maxRelError(
        g1,
        fixture.cases.map((c) => c.digamma),
      ),
    ).toBeLessThanOrEqual(1e-6);
    expect(
      maxRelError(
        g2,
        fixture.cases.map((c) => c.trigamma),
      ),
    ).toBeLessThanOrEqual(1e-6);
    expect(
      maxRelError(
        g3,
        fixture.cases.map((c) => c.tetragamma),
      ),
    ).toBeLessThanOrEqual(1e-6);
    // Second order through the chain: d²/dx² lgamma = trigamma(1) = π²/6.
    const second = values(() =>
      tf.grad((a: tf.Tensor) =>
        tf
          .grad((b: tf.Tensor) => lgamma(b).sum())(a)
          .sum(),
      )(tf.tensor1d([1])),
    );
    expect(Math.abs((second[0] as number) - Math.PI ** 2 / 6)).toBeLessThan(1e-6);
  });

  it('gradient scales the upstream gradient (chain rule with dy ≠ 1)', () => {
    const g = values(() => tf.grad((a: tf.Tensor) => tf.mul(lgamma(a), tf.tensor1d([2, -3])).sum())(tf.tensor1d([0.5, 4])));
    expect(g[0]).toBeCloseTo(2 * polygammaScalar(0, 0.5), 5);
    expect(g[1]).toBeCloseTo(-3 * polygammaScalar(0, 4), 5);
  });

  it('keeps shape, converts int32 tensors and plain arrays, and handles the domain edges', () => {
    const y = lgamma(
      tf.tensor2d(
        [
          [1, 2],
          [3, 4],
        ],
        [2, 2],
        'int32',
      ),
    );
    expect(y.shape).toEqual([2, 2]);
    expect(y.dtype).toBe('float32');
    expect(Array.from(y.dataSync())).toEqual([0, 0, Math.fround(Math.log(2)), Math.fround(Math.log(6))]);
    y.dispose();
    const edges = values(() => lgamma([0, -1, Number.NaN, Number.POSITIVE_INFINITY]));
    expect(Array.from(edges)).toEqual([Infinity, NaN, NaN, Infinity]);
    const dEdges = values(() => digamma([0, -2, Number.POSITIVE_INFINITY]));
    expect(Array.from(dEdges)).toEqual([-Infinity, NaN, Infinity]);
    expect(Array.from(values(() => trigamma([0, Number.POSITIVE_INFINITY])))).toEqual([Infinity, 0]);
    expect(values(() => digamma(tf.scalar(1)))[0]).toBeCloseTo(-0.5772156649, 6);
  });

  it('leaves no tensors behind (forward and gradient loops)', () => {
    const x = tf.tensor1d([0.3, 1.7, 25]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      lgamma(x).dispose();
      polygamma(3, x).dispose();
      tf.tidy(() => {
        tf.grad((a: tf.Tensor) => digamma(a).sum())(x);
      });
      lgamma([1, 2]).dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});

describe('errors', () => {
  it('rejects a negative or fractional polygamma order, naming the argument', () => {
    expect(() => polygamma(-1, [1])).toThrow(SurvkitError);
    expect(() => polygamma(1.5, [1])).toThrow("polygamma: 'n' must be an integer >= 0; got 1.5");
    expect(() => polygamma(-1, [1])).toThrow(messages.nonNegativeInteger('polygamma', 'n', -1));
  });

  it('rejects string input', () => {
    const s = tf.tensor1d(['a']);
    expect(() => lgamma(s)).toThrow(messages.realInput('lgamma', 'x', 'a string tensor'));
    expect(() => digamma(['a'])).toThrow(SurvkitError);
    expect(() => digamma(['a'])).toThrow(messages.realInput('digamma', 'x', 'strings'));
    s.dispose();
  });
});
