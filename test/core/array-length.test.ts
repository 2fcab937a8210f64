/** Array-likes with an impossible length give a typed error, never a raw RangeError. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SurvkitError } from '../../src/core/errors.js';
import { messages } from '../../src/core/messages.js';
import { MAX_INPUT_LENGTH, toFloat64 } from '../../src/core/assert.js';
import { survivalLabels } from '../../src/data/labels.js';
import { kaplanMeier } from '../../src/estimators/kaplan-meier.js';
import { breslowBaseline } from '../../src/estimators/breslow.js';
import { pmfFromLogits } from '../../src/estimators/discrete-time.js';
import { concordanceIndex, expectedCalibrationError, oodAuroc, reliabilityDiagram, riskCoverageCurve } from '../../src/metrics/index.js';

const good = [1, 2, 3];
/** The public functions of the report, with the bad array-like in each array position in turn. */
const calls: [string, (bad: unknown) => unknown][] = [
  ['concordanceIndex', (b) => concordanceIndex(b, [1, 0, 1], good)],
  ['concordanceIndex', (b) => concordanceIndex(good, b, good)],
  ['concordanceIndex', (b) => concordanceIndex(good, [1, 0, 1], b)],
  ['survivalLabels', (b) => survivalLabels(b, [1, 0, 1])],
  ['survivalLabels', (b) => survivalLabels(good, b)],
  ['kaplanMeier', (b) => kaplanMeier(b, [1, 0, 1])],
  ['breslowBaseline', (b) => breslowBaseline(b as number[], { time: good, event: [1, 0, 1] })],
  ['pmfFromLogits', (b) => pmfFromLogits(b as number[], 3)],
  ['oodAuroc', (b) => oodAuroc(b as number[], good)],
  ['riskCoverageCurve', (b) => riskCoverageCurve(b as number[], { correct: [true, false, true] })],
  ['expectedCalibrationError', (b) => expectedCalibrationError(b as number[][], [0, 1, 0])],
  ['expectedCalibrationError', (b) => expectedCalibrationError([[0.5, 0.5]], b as number[])],
  ['reliabilityDiagram', (b) => reliabilityDiagram([b as number[]], [0])],
];

describe('array-likes with an impossible length', () => {
  it.each([-1, 1e12, 1.5, NaN, 2 ** 32])('length %d: toFloat64 names the argument and the length', (len) => {
    expect(() => toFloat64('f', 'x', { length: len })).toThrow(messages.badLength('f', 'x', len, MAX_INPUT_LENGTH));
  });
  it('property: every public function answers a SurvkitError (not a RangeError)', () => {
    const lengthArb = fc.oneof(
      fc.integer({ min: -1e6, max: -1 }),
      fc.double({ min: 2 ** 31, max: 1e15, noNaN: true }),
      fc.constantFrom(1.5, NaN, -0, Infinity),
    );
    fc.assert(
      fc.property(fc.nat(calls.length - 1), lengthArb, (k, len) => {
        const [name, f] = calls[k]!;
        let err: unknown;
        try {
          f({ length: len });
        } catch (e) {
          err = e;
        }
        expect(err, name).toBeInstanceOf(SurvkitError);
        expect((err as Error).message.startsWith(`${name}: `), (err as Error).message).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
