import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { rotateImage, translateImage } from '../../src/data/rotate.js';
import type { FixtureProvenance } from '../fixtures/provenance.js';

const ramp = (h: number, w: number, c = 1): Float32Array => Float32Array.from({ length: h * w * c }, (_, i) => (i % 97) / 7 + 1);
/** np.rot90(img, k=1): a quarter turn counter-clockwise as displayed. */
const rot90 = (img: ArrayLike<number>, n: number, c = 1): number[] => {
  const out: number[] = new Array<number>(n * n * c);
  for (let r = 0; r < n; r++)
    for (let col = 0; col < n; col++) for (let k = 0; k < c; k++) out[(r * n + col) * c + k] = img[(col * n + (n - 1 - r)) * c + k] as number;
  return out;
};

/** scipy.ndimage.rotate(order=1, mode='grid-constant') outputs; see the fixture's provenance. */
const golden = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/images/rotate_scipy.json', import.meta.url)), 'utf8')) as {
  provenance: FixtureProvenance;
  cases: { height: number; width: number; channels: number; degrees: number; image: number[]; rotated: number[] }[];
};

describe('rotateImage', () => {
  it("golden: equals scipy.ndimage.rotate(reshape=False, order=1, mode='grid-constant') (float32 output: ≤ 1e-7 absolute)", () => {
    expect(golden.provenance.reference).toMatch(/^scipy 1\.17\.1/);
    for (const g of golden.cases) {
      const got = rotateImage(Float64Array.from(g.image), g.height, g.width, g.degrees, { channels: g.channels });
      expect(got.length).toBe(g.rotated.length);
      g.rotated.forEach((r, i) => expect(Math.abs((got[i] as number) - r)).toBeLessThanOrEqual(1e-7));
    }
  });

  it('named cases: 2×2 quarter turns counter-clockwise (as scipy.ndimage.rotate and np.rot90)', () => {
    expect(Array.from(rotateImage([1, 2, 3, 4], 2, 2, 90))).toEqual([2, 4, 1, 3]);
    expect(Array.from(rotateImage([1, 2, 3, 4], 2, 2, 180))).toEqual([4, 3, 2, 1]);
    expect(Array.from(rotateImage([1, 2, 3, 4], 2, 2, -90))).toEqual([3, 1, 4, 2]);
    expect(Array.from(rotateImage([1, 2, 3, 4], 2, 2, 270))).toEqual([3, 1, 4, 2]);
  });

  it('0° is the identity', () => {
    const img = ramp(9, 7, 2);
    expect(rotateImage(img, 9, 7, 0, { channels: 2 })).toEqual(img);
  });

  it('90° of a square image is an exact permutation (np.rot90), with channels', () => {
    for (const n of [5, 6, 28]) {
      const img = ramp(n, n, 3);
      const got = Array.from(rotateImage(img, n, n, 90, { channels: 3 }));
      expect(got).toEqual(rot90(img, n, 3));
      expect([...got].sort((a, b) => a - b)).toEqual(Array.from(img).sort((a, b) => a - b));
    }
  });

  it('360° is the identity up to float rounding; four 90° turns exactly', () => {
    const img = ramp(28, 28);
    const full = rotateImage(img, 28, 28, 360);
    expect(full).toEqual(img); // multiples of 90° use exact cos/sin
    const almost = rotateImage(img, 28, 28, 359.9999999);
    almost.forEach((v, i) => expect(Math.abs(v - (img[i] as number))).toBeLessThan(1e-5));
    let x: Float32Array = img;
    for (let k = 0; k < 4; k++) x = rotateImage(x, 28, 28, 90);
    expect(x).toEqual(img);
  });

  it('zero fill outside: corners of a constant image lose mass at 45°, the centre keeps its value', () => {
    const n = 9;
    const img = new Float32Array(n * n).fill(1);
    const r = rotateImage(img, n, n, 45);
    expect(r[0]).toBe(0);
    expect(r[4 * n + 4]).toBeCloseTo(1, 12);
    const filled = rotateImage(img, n, n, 45, { fill: 1 });
    filled.forEach((v) => expect(v).toBeCloseTo(1, 6));
  });

  it('bilinear: a point at distance 1 from the centre rotated by 30° splits its mass over the neighbours', () => {
    const n = 5;
    const img = new Float32Array(n * n);
    img[2 * n + 3] = 1; // one pixel right of the centre
    const r = rotateImage(img, n, n, 30);
    const sum = r.reduce((a, v) => a + v, 0);
    expect(sum).toBeGreaterThan(0.9);
    expect(sum).toBeLessThanOrEqual(1 + 1e-6);
    // It moves up (counter-clockwise): the mass is in rows 1–2, columns 2–3.
    const mass = (rows: number[], cols: number[]): number => rows.reduce((a, rr) => a + cols.reduce((b, cc) => b + (r[rr * n + cc] as number), 0), 0);
    expect(mass([1, 2], [2, 3])).toBeCloseTo(sum, 6);
    expect(mass([1], [2, 3])).toBeGreaterThan(0);
  });

  it('property: rotating by θ then −θ restores the centre disc of a smooth image', () => {
    fc.assert(
      fc.property(fc.double({ min: -180, max: 180, noNaN: true }), fc.double({ min: 0.1, max: 2, noNaN: true }), (deg, freq) => {
        const n = 21;
        const c = (n - 1) / 2;
        const img = Float32Array.from({ length: n * n }, (_, i) => Math.sin((freq * (Math.floor(i / n) - c)) / 5) + Math.cos((freq * ((i % n) - c)) / 5));
        const back = rotateImage(rotateImage(img, n, n, deg), n, n, -deg);
        for (let r = 0; r < n; r++) {
          for (let col = 0; col < n; col++) {
            if (Math.hypot(r - c, col - c) > 6) continue;
            expect(Math.abs((back[r * n + col] as number) - (img[r * n + col] as number))).toBeLessThan(0.25 * freq * freq + 0.01);
          }
        }
      }),
      { numRuns: 25 },
    );
  });

  it('property: rotation by a multiple of 90° keeps the multiset of values of a square image', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: -8, max: 8 }), fc.integer({ min: 0, max: 1000 }), (n, q, s) => {
        const img = Float32Array.from({ length: n * n }, (_, i) => ((i * 7919 + s) % 101) / 10);
        const r = rotateImage(img, n, n, 90 * q);
        expect(Array.from(r).sort((a, b) => a - b)).toEqual(Array.from(img).sort((a, b) => a - b));
      }),
      { numRuns: 30 },
    );
  });

  it('rejects a wrong length and bad options', () => {
    expect(() => rotateImage([1, 2, 3], 2, 2, 10)).toThrow(
      messages.shapeMismatch('rotateImage', 'image', '4 values (height 2 × width 2 × channels 1)', '3 values'),
    );
    expect(() => rotateImage([1, 2, 3, 4], 2, 2, NaN)).toThrow(messages.optionRange('rotateImage', 'degrees', 'a finite number', NaN));
    expect(() => rotateImage([1, 2, 3, 4], 2, 2, 10, { channels: 0 })).toThrow(/rotateImage: option 'channels'|'channels'/);
    expect(() => rotateImage(null as unknown as number[], 2, 2, 10)).toThrow(messages.notArray('rotateImage', 'image', null));
    expect(() => rotateImage([1, 2, 3, 4], 2.5, 2, 10)).toThrow(/'height'/);
  });
});

describe('translateImage', () => {
  it('integer shifts move pixels exactly, filling with zeros', () => {
    expect(Array.from(translateImage([1, 2, 3, 4], 2, 2, 0, 1))).toEqual([0, 1, 0, 3]);
    expect(Array.from(translateImage([1, 2, 3, 4], 2, 2, 1, 0))).toEqual([0, 0, 1, 2]);
    expect(Array.from(translateImage([1, 2, 3, 4], 2, 2, -1, -1, { fill: 9 }))).toEqual([4, 9, 9, 9]);
  });

  it('a half-pixel shift averages neighbours', () => {
    expect(Array.from(translateImage([2, 4], 1, 2, 0, 0.5))).toEqual([1, 3]);
  });

  it('property: shifting by (dy, dx) then (−dy, −dx) restores the pixels that stayed inside', () => {
    fc.assert(
      fc.property(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -3, max: 3 }), (dy, dx) => {
        const n = 8;
        const img = ramp(n, n);
        const back = translateImage(translateImage(img, n, n, dy, dx), n, n, -dy, -dx);
        for (let r = Math.max(0, -dy); r < Math.min(n, n - dy); r++)
          for (let c = Math.max(0, -dx); c < Math.min(n, n - dx); c++) expect(back[r * n + c]).toBe(img[r * n + c]);
      }),
      { numRuns: 30 },
    );
  });

  it('rejects a non-finite shift', () => {
    expect(() => translateImage([1], 1, 1, Infinity, 0)).toThrow(messages.optionRange('translateImage', 'dy', 'a finite number', Infinity));
  });
});
