/**
 * 4 × 4 affine helpers for NIfTI volumes: products, inverse, the qform from
 * its quaternion, and the voxel-axis orientation nibabel's `io_orientation` finds.
 */

/** A 4 × 4 matrix, row-major. */
export type Mat4 = number[][];

/** a · b for 4 × 4 matrices. */
export function matmul4(a: Mat4, b: Mat4): Mat4 {
  return [0, 1, 2, 3].map((r) => [0, 1, 2, 3].map((c) => [0, 1, 2, 3].reduce((s, k) => s + a[r]![k]! * b[k]![c]!, 0)));
}

/** The inverse of a 4 × 4 matrix (Gauss–Jordan with partial pivoting). */
export function invert4(m: Mat4): Mat4 {
  const a = m.map((row, r) => [...row, ...[0, 1, 2, 3].map((c) => (c === r ? 1 : 0))]);
  for (let c = 0; c < 4; c++) {
    let p = c;
    for (let r = c + 1; r < 4; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    const pivot = a[c]![c]!;
    for (let k = 0; k < 8; k++) a[c]![k]! /= pivot;
    for (let r = 0; r < 4; r++) {
      if (r === c) continue;
      const f = a[r]![c]!;
      for (let k = 0; k < 8; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  return a.map((row) => row.slice(4));
}

/**
 * The qform affine from quatern_b/c/d, qoffset and pixdim (NIfTI-1 standard,
 * method 2; nibabel's `get_qform`): a = √(1 − b² − c² − d²) (0 when that is
 * slightly negative), R from the unit quaternion, columns scaled by the voxel
 * sizes, the third negated when qfac = −1.
 */
export function affineOfQuaternion(bcd: [number, number, number], offset: [number, number, number], zooms: number[], qfac: number): Mat4 {
  const [x, y, z] = bcd;
  const w2 = 1 - (x * x + y * y + z * z);
  const w = w2 < 0 ? 0 : Math.sqrt(w2);
  const nq = w * w + x * x + y * y + z * z;
  const s = nq < 1e-300 ? 0 : 2 / nq;
  const [X, Y, Z] = [x * s, y * s, z * s];
  const R = [
    [1 - (y * Y + z * Z), x * Y - w * Z, x * Z + w * Y],
    [x * Y + w * Z, 1 - (x * X + z * Z), y * Z - w * X],
    [x * Z - w * Y, y * Z + w * X, 1 - (x * X + y * Y)],
  ];
  const vox = [zooms[0] ?? 1, zooms[1] ?? 1, (zooms[2] ?? 1) * (qfac < 0 ? -1 : 1)];
  return [...R.map((row, r) => [...row.map((v, c) => v * vox[c]!), offset[r]!]), [0, 0, 0, 1]];
}

/**
 * For each voxel axis a, the world axis it is closest to and its sign
 * ([axis, ±1]) — nibabel's `io_orientation`: the 3 × 3 part with unit
 * columns is replaced by its closest orthogonal matrix (the polar factor,
 * here by Newton's iteration Q ← (Q + Q⁻ᵀ)/2), then voxel axes in turn take
 * the world axis of their largest absolute entry, which no later axis may take.
 */
export function closestOrientation(affine: Mat4): [number, number][] {
  const cols = [0, 1, 2].map((c) => [0, 1, 2].map((r) => affine[r]![c]!));
  const norms = cols.map((v) => Math.hypot(...v) || 1);
  let q = [0, 1, 2].map((r) => [0, 1, 2].map((c) => cols[c]![r]! / norms[c]!));
  for (let it = 0; it < 100; it++) {
    const inv = invert3(q);
    const next = q.map((row, r) => row.map((v, c) => (v + inv[c]![r]!) / 2));
    const diff = Math.max(...next.flatMap((row, r) => row.map((v, c) => Math.abs(v - q[r]![c]!))));
    q = next;
    if (diff < 1e-15) break;
  }
  const out: [number, number][] = [];
  const used = new Set<number>();
  for (let a = 0; a < 3; a++) {
    let best = -1;
    for (let r = 0; r < 3; r++) if (!used.has(r) && (best < 0 || Math.abs(q[r]![a]!) > Math.abs(q[best]![a]!))) best = r;
    used.add(best);
    out.push([best, q[best]![a]! < 0 ? -1 : 1]);
  }
  return out;
}

function invert3(m: number[][]): number[][] {
  const [a, b, c] = m[0] as [number, number, number];
  const [d, e, f] = m[1] as [number, number, number];
  const [g, h, i] = m[2] as [number, number, number];
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [
    [A / det, -(b * i - c * h) / det, (b * f - c * e) / det],
    [B / det, (a * i - c * g) / det, -(a * f - c * d) / det],
    [C / det, -(a * h - b * g) / det, (a * e - b * d) / det],
  ];
}
