/**
 * The backend report behind `survkit info`.
 */
import * as tf from '@tensorflow/tfjs';
import { BACKENDS, currentBackend, describe, initBackend, type BackendInfo, type BackendName } from './select.js';

/**
 * The active backend and its versions and capabilities; initialises the
 * backend (see {@link initBackend}) if nothing has yet.
 *
 * @example
 * console.log(formatBackendInfo(await backendInfo()));
 */
export async function backendInfo(): Promise<BackendInfo> {
  const known = currentBackend();
  if (known === undefined) return initBackend();
  const active = tf.getBackend() as BackendName;
  if (active === known.backend || !BACKENDS.includes(active)) return known;
  return describe(active);
}

const DESCRIPTIONS: Record<BackendName, string> = {
  tensorflow: 'native TensorFlow (tfjs-node)',
  wasm: 'WebAssembly (XNNPACK)',
  cpu: 'pure JavaScript',
};

/**
 * A human-readable, multi-line summary of {@link BackendInfo} (no trailing
 * newline). Where `info.patches` is given, one line per installed patch
 * follows: its name, what it does to the stock kernel, and why.
 *
 * @example
 * formatBackendInfo({ backend: 'wasm', tfjsVersion: '4.22.0', wasmSimd: true, wasmThreads: false,
 *   tfjsNode: false, kernelsPatched: ['Conv2DBackpropFilter@wasm'] });
 * // backend         wasm — WebAssembly (XNNPACK), SIMD on, 1 thread
 * // tfjs            4.22.0
 * // tfjs-node       not installed (optional: npm install @tensorflow/tfjs-node)
 * // kernel patches  Conv2DBackpropFilter@wasm
 */
export function formatBackendInfo(info: BackendInfo): string {
  let detail = DESCRIPTIONS[info.backend];
  if (info.backend === 'wasm') {
    detail += `, SIMD ${info.wasmSimd ? 'on' : 'off'}, ${info.wasmThreads ? 'multi-threaded' : '1 thread'}`;
  }
  let tfjs = info.tfjsVersion;
  if (info.tfjsTested !== undefined && info.tfjsTestedRange !== undefined) {
    tfjs += info.tfjsTested ? ` (tested range ${info.tfjsTestedRange})` : ` (outside the tested range ${info.tfjsTestedRange}: stock kernels)`;
  }
  const details = info.patches ?? [];
  let patches = info.kernelsPatched.length === 0 ? 'none' : info.kernelsPatched.join(', ');
  if (details.length > 0) patches = `${details.length} installed (restoreStockKernels() undoes them)`;
  const rows: [string, string][] = [
    ['backend', `${info.backend} — ${detail}`],
    ['tfjs', tfjs],
    ['tfjs-node', info.tfjsNode ? 'loaded' : 'not installed (optional: npm install @tensorflow/tfjs-node)'],
    ['kernel patches', patches],
  ];
  const width = Math.max(0, ...details.map((p) => p.name.length));
  const lines = details.map((p) => `  ${p.name.padEnd(width)}  ${p.action}: ${p.why}`);
  return [...rows.map(([k, v]) => `${k.padEnd(16)}${v}`), ...lines].join('\n');
}
