import { survkitError } from '../../core/errors.js';
import type { TrainSet } from '../training/survival-plan.js';

/** Rejects competing-risk codes (> 1) in in-memory training labels of a single-risk family. */
export function assertSingleRisk(fn: string, train: TrainSet): void {
  if (train.kind !== 'memory') return;
  const i = train.data.labels.event.findIndex((e) => e > 1);
  if (i >= 0) throw survkitError('notBinaryEvent', fn, 'labels.event', i, train.data.labels.event[i] as number);
}
