/** Test helper: asserting survkit's coded errors. */
import { expect } from 'vitest';
import { SurvkitError } from '../../src/core/errors.js';

/** Asserts that `f` throws a SurvkitError with `code` (and exactly `message`, when given). */
export function throwsCode(f: () => unknown, code: string, message?: string): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SurvkitError);
    expect((e as SurvkitError).code).toBe(code);
    if (message !== undefined) expect((e as SurvkitError).message).toBe(message);
    return;
  }
  throw new Error(`expected a SurvkitError ${code}`);
}

/** The SurvkitError `f` throws (any other outcome fails the test). */
export function errorOf(f: () => unknown): SurvkitError {
  try {
    f();
  } catch (err) {
    if (err instanceof SurvkitError) return err;
    throw err;
  }
  throw new Error('expected a SurvkitError');
}
