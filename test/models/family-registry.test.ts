import { describe, expect, it } from 'vitest';
import { modelFamilies, modelFamilyLoader, registerModelFamily } from '../../src/models/family-registry.js';
import '../../src/models/index.js';

describe('the one registry of saved-model families', () => {
  it('holds the survival and classifier families, each found only under its own kind', () => {
    expect(modelFamilies('survival')).toEqual(expect.arrayContaining(['coxph', 'coxcc', 'coxtime', 'deephit', 'logistichazard']));
    expect(modelFamilies('classifier')).toEqual(expect.arrayContaining(['evidential-classifier', 'softmax-classifier']));
    expect(modelFamilies('survival')).not.toContain('softmax-classifier');
    expect(modelFamilyLoader('survival', 'coxph')).toBeTypeOf('function');
    expect(modelFamilyLoader('classifier', 'coxph')).toBeUndefined();
    expect(modelFamilyLoader('survival', 'softmax-classifier')).toBeUndefined();
    expect(modelFamilyLoader('survival', 'no-such-family')).toBeUndefined();
  });

  it('a new family registers once and is listed under its kind', () => {
    const loader = (): never => {
      throw new Error('not called');
    };
    registerModelFamily('classifier', 'test-family-registry', loader);
    expect(modelFamilyLoader('classifier', 'test-family-registry')).toBe(loader);
    expect(modelFamilies('classifier')).toContain('test-family-registry');
    expect(modelFamilies('survival')).not.toContain('test-family-registry');
  });
});
