/**
 * Per-item intensity normalisation, crop / pad to a fixed shape and seeded
 * training augmentation of an image or volume on the host: Float32Array,
 * row-major `[depth, height, width, channels]` (depth 1 for a 2D image).
 */
import { Random } from '../core/random.js';
import { rotateImage } from '../data/rotate.js';
import { applyWindow, type DicomWindow } from './dicom.js';

/** An image or volume on the host. */
export interface HostVolume {
  data: Float32Array;
  depth: number;
  height: number;
  width: number;
  channels: number;
}

/** How {@link normaliseIntensity} scales values: a window (to [0, 1]), z-score, min–max (to [0, 1]) or none. */
export type IntensityNormalisation = 'zscore' | 'minmax' | 'none' | { window: DicomWindow };

/** Training augmentation, applied to training batches only; every draw comes from a generator seeded per (seed, epoch, item). */
export interface AugmentOptions {
  /** Flip each listed axis with probability ½ ('x': left–right, 'y': up–down, 'z': slices); `true` = ['x']. */
  flip?: boolean | readonly ('x' | 'y' | 'z')[];
  /** Random crop: the window is shifted from the centre by a whole number of voxels drawn uniformly from [−crop, crop] per spatial axis (zero fill outside). */
  crop?: number;
  /** Small rotation in the (y, x) plane by an angle drawn uniformly from [−rotate, rotate] degrees (bilinear, zero fill). */
  rotate?: number;
  /** Intensity jitter: x · (1 + a·scale) + b·shift with a, b uniform in [−1, 1]. */
  jitter?: { scale?: number; shift?: number };
}

/** Normalises intensities of a whole item (all channels together). */
export function normaliseIntensity(data: Float32Array, how: IntensityNormalisation): Float32Array {
  if (how === 'none') return data;
  if (typeof how === 'object') return applyWindow(data, how.window);
  let lo = Infinity;
  let hi = -Infinity;
  let sum = 0;
  for (const v of data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    sum += v;
  }
  const out = new Float32Array(data.length);
  if (how === 'minmax') {
    const span = hi - lo;
    for (let i = 0; i < data.length; i++) out[i] = span > 0 ? ((data[i] as number) - lo) / span : 0;
    return out;
  }
  const mean = sum / data.length;
  let ss = 0;
  for (const v of data) ss += (v - mean) * (v - mean);
  const sd = Math.sqrt(ss / data.length);
  for (let i = 0; i < data.length; i++) out[i] = sd > 0 ? ((data[i] as number) - mean) / sd : 0;
  return out;
}

/**
 * Crops or zero-pads a volume to [depth, height, width] around its centre
 * (the larger half of an odd remainder after the image), shifted by `offset`
 * voxels per axis ([z, y, x]).
 */
export function cropOrPad(v: HostVolume, depth: number, height: number, width: number, offset: readonly [number, number, number] = [0, 0, 0]): HostVolume {
  const c = v.channels;
  const out = new Float32Array(depth * height * width * c);
  const start = [
    Math.floor((v.depth - depth) / 2) + offset[0],
    Math.floor((v.height - height) / 2) + offset[1],
    Math.floor((v.width - width) / 2) + offset[2],
  ] as const;
  for (let z = 0; z < depth; z++) {
    const sz = z + start[0];
    if (sz < 0 || sz >= v.depth) continue;
    for (let y = 0; y < height; y++) {
      const sy = y + start[1];
      if (sy < 0 || sy >= v.height) continue;
      const x0 = Math.max(0, -start[2]);
      const x1 = Math.min(width, v.width - start[2]);
      if (x1 <= x0) continue;
      const src = ((sz * v.height + sy) * v.width + x0 + start[2]) * c;
      out.set(v.data.subarray(src, src + (x1 - x0) * c), ((z * height + y) * width + x0) * c);
    }
  }
  return { data: out, depth, height, width, channels: c };
}

/** Flips one axis ('x', 'y' or 'z') in place order (returns a new volume). */
export function flipAxis(v: HostVolume, axis: 'x' | 'y' | 'z'): HostVolume {
  const { depth: D, height: H, width: W, channels: C } = v;
  const out = new Float32Array(v.data.length);
  for (let z = 0; z < D; z++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const sz = axis === 'z' ? D - 1 - z : z;
        const sy = axis === 'y' ? H - 1 - y : y;
        const sx = axis === 'x' ? W - 1 - x : x;
        const o = ((z * H + y) * W + x) * C;
        const s = ((sz * H + sy) * W + sx) * C;
        for (let k = 0; k < C; k++) out[o + k] = v.data[s + k] as number;
      }
  return { ...v, data: out };
}

/**
 * Crops / pads to the target shape and, with `augment` and `seed`, applies the
 * augmentation: crop shift, flips, rotation, intensity jitter — in that order,
 * drawn from `new Random(seed)`, so an item's augmentation depends on the seed only.
 */
export function shapeAndAugment(v: HostVolume, depth: number, height: number, width: number, augment?: AugmentOptions, seed?: number): HostVolume {
  if (augment === undefined || seed === undefined) return cropOrPad(v, depth, height, width);
  const rng = new Random(seed);
  const uniform = (a: number): number => (2 * rng.next() - 1) * a;
  const m = Math.max(0, Math.floor(augment.crop ?? 0));
  const shift = (): number => (m > 0 ? rng.int(2 * m + 1) - m : 0);
  const offset: [number, number, number] = [depth > 1 ? shift() : 0, shift(), shift()];
  let out = cropOrPad(v, depth, height, width, offset);
  const axes = augment.flip === true ? ['x' as const] : augment.flip === false || augment.flip === undefined ? [] : augment.flip;
  for (const a of axes) if (rng.next() < 0.5) out = flipAxis(out, a);
  if (augment.rotate !== undefined && augment.rotate > 0) {
    const deg = uniform(augment.rotate);
    const plane = height * width * out.channels;
    const data = new Float32Array(out.data.length);
    for (let z = 0; z < depth; z++)
      data.set(rotateImage(out.data.subarray(z * plane, (z + 1) * plane), height, width, deg, { channels: out.channels }), z * plane);
    out = { ...out, data };
  }
  if (augment.jitter !== undefined) {
    const a = 1 + uniform(augment.jitter.scale ?? 0);
    const b = uniform(augment.jitter.shift ?? 0);
    const data = out.data;
    for (let i = 0; i < data.length; i++) data[i] = (data[i] as number) * a + b;
  }
  return out;
}

/**
 * Bilinear resize of each plane of a volume to height × width with half-pixel
 * centres and no antialiasing — PyTorch's `F.interpolate(mode='bilinear',
 * align_corners=False)` and TF's `resizeBilinear(…, halfPixelCenters: true)`:
 * output pixel (i, j) samples the source at y = (i + ½)·H/h − ½,
 * x = (j + ½)·W/w − ½, clamped to [0, H − 1] × [0, W − 1]. Depth is kept;
 * the aspect ratio is not (each axis is scaled on its own).
 */
export function resizeBilinear(v: HostVolume, height: number, width: number): HostVolume {
  if (v.height === height && v.width === width) return v;
  const { depth, channels: c, height: H, width: W } = v;
  const out = new Float32Array(depth * height * width * c);
  const axis = (n: number, N: number): { lo: Int32Array; hi: Int32Array; f: Float64Array } => {
    const lo = new Int32Array(n);
    const hi = new Int32Array(n);
    const f = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = Math.min(Math.max(((i + 0.5) * N) / n - 0.5, 0), N - 1);
      lo[i] = Math.floor(s);
      hi[i] = Math.min((lo[i] as number) + 1, N - 1);
      f[i] = s - (lo[i] as number);
    }
    return { lo, hi, f };
  };
  const ys = axis(height, H);
  const xs = axis(width, W);
  for (let z = 0; z < depth; z++) {
    const src = z * H * W * c;
    const dst = z * height * width * c;
    for (let i = 0; i < height; i++) {
      const y0 = ys.lo[i] as number;
      const y1 = ys.hi[i] as number;
      const fy = ys.f[i] as number;
      for (let j = 0; j < width; j++) {
        const x0 = xs.lo[j] as number;
        const x1 = xs.hi[j] as number;
        const fx = xs.f[j] as number;
        for (let k = 0; k < c; k++) {
          const a = v.data[src + (y0 * W + x0) * c + k] as number;
          const b = v.data[src + (y0 * W + x1) * c + k] as number;
          const d = v.data[src + (y1 * W + x0) * c + k] as number;
          const e = v.data[src + (y1 * W + x1) * c + k] as number;
          const top = a + (b - a) * fx;
          const bottom = d + (e - d) * fx;
          out[dst + (i * width + j) * c + k] = top + (bottom - top) * fy;
        }
      }
    }
  }
  return { ...v, data: out, height, width };
}
