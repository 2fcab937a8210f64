/**
 * Survival times simulated from MNIST digits, exactly as pycox's example
 * `examples/04_mnist_dataloaders_cnn.ipynb` (function `sim_event_times`):
 *
 * ```python
 * betas = 365 * np.exp(-0.6 * digits) / np.log(1.2)
 * event_times = np.random.exponential(betas)
 * censored = event_times > max_time          # max_time = 700
 * event_times[censored] = max_time
 * return tt.tuplefy(event_times, ~censored)
 * ```
 *
 * i.e. T ~ Exponential with scale (mean) β(d) = 365·e^(−0.6 d) / ln 1.2 for
 * digit d, administratively censored at 700: time = min(T, 700), event =
 * [T ≤ 700]. Larger digits die sooner (hazard 1/β grows as e^(0.6 d)).
 * The exponential draws come from survkit's seeded generator (inverse CDF,
 * T = −β·ln(1 − U)), not NumPy's, so individual times differ from the
 * notebook's while their distribution is the same.
 */
import { assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { Random } from '../core/random.js';

/** Options of {@link simulateMnistSurvival}. */
export interface MnistSurvivalOptions {
  /** Seed of the exponential draws (default 0). */
  seed?: number;
  /** Administrative censoring time (default 700, the notebook's `max_time`). */
  maxTime?: number;
  /** Uniform draws U in [0, 1) to use instead of the seeded generator's (one per digit; for checks by hand). */
  uniforms?: ArrayLike<number>;
}

/** Simulated follow-up. */
export interface MnistSurvival {
  time: Float64Array;
  /** 1 = event (T ≤ maxTime), 0 = censored at maxTime. */
  event: Int32Array;
  /** The exponential scale β(d) of each subject. */
  scale: Float64Array;
}

/** The exponential scale (mean event time) of digit d: 365·e^(−0.6 d) / ln 1.2. */
export function mnistSurvivalScale(digit: number): number {
  return (365 * Math.exp(-0.6 * digit)) / Math.log(1.2);
}

/**
 * Simulates (time, event) for each digit as pycox's MNIST example does.
 *
 * @example
 * const { time, event } = simulateMnistSurvival(labels, { seed: 1 });
 * @throws {SurvkitError} for a digit that is not an integer 0–9, a bad maxTime, or uniforms of the wrong length or outside [0, 1)
 */
export function simulateMnistSurvival(digits: ArrayLike<number>, opts: MnistSurvivalOptions = {}): MnistSurvival {
  const fn = 'simulateMnistSurvival';
  const maxTime = assertNumberOption(fn, 'maxTime', opts.maxTime ?? 700, { min: 0, minExclusive: true });
  const n = digits.length;
  const u = opts.uniforms;
  if (u !== undefined && u.length !== n) throw survkitError('optionRange', fn, 'uniforms', `${n} values (one per digit)`, `${u.length}`);
  const rng = new Random(opts.seed ?? 0);
  const time = new Float64Array(n);
  const event = new Int32Array(n);
  const scale = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = digits[i] as number;
    if (!(Number.isInteger(d) && d >= 0 && d <= 9)) throw survkitError('optionRange', fn, `digits[${i}]`, 'an integer 0–9', d);
    const ui = u === undefined ? rng.next() : (u[i] as number);
    if (!(ui >= 0 && ui < 1)) throw survkitError('optionRange', fn, `uniforms[${i}]`, 'a number in [0, 1)', ui);
    const b = mnistSurvivalScale(d);
    const t = -b * Math.log1p(-ui);
    scale[i] = b;
    time[i] = t > maxTime ? maxTime : t;
    event[i] = t > maxTime ? 0 : 1;
  }
  return { time, event, scale };
}
