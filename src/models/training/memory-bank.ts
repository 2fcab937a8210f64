import * as tf from '@tensorflow/tfjs';
import { assertNumberOption } from '../../core/assert.js';
import { survkitError } from '../../core/errors.js';
import type { Batch } from './in-memory-data.js';

/** The `memoryBank` fit option of the Cox families (torchsurv's `Momentum`). */
export interface MemoryBankOptions {
  /**
   * Subjects in each step's loss, the batch and the newest `size − b` queued subjects of earlier batches together
   * (torchsurv's `batchsize × steps`); at least the batch.
   */
  size: number;
  /** EMA rate m of the target network, θ_k ← m·θ_k + (1 − m)·θ_q, in [0, 1) (default 0.999, torchsurv's `rate`). */
  momentum?: number;
  /** Weights the model keeps after fit: the online network's (default) or the momentum target's (torchsurv's `infer`). */
  keep?: 'online' | 'target';
}

/** Resolves {@link MemoryBankOptions}. */
export function memoryBankOptions(fn: string, o: unknown): Required<MemoryBankOptions> {
  if (typeof o !== 'object' || o === null) throw survkitError('optionRange', fn, 'memoryBank', 'an object { size, momentum?, keep? }', o);
  const r = o as MemoryBankOptions;
  const size = assertNumberOption(fn, 'memoryBank.size', r.size, { min: 1, integer: true });
  const momentum = assertNumberOption(fn, 'memoryBank.momentum', r.momentum ?? 0.999, { min: 0, max: 1, maxExclusive: true });
  const keep = r.keep ?? 'online';
  if (keep !== 'online' && keep !== 'target') throw survkitError('optionRange', fn, 'memoryBank.keep', "'online' or 'target'", keep);
  return { size, momentum, keep };
}

/**
 * The state of momentum (memory-bank) Cox training: the target network's
 * weights (an exponential moving average of the online network's trainable
 * weights) and a FIFO queue of the target's (log-risk, time, event) for the
 * last `size` training subjects.
 *
 * One step, as torchsurv `Momentum.forward`: the loss pools the batch's online
 * log-risks with the queue (as it was before this batch); the target weights
 * take one EMA step towards the online weights of before the optimiser step;
 * the target's log-risks of the batch then join the queue (the oldest leave).
 * `before(b)` does the EMA step and the target pass, `commit()` (called at the
 * next `before` or at the end) enqueues them, so the step's loss never sees
 * its own batch in the queue.
 *
 * The target is not a second network: its weights are swapped into the online
 * network for the target pass (training mode, as torchsurv's target runs in
 * the module's mode) and the online weights, batch-norm statistics included,
 * are put back afterwards.
 */
export class MomentumBank {
  readonly size: number;
  readonly momentum: number;
  private target: tf.Tensor[] | undefined;
  private risk: number[] = [];
  private time: number[] = [];
  private event: number[] = [];
  private pending: { risk: Float32Array; time: Float64Array; event: Int32Array } | undefined;

  constructor(
    private readonly net: tf.LayersModel,
    opts: { size: number; momentum: number },
  ) {
    this.size = opts.size;
    this.momentum = opts.momentum;
  }

  /**
   * The queued entries pooled with a batch of `b` subjects (oldest first): the newest `size − b`, so
   * that batch and queue hold `size` subjects together, as torchsurv's bank (`memory_k + memory_q`,
   * a deque of `batchsize × steps` entries, drops its oldest entries for the batch's).
   */
  entriesFor(b: number): { logRisk: number[]; time: number[]; event: number[] } {
    const from = Math.max(0, this.risk.length - Math.max(0, this.size - b));
    return { logRisk: this.risk.slice(from), time: this.time.slice(from), event: this.event.slice(from) };
  }

  /** Whether the entries pooled with a batch of `b` subjects hold an event. */
  hasEventFor(b: number): boolean {
    return this.entriesFor(b).event.some((e) => e !== 0);
  }

  /** The target network's weights (copies of the trainable weights' current EMA), in `net.trainableWeights` order. */
  targetWeights(): tf.Tensor[] {
    return (this.target ?? this.net.trainableWeights.map((w) => w.read())).map((t) => t.clone());
  }

  /** EMA step of the target towards the online weights (θ_k ← m θ_k + (1 − m) θ_q; the first call copies θ_q), then the target pass over `b`. */
  before(b: Batch): void {
    this.commit();
    const online = this.net.trainableWeights.map((w) => w.read());
    if (this.target === undefined) {
      this.target = online.map((w) => tf.keep(w.clone()));
    }
    const m = this.momentum;
    const next = tf.tidy(() => this.target!.map((t, i) => tf.keep(tf.add(tf.mul(t, m), tf.mul(online[i] as tf.Tensor, 1 - m)))));
    for (const t of this.target) t.dispose();
    this.target = next;
    this.pending = { risk: this.targetPass(b), time: Float64Array.from(b.time), event: Int32Array.from(b.event) };
  }

  /** Moves the last target pass into the queue, dropping the oldest entries beyond `size`. */
  commit(): void {
    const p = this.pending;
    if (p === undefined) return;
    this.pending = undefined;
    this.risk.push(...p.risk);
    this.time.push(...p.time);
    this.event.push(...p.event);
    const over = this.risk.length - this.size;
    if (over > 0) {
      this.risk.splice(0, over);
      this.time.splice(0, over);
      this.event.splice(0, over);
    }
  }

  /** Copies the target weights into the network (`keep: 'target'`). */
  adoptTarget(): void {
    if (this.target === undefined) return;
    this.net.trainableWeights.forEach((w, i) => w.write(this.target![i] as tf.Tensor));
  }

  dispose(): void {
    if (this.target) for (const t of this.target) t.dispose();
    this.target = undefined;
  }

  private targetPass(b: Batch): Float32Array {
    const weights = this.net.trainableWeights;
    const saved = weights.map((w) => w.read().clone());
    const stats = this.net.nonTrainableWeights.map((w) => w.read().clone());
    try {
      weights.forEach((w, i) => w.write(this.target![i] as tf.Tensor));
      return tf
        .tidy(() => {
          const out = this.net.apply(b.x.length === 1 ? (b.x[0] as tf.Tensor) : b.x, { training: true }) as tf.Tensor;
          return out.dataSync() as Float32Array;
        })
        .slice();
    } finally {
      weights.forEach((w, i) => w.write(saved[i] as tf.Tensor));
      this.net.nonTrainableWeights.forEach((w, i) => w.write(stats[i] as tf.Tensor));
      for (const t of saved) t.dispose();
      for (const t of stats) t.dispose();
    }
  }
}
