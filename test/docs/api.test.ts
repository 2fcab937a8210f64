/**
 * The API reference builds from the doc comments without a warning: every
 * type a public signature mentions is exported, and every {@link} resolves
 * (typedoc.json treats warnings as errors; `npm run docs:api` writes the HTML).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

it('typedoc validates the public API (no warnings)', () => {
  let out = '';
  try {
    out = execFileSync(process.execPath, [join(root, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--emit', 'none'], { cwd: root, stdio: 'pipe', timeout: 120_000 }).toString();
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer; message: string };
    throw new Error(`typedoc failed:\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? e.message}`);
  }
  expect(out).not.toMatch(/warning|error/i);
}, 130_000);
