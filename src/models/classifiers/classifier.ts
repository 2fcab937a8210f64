import * as tf from '@tensorflow/tfjs';
import { assertNumberOption } from '../../core/assert.js';
import { survkitError } from '../../core/errors.js';
import { inferenceModeForFrozenBatchNorm } from '../../backbones/freeze.js';
import type { ClassPrediction } from '../../uncertainty/class-prediction.js';
import { classFitData, classLabels, classPlan, meanClassLoss, type ClassifierFitOptions, type ClassIndexInput, type ClassBatchLoss } from './class-training.js';
import { asInputs, disposeAll } from '../training/in-memory-data.js';
import { loopOptions, runFitLoop } from '../training/fit-loop.js';
import { forwardMemory, PREDICT_BATCH, type Outputs } from '../training/batched-forward.js';
import { buildNet, checkNetOptions, type NetOptions } from '../training/network-options.js';
import { loadModelDir, writeModelFiles } from '../save-load.js';
import { modelFamilies, modelFamilyLoader, registerModelFamily } from '../family-registry.js';
import type { History, JsonValue, ModelInput } from '../training/fit-types.js';
import { ensureBackend } from '../../backend/select.js';

/** How a classifier gets its network (see {@link NetOptions}) and its number of classes. */
export interface ClassifierOptions extends NetOptions {
  /** Number of classes K ≥ 2 (taken from the network's output width when `net` is given). */
  classes?: number;
}

/** Options of `predict`. */
export interface ClassifierPredictOptions {
  /** Rows per inference call (default 4096). */
  batchSize?: number;
}

/** Rebuilds a saved classifier from its network and state. */
export type ClassifierLoader = (net: tf.LayersModel, state: { [key: string]: JsonValue }) => Classifier;

/** The value of `f` as a promise; a throw becomes a rejection. */
function settle<T>(f: () => T): Promise<T> {
  try {
    return Promise.resolve(f());
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}

/** Registers a classifier family for {@link Classifier.load} (each family module does it when imported). */
export function registerClassifier(family: string, loader: ClassifierLoader): void {
  registerModelFamily('classifier', family, loader);
}

/**
 * The base of survkit's classifiers ({@link EvidentialClassifier},
 * {@link SoftmaxClassifier}): a TF.js network (backbone + head) trained by
 * the survival models' seeded loop (`runFitLoop`: shuffled batches, Adam,
 * validation loss, early stopping with the best weights restored, callbacks,
 * progress), predictions in float64 as a {@link ClassPrediction}, save/load.
 * Inputs are a tensor `[n, …]` or one tensor per network input; labels are n
 * class indices 0 … K−1.
 */
export abstract class Classifier {
  /** Family name stored in survkit.json. */
  abstract readonly family: string;
  /** Number of classes K. */
  readonly classes: number;
  /** Metadata stored with the model. */
  covariates: JsonValue | null;
  /** History of the last `fit`. */
  history: History | null = null;
  /** TF.js backend of the last `fit`. */
  trainingBackend: string | null = null;
  protected network: tf.LayersModel | undefined;

  protected constructor(fn: string, opts: ClassifierOptions, head: (classes: number) => tf.layers.Layer) {
    checkNetOptions(fn, opts);
    this.covariates = opts.covariates ?? null;
    if (opts.net !== undefined) {
      const out = opts.net.outputs;
      const width = out.length === 1 ? out[0]?.shape[out[0].shape.length - 1] : undefined;
      if (typeof width !== 'number' || (out[0]?.shape.length ?? 0) !== 2) {
        throw survkitError('classifierOutput', fn, 'net', out.length, out[0]?.shape);
      }
      if (opts.classes !== undefined && opts.classes !== width)
        throw survkitError('optionRange', fn, 'classes', `${width} (the width of the network's output)`, opts.classes);
      this.classes = assertNumberOption(fn, 'net', width, { min: 2, integer: true });
    } else {
      this.classes = assertNumberOption(fn, 'classes', opts.classes, { min: 2, integer: true });
    }
    const net = opts.net ?? buildNet(fn, { ...opts, attach: { name: 'classifier', ...opts.attach } }, () => head(this.classes), opts.seed);
    this.network = net;
    inferenceModeForFrozenBatchNorm(net);
  }

  /** The network (backbone + head). */
  get net(): tf.LayersModel {
    if (this.network === undefined) throw survkitError('notFitted', `${this.constructor.name}.net`, 'the network (it was disposed)');
    return this.network;
  }

  /** Number of data inputs of the network. */
  get inputCount(): number {
    return this.net.inputs.length;
  }

  /** Trains the network on class indices `y` (see each family for its options). */
  abstract fit(x: ModelInput, y: ClassIndexInput, opts?: ClassifierFitOptions): Promise<History>;
  /** The family's loss of one batch given the network's output; `epoch` undefined = validation. */
  protected abstract outputLoss(output: tf.Tensor, y: Int32Array, epoch: number | undefined): tf.Scalar;
  /** Class probabilities (n×K, float64) from the network's outputs. */
  abstract probsFromOutputs(values: Float64Array, n: number): Float64Array;
  /** The family's prediction from the network's outputs. */
  protected abstract predictionFromOutputs(values: Float64Array, n: number): ClassPrediction;
  /** Family state for survkit.json. */
  abstract stateJSON(): { [key: string]: JsonValue };

  /** The batch loss the loop minimises (network in training or inference mode). */
  protected batchLoss: ClassBatchLoss = (x, y, epoch, training) =>
    tf.tidy(() => this.outputLoss(this.net.apply(x.length === 1 ? (x[0] as tf.Tensor) : x, { training }) as tf.Tensor, y, epoch));

  /** Trains with the family's loss (used by the subclasses' `fit`). */
  protected async fitWith(fn: string, x: ModelInput, y: ClassIndexInput, opts: ClassifierFitOptions): Promise<History> {
    await ensureBackend();
    const { ctx, train, val, owned } = classFitData(fn, this.inputCount, this.classes, x, y, opts);
    try {
      const { validation: _v, ...rest } = opts;
      const loop = loopOptions(fn, rest, val !== undefined);
      const history = await runFitLoop(this.net, classPlan(train, val, ctx, this.batchLoss), loop);
      this.history = history;
      this.trainingBackend = tf.getBackend();
      return history;
    } finally {
      disposeAll(owned);
    }
  }

  /**
   * The loss on `(x, y)` in inference mode (no dropout, batch-norm moving
   * statistics), with the weight the model validates with: what the loop's
   * validation loss reports, for checks.
   *
   * @example
   * const value = await model.loss(x, y);
   */
  async loss(x: ModelInput, y: ClassIndexInput): Promise<number> {
    await ensureBackend();
    return settle(() => {
      const fn = `${this.constructor.name}.loss`;
      const xs = asInputs(fn, 'x', x, this.inputCount);
      const n = xs[0]?.shape[0] as number;
      const labels = classLabels(fn, 'y', y, n, this.classes);
      return meanClassLoss({ x: xs, y: labels, n }, PREDICT_BATCH, this.batchLoss);
    });
  }

  /**
   * The network's raw outputs in inference mode, n × K float64 (α for an
   * evidential model, logits for a softmax model).
   *
   * @example
   * const { values, n, width } = await model.predictOutputs(x);
   */
  async predictOutputs(x: ModelInput, opts: ClassifierPredictOptions = {}): Promise<Outputs> {
    await ensureBackend();
    return settle(() => {
      const fn = `${this.constructor.name}.predictOutputs`;
      const batch = assertNumberOption(fn, 'batchSize', opts.batchSize ?? PREDICT_BATCH, { min: 1, integer: true });
      return forwardMemory(this.net, asInputs(fn, 'x', x, this.inputCount), batch);
    });
  }

  /**
   * Class probabilities, an uncertainty score and the predicted class of each
   * case, in float64 (see {@link ClassPrediction} and each family).
   *
   * @example
   * const { probs, uncertainty, predictedClass } = await model.predict(xTest);
   */
  async predict(x: ModelInput, opts: ClassifierPredictOptions = {}): Promise<ClassPrediction> {
    const out = await this.predictOutputs(x, opts);
    return this.predictionFromOutputs(out.values, out.n);
  }

  /**
   * Saves to a directory: `model.json` + `weights.bin` (TF.js layers format)
   * and `survkit.json` (family, classes, family state, history). Loading
   * gives bit-identical predictions.
   *
   * @example
   * await model.save('out/edl');
   * const again = await Classifier.load('out/edl');
   */
  async save(dir: string): Promise<void> {
    await writeModelFiles(dir, this.net, {
      family: this.family,
      state: { classes: this.classes, ...this.stateJSON() },
      covariates: this.covariates,
      training: { backend: this.trainingBackend, tfjsVersion: tf.version.tfjs, history: this.history },
    });
  }

  /**
   * Loads a classifier written by {@link Classifier.save}, whatever its family.
   *
   * @throws {SurvkitError} when a file is missing, is not a survkit model, or the family is not a classifier
   */
  static async load(dir: string): Promise<Classifier> {
    await ensureBackend();
    return loadModelDir(
      'Classifier.load',
      dir,
      'classifier',
      (family) => modelFamilyLoader('classifier', family),
      () => modelFamilies('classifier'),
    );
  }

  /** Frees the network's weights. */
  dispose(): void {
    this.network?.dispose();
    this.network = undefined;
  }
}
