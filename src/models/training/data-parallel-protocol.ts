/**
 * What the main thread and the replicas of {@link DataParallelTrainer}
 * exchange (data-parallel-worker.ts), and the weight lists both sides must
 * agree on. No side effects: imported by both.
 */
import type * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../../backend/index.js';

/** Control word values (Int32Array of length 1 per worker). */
export const CTL = { wait: 0, go: 1, abort: 2 } as const;

/** First message: the replica's topology and the shared buffers. */
export interface InitMessage {
  cmd: 'init';
  topology: string;
  backend: BackendName;
  /** 'onnxruntime': the replica runs its shard's forward and backward passes through onnxruntime (one thread), not TF.js. */
  engine: 'tfjs' | 'onnxruntime';
  /** Replica index (seeds its dropout masks under onnxruntime). */
  replica: number;
  timeoutMs: number;
  /** survkit's batch-norm behaviours set on the network (set again on the replica: they are not part of the topology). */
  batchNorm: { frozen: boolean; fast: boolean };
  /** All weights (net.weights order), written by the main thread. */
  weights: SharedArrayBuffer;
  /** Trainable-weight gradients (net.trainableWeights order), written here. */
  grads: SharedArrayBuffer;
  /** Non-trainable weights after the step (batch-norm statistics), written here. */
  stats: SharedArrayBuffer;
  /** The loss gradient of this shard's outputs, written by the main thread. */
  dy: SharedArrayBuffer;
  ctl: SharedArrayBuffer;
}

/** One step on a shard of rows. */
export interface StepMessage {
  cmd: 'step';
  step: number;
  /** Version of the shared weights; loaded when it differs from the replica's. */
  version: number;
  /** Load every weight (not only those a step changes): set after the caller changed the network's weights. */
  full: boolean;
  /** A larger buffer for the loss gradient of the outputs (when the shard grew). */
  dy?: SharedArrayBuffer;
  x: { data: Float32Array; shape: number[] }[];
}

/** Replies to the main thread. */
export type WorkerReply =
  | { cmd: 'ready'; trainable: number[][]; all: number[][] }
  | { cmd: 'out'; step: number; data: Float32Array; shape: number[] }
  | { cmd: 'done'; step: number }
  | { cmd: 'error'; step: number; message: string };

/**
 * The weights that change in a step: the trainable ones and the non-trainable
 * ones of trainable layers (batch-norm moving statistics). The same list on
 * the main thread and in every replica (one topology).
 */
export function changingWeights(net: tf.LayersModel): Set<tf.LayerVariable> {
  return new Set([...net.trainableWeights, ...statWeights(net)]);
}

/** Non-trainable weights of trainable layers (batch-norm moving statistics), in a fixed order. */
export function statWeights(net: tf.LayersModel): tf.LayerVariable[] {
  return net.layers.filter((l) => l.trainable).flatMap((l) => l.nonTrainableWeights);
}
