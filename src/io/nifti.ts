/**
 * NIfTI-1 and NIfTI-2 volumes (`.nii`, `.nii.gz`): voxel values scaled by
 * scl_slope / scl_inter, the voxel-to-world affine (the sform where set, else
 * the qform, else nibabel's fallback), reorientation to the closest canonical
 * (RAS+) order and resampling to a voxel spacing — each as nibabel does it
 * (`get_fdata`, `affine`, `as_closest_canonical`,
 * `processing.resample_to_output`), checked against nibabel on its public
 * test images. Header parsing and gunzip use `nifti-reader-js`.
 */
import * as nifti from 'nifti-reader-js';
import { survkitError } from '../core/errors.js';
import { readFileBytes } from './read-bytes.js';
import { type Mat4, affineOfQuaternion, closestOrientation, invert4, matmul4 } from './nifti-affine.js';

/** A NIfTI volume on the host. */
export interface NiftiVolume {
  /** The file read (named in errors). */
  file: string;
  /**
   * Voxel values after scl_slope / scl_inter, in the file's order: the first
   * axis fastest (voxel (i, j, k, t) at i + n₀·(j + n₁·(k + n₂·t))), i.e. a
   * C-order array of shape [.., n₂, n₁, n₀] — depth, height, width for a 3D volume.
   * Float64Array for float64 and 32/64-bit integer data, else Float32Array.
   */
  data: Float32Array | Float64Array;
  /** dim[1 … dim[0]]: [n₀, n₁, n₂(, n₃ …)]. */
  shape: number[];
  /** pixdim[1 … dim[0]] (mm for space, the file's time unit for time). */
  spacing: number[];
  /**
   * Voxel (i, j, k, 1) → world (x, y, z, 1) in mm, 4 × 4 row-major: the sform when sform_code > 0, else the qform when
   * qform_code > 0, else nibabel's fallback.
   */
  affine: Mat4;
  /** NIfTI datatype code (2 uint8, 4 int16, 8 int32, 16 float32, 64 float64, 256 int8, 512 uint16, 768 uint32, 1024 int64, 1280 uint64). */
  datatype: number;
  /** 1 or 2. */
  version: 1 | 2;
  /** The scl_slope and scl_inter applied (1 and 0 when the file's slope is 0 or not finite: unscaled). */
  sclSlope: number;
  sclInter: number;
}

const INTEGER_TYPES = new Set([2, 4, 8, 256, 512, 768, 1024, 1280]);

const READERS: Record<number, { bytes: number; read: (v: DataView, o: number, le: boolean) => number; wide: boolean }> = {
  2: { bytes: 1, read: (v, o) => v.getUint8(o), wide: false },
  4: { bytes: 2, read: (v, o, le) => v.getInt16(o, le), wide: false },
  8: { bytes: 4, read: (v, o, le) => v.getInt32(o, le), wide: true },
  16: { bytes: 4, read: (v, o, le) => v.getFloat32(o, le), wide: false },
  64: { bytes: 8, read: (v, o, le) => v.getFloat64(o, le), wide: true },
  256: { bytes: 1, read: (v, o) => v.getInt8(o), wide: false },
  512: { bytes: 2, read: (v, o, le) => v.getUint16(o, le), wide: false },
  768: { bytes: 4, read: (v, o, le) => v.getUint32(o, le), wide: true },
  1024: { bytes: 8, read: (v, o, le) => Number(v.getBigInt64(o, le)), wide: true },
  1280: { bytes: 8, read: (v, o, le) => Number(v.getBigUint64(o, le)), wide: true },
};

/**
 * Parses a NIfTI-1 / NIfTI-2 file's bytes (gzipped or not).
 *
 * @param bytes the file's bytes
 * @param file a name for error messages
 * @throws {SurvkitError} `niftiFile` when the bytes are not a single-file NIfTI, the datatype is not a real scalar
 *   (complex and RGB are not read), the data is shorter than the header says, or scl_slope is valid but scl_inter is not
 * @example
 * const vol = parseNifti(new Uint8Array(await readFile('t1.nii.gz')), 't1.nii.gz');
 */
export function parseNifti(bytes: Uint8Array, file = 'NIfTI data'): NiftiVolume {
  const fn = 'parseNifti';
  const fail = (problem: string): never => {
    throw survkitError('niftiFile', fn, file, problem);
  };
  let buf: ArrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  if (nifti.isCompressed(buf)) {
    try {
      buf = nifti.decompress(buf) as ArrayBuffer;
    } catch (e) {
      fail(`gzip data does not decompress (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  if (!nifti.isNIFTI(buf)) fail("not a single-file NIfTI-1 or NIfTI-2 image (no 'n+1' / 'n+2' magic; .hdr/.img pairs are not read)");
  const h = nifti.readHeader(buf);
  const version = nifti.isNIFTI2(buf) ? 2 : 1;
  const le = h.littleEndian;
  const ndim = h.dims[0] ?? 0;
  if (!(ndim >= 1 && ndim <= 7)) fail(`dim[0] must be 1 … 7; got ${ndim}`);
  const shape = h.dims.slice(1, ndim + 1);
  if (shape.some((n) => !(n >= 1))) fail(`every dimension must be >= 1; got [${shape.join(', ')}]`);
  const spacing = h.pixDims.slice(1, ndim + 1);
  const reader = READERS[h.datatypeCode];
  if (reader === undefined) return fail(`datatype ${h.datatypeCode} is not a real scalar type survkit reads (complex and RGB are not)`);
  const count = shape.reduce((a, n) => a * n, 1);
  const image = nifti.readImage(h, buf);
  if (image.byteLength < count * reader.bytes)
    fail(`the image data has ${image.byteLength} bytes; [${shape.join(', ')}] voxels of ${reader.bytes} byte(s) need ${count * reader.bytes}`);
  // nibabel's get_slope_inter: slope 0 or non-finite → unscaled; a valid slope with a non-finite intercept is an error.
  let slope = h.scl_slope;
  let inter = h.scl_inter;
  if (slope === 0 || !Number.isFinite(slope)) {
    slope = 1;
    inter = 0;
  } else if (!Number.isFinite(inter)) fail(`scl_slope is ${slope} but scl_inter is ${inter}`);
  const view = new DataView(image);
  const data = reader.wide || h.datatypeCode === 64 ? new Float64Array(count) : new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = reader.read(view, i * reader.bytes, le) * slope + inter;
  return {
    file,
    data,
    shape,
    spacing,
    affine: affineOf(h, new DataView(buf), version, le),
    datatype: h.datatypeCode,
    version,
    sclSlope: slope,
    sclInter: inter,
  };
}

/** nibabel's `get_best_affine`: sform (sform_code > 0), qform (qform_code > 0), else the base affine (centre of the volume at 0, x flipped). */
function affineOf(h: nifti.NIFTI1 | nifti.NIFTI2, view: DataView, version: 1 | 2, le: boolean): Mat4 {
  const zooms = [1, 2, 3].map((k) => h.pixDims[k] ?? 1);
  if (h.sform_code > 0) {
    const at = (r: number, c: number): number => (version === 1 ? view.getFloat32(280 + 16 * r + 4 * c, le) : view.getFloat64(400 + 32 * r + 8 * c, le));
    return [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => at(r, c))).concat([[0, 0, 0, 1]]);
  }
  if (h.qform_code > 0) {
    const [b, c, d] = version === 1 ? [256, 260, 264].map((o) => view.getFloat32(o, le)) : [352, 360, 368].map((o) => view.getFloat64(o, le));
    const [x, y, z] = version === 1 ? [268, 272, 276].map((o) => view.getFloat32(o, le)) : [376, 384, 392].map((o) => view.getFloat64(o, le));
    const qfac = h.pixDims[0] === -1 ? -1 : 1;
    return affineOfQuaternion([b as number, c as number, d as number], [x as number, y as number, z as number], zooms, qfac);
  }
  const dims = [1, 2, 3].map((k) => h.dims[k] ?? 1);
  const diag = [-(zooms[0] as number), zooms[1] as number, zooms[2] as number];
  return [
    [diag[0] as number, 0, 0, (-((dims[0] as number) - 1) / 2) * (diag[0] as number)],
    [0, diag[1] as number, 0, (-((dims[1] as number) - 1) / 2) * (diag[1] as number)],
    [0, 0, diag[2] as number, (-((dims[2] as number) - 1) / 2) * (diag[2] as number)],
    [0, 0, 0, 1],
  ];
}

/**
 * Reads a NIfTI-1 / NIfTI-2 file (`.nii` or `.nii.gz`) — {@link parseNifti}.
 *
 * @example
 * const vol = await readNifti('scans/17/t1.nii.gz');
 * vol.shape; // [n₀, n₁, n₂]
 * const ras = niftiToCanonical(vol); // RAS+ voxel order
 * @throws {SurvkitError} `dataFile` when the file cannot be read; as {@link parseNifti}
 */
export async function readNifti(path: string): Promise<NiftiVolume> {
  return parseNifti(await readFileBytes('readNifti', 'path', path), path);
}

/**
 * The volume in the closest canonical (RAS+) voxel order: axes permuted and
 * flipped so that i, j, k increase to the Right, Anterior and Superior, with
 * the affine updated to map the new voxels to the same world points —
 * nibabel's `as_closest_canonical` (orientation from `io_orientation`: the
 * closest orthogonal matrix to the affine's normalised 3 × 3 part, each voxel
 * axis taking in turn its largest world axis). Axes beyond the third are kept.
 */
export function niftiToCanonical(vol: NiftiVolume): NiftiVolume {
  const n = [vol.shape[0] ?? 1, vol.shape[1] ?? 1, vol.shape[2] ?? 1];
  const ornt = closestOrientation(vol.affine);
  if (ornt.every(([ax, flip], a) => ax === a && flip === 1)) return vol;
  // New voxel index v' with v'[out] = v[a] (flip 1) or n_a − 1 − v[a] (flip −1); v = M v' + c.
  const M: Mat4 = [
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 1],
  ];
  const newShape = [...n];
  ornt.forEach(([out, flip], a) => {
    (M[a] as number[])[out] = flip;
    (M[a] as number[])[3] = flip < 0 ? (n[a] as number) - 1 : 0;
    newShape[out] = n[a] as number;
  });
  const plane = n[0]! * n[1]! * n[2]!;
  const rest = vol.data.length / plane;
  const data = vol.data instanceof Float64Array ? new Float64Array(vol.data.length) : new Float32Array(vol.data.length);
  const stride = [1, n[0]!, n[0]! * n[1]!];
  // Input offset of new voxel (0,0,0) and the input step along each new axis.
  let base = 0;
  const step = [0, 0, 0];
  ornt.forEach(([out, flip], a) => {
    if (flip < 0) base += ((n[a] as number) - 1) * (stride[a] as number);
    step[out] = flip * (stride[a] as number);
  });
  const [m0, m1, m2] = newShape as [number, number, number];
  for (let t = 0; t < rest; t++) {
    let o = t * plane;
    for (let k = 0; k < m2; k++)
      for (let j = 0; j < m1; j++) {
        const row = t * plane + base + k * step[2]! + j * step[1]!;
        for (let i = 0; i < m0; i++) data[o++] = vol.data[row + i * step[0]!] as number;
      }
  }
  const shape = [...newShape, ...vol.shape.slice(3)];
  const spacing = [...vol.spacing];
  ornt.forEach(([out], a) => (spacing[out] = vol.spacing[a] ?? 1));
  return { ...vol, data, shape: shape.slice(0, vol.shape.length), spacing, affine: matmul4(vol.affine, M) };
}

/** Options of {@link niftiResample}. */
export interface NiftiResampleOptions {
  /** 1: trilinear (default, for intensities); 0: nearest neighbour (for label maps). */
  order?: 0 | 1;
  /** Value outside the input volume (default 0). */
  cval?: number;
}

/**
 * Resamples a volume to a voxel spacing on a world-aligned grid —
 * nibabel's `processing.resample_to_output(img, voxelSizes, order, mode='constant')`:
 * the output grid has the affine diag(spacing) with origin at the smallest
 * world corner of the input's voxel centres and covers their bounding box
 * (size ⌈extent / spacing⌉ + 1); each output voxel takes the input value at its
 * world point by trilinear (order 1) or nearest (order 0) interpolation as
 * scipy.ndimage's `affine_transform` with mode 'constant' (cval outside).
 * Axes beyond the third are resampled volume by volume. As in nibabel,
 * unscaled integer data stays integer: interpolated values are rounded half
 * away from zero (scipy's cast to the input's integer type).
 *
 * @example
 * const iso = niftiResample(await readNifti('t1.nii.gz'), [1, 1, 1]);
 * const labels = niftiResample(await readNifti('seg.nii.gz'), [1, 1, 1], { order: 0 });
 * @throws {SurvkitError} for a spacing that is not 3 positive numbers
 */
export function niftiResample(vol: NiftiVolume, spacing: readonly number[], opts: NiftiResampleOptions = {}): NiftiVolume {
  const fn = 'niftiResample';
  const isArray: (x: unknown) => boolean = Array.isArray; // checks without narrowing to any[]
  if (!isArray(spacing) || spacing.length !== 3 || spacing.some((s) => !(typeof s === 'number' && s > 0 && Number.isFinite(s))))
    throw survkitError('niftiFile', fn, vol.file, `'spacing' must be 3 positive numbers (mm); got ${JSON.stringify(spacing)}`);
  const order = opts.order ?? 1;
  const cval = opts.cval ?? 0;
  const n = [vol.shape[0] ?? 1, vol.shape[1] ?? 1, vol.shape[2] ?? 1] as [number, number, number];
  const A = vol.affine;
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (const ci of [0, n[0] - 1]) {
    for (const cj of [0, n[1] - 1]) {
      for (const ck of [0, n[2] - 1]) {
        for (let r = 0; r < 3; r++) {
          const row = A[r] as number[];
          const w = row[0]! * ci + row[1]! * cj + row[2]! * ck + row[3]!;
          lo[r] = Math.min(lo[r]!, w);
          hi[r] = Math.max(hi[r]!, w);
        }
      }
    }
  }
  const outShape = [0, 1, 2].map((r) => Math.ceil((hi[r]! - lo[r]!) / spacing[r]!) + 1) as [number, number, number];
  const outAffine: Mat4 = [
    [spacing[0]!, 0, 0, lo[0]!],
    [0, spacing[1]!, 0, lo[1]!],
    [0, 0, spacing[2]!, lo[2]!],
    [0, 0, 0, 1],
  ];
  const T = matmul4(invert4(A), outAffine); // output voxel → input voxel
  const plane = n[0] * n[1] * n[2];
  const outPlane = outShape[0] * outShape[1] * outShape[2];
  const rest = vol.data.length / plane;
  const data = vol.data instanceof Float64Array ? new Float64Array(outPlane * rest) : new Float32Array(outPlane * rest);
  const sx = 1;
  const sy = n[0];
  const sz = n[0] * n[1];
  const inside = (x: number, m: number): boolean => x >= 0 && x <= m - 1;
  const integer = INTEGER_TYPES.has(vol.datatype) && vol.sclSlope === 1 && vol.sclInter === 0;
  const cast = (v: number): number => (integer ? Math.trunc(v > 0 ? v + 0.5 : v - 0.5) : v);
  for (let t = 0; t < rest; t++) {
    const src = vol.data.subarray(t * plane, (t + 1) * plane);
    let o = t * outPlane;
    for (let k = 0; k < outShape[2]; k++)
      for (let j = 0; j < outShape[1]; j++)
        for (let i = 0; i < outShape[0]; i++, o++) {
          const x = T[0]![0]! * i + T[0]![1]! * j + T[0]![2]! * k + T[0]![3]!;
          const y = T[1]![0]! * i + T[1]![1]! * j + T[1]![2]! * k + T[1]![3]!;
          const z = T[2]![0]! * i + T[2]![1]! * j + T[2]![2]! * k + T[2]![3]!;
          data[o] =
            order === 0
              ? nearest(src, n, x, y, z, cval)
              : inside(x, n[0]) && inside(y, n[1]) && inside(z, n[2])
                ? cast(trilinear(src, n, x, y, z, sx, sy, sz))
                : cval;
        }
  }
  return {
    ...vol,
    data,
    shape: [...outShape, ...vol.shape.slice(3)].slice(0, Math.max(3, vol.shape.length)),
    spacing: [...spacing, ...vol.spacing.slice(3)],
    affine: outAffine,
  };
}

function nearest(src: ArrayLike<number>, n: [number, number, number], x: number, y: number, z: number, cval: number): number {
  // scipy.ndimage order 0, mode 'constant': the nearest voxel (halves rounded up), cval when a coordinate is outside [0, n − 1].
  if (!(x >= 0 && x <= n[0] - 1 && y >= 0 && y <= n[1] - 1 && z >= 0 && z <= n[2] - 1)) return cval;
  const i = Math.min(Math.floor(x + 0.5), n[0] - 1);
  const j = Math.min(Math.floor(y + 0.5), n[1] - 1);
  const k = Math.min(Math.floor(z + 0.5), n[2] - 1);
  return src[i + n[0] * (j + n[1] * k)] as number;
}

function trilinear(src: ArrayLike<number>, n: [number, number, number], x: number, y: number, z: number, sx: number, sy: number, sz: number): number {
  const i0 = Math.min(Math.floor(x), n[0] - 1);
  const j0 = Math.min(Math.floor(y), n[1] - 1);
  const k0 = Math.min(Math.floor(z), n[2] - 1);
  const fx = x - i0;
  const fy = y - j0;
  const fz = z - k0;
  const i1 = Math.min(i0 + 1, n[0] - 1);
  const j1 = Math.min(j0 + 1, n[1] - 1);
  const k1 = Math.min(k0 + 1, n[2] - 1);
  const v = (i: number, j: number, k: number): number => src[i * sx + j * sy + k * sz] as number;
  const c00 = v(i0, j0, k0) * (1 - fx) + v(i1, j0, k0) * fx;
  const c10 = v(i0, j1, k0) * (1 - fx) + v(i1, j1, k0) * fx;
  const c01 = v(i0, j0, k1) * (1 - fx) + v(i1, j0, k1) * fx;
  const c11 = v(i0, j1, k1) * (1 - fx) + v(i1, j1, k1) * fx;
  return (c00 * (1 - fy) + c10 * fy) * (1 - fz) + (c01 * (1 - fy) + c11 * fy) * fz;
}
