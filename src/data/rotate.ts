/**
 * Geometric transforms of images on the host (Float32Array, row-major
 * `[height, width, channels]`, channels interleaved): rotation about the
 * centre and translation, with bilinear interpolation and a constant fill
 * outside the image. Plain TypeScript (no TensorFlow.js).
 */
import { assertNumberOption, assertArrayLike } from '../core/assert.js';
import { survkitError } from '../core/errors.js';

/** Options of {@link rotateImage} / {@link translateImage}. */
export interface ImageTransformOptions {
  /** Channels per pixel, interleaved (default 1). */
  channels?: number;
  /** Value of the pixels that come from outside the image (default 0). */
  fill?: number;
}

/** Coordinates within 1e-9 of an integer are snapped to it, so that quarter turns and integer shifts move pixels exactly. */
const SNAP = 1e-9;

function snap(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - r) < SNAP ? r : v;
}

function checkImage(
  fn: string,
  image: unknown,
  height: number,
  width: number,
  opts: ImageTransformOptions,
): { src: ArrayLike<number>; c: number; fill: number } {
  assertNumberOption(fn, 'height', height, { min: 1, integer: true });
  assertNumberOption(fn, 'width', width, { min: 1, integer: true });
  const c = assertNumberOption(fn, 'channels', opts.channels ?? 1, { min: 1, integer: true });
  const fill = assertNumberOption(fn, 'fill', opts.fill ?? 0, {});
  assertArrayLike(fn, 'image', image);
  const src = image as ArrayLike<number>;
  if (src.length !== height * width * c) {
    throw survkitError(
      'shapeMismatch',
      fn,
      'image',
      `${height * width * c} values (height ${height} × width ${width} × channels ${c})`,
      `${src.length} values`,
    );
  }
  return { src, c, fill };
}

/**
 * Bilinear resampling: output pixel (r, col) takes the value of the source
 * at (y, x) = map(r, col), interpolated between its four neighbours; a
 * neighbour outside the image counts as `fill`.
 */
function resample(src: ArrayLike<number>, h: number, w: number, c: number, fill: number, map: (r: number, col: number) => [number, number]): Float32Array {
  const out = new Float32Array(h * w * c);
  const at = (yy: number, xx: number, k: number): number => (yy < 0 || yy >= h || xx < 0 || xx >= w ? fill : (src[(yy * w + xx) * c + k] as number));
  for (let r = 0; r < h; r++) {
    for (let col = 0; col < w; col++) {
      const [ys, xs] = map(r, col);
      const y = snap(ys);
      const x = snap(xs);
      const y0 = Math.floor(y);
      const x0 = Math.floor(x);
      const fy = y - y0;
      const fx = x - x0;
      for (let k = 0; k < c; k++) {
        let v = (1 - fy) * (1 - fx) * at(y0, x0, k);
        if (fx > 0) v += (1 - fy) * fx * at(y0, x0 + 1, k);
        if (fy > 0) v += fy * (1 - fx) * at(y0 + 1, x0, k);
        if (fx > 0 && fy > 0) v += fy * fx * at(y0 + 1, x0 + 1, k);
        out[(r * w + col) * c + k] = v;
      }
    }
  }
  return out;
}

/** cos and sin of an angle in degrees, exact at multiples of 90°. */
function cosSin(degrees: number): [number, number] {
  const q = degrees / 90;
  if (Number.isInteger(q)) {
    const m = ((q % 4) + 4) % 4;
    return (
      [
        [1, 0],
        [0, 1],
        [-1, 0],
        [0, -1],
      ] as const
    )[m] as [number, number];
  }
  const t = (degrees * Math.PI) / 180;
  return [Math.cos(t), Math.sin(t)];
}

/**
 * Rotates an image about its centre ((width − 1)/2, (height − 1)/2) by
 * `degrees`, counter-clockwise as displayed (row 0 at the top), keeping the
 * size: equal, to float32 rounding, to `scipy.ndimage.rotate(img, degrees,
 * reshape=False, order=1, mode='grid-constant')` (scipy's default
 * mode='constant' — used by the reference EDL demo — differs only in border
 * pixels, which it zeroes instead of blending). Each output pixel (x, y) (offsets from
 * the centre, y pointing down) reads the input at
 * (x cos θ − y sin θ, x sin θ + y cos θ), interpolated bilinearly; pixels
 * that come from outside the image get `fill` (default 0). Multiples of 90°
 * of a square image permute the pixels exactly.
 *
 * This is the transform of Sensoy et al.'s rotated-digit experiment
 * (a "1" rotated from 0° to 180°).
 *
 * @param image height × width × channels values, row-major, channels interleaved
 * @param height rows
 * @param width columns
 * @param degrees rotation angle in degrees (any finite value)
 * @returns a new Float32Array of the same size
 * @example
 * rotateImage([1, 2, 3, 4], 2, 2, 90); // Float32Array [2, 4, 1, 3]
 * @throws {SurvkitError} when the image length is not height × width × channels, or an option is invalid
 * @see Sensoy, Kaplan & Kandemir (2018) NeurIPS, Fig. 1 (rotated "1")
 */
export function rotateImage(image: ArrayLike<number>, height: number, width: number, degrees: number, opts: ImageTransformOptions = {}): Float32Array {
  const fn = 'rotateImage';
  const { src, c, fill } = checkImage(fn, image, height, width, opts);
  const [cos, sin] = cosSin(assertNumberOption(fn, 'degrees', degrees, {}));
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  return resample(src, height, width, c, fill, (r, col) => {
    const x = col - cx;
    const y = r - cy;
    return [cy + x * sin + y * cos, cx + x * cos - y * sin];
  });
}

/**
 * Shifts an image by `dy` rows down and `dx` columns right (fractional
 * shifts interpolate bilinearly); pixels that come from outside get `fill`.
 * Used for shift augmentation of small training sets.
 *
 * @param image height × width × channels values, row-major, channels interleaved
 * @example
 * translateImage([1, 2, 3, 4], 2, 2, 0, 1); // Float32Array [0, 1, 0, 3]
 * @throws {SurvkitError} when the image length is not height × width × channels, or a shift or option is invalid
 */
export function translateImage(
  image: ArrayLike<number>,
  height: number,
  width: number,
  dy: number,
  dx: number,
  opts: ImageTransformOptions = {},
): Float32Array {
  const fn = 'translateImage';
  const { src, c, fill } = checkImage(fn, image, height, width, opts);
  assertNumberOption(fn, 'dy', dy, {});
  assertNumberOption(fn, 'dx', dx, {});
  return resample(src, height, width, c, fill, (r, col) => [r - dy, col - dx]);
}
