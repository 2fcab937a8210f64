/**
 * Occlusion sensitivity (Zeiler & Fergus 2014): slide a patch of a baseline
 * value over the input and record how much the score drops; for images
 * (`[H, W, C]`) and clips (`[T, H, W, C]`, patches in time and space).
 */
import * as tf from '@tensorflow/tfjs';
import { assertNumberOption } from '../core/assert.js';
import { ensureBackend } from '../backend/select.js';
import { survkitError } from '../core/errors.js';
import { checkedScores, scoreFunctionAs, type Explained } from './score.js';

/** Options of {@link occlusionSensitivity}. */
export interface OcclusionOptions {
  /** Patch size: one number (every spatial side; 1 frame for clips), `[h, w]`, or `[t, h, w]` for clips. */
  patch: number | readonly number[];
  /** Step between patches, the same forms (default: the patch size, no overlap). */
  stride?: number | readonly number[];
  /** Value put in the patch (default 0), or 'mean' for the example's mean. */
  baseline?: number | 'mean';
  /** Output column of a model with several (see {@link scoreFunction}). */
  column?: number;
  /** Occluded copies scored per batch (default 32). */
  batchSize?: number;
}

/** What {@link occlusionSensitivity} returns. */
export interface OcclusionResult {
  /**
   * Attribution per input position ([T,] H, W, row-major, channels pooled):
   * the mean of score(x) − score(x occluded) over the patches covering it, 0
   * where no patch reaches. High = occluding it lowers the score.
   */
  map: Float32Array;
  /** Shape of `map`: `[H, W]` or `[T, H, W]`. */
  shape: number[];
  /** score(x) − score(x occluded) per patch position, on the grid of patch positions (`gridShape`). */
  patchDrops: Float32Array;
  gridShape: number[];
  /** The score of the unoccluded input. */
  score: number;
}

function sizes(fn: string, arg: string, v: number | readonly number[], dims: number): number[] {
  const list = typeof v === 'number' ? (dims === 3 ? [1, v, v] : [v, v]) : [...v];
  if (list.length !== dims) throw survkitError('patchSizes', fn, arg, dims, v);
  return list.map((s, i) => assertNumberOption(fn, `${arg}[${i}]`, s, { min: 1, integer: true }));
}

/**
 * Occlusion sensitivity of one example.
 *
 * The attribution of a position is the mean, over every patch covering it,
 * of score(x) − score(x with the patch set to the baseline), as Captum's
 * `Occlusion` defines it (with a window spanning every channel Captum gives
 * each channel this same value; here it is one map). For a survival model
 * the score is its log-risk:
 * positive attributions mark regions that raise the predicted risk.
 *
 * @param model a `tf.LayersModel` with one output (column `column`) or a score function
 * @param x one example, `[H, W, C]` or `[T, H, W, C]`, or either with a leading batch of 1 (so a
 *   `[1, H, W, C]` input is one image, not a one-frame clip)
 * @example
 * const occ = await occlusionSensitivity(model.net, image, { patch: 8, stride: 4 });
 * await displayPlot(imageGridSpec([{ pixels: occ.map }], { height: 64, width: 64 }));
 * @throws {SurvkitError} for an input that is not one image or clip, patch or stride sizes that do not fit, or a
 *   model that does not give one score per example
 * @see Zeiler & Fergus (2014), Visualizing and Understanding Convolutional Networks, ECCV
 */
export async function occlusionSensitivity(model: Explained, x: tf.Tensor, opts: OcclusionOptions): Promise<OcclusionResult> {
  const fn = 'occlusionSensitivity';
  await ensureBackend();
  if (!(x instanceof tf.Tensor)) throw survkitError('notInstance', fn, 'x', 'tf.Tensor', x);
  const shape = x.shape[0] === 1 && (x.rank === 4 || x.rank === 5) ? x.shape.slice(1) : x.shape;
  if (shape.length !== 3 && shape.length !== 4) throw survkitError('occlusionInput', fn, 'x', x.shape);
  if (opts === null || typeof opts !== 'object') throw survkitError('optionsObject', fn, 'opts', ['patch'], opts);
  const dims = shape.length - 1; // 2 (H, W) or 3 (T, H, W)
  const extent = shape.slice(0, dims);
  const channels = shape[dims] as number;
  const patch = sizes(fn, 'patch', opts.patch, dims);
  const stride = sizes(fn, 'stride', opts.stride ?? patch, dims);
  patch.forEach((p, i) => {
    if (p > (extent[i] as number)) throw survkitError('patchTooLarge', fn, `patch[${i}]`, extent[i] as number, p);
  });
  const batchSize = assertNumberOption(fn, 'batchSize', opts.batchSize ?? 32, { min: 1, integer: true });
  const score = scoreFunctionAs(fn, model, opts.column);
  const values = x.dataSync() as Float32Array;
  const n = values.length;
  const fill =
    opts.baseline === undefined ? 0 : opts.baseline === 'mean' ? values.reduce((a, v) => a + v, 0) / n : assertNumberOption(fn, 'baseline', opts.baseline, {});
  const grid = extent.map((e, i) => Math.floor((e - (patch[i] as number)) / (stride[i] as number)) + 1);
  const positions = grid.reduce((a, g) => a * g, 1);
  // Row-major strides of the ([T,] H, W, C) input.
  const strides: number[] = [];
  let acc = channels;
  for (let i = dims - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= extent[i] as number;
  }
  const corner = (p: number): number[] => {
    const c: number[] = [];
    for (let i = dims - 1; i >= 0; i--) {
      c[i] = (p % (grid[i] as number)) * (stride[i] as number);
      p = Math.floor(p / (grid[i] as number));
    }
    return c;
  };
  /** Calls f(offset of the first channel) for every position of patch p. */
  const cellStrides = strides.map((s) => s / channels);
  const eachCell = (p: number, f: (offset: number, cell: number) => void): void => {
    const c = corner(p);
    const visit = (d: number, offset: number, cell: number): void => {
      if (d === dims) return f(offset, cell);
      for (let k = 0; k < (patch[d] as number); k++)
        visit(d + 1, offset + ((c[d] as number) + k) * (strides[d] as number), cell + ((c[d] as number) + k) * (cellStrides[d] as number));
    };
    visit(0, 0, 0);
  };
  const one = tf.reshape(x, [1, ...shape]);
  const base = checkedScores(fn, score, one);
  const s0 = (await base.data())[0] as number;
  tf.dispose([one, base]);
  const drops = new Float32Array(positions);
  for (let p0 = 0; p0 < positions; p0 += batchSize) {
    const nb = Math.min(batchSize, positions - p0);
    const batch = new Float32Array(nb * n);
    for (let j = 0; j < nb; j++) {
      batch.set(values, j * n);
      eachCell(p0 + j, (offset) => batch.fill(fill, j * n + offset, j * n + offset + channels));
    }
    const xb = tf.tensor(batch, [nb, ...shape], 'float32');
    const s = checkedScores(fn, score, xb);
    const sv = await s.data();
    tf.dispose([xb, s]);
    for (let j = 0; j < nb; j++) drops[p0 + j] = s0 - (sv[j] as number);
  }
  const cells = n / channels;
  const sum = new Float64Array(cells);
  const count = new Int32Array(cells);
  for (let p = 0; p < positions; p++) {
    const d = drops[p] as number;
    eachCell(p, (_offset, cell) => {
      sum[cell] = (sum[cell] as number) + d;
      count[cell] = (count[cell] as number) + 1;
    });
  }
  const map = Float32Array.from(sum, (v, i) => ((count[i] as number) > 0 ? v / (count[i] as number) : 0));
  return { map, shape: extent, patchDrops: drops, gridShape: grid, score: s0 };
}
