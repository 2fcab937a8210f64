import * as tf from '@tensorflow/tfjs';
import { survkitError } from '../../core/errors.js';
import { LogitsHead } from '../../heads/logits-head.js';
import { oneHotOf } from '../../losses/evidential.js';
import { predictionFromProbs, softmaxRows, type ClassPrediction } from '../../uncertainty/class-prediction.js';
import type { ClassifierFitOptions, ClassIndexInput } from './class-training.js';
import { Classifier, registerClassifier, type ClassifierOptions, type ClassifierPredictOptions } from './classifier.js';
import type { Outputs } from '../training/batched-forward.js';
import type { History, JsonValue, ModelInput } from '../training/fit-types.js';

/** Options of {@link SoftmaxClassifier}. */
export type SoftmaxClassifierOptions = ClassifierOptions;

/**
 * The standard softmax classifier, the baseline of the evidential model on
 * the same backbone: a {@link LogitsHead} (K logits), trained with the mean
 * softmax cross-entropy −log softmax(z)_y. `predict` gives, in float64,
 * probs = softmax(z), uncertainty = 1 − max_k p_k (the maximum-softmax-
 * probability baseline of Hendrycks & Gimpel 2017), entropy and the
 * predicted class; `predictLogits` the raw logits (for temperature scaling).
 *
 * @example
 * const model = new SoftmaxClassifier({ inputDim: 2, hidden: [32, 32], classes: 3, seed: 1 });
 * await model.fit(x, y, { epochs: 50, batchSize: 64 });
 * const { probs, uncertainty } = await model.predict(xTest);
 * @throws {SurvkitError} on contradictory network options or fewer than 2 classes
 * @see Hendrycks & Gimpel (2017), A Baseline for Detecting Misclassified and Out-of-Distribution Examples, ICLR
 */
export class SoftmaxClassifier extends Classifier {
  readonly family = 'softmax-classifier';

  constructor(opts: SoftmaxClassifierOptions) {
    super('SoftmaxClassifier', opts, (classes) => new LogitsHead({ classes, seed: opts.seed ?? null }));
  }

  /**
   * Trains on class indices `y` (0 … K−1) with the cross-entropy loss.
   *
   * @example
   * await model.fit(x, y, { epochs: 30, validation: 0.2, earlyStopping: true, seed: 2 });
   * @throws {SurvkitError} on inputs that do not match the network, bad labels, or invalid options
   */
  async fit(x: ModelInput, y: ClassIndexInput, opts: ClassifierFitOptions = {}): Promise<History> {
    return await this.fitWith('SoftmaxClassifier.fit', x, y, opts);
  }

  protected outputLoss(logits: tf.Tensor, y: Int32Array): tf.Scalar {
    const n = logits.shape[0];
    const target = tf.tensor2d(oneHotOf('SoftmaxClassifier.fit', y, n, this.classes, 'y'), [n, this.classes]);
    return tf.neg(tf.mean<tf.Scalar>(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1)));
  }

  /**
   * The logits, n × K float64, in inference mode.
   *
   * @example
   * const { values, n } = await model.predictLogits(xVal);
   */
  predictLogits(x: ModelInput, opts: ClassifierPredictOptions = {}): Promise<Outputs> {
    return this.predictOutputs(x, opts);
  }

  /** softmax row by row (float64). */
  probsFromOutputs(values: Float64Array, n: number): Float64Array {
    return softmaxRows(values, n, this.classes);
  }

  protected predictionFromOutputs(values: Float64Array, n: number): ClassPrediction {
    return predictionFromProbs(softmaxRows(values, n, this.classes), n, this.classes);
  }

  stateJSON(): { [key: string]: JsonValue } {
    return {};
  }

  /**
   * Loads a softmax classifier saved with `save`.
   *
   * @throws {SurvkitError} when the directory does not hold a softmax classifier
   */
  static override async load(dir: string): Promise<SoftmaxClassifier> {
    const m = await Classifier.load(dir);
    if (!(m instanceof SoftmaxClassifier)) {
      m.dispose();
      throw survkitError('modelDir', 'SoftmaxClassifier.load', dir, `it holds a ${m.family}, not a softmax-classifier`);
    }
    return m;
  }
}
registerClassifier('softmax-classifier', (net) => new SoftmaxClassifier({ net }));
