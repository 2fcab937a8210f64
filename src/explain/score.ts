/**
 * What the explanation methods explain: a function from a batch of inputs
 * to one score per example (a survival model's log-risk, one class's
 * probability, the predicted survival at t, …).
 */
import * as tf from '@tensorflow/tfjs';
import { survkitError } from '../core/errors.js';

/** A batch `[b, …]` → one score per example `[b]`, differentiable for the gradient methods. */
export type ScoreFunction = (x: tf.Tensor) => tf.Tensor;

/** What the explanation functions accept: a model with one output column, or a score function. */
export type Explained = tf.LayersModel | ScoreFunction;

/**
 * A score function for `target`: a function is used as it is; a
 * `tf.LayersModel` must have one output, and its column `column` (default:
 * the only column of a `[b, 1]` output, e.g. a Cox head's log-risk) is the
 * score. Errors name `scoreFunction`.
 *
 * @example
 * const score = scoreFunction(model, 0); // x → model(x)[:, 0]
 * @throws {SurvkitError} for a model with several outputs, or an output with several columns and no `column`
 */
export function scoreFunction(target: Explained, column?: number): ScoreFunction;
/** @deprecated since 0.2: call `scoreFunction(target, column)`; the caller's name `fn` will be removed from the signature. */
export function scoreFunction(fn: string, target: Explained, column?: number): ScoreFunction;
export function scoreFunction(...args: unknown[]): ScoreFunction {
  if (typeof args[0] === 'string') return scoreFunctionAs(args[0], args[1] as Explained, args[2] as number | undefined);
  return scoreFunctionAs('scoreFunction', args[0] as Explained, args[1] as number | undefined);
}

/** {@link scoreFunction} in the name of `fn` (survkit's own callers). */
export function scoreFunctionAs(fn: string, target: Explained, column?: number): ScoreFunction {
  if (typeof target === 'function') return target;
  if (!(target instanceof tf.LayersModel)) throw survkitError('explainModel', fn, 'model', target);
  if (target.outputs.length !== 1) throw survkitError('oneOutput', fn, 'model', 'model', target.outputs.length, 'pass a score function');
  const width = (target.outputs[0] as tf.SymbolicTensor).shape.slice(1).reduce((a: number, d) => a * (d ?? 1), 1);
  if (column === undefined && width !== 1) throw survkitError('outputColumn', fn, 'column', width, column);
  const k = column ?? 0;
  if (!Number.isInteger(k) || k < 0 || k >= width) throw survkitError('outputColumn', fn, 'column', width, column);
  return (x) =>
    tf.tidy(() => {
      const y = target.apply(x, { training: false }) as tf.Tensor;
      return tf.reshape(y, [y.shape[0], width]).slice([0, k], [-1, 1]).reshape([-1]);
    });
}

/** Checks that `score` maps `x` ([b, …]) to `[b]`; returns the scores. */
export function checkedScores(fn: string, score: ScoreFunction, x: tf.Tensor): tf.Tensor1D {
  const s = score(x);
  const b = x.shape[0];
  if (s.rank !== 1 || s.shape[0] !== b) {
    const shape = s.shape;
    s.dispose();
    throw survkitError('scoresPerExample', fn, 'model', b, shape);
  }
  return s as tf.Tensor1D;
}
