/**
 * Importing survkit changes nothing in TF.js; `initBackend()` installs
 * survkit's kernel patches, gamma kernels and layer classes and chooses the
 * backend. Test files that load survkit's backend or backbone modules run
 * with that explicit setup, done here before the file (as the import used to
 * do it): `await initBackend()`. Files that never load them (metrics,
 * estimators, TF.js-only loss tests) keep stock TF.js, and the
 * no-side-effect tests (test/backend/no-side-effects.test.ts) check survkit
 * in child processes without this setup.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The modules whose loading used to install survkit's patches and choose the backend. */
const TRIGGERS = new Set(['src/backend/index.ts', 'src/backbones/resnet-options.ts']);

/** Whether the static import graph of `file` reaches one of {@link TRIGGERS}. */
function reaches(file: string, seen = new Set<string>()): boolean {
  if (seen.has(file)) return false;
  seen.add(file);
  if (TRIGGERS.has(relative(ROOT, file))) return true;
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/(?:import|export)[^'";]*?from\s+'(\.[^']+)'|import\s+'(\.[^']+)'/g)) {
    const target = resolve(dirname(file), (m[1] ?? m[2] ?? '').replace(/\.js$/, '.ts'));
    if (existsSync(target) && reaches(target, seen)) return true;
  }
  return false;
}

const testPath = expect.getState().testPath;
if (testPath !== undefined && reaches(testPath)) {
  const { initBackend } = await import('../src/backend/index.js');
  await initBackend();
}
