import * as tf from '@tensorflow/tfjs';
import { ADAM_STEP, ADAM_STEP_BACKENDS, registerAdamStepKernel } from './adam-kernel.js';

/**
 * Adam (Kingma & Ba 2015) with PyTorch's update
 * θ ← θ − lr · m̂ / (√v̂ + ε), m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ) — the same
 * arithmetic as `tf.train.adam` — applied to all variables at once: the
 * gradients are concatenated into one vector, the moments are two flat
 * variables, and each variable gets its slice of the update. About 50 kernel
 * calls per step instead of ~16 per variable, which matters for small
 * networks whose step time is kernel-call overhead (pycox's MLP on wasm / cpu).
 * On the cpu and wasm backends the whole step is ONE kernel call
 * (`SurvkitAdamStep`, adam-kernel.ts) with bit-identical float32 arithmetic.
 * The bias corrections are computed in float64 on the host.
 *
 * The set of variables is fixed at the first step; a later call with other
 * variables starts the moments afresh.
 *
 * @example
 * const opt = new FusedAdam(0.01);
 * opt.minimize(() => loss(), false, vars);
 * opt.dispose();
 * @see Kingma & Ba (2015), ICLR; PyTorch `torch.optim.Adam`; tfjs-core `AdamOptimizer`
 */
export class FusedAdam extends tf.Optimizer {
  static className = 'survkit>FusedAdam';
  private m: tf.Variable | undefined;
  private v: tf.Variable | undefined;
  private layout = '';
  private t = 0;

  constructor(
    readonly learningRate: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-8,
  ) {
    super();
  }

  applyGradients(variableGradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const named = Array.isArray(variableGradients) ? variableGradients.map((g) => [g.name, g.tensor] as const) : Object.entries(variableGradients);
    const entries = named.filter(([, g]) => g != null);
    if (entries.length === 0) return;
    const vars = entries.map(([name]) => tf.engine().registeredVariables[name] as tf.Variable);
    const layout = entries.map(([name, g]) => `${name}:${g.shape.join('x')}`).join(',');
    if (layout !== this.layout) this.reset(layout);
    this.t++;
    const { beta1: b1, beta2: b2, t } = this;
    const stepSize = this.learningRate / (1 - b1 ** t);
    const c2 = 1 / (1 - b2 ** t);
    if (ADAM_STEP_BACKENDS.includes(tf.getBackend())) {
      registerAdamStepKernel();
      const total = vars.reduce((a, w) => a + w.size, 0);
      this.m ??= tf.tidy(() => tf.variable(tf.zeros([total]), false));
      this.v ??= tf.tidy(() => tf.variable(tf.zeros([total]), false));
      const inputs: Record<string, tf.Tensor> = { m: this.m, v: this.v };
      entries.forEach(([, g], k) => (inputs[`g${k}`] = g));
      vars.forEach((w, k) => (inputs[`w${k}`] = w));
      const attrs = { count: vars.length, beta1: b1, beta2: b2, stepSize, c2, epsilon: this.epsilon };
      const out = tf.engine().runKernel(ADAM_STEP, inputs, attrs) as unknown as tf.Tensor[];
      this.m.assign(out[0] as tf.Tensor);
      this.v.assign(out[1] as tf.Tensor);
      vars.forEach((w, k) => w.assign(out[k + 2] as tf.Tensor));
      tf.dispose(out);
      this.incrementIterations();
      return;
    }
    tf.tidy(() => {
      const g = entries.length === 1 ? tf.reshape(entries[0]?.[1] as tf.Tensor, [-1]) : tf.concat(entries.map(([, x]) => tf.reshape(x, [-1])));
      this.m ??= tf.variable(tf.zerosLike(g), false);
      this.v ??= tf.variable(tf.zerosLike(g), false);
      const m = tf.add(tf.mul(this.m, b1), tf.mul(g, 1 - b1));
      const v = tf.add(tf.mul(this.v, b2), tf.mul(tf.square(g), 1 - b2));
      this.m.assign(m);
      this.v.assign(v);
      const update = tf.div(tf.mul(m, stepSize), tf.add(tf.sqrt(tf.mul(v, c2)), this.epsilon));
      let offset = 0;
      vars.forEach((variable) => {
        const size = variable.size;
        const part = entries.length === 1 ? update : tf.slice(update, offset, size);
        variable.assign(tf.sub(variable, tf.reshape(part, variable.shape)));
        offset += size;
      });
    });
    this.incrementIterations();
  }

  private reset(layout: string): void {
    this.m?.dispose();
    this.v?.dispose();
    this.m = undefined;
    this.v = undefined;
    this.t = 0;
    this.layout = layout;
  }

  override dispose(): void {
    this.reset('');
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

/**
 * Whether `o` is a {@link FusedAdam}. (`instanceof` answers true for every optimiser: tf.Optimizer defines a
 * duck-typed `Symbol.hasInstance`, which its subclasses inherit.)
 */
export function isFusedAdam(o: unknown): o is FusedAdam {
  return typeof o === 'object' && o !== null && Object.prototype.isPrototypeOf.call(FusedAdam.prototype, o);
}
