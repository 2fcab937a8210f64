import type { Random } from '../core/random.js';

/** Shapes of {@link syntheticImageSurvival} that do not change the hazard. */
export type Distractor = 'dim' | 'squares' | 'none';

/** Intensity added by a bright disc (the signal) and by a dim disc (a distractor). */
export const BRIGHT = 1;
export const DIM = 0.45;

interface Placed {
  x: number;
  y: number;
  /** Radius of a circle that covers the shape. */
  r: number;
}

/**
 * Draws `nDiscs` bright discs and `nDistractors` distractors into the
 * row-major `size`×`size` image `img` (adding their intensity to what is
 * there), without overlaps: a shape that finds no free place in 100 tries is
 * left out. Radii are U(0.06, 0.14)·size; a square has the area of the disc
 * it replaces. Returns the number of bright discs drawn and the pixels they cover
 * (pixel centres within the radius).
 */
export function drawShapes(
  rng: Random,
  img: Float32Array,
  size: number,
  nDiscs: number,
  nDistractors: number,
  kind: Distractor,
): { discs: number; discPixels: number } {
  const placed: Placed[] = [];
  let discs = 0;
  let discPixels = 0;
  const total = nDiscs + nDistractors;
  for (let s = 0; s < total; s++) {
    const bright = s < nDiscs;
    const r = size * (0.06 + 0.08 * rng.next());
    const square = !bright && kind === 'squares';
    // A dim disc is wider, so that it adds as much intensity as a bright disc of radius r.
    const radius = !bright && kind === 'dim' ? r * Math.sqrt(BRIGHT / DIM) : r;
    const half = (r * Math.sqrt(Math.PI)) / 2;
    const cover = square ? half * Math.SQRT2 : radius;
    const spot = place(rng, placed, size, cover);
    if (spot === null) continue;
    placed.push(spot);
    if (square) {
      fillSquare(img, size, spot.x, spot.y, half, BRIGHT);
    } else {
      const px = fillDisc(img, size, spot.x, spot.y, radius, bright ? BRIGHT : DIM);
      if (bright) {
        discs++;
        discPixels += px;
      }
    }
  }
  return { discs, discPixels };
}

function place(rng: Random, placed: readonly Placed[], size: number, r: number): Placed | null {
  const lo = r + 1;
  const span = size - 2 * lo;
  if (span <= 0) return null;
  for (let t = 0; t < 100; t++) {
    const x = lo + span * rng.next();
    const y = lo + span * rng.next();
    if (placed.every((p) => Math.hypot(p.x - x, p.y - y) > p.r + r + 1.5)) return { x, y, r };
  }
  return null;
}

/** Adds `value` to the pixels whose centre lies within distance r of (cx, cy); returns how many. */
function fillDisc(img: Float32Array, size: number, cx: number, cy: number, r: number, value: number): number {
  let count = 0;
  const y0 = Math.max(0, Math.floor(cy - r));
  const y1 = Math.min(size - 1, Math.ceil(cy + r));
  const x0 = Math.max(0, Math.floor(cx - r));
  const x1 = Math.min(size - 1, Math.ceil(cx + r));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      if (dx * dx + dy * dy <= r * r) {
        img[y * size + x] = (img[y * size + x] as number) + value;
        count++;
      }
    }
  }
  return count;
}

/** Adds `value` to the pixels whose centre lies in the axis-aligned square of half side `half` around (cx, cy). */
function fillSquare(img: Float32Array, size: number, cx: number, cy: number, half: number, value: number): void {
  for (let y = Math.max(0, Math.floor(cy - half)); y <= Math.min(size - 1, Math.ceil(cy + half)); y++) {
    for (let x = Math.max(0, Math.floor(cx - half)); x <= Math.min(size - 1, Math.ceil(cx + half)); x++) {
      if (Math.abs(x + 0.5 - cx) <= half && Math.abs(y + 0.5 - cy) <= half) img[y * size + x] = (img[y * size + x] as number) + value;
    }
  }
}
