/**
 * The predicted survival probability at a time as a differentiable score,
 * so that occlusion and saliency explain "what lowers this patient's
 * 5-year survival" instead of a raw log-risk or logit.
 */
import * as tf from '@tensorflow/tfjs';
import { assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { reverseCumsumMatrix } from '../losses/pmf.js';
import { CoxBase } from '../models/survival/cox-base.js';
import { DiscreteBase } from '../models/survival/discrete-base.js';
import type { SurvivalModel } from '../models/survival/survival-model.js';
import type { ScoreFunction } from './score.js';

/** Index of the last grid time ≤ t, or −1 before the first. */
function stepIndex(grid: ArrayLike<number>, t: number): number {
  let j = -1;
  for (let k = 0; k < grid.length && (grid[k] as number) <= t; k++) j = k;
  return j;
}

/**
 * A score function x ↦ Ŝ(t | x), equal (in float32) to what the model's
 * `predictSurvival` reads at t (the step value at the last grid time ≤ t; 1
 * before the first):
 *
 * - CoxPH / CoxCC: exp(−Ĥ0(t) · e^{g(x)}) with the Breslow baseline;
 * - LogisticHazard: exp(−Σ_{τ_l ≤ t} softplus(φ_l(x)));
 * - DeepHit (any number of causes, with or without pycox's pad column):
 *   1 − the probability mass of every cause at cut points ≤ t; PMF and MTLR likewise
 *   (MTLR's mass from the reverse cumulative sums of φ);
 * - PCHazard: exp(−Σ_{l<j} softplus(φ_l(x))) for the last cut τ_j ≤ t;
 * - BCESurv: min_{τ_l ≤ t} sigmoid(φ_l(x)).
 *
 * Cox-Time has no such closed form (its network is evaluated at every
 * baseline time); explain its log-risk at a time with a function instead.
 *
 * @example
 * const occ = await occlusionSensitivity(survivalScore(model, 5), image, { patch: 8 }); // what lowers S(5 | x)
 * @throws {SurvkitError} for a model that is not fitted, a Cox-Time model, or a non-finite `t`
 */
export function survivalScore(model: SurvivalModel, t: number): ScoreFunction {
  const fn = 'survivalScore';
  const at = assertNumberOption(fn, 't', t, {});
  const net = model.net;
  const apply = (x: tf.Tensor): tf.Tensor => net.apply(x, { training: false }) as tf.Tensor;
  if (model instanceof CoxBase) {
    const base = model.baseline;
    if (base === null) throw survkitError('notFitted', fn, 'the baseline hazard');
    const j = stepIndex(base.times, at);
    const H = j < 0 ? 0 : (base.cumulativeHazard[j] as number);
    return (x) => tf.tidy(() => (H === 0 ? tf.ones([x.shape[0]]) : tf.exp(tf.mul(-H, tf.exp(tf.reshape(apply(x), [-1]))))));
  }
  if (model instanceof DiscreteBase) {
    const cuts = model.transform.cuts;
    const j = stepIndex(cuts, at);
    const m = cuts.length;
    const causes = model.causes ?? 1;
    const family = model.family;
    const w = model.outputWidth;
    return (x) =>
      tf.tidy(() => {
        const b = x.shape[0];
        if (j < 0) return tf.ones([b]);
        let phi = tf.reshape(apply(x), [b, causes * w]);
        if (family === 'logistichazard') return tf.exp(tf.neg(tf.sum(tf.softplus(tf.slice(phi, [0, 0], [b, j + 1])), 1)));
        // PC-Hazard: S(τ_j) = exp(−Σ_{l<j} softplus(φ_l)), one hazard per interval
        if (family === 'pchazard') return j === 0 ? tf.ones([b]) : tf.exp(tf.neg(tf.sum(tf.softplus(tf.slice(phi, [0, 0], [b, j])), 1)));
        // BCESurv: the running minimum of sigmoid(φ_l), l ≤ j (as predictSurvival)
        if (family === 'bcesurv') return tf.min(tf.sigmoid(tf.slice(phi, [0, 0], [b, j + 1])), 1);
        // MTLR: the PMF of the reverse cumulative sums
        if (family === 'mtlr') phi = tf.matMul(phi, reverseCumsumMatrix(m));
        const logits = model.pad ? tf.concat([phi, tf.zeros([b, 1])], 1) : phi;
        const pmf = tf.reshape(tf.slice(tf.softmax(logits), [0, 0], [b, causes * m]), [b, causes, m]);
        return tf.sub(1, tf.sum(tf.slice(pmf, [0, 0, 0], [b, causes, j + 1]), [1, 2]));
      });
  }
  throw survkitError('explainSurvivalModel', fn, 'model', model.constructor.name);
}
