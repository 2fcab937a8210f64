/**
 * survkit's layer classes are registered from one explicit list, by
 * `registerSurvkitLayers()` (called by initBackend and the model loaders),
 * not at import: a saved video model (with ZeroPadding3D, which the loader's
 * side-effect imports used to miss) loads in a fresh process that imports
 * only survkit's models.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, registerSurvkitLayers, SURVKIT_LAYERS } from '../../src/backend/index.js';
import { attachHead, r3d } from '../../src/backbones/index.js';
import { CoxHead } from '../../src/heads/index.js';
import { CoxPH } from '../../src/models/index.js';

let dir = '';
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = await mkdtemp(join(tmpdir(), 'survkit-layers-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('registerSurvkitLayers', () => {
  it('registers every survkit layer class, idempotently', () => {
    const names = registerSurvkitLayers();
    expect(names).toEqual(SURVKIT_LAYERS.map((c) => c.className));
    expect(names).toContain('survkit>ZeroPadding3D');
    expect(names).toHaveLength(10); // … survkit>EvidentialRegressionHead and survkit>ChannelPadShortcut (resnet3d shortcut A)
    const map = tf.serialization.SerializationMap.getMap().classNameMap;
    const before = names.map((n) => map[n]?.[0]);
    expect(registerSurvkitLayers()).toEqual(names);
    expect(names.map((n) => map[n]?.[0])).toEqual(before);
    expect(before.every((c) => c !== undefined)).toBe(true);
  });

  it('a saved video model (ZeroPadding3D) loads in a fresh process that imports only the models: same predictions', async () => {
    const backbone = r3d({ inputShape: [4, 9, 8, 1], widths: [2, 4], stem: 'conv7', seed: 1 });
    expect(backbone.layers.some((l) => l.getClassName() === 'survkit>ZeroPadding3D')).toBe(true);
    const model = new CoxPH({ net: attachHead(backbone, new CoxHead({ seed: 2 }), { pool: 'avg' }) });
    await model.save(join(dir, 'video'));
    const x = tf.randomNormal([3, 4, 9, 8, 1], 0, 1, 'float32', 3);
    const want = Array.from(await model.predictRisk(x));
    tf.dispose(x);
    model.dispose();
    const script = fileURLToPath(new URL('./layers.script.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--import', 'tsx', script, join(dir, 'video'), '3'], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, SURVKIT_BACKEND: 'cpu' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const got = JSON.parse(out) as { risk: number[]; backend: string };
    expect(got.backend).toBe('cpu');
    expect(got.risk).toEqual(want);
  });
});
