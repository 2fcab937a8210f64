/** Helpers shared by the backbone tests: save/load round trip, trainable-parameter count, one Adam step. */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export { roundTripArtifacts as roundTrip } from '../helpers/layers.js';

/** Number of trainable scalars (what PyTorch's `sum(p.numel() for p in model.parameters())` counts). */
export function trainableCount(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((a, w) => a + (w.shape as number[]).reduce((x, y) => x * y, 1), 0);
}

/** torchvision's published parameter counts (see the fixture's provenance). */
export const torchvision = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/backbones/torchvision-param-counts.json', import.meta.url)), 'utf8')) as {
  fcParams: { resnet18: number; video: number };
  numParams: { resnet18: number; r3d_18: number; mc3_18: number; r2plus1d_18: number };
};

/**
 * Runs `steps` Adam steps of mean(output²) on `x` (training mode) and
 * returns the losses; disposes everything it makes.
 */
export function adamSteps(model: tf.LayersModel, x: tf.Tensor, steps: number): number[] {
  const optimizer = tf.train.adam(1e-2);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const loss = optimizer.minimize(() => tf.mean(tf.square(model.apply(x, { training: true }) as tf.Tensor)), true) as tf.Scalar;
    losses.push(loss.dataSync()[0] as number);
    loss.dispose();
  }
  optimizer.dispose();
  return losses;
}

/** Copies of all weights of `model`, as plain arrays. */
export function weightValues(model: tf.LayersModel): number[][] {
  return model.getWeights().map((w) => Array.from(w.dataSync()));
}

/**
 * Trains `net` on mean(output²) with Adam: one warm-up step (the optimiser's
 * variables), then `steps` more, and checks a finite decreasing loss, moved
 * weights and no leaked tensors. Disposes `x` and `net`.
 */
export function expectTrains(net: tf.LayersModel, x: tf.Tensor, steps: number): void {
  const w0 = weightValues(net);
  adamSteps(net, x, 1);
  const before = tf.memory().numTensors;
  const losses = adamSteps(net, x, steps);
  expect(tf.memory().numTensors).toBe(before);
  expect(losses.every(Number.isFinite)).toBe(true);
  expect(losses.at(-1)).toBeLessThan(losses[0] as number);
  expect(weightValues(net)).not.toEqual(w0);
  tf.dispose(x);
  net.dispose();
}
