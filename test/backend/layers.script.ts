/**
 * Run by layers.test.ts in a fresh Node process: imports only survkit's
 * models module (not the backbones that define ZeroPadding3D), loads the
 * saved video model given as argument and prints its risk predictions.
 */
import * as tf from '@tensorflow/tfjs';
import { SurvivalModel } from '../../src/models/index.js';

const [dir, n] = process.argv.slice(2) as [string, string];
const model = await SurvivalModel.load(dir);
const x = tf.randomNormal([Number(n), 4, 9, 8, 1], 0, 1, 'float32', 3);
const risk = await model.predictRisk(x);
process.stdout.write(JSON.stringify({ risk: Array.from(risk), backend: tf.getBackend() }));
