import { describe, expect, it } from 'vitest';
import { kaplanMeier } from '../../src/estimators/kaplan-meier.js';
import { nelsonAalen } from '../../src/estimators/nelson-aalen.js';
import { StepFunction } from '../../src/estimators/step-function.js';

// Regression: StepFunction froze `this` in its constructor, so subclasses (whose fields are
// defined after super() returns) threw "Cannot define property nRisk, object is not extensible".
describe('StepFunction subclasses are constructible and frozen', () => {
  it('kaplanMeier and nelsonAalen build, read and are immutable', () => {
    const km = kaplanMeier([1, 2, 2, 3], [1, 1, 0, 1]);
    expect(km.at(2)).toBe(0.5); // (1 − 1/4)(1 − 1/3)
    expect(Array.from(km.nRisk)).toEqual([4, 3, 1]);
    expect(Object.isFrozen(km)).toBe(true);
    const na = nelsonAalen([1, 2, 3], [1, 1, 0]);
    expect(na.at(2)).toBe(1 / 3 + 1 / 2);
    expect(Object.isFrozen(na)).toBe(true);
    expect(Object.isFrozen(new StepFunction([1], [0.5]))).toBe(true);
  });
});
