import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

/** Every TypeScript file under `dir`, recursively. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Keys that no src file uses yet, each with the reason it stays. An entry that
 * becomes used must be removed from this list (the second test checks that).
 */
const UNUSED_ALLOWED: Readonly<Record<string, string>> = {
  notSorted: 'kept for code on other branches (sorted-input checks); remove it if nothing uses it after they are merged',
  unknownMetric: 'kept for code on other branches (metric names in reports); remove it if nothing uses it after they are merged',
};

describe('the message catalogue', () => {
  const files = sourceFiles(SRC).filter((f) => relative(SRC, f) !== join('core', 'messages.ts'));
  const text = files.map((f) => readFileSync(f, 'utf8')).join('\n');
  /** A key is used when a src file names it in quotes (`survkitError('key', …)`, a helper's code argument) or as `messages.key`. */
  const used = (key: string): boolean => new RegExp(`(['"\`])${key}\\1|messages\\.${key}\\b`).test(text);

  it('every key is used by some src file other than the catalogue', () => {
    const unused = Object.keys(messages).filter((k) => !used(k) && !(k in UNUSED_ALLOWED));
    expect(unused).toEqual([]);
  });

  it('the allow-list holds only keys that exist and are still unused', () => {
    for (const key of Object.keys(UNUSED_ALLOWED)) {
      expect(key in messages, key).toBe(true);
      expect(used(key), key).toBe(false);
    }
  });
});
