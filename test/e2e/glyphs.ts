/**
 * Seeded synthetic glyph images for the evidential end-to-end test: four
 * classes drawn on a size×size canvas (0 = vertical bar, 1 = horizontal bar,
 * 2 = "X", 3 = ring), randomly shifted by up to ±2 pixels, with stroke
 * width 1–2, stroke intensity 0.7–1 and faint background noise, values in [0, 1].
 */
import { Random } from '../../src/core/random.js';

export interface Glyphs {
  images: Float32Array;
  labels: Int32Array;
  n: number;
  size: number;
}

export const GLYPH_CLASSES = 4;

function draw(cls: number, size: number, rng: Random): Float32Array {
  const img = new Float32Array(size * size);
  const c = (size - 1) / 2;
  const cy = c + rng.int(5) - 2;
  const cx = c + rng.int(5) - 2;
  const half = size * 0.3 + rng.next() * size * 0.08;
  const width = 0.6 + rng.next() * 0.6;
  const ink = 0.7 + rng.next() * 0.3;
  for (let r = 0; r < size; r++) {
    for (let col = 0; col < size; col++) {
      const y = r - cy;
      const x = col - cx;
      let d: number;
      if (cls === 0) d = Math.abs(y) <= half ? Math.abs(x) : Infinity;
      else if (cls === 1) d = Math.abs(x) <= half ? Math.abs(y) : Infinity;
      else if (cls === 2) d = Math.max(Math.abs(x), Math.abs(y)) <= half ? Math.min(Math.abs(x - y), Math.abs(x + y)) / Math.SQRT2 : Infinity;
      else d = Math.abs(Math.hypot(x, y) - half * 0.85);
      const v = d <= width ? ink : d <= width + 1 ? ink * (width + 1 - d) : 0;
      img[r * size + col] = Math.min(1, Math.max(0, v + 0.03 * rng.normal()));
    }
  }
  return img;
}

/** n glyphs with balanced classes (class i % 4), seeded. */
export function glyphs(n: number, size: number, seed: number): Glyphs {
  const rng = new Random(seed);
  const images = new Float32Array(n * size * size);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % GLYPH_CLASSES;
    images.set(draw(i % GLYPH_CLASSES, size, rng), i * size * size);
  }
  return { images, labels, n, size };
}
