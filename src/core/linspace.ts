/**
 * `numpy.linspace(start, stop, num)` as numpy computes it, bit for bit:
 * start + k·step with step = (stop − start)/(num − 1) (numpy's k/(num − 1)·Δ
 * form when step is 0), the last value exactly `stop`; one value, `start`,
 * when num = 1. Evaluation grids (pycox's protocol), pycox's cut points and
 * the D-calibration bin edges all come from here.
 *
 * @example
 * linspace(0, 1, 5); // Float64Array [0, 0.25, 0.5, 0.75, 1]
 */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let k = 0; k < num; k++) out[k] = step === 0 ? (k / Math.max(num - 1, 1)) * (stop - start) + start : start + k * step;
  if (num > 1) out[num - 1] = stop;
  return out;
}
