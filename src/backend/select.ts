/**
 * Picking the TensorFlow.js backend survkit trains on.
 *
 * Order of preference: the native TensorFlow binding (`@tensorflow/tfjs-node`
 * or `-gpu`, an optional peer dependency, loaded by dynamic import only),
 * then WebAssembly (XNNPACK, SIMD; single-threaded under Node), then the
 * pure-JS cpu backend. survkit's kernel patches make conv training work and
 * run fast on wasm and cpu (see kernels/patch-table.ts). Nothing happens at
 * import: {@link initBackend} (or a model's first use, {@link ensureBackend})
 * loads the wasm backend, installs survkit's patches and chooses.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { survkitError } from '../core/errors.js';
import { installSurvkit } from './install.js';
import { installedPatches } from './kernels/registry.js';
import { tfjsCoreVersion, tfjsVersionTested, TESTED_TFJS_RANGE } from './version-guard.js';

/** A backend survkit can run on. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** The backends in order of preference. */
export const BACKENDS: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /** Use this backend (overrides the SURVKIT_BACKEND environment variable and the automatic choice). */
  backend?: BackendName;
}

/** What {@link initBackend} set up; printed by `survkit info`. */
export interface BackendInfo {
  /** The active backend. */
  backend: BackendName;
  /** Version of @tensorflow/tfjs. */
  tfjsVersion: string;
  /** Whether this runtime's WebAssembly has SIMD (used by the wasm backend). */
  wasmSimd: boolean;
  /** Whether the wasm backend may use threads (never under Node: TF.js cannot start its workers there). */
  wasmThreads: boolean;
  /** Whether the real @tensorflow/tfjs-node (or -gpu) is loaded. */
  tfjsNode: boolean;
  /** survkit's kernel patches in force, as `Kernel@backend` (and `grad:Conv2D`, `grad:FusedBatchNorm`). */
  kernelsPatched: string[];
  /** Each patch in force with what it does to the stock kernel and why (printed by `survkit info`). */
  patches?: { name: string; action: string; why: string }[];
  /** Whether the TF.js version is in the range survkit is tested with (outside it, no kernel patches). */
  tfjsTested?: boolean;
  /** That range. */
  tfjsTestedRange?: string;
}

const NODE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

let tfjsNodeLoaded: Promise<boolean> | undefined;
let wasmLoaded: Promise<boolean> | undefined;
let current: BackendInfo | undefined;

/**
 * Loads the real tfjs-node binding if it is installed. A package that
 * resolves under that name but calls itself something else (e.g. an npm
 * alias of plain @tensorflow/tfjs) does not count.
 */
function loadTfjsNode(): Promise<boolean> {
  tfjsNodeLoaded ??= (async () => {
    const require = createRequire(import.meta.url);
    for (const name of NODE_PACKAGES) {
      try {
        const manifest = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { name?: unknown };
        if (manifest.name !== name) continue;
        await import(name);
        if (tf.findBackendFactory('tensorflow') !== null) return true;
      } catch {
        // not installed, or its native binding failed to load: try the next one
      }
    }
    return false;
  })();
  return tfjsNodeLoaded;
}

/**
 * Loads @tensorflow/tfjs-backend-wasm (once), which registers the wasm
 * backend and its kernels with TF.js; survkit's wasm patches need them.
 */
function loadWasm(): Promise<boolean> {
  wasmLoaded ??= import('@tensorflow/tfjs-backend-wasm').then(
    () => true,
    () => false,
  );
  return wasmLoaded;
}

function requested(opts: InitBackendOptions): { name: BackendName; from: string } | undefined {
  if (opts.backend !== undefined) {
    if (!BACKENDS.includes(opts.backend)) {
      throw survkitError('optionRange', 'initBackend', 'backend', `one of ${BACKENDS.map((b) => `'${b}'`).join(', ')}`, opts.backend);
    }
    return { name: opts.backend, from: "the 'backend' option" };
  }
  const env = process.env.SURVKIT_BACKEND;
  if (env === undefined || env === '') return undefined;
  if (!BACKENDS.includes(env as BackendName)) {
    throw survkitError('envRange', 'initBackend', 'SURVKIT_BACKEND', `one of ${BACKENDS.join(', ')}`, env);
  }
  return { name: env as BackendName, from: 'SURVKIT_BACKEND' };
}

async function trySet(name: BackendName): Promise<boolean> {
  if (name === 'tensorflow' && !(await loadTfjsNode())) return false;
  if (name === 'wasm') {
    if (!(await loadWasm())) return false;
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  }
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

/**
 * Chooses and initialises the TensorFlow.js backend (once; later calls
 * return the same choice unless a different backend is asked for).
 *
 * Choice: `opts.backend`, else the `SURVKIT_BACKEND` environment variable
 * (`tensorflow`, `wasm` or `cpu`), else the fastest available of tfjs-node,
 * wasm and cpu. First it installs what survkit changes in TF.js (once): the
 * kernel patches, survkit's gamma kernels and layer classes (see install.ts);
 * importing survkit changes nothing in TF.js.
 *
 * @example
 * const info = await initBackend();           // e.g. { backend: 'wasm', wasmSimd: true, … }
 * await initBackend({ backend: 'cpu' });      // switch explicitly
 * @throws SurvkitError when the requested backend is unknown or cannot be
 *   loaded (e.g. 'tensorflow' without @tensorflow/tfjs-node installed).
 */
export function initBackend(opts: InitBackendOptions = {}): Promise<BackendInfo> {
  // Serialise calls: two overlapping initialisations must not race on tf.setBackend.
  const run = queue.then(() => init(opts));
  queue = run.catch(() => undefined);
  return run;
}

let queue: Promise<unknown> = Promise.resolve();

async function init(opts: InitBackendOptions): Promise<BackendInfo> {
  await loadWasm();
  installSurvkit('initBackend');
  const want = requested(opts);
  if (current !== undefined && (want === undefined || want.name === current.backend) && tf.getBackend() === current.backend) {
    return current;
  }
  let chosen: BackendName | undefined;
  if (want !== undefined) {
    if (!(await trySet(want.name))) {
      const reason =
        want.name === 'tensorflow'
          ? 'install @tensorflow/tfjs-node (or @tensorflow/tfjs-node-gpu) to use it'
          : 'TensorFlow.js could not initialise it in this runtime';
      throw survkitError('backendUnavailable', 'initBackend', want.from, want.name, reason);
    }
    chosen = want.name;
  } else {
    for (const name of BACKENDS) {
      if (await trySet(name)) {
        chosen = name;
        break;
      }
    }
    if (chosen === undefined) throw survkitError('backendUnavailable', 'initBackend', 'the automatic choice', 'cpu', 'no backend initialised');
  }
  await tf.ready();
  current = await describe(chosen);
  return current;
}

/** Describes `backend` as it is set up now (used by {@link initBackend} and `backendInfo`). */
export async function describe(backend: BackendName): Promise<BackendInfo> {
  const flag = async (name: string): Promise<boolean> => {
    try {
      return (await tf.env().getAsync(name)) === true;
    } catch {
      return false;
    }
  };
  return {
    backend,
    tfjsVersion: tf.version.tfjs,
    wasmSimd: await flag('WASM_HAS_SIMD_SUPPORT'),
    wasmThreads: await flag('WASM_HAS_MULTITHREAD_SUPPORT'),
    tfjsNode: (await loadTfjsNode()) && tf.findBackendFactory('tensorflow') !== null,
    kernelsPatched: installedPatches().map((p) => p.name),
    patches: installedPatches().map(({ name, action, why }) => ({ name, action, why })),
    tfjsTested: tfjsVersionTested(tfjsCoreVersion()),
    tfjsTestedRange: TESTED_TFJS_RANGE,
  };
}

/**
 * What {@link initBackend} chose, or undefined before the first call.
 * If the backend was switched afterwards by `tf.setBackend`, the
 * description is refreshed on the next {@link initBackend} call.
 *
 * @example
 * currentBackend()?.backend; // 'wasm' after `await initBackend()`
 */
export function currentBackend(): BackendInfo | undefined {
  return current;
}

/**
 * What survkit's models, explainers and uncertainty wrappers call before
 * running a network: the lazy form of {@link initBackend}, so that code
 * which never calls it behaves as when importing survkit chose the backend.
 * After an `initBackend` call it only installs what is missing (e.g. the
 * wasm patches once the wasm backend was loaded) and keeps the active backend.
 * Before any: where TF.js has no backend yet, or only its pure-JS default
 * (cpu), it makes the automatic choice of {@link initBackend} (SURVKIT_BACKEND,
 * else the fastest available); another backend the user set (wasm,
 * tensorflow, …) is kept. Idempotent and cheap after the first call.
 *
 * @example
 * await ensureBackend(); // then run the network
 */
export async function ensureBackend(): Promise<void> {
  if (current !== undefined) {
    installSurvkit('ensureBackend', true);
    return;
  }
  const active = (tf.engine() as unknown as { backendName?: string | null }).backendName;
  if (active === undefined || active === null || active === 'cpu') {
    await initBackend();
    return;
  }
  await loadWasm();
  installSurvkit('ensureBackend', true);
}
