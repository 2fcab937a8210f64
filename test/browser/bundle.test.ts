/**
 * The browser builds: survkit/metrics, survkit/estimators, survkit/plotting and
 * the browser entry of survkit/report bundle for platform 'browser' with a
 * plugin that fails on any Node built-in (web/build.ts `refuseNode`); a
 * module that does import Node is refused (the check is live).
 */
import { describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { BROWSER_ENTRIES, refuseNode } from '../../web/build.js';

async function bundle(entry: string): Promise<{ ok: boolean; errors: string[]; bytes: number }> {
  try {
    const r = await build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', write: false, plugins: [refuseNode], logLevel: 'silent' });
    return { ok: true, errors: [], bytes: r.outputFiles[0]?.contents.length ?? 0 };
  } catch (err) {
    return { ok: false, errors: ((err as { errors?: { text: string }[] }).errors ?? []).map((e) => e.text), bytes: 0 };
  }
}

describe('browser builds (no Node built-in in the import graph)', () => {
  it.each(Object.entries(BROWSER_ENTRIES))(
    '%s (%s) bundles for the browser',
    async (_name, entry) => {
      const r = await bundle(entry);
      expect(r.errors).toEqual([]);
      expect(r.bytes).toBeGreaterThan(10_000);
    },
    120_000,
  );

  it('a module that imports Node is refused, naming the import', async () => {
    const r = await bundle('src/io/csv.ts');
    expect(r.ok).toBe(false);
    expect(r.errors.join('\n')).toContain('Node built-in "node:fs"');
  }, 120_000);
});
