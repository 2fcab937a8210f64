import type * as tf from '@tensorflow/tfjs';
import type { LabelsInput } from '../../data/labels.js';

/** The features of n subjects: one tensor `[n, …]`, or one per model input (multi-input models). */
export type ModelInput = tf.Tensor | tf.Tensor[];

/** One batch from a {@link BatchSource}. */
export interface SourceBatch {
  /** Features of the batch's b subjects, shaped like {@link ModelInput} with b rows. */
  x: ModelInput;
  /** Observed times of the b subjects (needed to train and to compute baselines; ignored by predictions). */
  time?: ArrayLike<number>;
  /** Event codes (0 = censored, k ≥ 1 = cause k) of the b subjects. */
  event?: ArrayLike<number>;
}

/**
 * Data that does not fit in memory: `batches()` returns a fresh async
 * iterable over the whole data set each time it is called (once per epoch,
 * once per prediction pass). Every yielded tensor becomes survkit's: it is
 * disposed as soon as the batch has been used. Shuffle inside the generator if
 * you want shuffled epochs (survkit cannot). Cox-CC / Cox-Time then draw the
 * controls of each case from the same batch.
 *
 * @example
 * const source: BatchSource = {
 *   async *batches() {
 *     for (const file of files) {
 *       const { images, time, event } = await readShard(file);
 *       yield { x: tf.tensor4d(images, [time.length, 64, 64, 1]), time, event };
 *     }
 *   },
 * };
 */
export interface BatchSource {
  batches(): AsyncIterable<SourceBatch>;
}

/** Validation data for {@link FitOptions.validation}: arrays/tensors with labels, a source, or a fraction of the training rows. */
export type ValidationData = { x: ModelInput; labels: LabelsInput } | BatchSource | number;

/** Early stopping on the validation loss (torchtuples' `EarlyStopping`). */
export interface EarlyStoppingOptions {
  /** Epochs without an improvement before stopping (default 10). */
  patience?: number;
  /** An improvement must lower the best validation loss by more than this (default 0). */
  minDelta?: number;
  /** Put back the weights of the best epoch when training ends (default true). */
  restoreBest?: boolean;
}

/** What {@link FitCallbacks.onEpochEnd} receives. */
export interface EpochLogs {
  /** Mean training loss over the epoch's batches. */
  loss: number;
  /** Validation loss (NaN without validation data). */
  valLoss: number;
  /** Wall time of the epoch including validation, in ms. */
  ms: number;
}

/** Training hooks. Returning `true` from `onEpochEnd` (or its promise) stops training after that epoch. */
export interface FitCallbacks {
  onTrainBegin?: () => void | Promise<void>;
  onEpochEnd?: (epoch: number, logs: EpochLogs) => void | boolean | Promise<void | boolean>;
  onBatchEnd?: (batch: number, logs: { loss: number; size: number }) => void | Promise<void>;
  onTrainEnd?: (history: History) => void | Promise<void>;
}

/** Options of `SurvivalModel.fit`. */
export interface FitOptions {
  /** Maximum number of epochs (default 100). */
  epochs?: number;
  /** Rows per batch (default 256). */
  batchSize?: number;
  /** Validation data, or a fraction in (0, 1) of the (in-memory) training rows held out at random. */
  validation?: ValidationData;
  /** Early stopping on the validation loss; `true` for the defaults. Needs `validation`. */
  earlyStopping?: boolean | EarlyStoppingOptions;
  callbacks?: FitCallbacks | FitCallbacks[];
  /** Seed of the shuffling, the validation split and the case-control sampling (default 0). */
  seed?: number;
  /** 'auto' (default): a progress bar on a TTY, quiet otherwise; true: also one line per epoch when not a TTY; false: quiet. */
  verbose?: boolean | 'auto';
  /** Learning rate of the built-in optimisers (default 0.001). */
  learningRate?: number;
  /** 'adam' (default; β = 0.9, 0.999, ε = 1e-8 as PyTorch), 'sgd', 'rmsprop', or your own `tf.Optimizer` (not disposed by survkit). */
  optimizer?: 'adam' | 'sgd' | 'rmsprop' | tf.Optimizer;
  /** Rows per validation batch (default: `batchSize`, as pycox's notebooks). */
  validationBatchSize?: number;
  /**
   * Worker threads for data-parallel training (default 1: the calling thread). With k > 1 each batch is split across k
   * replicas of the network, each on its own TF.js backend, and one update is applied (see `DataParallelTrainer`; batch
   * norm normalises per shard). For the families that run the network once per batch (CoxPH, DeepHit, logistic hazard,
   * PMF, MTLR, PC-hazard, BCE, AFT); measured gains in docs/backbones.md.
   */
  workers?: number;
  /** Longest wait for a training worker's answer, ms (default 600 000); past it `fit` fails naming the step. */
  workerTimeoutMs?: number;
  /**
   * 'auto' (default): networks that are pycox's dense stacks (survkit's tabular MLP with a Cox, discrete-time or
   * Cox-Time head, all layers trainable) trained with the built-in Adam run on survkit's host dense engine — the same
   * arithmetic without TF.js's per-op overhead; the weights end in the tf.layers model as usual. 'tfjs': always TF.js.
   * 'onnxruntime': each step's forward and backward passes compiled to ONNX graphs and run by onnxruntime's native CPU
   * kernels on `threads` cores (the optional package onnxruntime-node; see `OnnxTrainer`); the loss, the optimiser and
   * the validation loss stay with TF.js. For the families that run the network once per batch (as `workers`).
   */
  engine?: 'auto' | 'tfjs' | 'onnxruntime';
  /** Threads of onnxruntime's kernels with engine 'onnxruntime' (an integer ≥ 1; default: the machine's cores). Only with that engine. */
  threads?: number;
}

/** What `fit` returns. */
export interface History {
  /** Mean training loss per epoch. */
  loss: number[];
  /** Validation loss per epoch (empty without validation). */
  valLoss: number[];
  /** 0-based epoch with the lowest validation loss (the last epoch without validation). */
  bestEpoch: number;
  /** Number of epochs run. */
  epochs: number;
  /** Median wall time of an epoch (training and validation), ms. */
  msPerEpoch: number;
  /** Wall time of each epoch, ms. */
  epochMs: number[];
  /** CPU time of the process during each epoch (user + system, all its threads), ms: less sensitive than wall time to other jobs on the machine. */
  epochCpuMs?: number[];
  /** Which engine trained: 'dense' (survkit's host dense engine), 'tfjs', or 'onnxruntime' (native steps, `OnnxTrainer`). */
  engine?: 'dense' | 'tfjs' | 'onnxruntime';
  /** Whether early stopping ended training before `epochs`. */
  stoppedEarly: boolean;
  /** Wall time of what the family computes after training (e.g. the Breslow / Cox-Time baseline hazards), ms; absent where nothing is. */
  finishMs?: number;
  /** CPU time of the process (user + system, all its threads) during that step, ms; present with `finishMs`. */
  finishCpuMs?: number;
}

/** JSON-serialisable values (for metadata stored with a model). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
