import * as tf from '@tensorflow/tfjs';
import { assertChoice } from '../../core/assert.js';
import { survkitError } from '../../core/errors.js';
import { EVIDENCE_FUNCTIONS, EvidentialHead, type EvidenceFunction } from '../../heads/evidential-head.js';
import { assertNumberOption } from '../../core/assert.js';
import { EVIDENTIAL_LOSS_KINDS, evidentialLoss, oneHotOf, type EvidentialLossKind } from '../../losses/evidential.js';
import { IEDL_FISHER_WEIGHT, iedlLoss, REDL_LAMBDA, redlLoss } from '../../losses/evidential-variants.js';
import { dirichletPrediction, type ClassPrediction } from '../../uncertainty/class-prediction.js';
import type { ClassifierFitOptions, ClassIndexInput } from './class-training.js';
import { Classifier, registerClassifier, type ClassifierOptions } from './classifier.js';
import { isKlSchedule, klAnnealing, klFixed, klScheduleFromJSON, type KlSchedule } from './kl-annealing.js';
import type { History, JsonValue, ModelInput } from '../training/fit-types.js';

/**
 * The training loss of an {@link EvidentialClassifier}: the data terms of Sensoy et al. ('mse', 'log', 'digamma'),
 * the Fisher-information loss of I-EDL ('iedl', {@link iedlLoss}) or the relaxed loss of R-EDL ('redl', {@link redlLoss}).
 */
export type EvidentialClassifierLoss = EvidentialLossKind | 'iedl' | 'redl';

/** The loss kinds of {@link EvidentialClassifier}, for validation. */
export const EVIDENTIAL_CLASSIFIER_LOSSES: readonly EvidentialClassifierLoss[] = [...EVIDENTIAL_LOSS_KINDS, 'iedl', 'redl'];

/** Options of {@link EvidentialClassifier}. */
export interface EvidentialClassifierOptions extends ClassifierOptions {
  /** Evidence function of the head (default 'relu'); ignored with `net` (its output must already be α ≥ 1). */
  evidence?: EvidenceFunction;
  /** Default loss kind of `fit` (default 'mse'). */
  kind?: EvidentialClassifierLoss;
  /** Fisher weight of the 'iedl' loss (default 0.005). */
  fisherWeight?: number;
  /** Prior weight λ of the 'redl' loss (default 0.1); predictions then read α′ = e + λ and u = Kλ/S′. */
  redlLambda?: number;
}

/** Options of {@link EvidentialClassifier.fit}. */
export interface EvidentialFitOptions extends ClassifierFitOptions {
  /** Loss (default: the constructor's `kind`, else 'mse'). */
  kind?: EvidentialClassifierLoss;
  /** Fisher weight of the 'iedl' loss (default: the constructor's, else 0.005). */
  fisherWeight?: number;
  /** Prior weight λ of the 'redl' loss (default: the constructor's, else 0.1). */
  redlLambda?: number;
  /** KL weight schedule: a {@link KlSchedule} or `{ steps, max? }` (default `klAnnealing({ steps: 10 })`, the reference's). */
  klAnnealing?: KlSchedule | { steps: number; max?: number };
  /** A fixed KL weight instead of annealing (e.g. 0.1 for many classes). Not together with `klAnnealing`. */
  klWeight?: number;
}

/**
 * Evidential deep learning for classification (Sensoy, Kaplan & Kandemir
 * 2018) on any backbone: an {@link EvidentialHead} outputs Dirichlet
 * parameters α = evidence + 1, trained with {@link evidentialLoss} (data term
 * 'mse' | 'log' | 'digamma' plus λ_t·KL on the misleading evidence, λ_t from
 * the KL schedule of the 0-based epoch t). `predict` gives, in float64,
 * probs = α/S, `alpha`, uncertainty u = K/S ∈ (0, 1] (S = Σ α), the entropy
 * of probs and the predicted class.
 *
 * Training runs the survival models' seeded loop (Adam, shuffled batches,
 * early stopping on the validation loss with the best weights restored). The
 * training loss of epoch t uses λ_t; the validation loss uses the schedule's
 * final weight (`final`: 1 for the default annealing) so that epochs compare.
 *
 * What u can and cannot see: the KL term removes evidence for the wrong
 * classes where there is training data, so inputs between or away from the
 * classes inside the data's range get high u. Far outside it a ReLU (or
 * tanh) backbone extrapolates linearly and the evidence of some class keeps
 * growing, so u can fall below its in-distribution values (checked on 2-D
 * blobs with centres at radius 4: points at radius 12–20 got lower u than the
 * test points (OOD AUROC 0.2–0.37 by u, 0.24 for the softmax baseline); Hein, Andriushchenko &
 * Bitterwolf 2019, CVPR). Use an OOD check that suits the input space.
 *
 * @example
 * const model = new EvidentialClassifier({ inputDim: 2, hidden: [32, 32], classes: 3, evidence: 'relu', seed: 1 });
 * await model.fit(x, y, { epochs: 50, batchSize: 64, learningRate: 1e-3, klAnnealing: { steps: 10 }, kind: 'mse' });
 * const { probs, uncertainty } = await model.predict(xTest);
 * @throws {SurvkitError} on contradictory network options, fewer than 2 classes, an unknown evidence function or kind
 * @see Sensoy et al. (2018) NeurIPS, arXiv:1806.01768; dougbrion/pytorch-classification-uncertainty
 */
export class EvidentialClassifier extends Classifier {
  readonly family = 'evidential-classifier';
  /** Evidence function of the head (null for a user network without an EvidentialHead last). */
  readonly evidence: EvidenceFunction | null;
  /** Loss kind used by the last `fit` (or the default for the next). */
  kind: EvidentialClassifierLoss;
  /** Fisher weight of the 'iedl' loss. */
  fisherWeight: number;
  /** Prior weight λ of the 'redl' loss (used by `predict` after an R-EDL fit). */
  redlLambda: number;
  /** KL schedule of the last `fit`. */
  schedule: KlSchedule = klAnnealing({ steps: 10 });

  constructor(opts: EvidentialClassifierOptions) {
    const fn = 'EvidentialClassifier';
    const evidence = assertChoice(fn, 'evidence', opts.evidence ?? 'relu', EVIDENCE_FUNCTIONS);
    super(fn, opts, (classes) => new EvidentialHead({ classes, evidence, seed: opts.seed ?? null }));
    this.kind = assertChoice(fn, 'kind', opts.kind ?? 'mse', EVIDENTIAL_CLASSIFIER_LOSSES);
    this.fisherWeight = assertNumberOption(fn, 'fisherWeight', opts.fisherWeight ?? IEDL_FISHER_WEIGHT, { min: 0, max: 1e6 });
    this.redlLambda = assertNumberOption(fn, 'redlLambda', opts.redlLambda ?? REDL_LAMBDA, { min: 0, minExclusive: true, max: 1e6 });
    const last = this.net.layers[this.net.layers.length - 1];
    this.evidence = last instanceof EvidentialHead ? last.evidence : opts.net ? null : evidence;
  }

  /**
   * Trains on class indices `y` (0 … K−1). See {@link EvidentialFitOptions}.
   *
   * @example
   * await model.fit(x, y, { epochs: 30, validation: 0.2, earlyStopping: { patience: 5 }, klWeight: 0.1, seed: 2 });
   * @throws {SurvkitError} on inputs that do not match the network, bad labels, or invalid options
   *   (e.g. both `klAnnealing` and `klWeight`)
   */
  async fit(x: ModelInput, y: ClassIndexInput, opts: EvidentialFitOptions = {}): Promise<History> {
    const fn = 'EvidentialClassifier.fit';
    const { kind, klAnnealing: anneal, klWeight, fisherWeight, redlLambda, ...rest } = opts;
    if (anneal !== undefined && klWeight !== undefined) {
      throw survkitError('optionRange', fn, 'klWeight', "left out when 'klAnnealing' is given (choose one KL schedule)", klWeight);
    }
    this.kind = assertChoice(fn, 'kind', kind ?? this.kind, EVIDENTIAL_CLASSIFIER_LOSSES);
    if (fisherWeight !== undefined) this.fisherWeight = assertNumberOption(fn, 'fisherWeight', fisherWeight, { min: 0, max: 1e6 });
    if (redlLambda !== undefined) this.redlLambda = assertNumberOption(fn, 'redlLambda', redlLambda, { min: 0, minExclusive: true, max: 1e6 });
    if (klWeight !== undefined) this.schedule = klFixed(klWeight);
    else if (anneal === undefined) this.schedule = klAnnealing({ steps: 10 });
    else this.schedule = isKlSchedule(anneal) ? anneal : klAnnealing(anneal);
    return await this.fitWith(fn, x, y, rest);
  }

  protected outputLoss(alpha: tf.Tensor, y: Int32Array, epoch: number | undefined): tf.Scalar {
    const n = alpha.shape[0];
    const klWeight = epoch === undefined ? this.schedule.final : this.schedule.weight(epoch);
    return tf.tidy(() => {
      const target = tf.tensor2d(oneHotOf('EvidentialClassifier.fit', y, n, this.classes, 'y'), [n, this.classes]);
      if (this.kind === 'iedl') return iedlLoss(target, alpha, { klWeight, fisherWeight: this.fisherWeight }) as tf.Scalar;
      if (this.kind === 'redl') return redlLoss(target, alpha, { klWeight, lambda: this.redlLambda }) as tf.Scalar;
      return evidentialLoss(target, alpha, { kind: this.kind, klWeight }) as tf.Scalar;
    });
  }

  /** α/S row by row (α′ = α − 1 + λ after an R-EDL fit). */
  probsFromOutputs(values: Float64Array, n: number): Float64Array {
    return this.predictionFromOutputs(values, n).probs;
  }

  /**
   * Dirichlet reading of the head's α. After an R-EDL fit ('redl'), the relaxed prior weight λ replaces 1:
   * α′ = e + λ, probabilities α′/S′ and u = Kλ/S′ (Chen et al. 2024), so that u stays in (0, 1].
   */
  protected predictionFromOutputs(values: Float64Array, n: number): ClassPrediction {
    if (this.kind !== 'redl') return dirichletPrediction(values, n, this.classes);
    const lambda = this.redlLambda;
    const shifted = Float64Array.from(values, (a) => a - 1 + lambda);
    const p = dirichletPrediction(shifted, n, this.classes);
    return { ...p, uncertainty: p.uncertainty.map((u) => u * lambda) };
  }

  stateJSON(): { [key: string]: JsonValue } {
    const state: { [key: string]: JsonValue } = { evidence: this.evidence, kind: this.kind, klSchedule: this.schedule.toJSON() };
    if (this.kind === 'iedl') state.fisherWeight = this.fisherWeight;
    if (this.kind === 'redl') state.redlLambda = this.redlLambda;
    return state;
  }

  /** Rebuilds a saved model (see `Classifier.load`). */
  static fromState(net: tf.LayersModel, state: { [key: string]: JsonValue }): EvidentialClassifier {
    const m = new EvidentialClassifier({
      net,
      kind: state.kind as EvidentialClassifierLoss,
      ...(typeof state.fisherWeight === 'number' ? { fisherWeight: state.fisherWeight } : {}),
      ...(typeof state.redlLambda === 'number' ? { redlLambda: state.redlLambda } : {}),
    });
    m.schedule = klScheduleFromJSON('EvidentialClassifier.load', state.klSchedule);
    return m;
  }

  /**
   * Loads an evidential classifier saved with `save`.
   *
   * @throws {SurvkitError} when the directory does not hold an evidential classifier
   */
  static override async load(dir: string): Promise<EvidentialClassifier> {
    const m = await Classifier.load(dir);
    if (!(m instanceof EvidentialClassifier)) {
      m.dispose();
      throw survkitError('modelDir', 'EvidentialClassifier.load', dir, `it holds a ${m.family}, not an evidential-classifier`);
    }
    return m;
  }
}
registerClassifier('evidential-classifier', (net, state) => EvidentialClassifier.fromState(net, state));
