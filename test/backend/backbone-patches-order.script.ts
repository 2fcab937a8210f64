/**
 * Run by backbone-patches-order.test.ts in a fresh Node process: imports
 * survkit's backbones (which register the kernel patches) before the wasm
 * backend starts, then runs both paths of the wrapped wasm Sum and the stock
 * 3D kernels after restoring them. Prints the results as JSON.
 */
import * as tf from '@tensorflow/tfjs';
import '../../src/backbones/index.js';
import { unregisterBackbonePatches, registerBackbonePatches } from '../../src/backend/kernels/backbone-patches.js';
import { initBackend } from '../../src/backend/index.js';

await initBackend({ backend: 'wasm' });
const x = tf.ones([2, 3, 4, 5, 6]);
const patched = Array.from(tf.sum(x, [0, 1, 2, 3]).dataSync());
const stockPath = Array.from(tf.sum(x, [3, 4]).dataSync()).slice(0, 2);
unregisterBackbonePatches();
const conv = tf
  .conv3d(tf.ones<tf.Rank.R5>([1, 3, 3, 3, 1]), tf.ones<tf.Rank.R5>([1, 1, 1, 1, 1]), 1, 'valid')
  .sum()
  .dataSync()[0];
registerBackbonePatches();
process.stdout.write(JSON.stringify({ patched, stockPath, conv }));
