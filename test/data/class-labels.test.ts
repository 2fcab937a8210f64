import { describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { classLabels } from '../../src/data/class-labels.js';
import { throwsCode } from '../helpers/errors.js';

describe('classLabels: the one class-index validation', () => {
  it('copies n integers in 0 … K−1 into an Int32Array (arrays, typed arrays, rank-1 tensor-likes)', () => {
    expect(Array.from(classLabels('f', 'y', [0, 2, 1], 3, 3))).toEqual([0, 2, 1]);
    expect(Array.from(classLabels('f', 'y', Float64Array.of(1, 0), 2, 2))).toEqual([1, 0]);
    const tensor = { rank: 1, shape: [2], dataSync: () => Float32Array.of(1, 1) };
    expect(Array.from(classLabels('f', 'y', tensor, 2, 2))).toEqual([1, 1]);
  });

  it("every bad value gets the one 'classLabel' message, naming what K counts", () => {
    throwsCode(() => classLabels('f', 'y', [0, 3], 2, 3), 'classLabel', messages.classLabel('f', 'y', 1, 3, 3, 'classes of the model'));
    throwsCode(() => classLabels('f', 'y', [-1], 1, 3), 'classLabel', messages.classLabel('f', 'y', 0, -1, 3, 'classes of the model'));
    throwsCode(() => classLabels('f', 'y', [0.5], 1, 3, 'x', 'columns of alpha'), 'classLabel', messages.classLabel('f', 'y', 0, 0.5, 3, 'columns of alpha'));
    throwsCode(() => classLabels('f', 'y', ['1'], 1, 3), 'classLabel');
    expect(messages.classLabel('logLoss', 'labels', 0, 2, 2)).toBe(
      "logLoss: 'labels' must hold integer class indices 0 … 1 (K = 2 columns of probabilities); got 2 at index 0",
    );
  });

  it('shape, type and length errors', () => {
    throwsCode(() => classLabels('f', 'y', 5, 1, 2), 'notArray', messages.notArray('f', 'y', 5));
    throwsCode(() => classLabels('f', 'y', [0, 1], 3, 2), 'lengthMismatch', messages.lengthMismatch('f', 'y', 2, 'x', 3));
    const matrix = { rank: 2, shape: [2, 1], dataSync: () => Float32Array.of(0, 1) };
    throwsCode(() => classLabels('f', 'y', matrix, 2, 2), 'shapeMismatch', messages.shapeMismatch('f', 'y', '[2] (class indices)', '[2, 1]'));
  });
});
