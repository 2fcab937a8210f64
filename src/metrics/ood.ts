import { toFloat64 } from '../core/assert.js';

/**
 * How well an uncertainty score separates out-of-distribution (or
 * misclassified) cases from in-distribution (or correct) ones: the area under
 * the ROC curve with "out" as the positive class and higher score = more
 * uncertain = flagged as out,
 *
 *   AUROC = P(S_out > S_in) + ½·P(S_out = S_in)
 *         = U / (n_in·n_out)   (Mann–Whitney U, ties counted ½).
 *
 * 1 = perfect separation, 0.5 = no better than chance; swapping the two
 * groups gives 1 − AUROC. Equals scikit-learn's `roc_auc_score` with the out
 * cases labelled 1 (torch-uncertainty's OOD AUROC uses the same area).
 * For misclassification detection pass the scores of the correct cases as
 * `scoresIn` and those of the wrong ones as `scoresOut`.
 *
 * Cost O(N log N) time and O(N) memory for N = n_in + n_out (one sort of the
 * pooled scores; U is accumulated over tie groups in exact half-integers).
 *
 * @param scoresIn uncertainty scores of the in-distribution cases (finite, non-empty)
 * @param scoresOut uncertainty scores of the out-of-distribution cases (finite, non-empty)
 * @returns AUROC in [0, 1]
 * @throws {SurvkitError} when either array is empty or holds a non-finite value
 * @example
 * oodAuroc([0.1, 0.2, 0.3], [0.25, 0.9]); // (2 + 3) / 6 ≈ 0.8333
 * @see Hendrycks & Gimpel (2017), "A baseline for detecting misclassified and out-of-distribution
 *   examples in neural networks", ICLR; Hanley & McNeil (1982), Radiology 143
 */
export function oodAuroc(scoresIn: ArrayLike<number>, scoresOut: ArrayLike<number>): number {
  const fn = 'oodAuroc';
  const a = toFloat64(fn, 'scoresIn', scoresIn);
  const b = toFloat64(fn, 'scoresOut', scoresOut);
  const nIn = a.length;
  const nOut = b.length;
  const pooled = new Float64Array(nIn + nOut);
  pooled.set(a);
  pooled.set(b, nIn);
  const order = new Int32Array(pooled.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((i, j) => (pooled[i] as number) - (pooled[j] as number));
  // U = Σ over out cases of (#in below + ½ #in tied)
  let u = 0;
  let inBelow = 0;
  let s = 0;
  while (s < order.length) {
    const v = pooled[order[s] as number] as number;
    let e = s;
    let gIn = 0;
    while (e < order.length && pooled[order[e] as number] === v) {
      if ((order[e] as number) < nIn) gIn++;
      e++;
    }
    const gOut = e - s - gIn;
    u += gOut * (inBelow + gIn / 2);
    inBelow += gIn;
    s = e;
  }
  return u / (nIn * nOut);
}
