/** The suite itself: generous hook timeouts, no temporary directories left behind, and the README's note on running the bin. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../../vitest.config.js';

const root = join(import.meta.dirname, '..', '..');

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return testFiles(p);
    return f.endsWith('.test.ts') ? [p] : [];
  });
}

describe('test suite hygiene', () => {
  it('hooks get a timeout that holds on a loaded machine (beforeAll hooks train models)', () => {
    expect(config.test?.hookTimeout ?? 10_000).toBeGreaterThanOrEqual(120_000);
  });
  it('every test file that makes a temporary directory removes it (rmSync or the tempDir helper)', () => {
    const leaking = testFiles(join(root, 'test')).filter((f) => {
      const s = readFileSync(f, 'utf8');
      return /mkdtempSync\(/.test(s) && !/rmSync\(|rm\(/.test(s);
    });
    expect(leaking.map((f) => f.slice(root.length + 1))).toEqual([]);
  });
  it('the README says how to run the bin from a clone', () => {
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toMatch(/npx survkit[\s\S]*npm link/);
  });
});
