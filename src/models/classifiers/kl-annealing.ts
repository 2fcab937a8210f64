import { assertNumberOption } from '../../core/assert.js';
import { survkitError } from '../../core/errors.js';

/** Saved form of a {@link KlSchedule}. */
export type KlScheduleJSON = { kind: 'annealing'; steps: number; max: number } | { kind: 'fixed'; weight: number };

/** The weight λ_t of the evidential KL regulariser in epoch t (counted from 0). */
export interface KlSchedule {
  readonly kind: 'annealing' | 'fixed';
  /** λ_t for the 0-based epoch t. */
  weight(epoch: number): number;
  /** The weight the schedule settles at (used for the validation loss, so that epochs compare). */
  readonly final: number;
  toJSON(): KlScheduleJSON;
}

/**
 * The reference's annealing schedule for the KL regulariser of the
 * evidential loss: λ_t = max · min(1, t / steps) for the 0-based epoch t, so
 * λ = 0 in the first epoch and reaches `max` at epoch `steps`
 * (dougbrion/pytorch-classification-uncertainty uses steps = 10, max = 1;
 * torch-uncertainty's `DECLoss(annealing_step)` the same). `max` < 1 caps it:
 * users of the reference report no convergence with many classes at λ = 1
 * (dougbrion #8, 64 classes) and were advised a coefficient of 0.1 or less.
 *
 * @example
 * const s = klAnnealing({ steps: 10 });
 * s.weight(0); // 0
 * s.weight(5); // 0.5
 * s.weight(12); // 1
 * @throws {SurvkitError} for steps that are not a positive integer or a max outside [0, ∞)
 * @see Sensoy et al. (2018) NeurIPS §4; dougbrion/pytorch-classification-uncertainty `losses.py`
 */
export function klAnnealing(opts: { steps: number; max?: number }): KlSchedule {
  const fn = 'klAnnealing';
  if (typeof opts !== 'object' || opts === null) throw survkitError('optionsObject', fn, 'opts', ['steps', 'max'], opts);
  const steps = assertNumberOption(fn, 'steps', opts.steps, { min: 1, integer: true });
  const max = assertNumberOption(fn, 'max', opts.max ?? 1, { min: 0 });
  return Object.freeze({
    kind: 'annealing' as const,
    final: max,
    weight: (epoch: number) => max * Math.min(1, Math.max(0, epoch) / steps),
    toJSON: (): KlScheduleJSON => ({ kind: 'annealing', steps, max }),
  });
}

/**
 * A constant KL weight λ_t = weight (torch-uncertainty's `reg_weight`;
 * aamini's `Dirichlet_SOS` uses 1). For many classes a small weight (≤ 0.1)
 * is the remedy users report for non-convergence at λ = 1.
 *
 * @example
 * klFixed(0.1).weight(3); // 0.1
 * @throws {SurvkitError} for a negative or non-finite weight
 */
export function klFixed(weight: number): KlSchedule {
  const w = assertNumberOption('klFixed', 'weight', weight, { min: 0 });
  return Object.freeze({
    kind: 'fixed' as const,
    final: w,
    weight: () => w,
    toJSON: (): KlScheduleJSON => ({ kind: 'fixed', weight: w }),
  });
}

/** Rebuilds a schedule from {@link KlSchedule.toJSON}. */
export function klScheduleFromJSON(fn: string, json: unknown): KlSchedule {
  const j = json as Partial<{ kind: string; steps: number; max: number; weight: number }> | null;
  if (j?.kind === 'annealing') return klAnnealing({ steps: j.steps as number, max: j.max });
  if (j?.kind === 'fixed') return klFixed(j.weight as number);
  throw survkitError('savedKlSchedule', fn, 'klSchedule', json);
}

/** True for a {@link KlSchedule} object. */
export function isKlSchedule(x: unknown): x is KlSchedule {
  return typeof x === 'object' && x !== null && typeof (x as KlSchedule).weight === 'function' && typeof (x as KlSchedule).final === 'number';
}
