import type * as tf from '@tensorflow/tfjs';
import { attachHead, type AttachOptions } from '../../backbones/attach.js';
import { mlp } from '../../backbones/mlp.js';
import { survkitError } from '../../core/errors.js';
import type { ActivationName } from '../../ops/init.js';
import type { JsonValue } from './fit-types.js';

/**
 * How a model gets its network — exactly one of:
 * - `net`: a complete network whose output is the family's head output (advanced);
 * - `backbone` (+ `attach`): any `tf.LayersModel`; the family creates its head and calls `attachHead`;
 * - `inputDim` (+ `hidden`, `batchNorm`, `dropout`, `activation`): pycox's tabular MLP.
 */
export interface NetOptions {
  net?: tf.LayersModel;
  backbone?: tf.LayersModel;
  attach?: AttachOptions;
  /** Number of tabular input features (builds {@link mlp}). */
  inputDim?: number;
  /** Hidden widths of the tabular MLP (default [32, 32]). */
  hidden?: readonly number[];
  /** Batch norm in the tabular MLP (default true). */
  batchNorm?: boolean;
  /** Dropout in the tabular MLP (default 0.1). */
  dropout?: number;
  /** Activation of the tabular MLP (default 'relu'). */
  activation?: ActivationName;
  /** Seed of the weight initialisation (backbone MLP and head) and of dropout masks. */
  seed?: number;
  /** Metadata stored with the model (e.g. covariate means and standard deviations). */
  covariates?: JsonValue;
}

/** Throws unless exactly one way of getting the network is given. */
export function checkNetOptions(fn: string, o: NetOptions): void {
  const ways = [o.net !== undefined, o.backbone !== undefined, o.inputDim !== undefined].filter(Boolean).length;
  if (ways !== 1) throw survkitError('optionRange', fn, 'net', "exactly one of 'net', 'backbone' or 'inputDim'", `${ways} of them`);
}

/**
 * Builds backbone + head from {@link NetOptions}: for `inputDim`, pycox's
 * MLP; for `backbone`, `attachHead(backbone, head, attach)`. `mlpHidden`
 * overrides the MLP's hidden layers (Cox-Time puts them in its head).
 */
export function buildNet(fn: string, o: NetOptions, makeHead: () => tf.layers.Layer, seed: number | undefined, mlpHidden?: readonly number[]): tf.LayersModel {
  checkNetOptions(fn, o);
  // The head is made only when it is used: a given `net` brings its own.
  if (o.net) return o.net;
  if (o.backbone) return attachHead(o.backbone, makeHead(), o.attach ?? {});
  const backbone = mlp({
    inputDim: o.inputDim as number,
    hidden: mlpHidden ?? o.hidden ?? [32, 32],
    ...(o.batchNorm === undefined ? {} : { batchNorm: o.batchNorm }),
    ...(o.dropout === undefined ? {} : { dropout: o.dropout }),
    ...(o.activation === undefined ? {} : { activation: o.activation }),
    ...(seed === undefined ? {} : { seed }),
  });
  return attachHead(backbone, makeHead(), o.attach ?? {});
}
