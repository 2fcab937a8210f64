import { assertNumberOption } from '../../core/assert.js';
import type { EarlyStoppingOptions } from './fit-types.js';

/**
 * Early-stopping bookkeeping with torchtuples' rule (pycox's
 * `tt.callbacks.EarlyStopping`): an epoch improves when its validation loss
 * is below the best so far minus `minDelta`; training stops after `patience`
 * epochs in a row without an improvement. NaN never improves.
 *
 * @example
 * const es = new EarlyStopping({ patience: 2 });
 * es.update(1.0); // { improved: true, stop: false }
 * es.update(1.1); es.update(1.2); // the last returns { improved: false, stop: true }
 * @throws {SurvkitError} for a negative or non-integer patience or a negative minDelta
 */
export class EarlyStopping {
  readonly patience: number;
  readonly minDelta: number;
  readonly restoreBest: boolean;
  best = Infinity;
  bestEpoch = -1;
  private epoch = -1;
  private sinceBest = 0;

  constructor(opts: EarlyStoppingOptions = {}, fn = 'fit') {
    this.patience = assertNumberOption(fn, 'earlyStopping.patience', opts.patience ?? 10, { min: 0, integer: true });
    this.minDelta = assertNumberOption(fn, 'earlyStopping.minDelta', opts.minDelta ?? 0, { min: 0 });
    this.restoreBest = opts.restoreBest ?? true;
  }

  /** Records the next epoch's validation loss. */
  update(valLoss: number): { improved: boolean; stop: boolean } {
    this.epoch++;
    const improved = valLoss < this.best - this.minDelta;
    if (improved) {
      this.best = valLoss;
      this.bestEpoch = this.epoch;
      this.sinceBest = 0;
    } else {
      this.sinceBest++;
    }
    return { improved, stop: this.sinceBest >= this.patience && !improved };
  }
}
