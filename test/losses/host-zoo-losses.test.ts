/**
 * The host forms of the DeepHit, PMF, MTLR, PC-Hazard, BCESurv and case-control
 * losses (src/losses/host.ts, used by the dense engine) against the TF.js losses
 * they replace — value and tf.valueAndGrad's gradient on random inputs of several
 * sizes, with ties, all-censored batches and competing risks — and against the
 * pycox 0.3.0 golden values (test/fixtures/golden, test/fixtures/zoo).
 *
 * Tolerance against TF.js: the host computes in float64 from the same float32
 * output, TF.js in float32 through a chain of 10–30 element-wise ops and row sums
 * (softmax, exp/log, the ranking term's exp(−R/σ) with 1/σ = 10 amplifying R's
 * rounding); each op rounds at ε32 ≈ 6e-8 relative, so their difference is a few
 * hundred ε32 at most: 1e-5 relative for the value and 1e-5 of the largest gradient
 * entry for the gradient (the same float32 bound the zoo losses' tests use against pycox).
 * Against pycox's float64 goldens the host runs in float64 on the same inputs, so
 * the bound is float64 rounding: 1e-10.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/core/random.js';
import { bceSurvLoss, coxCcLoss, deepHitLoss, mtlrLoss, pcHazardLoss, pmfLoss } from '../../src/losses/index.js';
import { deepHitWeights } from '../../src/losses/deephit.js';
import { bceSurvLossHost, coxCcLossHost, deepHitLossHost, mtlrLossHost, pcHazardLossHost, pmfLossHost, type HostValueGrad } from '../../src/losses/host.js';
import type { DeepHitLossOptions } from '../../src/losses/deephit.js';
import { messages } from '../../src/core/messages.js';
import { readCsv, readJson } from './reference.js';

const TOL = 1e-5;

/** Relative error of the value, and max |Δgradient| over max |gradient|. */
function compare(host: HostValueGrad, tfLoss: (x: tf.Tensor) => tf.Scalar, x: Float32Array, shape: number[]): { value: number; grad: number } {
  const input = tf.tensor(x, shape);
  const { value, grad } = tf.valueAndGrad(tfLoss)(input);
  const v = value.dataSync()[0] as number;
  const g = grad.dataSync();
  tf.dispose([input, value, grad]);
  expect(host.gradient.length).toBe(g.length);
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < g.length; i++) {
    worst = Math.max(worst, Math.abs((host.gradient[i] as number) - (g[i] as number)));
    scale = Math.max(scale, Math.abs(g[i] as number));
  }
  expect(Number.isFinite(host.value)).toBe(true);
  return { value: Math.abs(host.value - v) / Math.max(Math.abs(v), 1e-30), grad: scale === 0 ? worst : worst / scale };
}

interface Case {
  n: number;
  m: number;
  phi: Float32Array;
  idx: Int32Array;
  event: Int32Array;
  label: string;
}

/** Random logits (spread `spread`), duration indices drawn from few values (ties), events with `causes` causes. */
function randomCase(seed: number, n: number, m: number, opts: { causes?: number; censored?: number; spread?: number; cols?: number } = {}): Case {
  const r = new Random(seed);
  const cols = opts.cols ?? m;
  const spread = opts.spread ?? 2;
  const phi = Float32Array.from({ length: n * cols }, () => r.normal() * spread);
  const idx = Int32Array.from({ length: n }, () => Math.min(m - 1, Math.floor(r.next() * Math.min(m, 3)) * Math.ceil(m / 3)));
  const event = Int32Array.from({ length: n }, () => (r.next() < (opts.censored ?? 0.4) ? 0 : 1 + Math.floor(r.next() * (opts.causes ?? 1))));
  return { n, m, phi, idx, event, label: `seed ${seed}, n ${n}, m ${m}` };
}

/** Random cases plus the edge cases: all censored, one row, ties at the row maximum (pad logit 0 included). */
function cases(causes = 1): Case[] {
  const out: Case[] = [];
  let seed = 1;
  for (const n of [1, 7, 64, 257]) for (const m of [1, 5, 12]) out.push(randomCase(seed++, n, m, { causes, cols: causes * m, spread: n === 64 ? 8 : 2 }));
  out.push({ ...randomCase(99, 20, 6, { causes, cols: causes * 6, censored: 1 }), label: 'all censored' });
  out.push({ ...randomCase(98, 20, 6, { causes, cols: causes * 6, censored: 0 }), label: 'no censoring' });
  const m = 4;
  const phi = new Float32Array(3 * causes * m);
  phi.set([1.5, 1.5, -1, 0], 0); // two equal maxima
  phi.set([0, -2, -0.5, 0], causes * m); // maximum 0, equal to the pad logit
  out.push({ n: 3, m, phi, idx: Int32Array.of(1, 3, 0), event: Int32Array.of(1, 0, causes), label: 'ties at the maximum' });
  return out;
}

const worst = { value: 0, grad: 0 };

function expectWithin(r: { value: number; grad: number }, label: string): void {
  worst.value = Math.max(worst.value, r.value);
  worst.grad = Math.max(worst.grad, r.grad);
  expect(r.value, `${label}: value`).toBeLessThan(TOL);
  expect(r.grad, `${label}: gradient`).toBeLessThan(TOL);
}

describe('host losses = TF.js losses (value and tf.valueAndGrad gradient, float32 agreement)', () => {
  it('PMF', () => {
    for (const c of cases()) {
      const r = compare(pmfLossHost(c.n, c.m, c.idx, c.event)(c.phi), (x) => pmfLoss(x, c.idx, c.event), c.phi, [c.n, c.m]);
      expectWithin(r, c.label);
    }
  });

  it('MTLR', () => {
    for (const c of cases()) {
      const r = compare(mtlrLossHost(c.n, c.m, c.idx, c.event)(c.phi), (x) => mtlrLoss(x, c.idx, c.event), c.phi, [c.n, c.m]);
      expectWithin(r, c.label);
    }
  });

  it('BCESurv (logits 0 included: TF.js subgradients)', () => {
    for (const c of cases()) {
      const r = compare(bceSurvLossHost(c.n, c.m, c.idx, c.event)(c.phi), (x) => bceSurvLoss(x, c.idx, c.event), c.phi, [c.n, c.m]);
      expectWithin(r, c.label);
    }
  });

  it('PC-Hazard (κ = −1 rows, logits around and below −15, fractions above 1)', () => {
    for (const c of cases()) {
      const r0 = new Random(c.n * 31 + c.m);
      const idx = c.idx.map((k) => (r0.next() < 0.15 ? -1 : k));
      const frac = Float64Array.from({ length: c.n }, () => r0.next() * 1.2);
      const phi = c.phi.map((v, i) => (i % 7 === 3 ? -15 : i % 11 === 5 ? -15 - Math.abs(v) : v));
      const r = compare(pcHazardLossHost(c.n, c.m, idx, c.event, frac)(phi), (x) => pcHazardLoss(x, idx, c.event, frac), phi, [c.n, c.m]);
      expectWithin(r, c.label);
    }
    // every subject at κ = −1: loss 0, gradient 0 (pycox)
    const none = pcHazardLossHost(2, 3, Int32Array.of(-1, -1), Int32Array.of(1, 0), Float64Array.of(0, 0))(Float32Array.of(1, 2, 3, 4, 5, 6));
    expect(none.value).toBe(0);
    expect(Array.from(none.gradient)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  const DEEPHIT: [string, DeepHitLossOptions][] = [
    ['pycox defaults', {}],
    ['pycox α 0.7, σ 0.5', { alpha: 0.7, sigma: 0.5 }],
    ['pycox α 0 (ranking only)', { alpha: 0 }],
    ['paper defaults', { convention: 'paper' }],
    ['paper α 0.5, β 3, σ 0.25', { convention: 'paper', alpha: 0.5, beta: 3, sigma: 0.25 }],
  ];
  for (const causes of [1, 2, 3]) {
    for (const [name, opts] of DEEPHIT) {
      it(`DeepHit, ${causes} cause${causes > 1 ? 's' : ''}, ${name}`, () => {
        const w = deepHitWeights('deepHitLoss', opts);
        for (const c of cases(causes)) {
          const layout = { n: c.n, causes, m: c.m, pad: w.convention === 'pycox' };
          const host = deepHitLossHost(layout, c.idx, c.event, w)(c.phi);
          const shape = causes === 1 ? [c.n, c.m] : [c.n, causes, c.m];
          expectWithin(
            compare(host, (x) => deepHitLoss(x, c.idx, c.event, opts), c.phi, shape),
            c.label,
          );
        }
      });
    }
  }

  it('DeepHit rejects non-finite logits as deepHitLoss does', () => {
    const lossOf = deepHitLossHost({ n: 1, causes: 1, m: 2, pad: true }, Int32Array.of(0), Int32Array.of(1), deepHitWeights('deepHitLoss', {}));
    expect(() => lossOf(Float32Array.of(0.1, NaN))).toThrow(messages.notFinite('deepHitLoss', 'phi', 1, NaN));
  });

  for (const k of [1, 2, 5]) {
    for (const shrink of [0, 0.1]) {
      it(`Cox-CC, ${k} control${k > 1 ? 's' : ''}, shrink ${shrink} (differences above 80 clipped; outputs 0)`, () => {
        for (const b of [1, 3, 40, 129]) {
          const r = new Random(b * 7 + k);
          const g = Float32Array.from({ length: b * (1 + k) }, (_, i) => (i % 9 === 4 ? 0 : r.normal() * (b === 40 ? 30 : 1.5)));
          if (b > 1) g[b + 1] = (g[1] as number) + 100; // a difference above the clip
          const host = coxCcLossHost(b, k, shrink)(g);
          const res = compare(
            host,
            (x) => {
              const cases = tf.slice(x, [0], [b]);
              const controls = tf.transpose(tf.reshape(tf.slice(x, [b], [b * k]), [k, b]));
              return coxCcLoss(cases, controls, { shrink });
            },
            g,
            [b * (1 + k)],
          );
          expectWithin(res, `b ${b}`);
        }
      });
    }
  }

  it('Cox-CC rejects non-finite outputs as coxCcLoss does (case index, then [case, control] index)', () => {
    expect(() => coxCcLossHost(2, 2, 0)(Float32Array.of(0, Infinity, 0, 0, 0, 0))).toThrow(messages.notFinite('coxCcLoss', 'gCase', 1, Infinity));
    // layout [c0, c1 | ctrl0 of c0, ctrl0 of c1 | ctrl1 of c0, ctrl1 of c1]: ctrl1 of c0 is gControls[0, 1], flat index 1
    expect(() => coxCcLossHost(2, 2, 0)(Float32Array.of(0, 0, 0, 0, NaN, 0))).toThrow(messages.notFinite('coxCcLoss', 'gControls', 1, NaN));
  });
});

/** Whether some row of the padded logits (zero pad) has its maximum more than once. */
function tiedMaximum(phi: ArrayLike<number>, m: number): boolean {
  for (let i = 0; i < phi.length / m; i++) {
    const row = [...Array.from({ length: m }, (_, j) => phi[i * m + j] as number), 0];
    const mx = Math.max(...row);
    if (row.filter((v) => v === mx).length > 1) return true;
  }
  return false;
}

/** ψ_ik = Σ_{j ≥ k} φ_ij. */
function reverseCumsum(phi: ArrayLike<number>, m: number): Float64Array {
  const out = new Float64Array(phi.length);
  for (let i = 0; i < phi.length / m; i++) {
    let s = 0;
    for (let k = m - 1; k >= 0; k--) out[i * m + k] = s += phi[i * m + k] as number;
  }
  return out;
}

describe('host losses: largest float32 difference from TF.js', () => {
  it('is reported', () => {
    console.log('host vs TF.js losses, max relative error (value / gradient):', JSON.stringify(worst));
  });
});

describe('host losses = pycox 0.3.0 goldens (float64 inputs, float64 arithmetic)', () => {
  const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

  it('PMF and DeepHit (single risk) on golden/inputs/loss_discrete.csv: nll_pmf, rank_loss_deephit_single, DeepHitSingleLoss(0.2, 0.1)', () => {
    const { rows } = readCsv('golden/inputs/loss_discrete.csv');
    const G = readJson<{ alpha: number; sigma: number; m: number; float64: Record<string, number>; float32: Record<string, number> }>(
      'golden/expected/losses_discrete.json',
    );
    const n = rows.length;
    const m = G.m;
    const idx = Int32Array.from(rows, (r) => r[0] as number);
    const event = Int32Array.from(rows, (r) => r[1] as number);
    const phi = Float64Array.from(rows.flatMap((r) => r.slice(2)));
    const layout = { n, causes: 1, m, pad: true };
    expect(rel(pmfLossHost(n, m, idx, event)(phi).value, G.float64.nll_pmf as number)).toBeLessThan(1e-10);
    // pycox's ranking loss has only a float32 value in the golden file (its float64 run failed inside pycox): float32 bound
    const rank = deepHitLossHost(layout, idx, event, { alpha: 0, beta: 1, sigma: G.sigma, convention: 'pycox' })(phi);
    expect(rel(rank.value, G.float32.rank_loss_deephit_single as number)).toBeLessThan(1e-6);
    const both = deepHitLossHost(layout, idx, event, deepHitWeights('deepHitLoss', { alpha: G.alpha, sigma: G.sigma }))(phi);
    expect(rel(both.value, G.float32.deephit_single_loss as number)).toBeLessThan(1e-6);
  });

  it('PMF, MTLR, BCESurv, PC-Hazard on zoo/pycox_zoo.json: values and torch autograd gradients', () => {
    type Z = { n: number; m: number; phi: number[]; idx: number[]; event: number[]; idx_pc: number[]; event_pc: number[]; frac: number[] };
    const Zoo = readJson<{ losses: (Z & Record<string, number | number[]>)[] }>('zoo/pycox_zoo.json');
    for (const c of Zoo.losses) {
      const idx = Int32Array.from(c.idx);
      const event = Int32Array.from(c.event);
      const phi = Float64Array.from(c.phi);
      const got: Record<string, HostValueGrad> = {
        pmf: pmfLossHost(c.n, c.m, idx, event)(phi),
        mtlr: mtlrLossHost(c.n, c.m, idx, event)(phi),
        bcesurv: bceSurvLossHost(c.n, c.m, idx, event)(phi),
        pchazard: pcHazardLossHost(c.n, c.m, Int32Array.from(c.idx_pc), Int32Array.from(c.event_pc), c.frac)(phi),
      };
      for (const [name, r] of Object.entries(got)) {
        // pycox's bce_surv_loss builds its targets and weights as float32 (`.float()`), so its "float64" run is float32
        // arithmetic (its float64 and float32 values are equal): a float32 bound there.
        const f32 = name === 'bcesurv' ? 1e-6 : 0;
        expect(rel(r.value, c[`${name}_float64`] as number), name).toBeLessThan(f32 || 1e-10);
        const want = c[`${name}_grad_float64`] as number[];
        const scale = Math.max(...want.map(Math.abs));
        // Where a row's maximum logit is tied (the ±30 case), torch's max sends the ε-residue of the γ terms (~ε/Σe^{φ−γ},
        // ε = 1e-7) to one of the tied entries, TF.js's (which the host follows) to each of them: they differ by that residue.
        // torch's softplus returns x above 20 (gradient 1), the TF.js form relu(x) + log1p(e^{−|x|}) σ(x) = 1 − e^{−x}:
        // PC-Hazard's gradients differ by up to e^{−20} ≈ 2.1e-9 there (the fixture has logits 22 and 30).
        const tied = (name === 'pmf' || name === 'mtlr') && tiedMaximum(name === 'mtlr' ? reverseCumsum(c.phi, c.m) : c.phi, c.m);
        const tol = tied ? 1e-7 : name === 'pchazard' ? 3e-9 : f32 || 1e-10;
        want.forEach((w, i) => expect(Math.abs((r.gradient[i] as number) - w) / scale, `${name}[${i}]`).toBeLessThan(tol));
      }
    }
  });

  it('Cox-CC on golden/inputs/loss_coxcc.csv: cox_cc_loss with two controls', () => {
    const { rows } = readCsv('golden/inputs/loss_coxcc.csv');
    const G = readJson<{ float64: { cox_cc_loss: number } }>('golden/expected/losses_coxcc.json');
    const b = rows.length;
    const g = new Float64Array(3 * b);
    rows.forEach((r, c) => {
      g[c] = r[0] as number;
      g[b + c] = r[1] as number;
      g[2 * b + c] = r[2] as number;
    });
    expect(rel(coxCcLossHost(b, 2, 0)(g).value, G.float64.cox_cc_loss)).toBeLessThan(1e-10);
  });
});
