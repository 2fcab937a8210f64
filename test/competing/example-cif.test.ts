/** The committed competing-risks example is exactly what its generator writes. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeExampleCif } from '../../datasets/make-example-cif.js';

describe('datasets/example-cif.csv', () => {
  it('equals makeExampleCif()', () => {
    expect(readFileSync(join(import.meta.dirname, '..', '..', 'datasets', 'example-cif.csv'), 'utf8')).toBe(makeExampleCif());
  });
});
