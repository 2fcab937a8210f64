/**
 * Run by no-side-effects.test.ts in fresh Node processes (without the test
 * setup): loads @tensorflow/tfjs, snapshots TF.js's state (kernel and gradient
 * registry, registered backends, active backend, flags, serializable
 * classes), then, depending on the mode, imports every survkit entry point
 * and/or asks survkit to install itself, and reports what changed and the
 * exact bits of a few stock ops. Prints JSON.
 *
 * Modes: 'baseline' (survkit never imported), 'import' (every entry point
 * imported), 'init' (imported, then `initBackend({ backend: 'cpu' })`, then
 * `restoreStockKernels()`), 'lazy' (imported, then a CoxPH model fitted
 * without any setup), 'untested' (TF.js's version stubbed outside the
 * tested range, then initBackend, ensureBackend and a fit: one warning,
 * stock kernels).
 */
import * as tf from '@tensorflow/tfjs';

const mode = process.argv[2] ?? 'baseline';
const CHECKED_GRADIENTS = ['Conv2D', 'FusedBatchNorm', 'SurvkitLgamma', 'SurvkitPolygamma'];

interface Snapshot {
  kernels: Map<string, unknown>;
  gradients: Map<string, unknown>;
  backends: string[];
  flags: string;
  classes: string[];
}

function snapshot(): Snapshot {
  const engine = tf.engine() as unknown as { registryFactory: Record<string, unknown> };
  const kernels = new Map<string, unknown>();
  const names = new Set<string>();
  for (const backend of ['cpu', 'webgl', 'wasm', 'tensorflow']) {
    for (const k of tf.getKernelsForBackend(backend)) {
      kernels.set(`${k.kernelName}@${backend}`, k);
      names.add(k.kernelName);
    }
  }
  const gradients = new Map<string, unknown>();
  for (const n of [...names, ...CHECKED_GRADIENTS]) gradients.set(n, tf.getGradient(n));
  return {
    kernels,
    gradients,
    backends: Object.keys(engine.registryFactory).sort(),
    flags: JSON.stringify(tf.env().getFlags()),
    classes: Object.keys(tf.serialization.SerializationMap.getMap().classNameMap).sort(),
  };
}

/** What differs between two snapshots (object identity for kernels and gradients). */
function diff(a: Snapshot, b: Snapshot): string[] {
  const out: string[] = [];
  for (const [k, v] of a.kernels) if (b.kernels.get(k) !== v) out.push(`kernel ${k}`);
  for (const k of b.kernels.keys()) if (!a.kernels.has(k)) out.push(`kernel ${k} added`);
  for (const [k, v] of a.gradients) if (b.gradients.get(k) !== v) out.push(`gradient ${k}`);
  if (a.backends.join() !== b.backends.join()) out.push(`backends ${a.backends.join()} -> ${b.backends.join()}`);
  if (a.flags !== b.flags) out.push('flags');
  if (a.classes.join() !== b.classes.join()) out.push(`classes +${b.classes.filter((c) => !a.classes.includes(c)).join(',')}`);
  return out;
}

/** The bytes of a few stock ops (forward and gradients) as hex, on the active backend. */
function stockOps(): string {
  const bits = tf.tidy(() => {
    const x = tf.tensor4d(
      Array.from({ length: 2 * 5 * 5 * 3 }, (_, i) => Math.sin(i) * 1.5),
      [2, 5, 5, 3],
    );
    const w = tf.tensor4d(
      Array.from({ length: 3 * 3 * 3 * 4 }, (_, i) => Math.cos(i) / 3),
      [3, 3, 3, 4],
    );
    const f = (...args: tf.Tensor[]): tf.Scalar => {
      const [a, b] = args as [tf.Tensor4D, tf.Tensor4D];
      return tf.mean(tf.relu(tf.add(tf.mul(tf.conv2d(a, b, 1, 'same'), 1.25), tf.scalar(0.1))));
    };
    const [gx, gw] = tf.grads(f)([x, w]) as [tf.Tensor, tf.Tensor];
    const parts = [
      f(x, w),
      gx,
      gw,
      tf.sum(x, [1, 2]),
      tf.slice(x, [0, 1, 1, 0], [2, 3, 3, 3]),
      tf.pad(x, [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ]),
      tf.div(x, tf.add(w.sum(), 1)),
    ];
    return parts.map((t) => Buffer.from((t.dataSync() as Float32Array).buffer).toString('hex')).join('|');
  });
  return bits;
}

const before = snapshot();
const activeBefore = (tf.engine() as unknown as { backendName: string | null }).backendName ?? null;
const warnings: string[] = [];
process.on('warning', (w) => warnings.push(`${w.name}: ${w.message}`));

const result: Record<string, unknown> = { mode };
if (mode === 'untested') (tf.version as Record<string, string>)['tfjs-core'] = '4.23.0';
if (mode !== 'baseline') {
  const entries = ['../../src/index.js', '../../src/metrics/index.js', '../../src/estimators/index.js', '../../src/plotting/index.js'];
  for (const e of entries) await import(e);
  result.changedByImport = diff(before, snapshot());
  result.activeAfterImport = (tf.engine() as unknown as { backendName: string | null }).backendName ?? null;
}
if (mode === 'init') {
  const survkit = await import('../../src/index.js');
  const info = await survkit.initBackend({ backend: 'cpu' });
  result.patchesAfterInit = info.kernelsPatched.length;
  result.changedByInit = diff(before, snapshot()).length;
  survkit.restoreStockKernels();
  // After restoring, every kernel and gradient TF.js had is the very same object again.
  const after = snapshot();
  result.changedAfterRestore = diff(before, after).filter((d) => !d.includes('@wasm') && !d.startsWith('backends') && !d.startsWith('flags'));
}
if (mode === 'lazy') {
  const survkit = await import('../../src/index.js');
  const x = tf.tensor2d([0.1, 0.5, -0.3, 0.9, 0.2, -0.7, 0.4, 0.0], [8, 1]);
  const model = new survkit.CoxPH({ inputDim: 1, hidden: [4], seed: 1 });
  await model.fit(x, { time: [1, 2, 3, 4, 5, 6, 7, 8], event: [1, 0, 1, 1, 0, 1, 1, 0] }, { epochs: 1, batchSize: 8, seed: 1 });
  result.backendAfterFit = tf.getBackend();
  result.patchedAfterFit = survkit.installedPatches().length;
  result.changedByFit = diff(before, snapshot()).length;
}
if (mode === 'untested') {
  const survkit = await import('../../src/index.js');
  const info = await survkit.initBackend({ backend: 'cpu' });
  await survkit.initBackend({ backend: 'cpu' });
  await survkit.ensureBackend();
  const model = new survkit.CoxPH({ inputDim: 1, hidden: [4], batchNorm: true, seed: 1 });
  const history = await model.fit(
    tf.tensor2d([0.1, 0.5, -0.3, 0.9], [4, 1]),
    { time: [1, 2, 3, 4], event: [1, 0, 1, 1] },
    { epochs: 1, batchSize: 4, seed: 1 },
  );
  result.fitted = history.loss.length;
  result.kernelsPatched = info.kernelsPatched;
  result.tfjsTested = info.tfjsTested;
  result.info = survkit.formatBackendInfo(info);
  result.changedKernels = diff(before, snapshot())
    .filter((d) => d.startsWith('kernel') || d.startsWith('gradient'))
    .filter((d) => !/Survkit|@wasm added/.test(d));
}
await new Promise((resolve) => setTimeout(resolve, 0)); // process warnings are delivered on a later tick
result.activeBefore = activeBefore;
result.stockOps = mode === 'lazy' || mode === 'untested' ? null : stockOps();
result.backend = tf.getBackend();
result.warnings = warnings;
process.stdout.write(JSON.stringify(result));
