import { assertArrayLike, MAX_INPUT_LENGTH } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { classLabels } from '../data/class-labels.js';
import { classifierArgs, type ClassOutcome } from './call-forms.js';

/**
 * Predicted class probabilities for n cases and K classes: either one flat
 * row-major array of length n·K (`Float64Array`, `Float32Array`, `number[]`;
 * K is then inferred from the number of labels or given as `classes`), or one
 * row per case (`number[][]`, an array of typed arrays).
 */
export type ProbsInput = ArrayLike<number> | readonly ArrayLike<number>[];

/** Class labels: integer class indices 0 … K−1, one per case (`Int32Array`, `number[]`). */
export type ClassLabelsInput = ArrayLike<number>;

/** Largest allowed |Σ_k p_ik − 1| for a row of probabilities. */
export const ROW_SUM_TOLERANCE = 1e-6;

/** Validated probabilities, n×K row-major float64. */
export interface ProbMatrix {
  n: number;
  k: number;
  p: Float64Array;
}

/** Top-label view of a classifier's predictions. */
export interface TopLabel extends ProbMatrix {
  labels: Int32Array;
  /** max_k p_ik, the top-label confidence. */
  confidence: Float64Array;
  /** argmax_k p_ik (the first class when several share the maximum, as numpy and PyTorch do). */
  predicted: Int32Array;
  /** 1 where predicted = label, else 0. */
  correct: Uint8Array;
}

function isRows(probs: ProbsInput): probs is readonly ArrayLike<number>[] {
  const first = (probs as ArrayLike<unknown>)[0];
  return Array.isArray(probs) && first !== null && typeof first === 'object';
}

/**
 * Copies and checks class probabilities: every value in [0, 1], every row
 * summing to 1 within {@link ROW_SUM_TOLERANCE}. `n` (number of labels) or
 * `classes` fixes the shape of a flat array.
 * @throws {SurvkitError} on a wrong shape, ragged rows, a value outside [0, 1] or a row not summing to 1
 */
export function probMatrix(fn: string, arg: string, probs: unknown, shape: { n?: number; classes?: number }): ProbMatrix {
  assertArrayLike(fn, arg, probs);
  const input = probs as ProbsInput;
  if (input.length === 0) throw survkitError('empty', fn, arg);
  let n: number;
  let k: number;
  let p: Float64Array;
  if (isRows(input)) {
    n = input.length;
    if (shape.n !== undefined && shape.n !== n) throw survkitError('lengthMismatch', fn, arg, n, 'labels', shape.n);
    k = assertArrayLike(fn, `${arg}[0]`, input[0]).length;
    if (n * k > MAX_INPUT_LENGTH) throw survkitError('badLength', fn, arg, n * k, MAX_INPUT_LENGTH);
    if (k === 0) throw survkitError('empty', fn, `${arg}[0]`);
    if (shape.classes !== undefined && shape.classes !== k) {
      throw survkitError('shapeMismatch', fn, arg, `n × ${shape.classes} (option classes)`, `rows of ${k}`);
    }
    p = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      const row = input[i] as ArrayLike<unknown>;
      assertArrayLike(fn, `${arg}[${i}]`, row);
      if (row.length !== k) throw survkitError('raggedRows', fn, arg, i, row.length, k);
      for (let j = 0; j < k; j++) {
        const v = row[j];
        if (typeof v !== 'number') throw survkitError('notNumber', fn, arg, i * k + j, v);
        p[i * k + j] = v;
      }
    }
  } else {
    const m = input.length;
    const rows = shape.n ?? (shape.classes !== undefined ? m / shape.classes : NaN);
    if (!Number.isInteger(rows) || rows < 1 || m % rows !== 0) {
      const expected = shape.n !== undefined ? `n·K with n = ${shape.n} (the number of labels)` : `n·K with K = ${shape.classes ?? '(pass option classes)'}`;
      throw survkitError('shapeMismatch', fn, arg, expected, `a flat array of length ${m}`);
    }
    n = rows;
    k = m / rows;
    p = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      const v = (input as ArrayLike<unknown>)[i];
      if (typeof v !== 'number') throw survkitError('notNumber', fn, arg, i, v);
      p[i] = v;
    }
  }
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) {
      const v = p[i * k + j] as number;
      if (!(v >= 0 && v <= 1)) throw survkitError('probRange', fn, arg, i, j, v);
      s += v;
    }
    if (Math.abs(s - 1) > ROW_SUM_TOLERANCE) throw survkitError('probRowSum', fn, arg, i, s, ROW_SUM_TOLERANCE);
  }
  return { n, k, p };
}

/**
 * Validates probabilities and labels and reduces them to the top label:
 * confidence c_i = max_k p_ik, prediction argmax_k p_ik, correct_i = [pred = label].
 *
 * @param fn public function name used in error messages
 * @param probs n×K probabilities (flat row-major with K = length / labels.length, or rows)
 * @param labels n class indices
 * @throws {SurvkitError} when labels are empty or out of range, shapes disagree,
 *   a probability lies outside [0, 1] or a row does not sum to 1 (±1e-6)
 */
export function topLabelOf(fn: string, probs: unknown, labels: unknown): TopLabel {
  assertArrayLike(fn, 'labels', labels);
  const nLabels = (labels as ArrayLike<unknown>).length;
  if (nLabels === 0) throw survkitError('empty', fn, 'labels');
  const m = probMatrix(fn, 'probs', probs, { n: nLabels });
  const y = classLabels(fn, 'labels', labels, m.n, m.k, 'probs', 'columns of probabilities');
  const confidence = new Float64Array(m.n);
  const predicted = new Int32Array(m.n);
  const correct = new Uint8Array(m.n);
  for (let i = 0; i < m.n; i++) {
    let best = 0;
    let c = m.p[i * m.k] as number;
    for (let j = 1; j < m.k; j++) {
      const v = m.p[i * m.k + j] as number;
      if (v > c) {
        c = v;
        best = j;
      }
    }
    confidence[i] = c;
    predicted[i] = best;
    correct[i] = best === y[i] ? 1 : 0;
  }
  return { ...m, labels: y, confidence, predicted, correct };
}

/** Result of {@link topLabel}. */
export interface TopLabelResult {
  confidence: Float64Array;
  predicted: Int32Array;
  correct: Uint8Array;
}

/**
 * Top-label confidence, predicted class and correctness of each case — the
 * inputs of the selective-prediction metrics (`aurc({ correct }, 1 − confidence)`).
 *
 * @param outcome `{ labels }`: n integer class indices 0 … K−1 (the labels, first as in every metric)
 * @param probs n×K class probabilities (flat row-major Float64Array of length n·K, or rows)
 * @returns `{ confidence: Float64Array, predicted: Int32Array, correct: Uint8Array }`
 * @throws {SurvkitError} as {@link expectedCalibrationError} does for bad inputs
 * @example
 * const t = topLabel({ labels: [0, 0] }, [[0.7, 0.3], [0.4, 0.6]]);
 * t.confidence; // Float64Array [0.7, 0.6]
 * t.correct;    // Uint8Array [1, 0]
 */
export function topLabel(outcome: ClassOutcome<ClassLabelsInput>, probs: ProbsInput): TopLabelResult;
/** @deprecated since 0.2: call `topLabel({ labels }, probs)` — the outcome (labels) first, as every metric. */
export function topLabel(probs: ProbsInput, labels: ClassLabelsInput): TopLabelResult;
export function topLabel(...args: unknown[]): TopLabelResult {
  const { probs, labels } = classifierArgs(args);
  const t = topLabelOf('topLabel', probs, labels);
  return { confidence: t.confidence, predicted: t.predicted, correct: t.correct };
}
