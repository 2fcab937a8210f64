/**
 * The TF.js versions survkit's kernel patches are tested with. The patches
 * reach into backend internals (tensor storage of the cpu and wasm
 * backends, stock kernel configs, tf.layers' batch-norm fields); outside the
 * tested range survkit says so once and leaves TF.js stock.
 */
import * as tf from '@tensorflow/tfjs';
import { messages } from '../core/messages.js';

/** The tested range, as in package.json (`~4.22.0`: 4.22.x). */
export const TESTED_TFJS_RANGE = '~4.22.0';
const TESTED = { major: 4, minor: 22 } as const;

/** The version of @tensorflow/tfjs-core in use. */
export function tfjsCoreVersion(): string {
  return tf.version['tfjs-core'];
}

/**
 * Whether `version` (x.y.z, optionally with a pre-release or build suffix)
 * lies in {@link TESTED_TFJS_RANGE}.
 *
 * @example
 * tfjsVersionTested('4.22.0'); // true
 * tfjsVersionTested('4.23.0'); // false
 */
export function tfjsVersionTested(version: string): boolean {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(version);
  if (m === null) return false;
  return Number(m[1]) === TESTED.major && Number(m[2]) === TESTED.minor && !/-/.test(version);
}

let warned = false;

/**
 * Checks the TF.js version in use; outside the tested range emits one
 * process warning (code `SURVKIT_TFJS_UNTESTED`) per process and returns false.
 */
export function checkTfjsVersion(fn: string): boolean {
  const version = tfjsCoreVersion();
  if (tfjsVersionTested(version)) return true;
  if (!warned) {
    warned = true;
    process.emitWarning(messages.tfjsVersionUntested(fn, version, TESTED_TFJS_RANGE), { type: 'SurvkitWarning', code: 'SURVKIT_TFJS_UNTESTED' });
  }
  return false;
}
