/**
 * Host inference of a Cox-Time dense network g(x, z) for the time-dependent
 * Breslow baseline, which needs g(z_k, x_j) for every event time z_k and every
 * subject j at risk then: Σ_k |R_k| ≈ n·K/2 pairs, the network evaluated
 * once per pair by the plain route (pycox: one forward of the whole risk set
 * per event time). Three exact rewrites of the inference-mode network (moving
 * batch-norm statistics, no dropout) make a pair cost O(1):
 *
 * - batch norm with moving statistics is affine, y = s·h + c with
 *   s = γ/√(σ² + ε), c = β − μ·s, so it folds into the next dense layer:
 *   W' = diag(s)·W, b' = b + cᵀW;
 * - the first layer's pre-activation is u₁(z) = (xᵀW_x + b₁) + z·w_t: the
 *   covariate part is computed once per subject;
 * - with ReLU (or linear) activations the network is, for one subject,
 *   continuous and piecewise linear in z: on a segment where no unit changes
 *   sign every pre-activation is P + z·Q, and so is g = α + β·z. Walking the
 *   event times in ascending order, a unit that changes sign (at z = −P/Q)
 *   changes the next layers' (P, Q) by a rank-one update; g at an event time
 *   between two such points is α + β·z_k.
 *
 * The predicted curves need g(z_k, x_j) for every subject j at every baseline
 * time z_k: the same walk through all the times (`logRiskGrid`), n·K values at
 * O(1) each instead of K forwards of n rows.
 *
 * All of it runs in float64 on the float32 weights, so g is the real-valued
 * network to about 1e-15 relative; `net.predict` rounds every layer to
 * float32, so the two differ by float32 rounding (|Δg| of order 1e-7·Σ|terms|).
 * Networks with other activations or another layer order are not folded
 * (`FoldedTimeNet.of` answers undefined) and take the TF.js route.
 */
import type * as tf from '@tensorflow/tfjs';
import { parseDenseNet, type DenseNetSpec } from './dense-engine.js';

type Op = DenseNetSpec['ops'][number];

/** One dense layer after folding, float64, row-major `[nIn, nOut]` (row p: input unit p's weights). */
interface Layer {
  nIn: number;
  nOut: number;
  w: Float64Array;
  b: Float64Array;
  /** ReLU after this layer (else identity; never after the output layer). */
  relu: boolean;
}

/** A Cox-Time network folded for host inference (see the module notes). */
export class FoldedTimeNet {
  private constructor(
    /** Covariate columns (the time column is the first layer's last input row). */
    readonly width: number,
    private readonly layers: Layer[],
  ) {}

  /**
   * The folded form of `net` (its current weights), or undefined when `net`
   * is not a dense Cox-Time network of the supported form: the data input
   * joined by the time column, then dense layers each followed by ReLU or
   * nothing, batch norm (after the activation) and dropout, and a one-unit
   * output layer.
   */
  static of(net: tf.LayersModel): FoldedTimeNet | undefined {
    const spec = parseDenseNet(net);
    if (typeof spec === 'string') return undefined;
    const ops = spec.ops;
    if (ops[0]?.kind !== 'cat') return undefined;
    const width = ops[0].width;
    const layers: Layer[] = [];
    let pending: { s: Float64Array; c: Float64Array } | undefined;
    let last: Op['kind'] = 'cat';
    for (const op of ops.slice(1)) {
      if (op.kind === 'dense') {
        const { nIn, nOut } = op;
        const w = Float64Array.from(op.w);
        const b = op.b ? Float64Array.from(op.b) : new Float64Array(nOut);
        if (pending) {
          const { s, c } = pending;
          if (s.length !== nIn) return undefined;
          for (let p = 0; p < nIn; p++) {
            const cp = c[p] as number;
            const sp = s[p] as number;
            for (let j = 0; j < nOut; j++) {
              const i = p * nOut + j;
              b[j] = (b[j] as number) + cp * (w[i] as number);
              w[i] = sp * (w[i] as number);
            }
          }
          pending = undefined;
        }
        layers.push({ nIn, nOut, w, b, relu: false });
      } else if (op.kind === 'act') {
        // an activation directly after a dense layer; ReLU only (linear layers carry no act op)
        if (last !== 'dense' || op.name !== 'relu') return undefined;
        (layers[layers.length - 1] as Layer).relu = true;
      } else if (op.kind === 'bn') {
        if (pending || layers.length === 0) return undefined;
        const s = new Float64Array(op.n);
        const c = new Float64Array(op.n);
        for (let j = 0; j < op.n; j++) {
          s[j] = (op.gamma[j] as number) / Math.sqrt((op.variance[j] as number) + op.epsilon);
          c[j] = (op.beta[j] as number) - (op.mean[j] as number) * (s[j] as number);
        }
        pending = { s, c };
      } else if (op.kind !== 'drop') return undefined;
      if (op.kind !== 'drop') last = op.kind;
    }
    const out = layers[layers.length - 1];
    if (pending || out === undefined || out.nOut !== 1 || out.relu || layers[0]?.nIn !== width + 1) return undefined;
    return new FoldedTimeNet(width, layers);
  }

  /** g(z, x_r) for the `rows` rows of `x` (row-major `[rows, width]`) at one scaled time `z`, by a plain float64 forward. */
  logRisk(x: ArrayLike<number>, rows: number, z: number): Float64Array {
    const out = new Float64Array(rows);
    const { width, layers } = this;
    for (let r = 0; r < rows; r++) {
      let h = new Float64Array(width + 1);
      for (let p = 0; p < width; p++) h[p] = x[r * width + p] as number;
      h[width] = z;
      for (const l of layers) {
        const u = Float64Array.from(l.b);
        for (let p = 0; p < l.nIn; p++) {
          const a = h[p] as number;
          if (a === 0) continue;
          const o = p * l.nOut;
          for (let j = 0; j < l.nOut; j++) u[j] = (u[j] as number) + a * (l.w[o + j] as number);
        }
        if (l.relu) for (let j = 0; j < l.nOut; j++) if (!((u[j] as number) > 0)) u[j] = 0;
        h = u;
      }
      out[r] = h[0] as number;
    }
    return out;
  }

  /**
   * log Σ_{p ≥ starts[k]} exp g(z[k], x_{order[p]}) for each k: the log of the
   * Cox-Time risk-set sums, with `order` the rows sorted by time, `z` the
   * (scaled) event times ascending and `starts[k]` the first sorted position
   * at risk at z[k] (non-decreasing). Each subject walks the event times it is
   * at risk for once (see the module notes); the sums are log-sum-exp with a
   * running maximum per event time.
   */
  riskSetLogSums(x: ArrayLike<number>, order: Int32Array, z: Float64Array, starts: Int32Array): Float64Array {
    const K = z.length;
    const walk = this.walker(x, z);
    const g = new Float64Array(K);
    const top = new Float64Array(K).fill(-Infinity);
    const sum = new Float64Array(K);
    let kEnd = 0;
    for (let pos = 0; pos < order.length; pos++) {
      while (kEnd < K && (starts[kEnd] as number) <= pos) kEnd++;
      if (kEnd === 0) continue;
      walk(order[pos] as number, kEnd, g);
      for (let k = 0; k < kEnd; k++) {
        const v = g[k] as number;
        const t = top[k] as number;
        if (v > t) {
          sum[k] = (sum[k] as number) * Math.exp(t - v) + 1;
          top[k] = v;
        } else sum[k] = (sum[k] as number) + Math.exp(v - t);
      }
    }
    const out = new Float64Array(K);
    for (let k = 0; k < K; k++) out[k] = (top[k] as number) + Math.log(sum[k] as number);
    return out;
  }

  /**
   * g(z[k], x_r) for every row r of `x` (row-major `[rows, width]`) and every
   * (scaled) time z[k], z ascending: row-major `[rows, z.length]`. Each row
   * walks all the times once (the walk of {@link riskSetLogSums} without the
   * at-risk restriction), for Cox-Time's predicted curves.
   */
  logRiskGrid(x: ArrayLike<number>, rows: number, z: Float64Array): Float64Array {
    const K = z.length;
    const out = new Float64Array(rows * K);
    if (K === 0) return out;
    const walk = this.walker(x, z);
    for (let r = 0; r < rows; r++) walk(r, K, out.subarray(r * K, (r + 1) * K));
    return out;
  }

  /**
   * The walk of one subject: `walk(row, kEnd, g)` sets g[k] = g(z[k], x_row)
   * for k < kEnd, moving up through z (ascending) from z[0] and updating the
   * active units where one changes sign (see the module notes).
   */
  private walker(x: ArrayLike<number>, z: Float64Array): (row: number, kEnd: number, g: Float64Array) => void {
    const { width, layers } = this;
    const L = layers.length;
    const first = layers[0] as Layer;
    const P = layers.map((l) => new Float64Array(l.nOut));
    const Q = layers.map((l) => new Float64Array(l.nOut));
    const dP = layers.map((l) => new Float64Array(l.nOut));
    const dQ = layers.map((l) => new Float64Array(l.nOut));
    const on = layers.map((l) => new Uint8Array(l.nOut));
    const cross = layers.map((l) => new Float64Array(l.nOut));
    const minZ = new Float64Array(L).fill(Infinity);
    const minI = new Int32Array(L);
    const outP = P[L - 1] as Float64Array;
    const outQ = Q[L - 1] as Float64Array;

    /** Where unit j of layer l next changes sign (moving up in z), from its state and slope. */
    const crossing = (l: number, j: number): number => {
      const q = (Q[l] as Float64Array)[j] as number;
      const active = (on[l] as Uint8Array)[j] === 1;
      return (active ? q < 0 : q > 0) ? -((P[l] as Float64Array)[j] as number) / q : Infinity;
    };
    /** Recomputes the crossings of layer l (all units, or only unit `only`) and the layer's earliest one. */
    const refresh = (l: number, only = -1): void => {
      const layer = layers[l] as Layer;
      if (!layer.relu) return;
      const c = cross[l] as Float64Array;
      if (only >= 0) c[only] = crossing(l, only);
      else for (let j = 0; j < layer.nOut; j++) c[j] = crossing(l, j);
      let m = Infinity;
      let mi = 0;
      for (let j = 0; j < layer.nOut; j++) {
        if ((c[j] as number) < m) {
          m = c[j] as number;
          mi = j;
        }
      }
      minZ[l] = m;
      minI[l] = mi;
    };
    /** Layer l + 1's (P, Q) from layer l's active units (plus bias); sets layer l's states at z0 first. */
    const forwardFrom = (l: number, z0: number): void => {
      const layer = layers[l] as Layer;
      const p = P[l] as Float64Array;
      const q = Q[l] as Float64Array;
      const s = on[l] as Uint8Array;
      for (let j = 0; j < layer.nOut; j++) s[j] = !layer.relu || (p[j] as number) + z0 * (q[j] as number) > 0 ? 1 : 0;
      const next = layers[l + 1] as Layer;
      const np = P[l + 1] as Float64Array;
      const nq = Q[l + 1] as Float64Array;
      np.set(next.b);
      nq.fill(0);
      for (let j = 0; j < layer.nOut; j++) if (s[j] !== 0) addRow(np, nq, p[j] as number, q[j] as number, next.w, j * next.nOut, next.nOut);
    };
    /** Unit j of layer l changes sign: its contribution ±(P_j + z·Q_j) enters or leaves the next layers. */
    const flip = (l: number, j: number): void => {
      const s = on[l] as Uint8Array;
      s[j] = 1 - (s[j] as number);
      const sign = s[j] === 1 ? 1 : -1;
      const a = sign * ((P[l] as Float64Array)[j] as number);
      const c = sign * ((Q[l] as Float64Array)[j] as number);
      refresh(l, j);
      // the change of layer l + 1 is rank one (row j of its weights); deeper, it goes through the active units
      let layer = layers[l + 1] as Layer;
      let ddp = dP[l + 1] as Float64Array;
      let ddq = dQ[l + 1] as Float64Array;
      const o = j * layer.nOut;
      for (let i = 0; i < layer.nOut; i++) {
        const w = layer.w[o + i] as number;
        ddp[i] = a * w;
        ddq[i] = c * w;
      }
      for (let m = l + 1; ; m++) {
        const p = P[m] as Float64Array;
        const q = Q[m] as Float64Array;
        for (let i = 0; i < layer.nOut; i++) {
          p[i] = (p[i] as number) + (ddp[i] as number);
          q[i] = (q[i] as number) + (ddq[i] as number);
        }
        if (m === L - 1) break;
        refresh(m);
        const sm = on[m] as Uint8Array;
        const next = layers[m + 1] as Layer;
        const np = dP[m + 1] as Float64Array;
        const nq = dQ[m + 1] as Float64Array;
        np.fill(0);
        nq.fill(0);
        for (let u = 0; u < layer.nOut; u++) if (sm[u] !== 0) addRow(np, nq, ddp[u] as number, ddq[u] as number, next.w, u * next.nOut, next.nOut);
        layer = next;
        ddp = np;
        ddq = nq;
      }
    };

    const h0 = first.nOut;
    const wt = first.w.subarray(width * h0, (width + 1) * h0);
    return (row, kEnd, g) => {
      // the first layer: the covariate part once, the slope is the time column's weights
      const p0 = P[0] as Float64Array;
      p0.set(first.b);
      for (let c = 0; c < width; c++) {
        const a = x[row * width + c] as number;
        if (a === 0) continue;
        const o = c * h0;
        for (let j = 0; j < h0; j++) p0[j] = (p0[j] as number) + a * (first.w[o + j] as number);
      }
      (Q[0] as Float64Array).set(wt);
      const z0 = z[0] as number;
      for (let l = 0; l < L - 1; l++) forwardFrom(l, z0);
      for (let l = 0; l < L - 1; l++) refresh(l);
      for (let k = 0; k < kEnd; k++) {
        const zk = z[k] as number;
        for (;;) {
          let m = Infinity;
          let ml = -1;
          for (let l = 0; l < L - 1; l++) {
            if ((minZ[l] as number) < m) {
              m = minZ[l] as number;
              ml = l;
            }
          }
          if (!(m <= zk)) break;
          flip(ml, minI[ml] as number);
        }
        g[k] = (outP[0] as number) + zk * (outQ[0] as number);
      }
    };
  }
}

/** p += a·w[o … o+n), q += c·w[o … o+n): one weight row into both the value and the time-slope parts. */
function addRow(p: Float64Array, q: Float64Array, a: number, c: number, w: Float64Array, o: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const x = w[o + i] as number;
    p[i] = (p[i] as number) + a * x;
    q[i] = (q[i] as number) + c * x;
  }
}
