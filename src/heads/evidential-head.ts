import * as tf from '@tensorflow/tfjs';
import { assertChoice, assertNumberOption } from '../core/assert.js';
import { LinearHead, type LinearHeadArgs } from './linear-head.js';

/** How logits become non-negative evidence (Sensoy et al. 2018 use ReLU; exp and softplus are the alternatives). */
export type EvidenceFunction = 'relu' | 'softplus' | 'exp';

/** The evidence functions, for validation. */
export const EVIDENCE_FUNCTIONS: readonly EvidenceFunction[] = ['relu', 'softplus', 'exp'];

/** Options of {@link EvidentialHead} / {@link evidentialHead}. */
export interface EvidentialHeadArgs extends LinearHeadArgs {
  /** Number of classes K (≥ 2). */
  classes: number;
  /** Evidence function (default 'relu', as the reference implementation). */
  evidence?: EvidenceFunction;
}

/** Limit of the logits before `exp` evidence: exp(clamp(z, −10, 10)), as the reference implementation does. */
export const EXP_EVIDENCE_CLAMP = 10;

/**
 * Dirichlet parameters from logits z: α = e(z) + 1 with evidence
 * e = relu(z), softplus(z) = log(1 + eᶻ), or exp(clamp(z, −10, 10)).
 * The clamp of 'exp' follows dougbrion/pytorch-classification-uncertainty's
 * `exp_evidence`: it caps the evidence at e¹⁰ ≈ 22026 per class and has zero
 * gradient outside [−10, 10].
 *
 * @param logits any shape, float32
 * @param evidence the evidence function
 * @returns α, same shape, every entry ≥ 1
 * @example
 * alphaFromLogits(tf.tensor2d([[-1, 2]]), 'relu'); // [[1, 3]]
 * @see Sensoy, Kaplan & Kandemir (2018), Evidential Deep Learning to Quantify Classification Uncertainty, NeurIPS
 */
export function alphaFromLogits(logits: tf.Tensor, evidence: EvidenceFunction): tf.Tensor {
  return tf.tidy(() => {
    switch (evidence) {
      case 'relu':
        return tf.add(tf.relu(logits), 1);
      case 'softplus':
        return tf.add(tf.softplus(logits), 1);
      case 'exp':
        return tf.add(tf.exp(tf.clipByValue(logits, -EXP_EVIDENCE_CLAMP, EXP_EVIDENCE_CLAMP)), 1);
    }
  });
}

/**
 * The evidential (Dirichlet) classification head of Sensoy et al. (2018): a
 * linear map from features to K logits z, then α = e(z) + 1 with the chosen
 * evidence function (see {@link alphaFromLogits}). The output is the
 * Dirichlet parameter vector α (every entry ≥ 1): S = Σ α_k is the Dirichlet
 * strength, α/S the expected class probabilities and u = K/S ∈ (0, 1] the
 * uncertainty mass.
 *
 * Input `[batch, d]` float32 (pool image features first; {@link attachHead}
 * does); output `[batch, K]` float32. Weights and bias start at PyTorch's
 * `nn.Linear` default U(−1/√d, 1/√d), seeded by `seed`. Serialisable:
 * registered as `'survkit>EvidentialHead'`.
 *
 * @example
 * const head = new EvidentialHead({ classes: 10, evidence: 'relu', seed: 1 });
 * const alpha = head.apply(tf.ones([4, 8])) as tf.Tensor; // [4, 10], ≥ 1
 * @throws {SurvkitError} for fewer than 2 classes, an unknown evidence function, a non-integer seed,
 *   or an input that is not `[batch, d]`
 * @see Sensoy, Kaplan & Kandemir (2018) NeurIPS, arXiv:1806.01768
 */
export class EvidentialHead extends LinearHead {
  static className = 'survkit>EvidentialHead';
  readonly classes: number;
  readonly evidence: EvidenceFunction;

  constructor(args: EvidentialHeadArgs) {
    super('EvidentialHead', 'evidential_head', args);
    this.classes = assertNumberOption('EvidentialHead', 'classes', args.classes, { min: 2, integer: true });
    this.evidence = assertChoice('EvidentialHead', 'evidence', args.evidence ?? 'relu', EVIDENCE_FUNCTIONS);
  }

  /** Number of Dirichlet parameters, the number of classes K. */
  get units(): number {
    return this.classes;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => alphaFromLogits(this.linear(inputs), this.evidence));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), classes: this.classes, evidence: this.evidence };
  }
}

/**
 * Factory for {@link EvidentialHead}: `evidentialHead({ classes, evidence, seed })`.
 *
 * @example
 * const net = attachHead(mlp({ inputDim: 2, hidden: [16] }), evidentialHead({ classes: 3, evidence: 'softplus', seed: 0 }));
 * @throws {SurvkitError} as the class constructor
 */
export function evidentialHead(args: EvidentialHeadArgs): EvidentialHead {
  return new EvidentialHead(args);
}
