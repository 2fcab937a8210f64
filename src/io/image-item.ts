/**
 * One manifest item → a fixed-shape Float32Array: decode (DICOM file or
 * series, NIfTI, PNG/JPEG, video), reduce to the wanted channels and
 * dimensionality, normalise intensities, crop / pad and (training) augment.
 * Runs in the dataset's worker threads, or inline with `workers: 0`.
 */
import { readFile, stat } from 'node:fs/promises';
import { readDicom } from './dicom.js';
import { readDicomSeries } from './dicom-series.js';
import { readImageFile } from './image-file.js';
import { parseNpy } from './npy.js';
import { normaliseIntensity, resizeBilinear, shapeAndAugment, type AugmentOptions, type HostVolume, type IntensityNormalisation } from './image-transforms.js';
import { niftiResample, niftiToCanonical, readNifti } from './nifti.js';
import { readVideo } from './video.js';

/** The kinds of file a manifest row may name. */
export type ImageKind = 'dicom' | 'dicom-series' | 'nifti' | 'image' | 'video' | 'npy';

/** One row of an imaging manifest. */
export interface ImageManifestEntry {
  /** A file, a DICOM series directory, or a list of DICOM slice files. */
  path: string | readonly string[];
  /** What `path` is (default: from the extension; a directory or a list is a DICOM series). */
  kind?: ImageKind;
  /** Observed time and event code (0 = censored), for training. */
  time?: number;
  event?: number;
}

/** How items are decoded and shaped (plain data: it is sent to the worker threads). */
export interface ImageItemSpec {
  /** Output shape without channels: [height, width] (2D) or [depth, height, width] (3D: slices or video frames). */
  shape: readonly [number, number] | readonly [number, number, number];
  /** Output channels: 1 (grey; RGB is converted with ITU-R BT.601 luma weights) or 3 (grey is repeated). Default 1. */
  channels?: 1 | 3;
  /** Intensity normalisation per item (default 'minmax'). A window applies to modality values (e.g. HU). */
  intensity?: IntensityNormalisation;
  /** NIfTI: reorient to the closest canonical RAS+ order first (default true). */
  canonical?: boolean;
  /** NIfTI: resample to this voxel spacing in mm, [x, y, z] (default: as stored). */
  spacing?: readonly [number, number, number];
  /** NIfTI: the volumes are label maps — nearest-neighbour resampling (default false: linear). */
  labels?: boolean;
  /**
   * 2D outputs: 'bilinear' resizes each image to exactly [height, width] ({@link resizeBilinear}: half-pixel centres,
   * as PyTorch's `F.interpolate(align_corners=False)`; the aspect ratio is not kept) before the crop / pad, which then
   * only applies augmentation shifts. Default 'none': centre crop / zero pad to the shape. 3D outputs are always
   * cropped / padded.
   */
  resize?: 'bilinear' | 'none';
  /** Video: frame sampling and rate, as {@link readVideo} (default 'uniform', the file's rate). */
  video?: { sampling?: 'uniform' | 'first'; fps?: number };
}

const EXT: [RegExp, ImageKind][] = [
  [/\.(dcm|dicom|ima)$/i, 'dicom'],
  [/\.nii(\.gz)?$/i, 'nifti'],
  [/\.(png|jpe?g|bmp|tiff?|webp)$/i, 'image'],
  [/\.npy$/i, 'npy'],
  [/\.(mp4|m4v|mov|avi|mkv|webm|mpe?g|ogv|wmv)$/i, 'video'],
];

/** The kind of a manifest path from its extension; a list or a directory is a DICOM series; otherwise DICOM. */
export async function kindOf(entry: ImageManifestEntry): Promise<ImageKind> {
  if (entry.kind !== undefined) return entry.kind;
  if (typeof entry.path !== 'string') return 'dicom-series';
  for (const [re, kind] of EXT) if (re.test(entry.path)) return kind;
  const s = await stat(entry.path).catch(() => undefined);
  return s?.isDirectory() === true ? 'dicom-series' : 'dicom';
}

function toChannels(v: HostVolume, channels: number): HostVolume {
  if (v.channels === channels) return v;
  const n = v.depth * v.height * v.width;
  const out = new Float32Array(n * channels);
  if (channels === 1) {
    for (let i = 0; i < n; i++) out[i] = 0.299 * (v.data[3 * i] as number) + 0.587 * (v.data[3 * i + 1] as number) + 0.114 * (v.data[3 * i + 2] as number);
  } else {
    for (let i = 0; i < n; i++) out.fill(v.data[i] as number, 3 * i, 3 * i + 3);
  }
  return { ...v, data: out, channels };
}

/** A 3D volume's middle slice when a 2D output is wanted. */
function toDims(v: HostVolume, want3d: boolean): HostVolume {
  if (want3d || v.depth === 1) return v;
  const plane = v.height * v.width * v.channels;
  const z = Math.floor(v.depth / 2);
  return { ...v, data: v.data.slice(z * plane, (z + 1) * plane), depth: 1 };
}

async function decode(entry: ImageManifestEntry, spec: ImageItemSpec, kind: ImageKind): Promise<HostVolume> {
  const path = entry.path;
  if (kind === 'dicom-series') {
    const s = await readDicomSeries(path);
    return { data: s.volume, depth: s.slices, height: s.rows, width: s.columns, channels: 1 };
  }
  if (typeof path !== 'string') throw new TypeError(`a ${kind} entry needs one path`);
  if (kind === 'dicom') {
    const im = await readDicom(path);
    return { data: im.pixels, depth: im.frames, height: im.rows, width: im.columns, channels: im.samplesPerPixel };
  }
  if (kind === 'nifti') {
    let vol = await readNifti(path);
    if (spec.canonical ?? true) vol = niftiToCanonical(vol);
    if (spec.spacing !== undefined) vol = niftiResample(vol, spec.spacing, { order: spec.labels === true ? 0 : 1 });
    const [nx = 1, ny = 1, nz = 1] = vol.shape;
    // File order (x fastest) is C order [z, y, x]: depth, height, width; the first volume of a 4D file.
    return { data: Float32Array.from(vol.data.subarray(0, nx * ny * nz)), depth: nz, height: ny, width: nx, channels: 1 };
  }
  if (kind === 'npy') {
    const it = parseNpy('imageDataset', path, await readFile(path));
    const [t, h, w, c] = it.shape.length === 4 ? it.shape : [1, ...it.shape];
    return { data: it.data, depth: t as number, height: h as number, width: w as number, channels: c as number };
  }
  if (kind === 'image') {
    const im = await readImageFile(path, { channels: spec.channels ?? 1 });
    return { data: im.pixels, depth: 1, height: im.height, width: im.width, channels: im.channels };
  }
  const [d, h, w] = spec.shape.length === 3 ? spec.shape : [1, ...spec.shape];
  const v = await readVideo(path, {
    frames: d,
    height: h,
    width: w,
    channels: spec.channels ?? 1,
    sampling: spec.video?.sampling ?? 'uniform',
    fps: spec.video?.fps,
  });
  return { data: v.pixels, depth: v.frames, height: v.height, width: v.width, channels: v.channels };
}

/**
 * Loads one item: decode, channels, dimensionality, normalisation, crop / pad and, when `augmentSeed` is given, augmentation.
 *
 * @returns depth × height × width × channels values (depth omitted for a 2D shape), row-major
 */
export async function loadImageItem(entry: ImageManifestEntry, spec: ImageItemSpec, augment?: AugmentOptions, augmentSeed?: number): Promise<Float32Array> {
  const kind = await kindOf(entry);
  const want3d = spec.shape.length === 3;
  let v = toDims(toChannels(await decode(entry, spec, kind), spec.channels ?? 1), want3d);
  const [d, h, w] = want3d ? spec.shape : [1, ...spec.shape];
  if (!want3d && spec.resize === 'bilinear') v = resizeBilinear(v, h, w as number);
  v = { ...v, data: normaliseIntensity(v.data, spec.intensity ?? 'minmax') };
  return shapeAndAugment(v, d, h, w as number, augment, augmentSeed).data;
}

/**
 * The shape of an item as stored, channels last: [height, width, channels], or [depth, height, width, channels] for
 * volumes, multi-frame files and videos (decoded at their own size).
 */
export async function probeImageItem(entry: ImageManifestEntry): Promise<number[]> {
  const kind = await kindOf(entry);
  if (kind === 'video') throw new TypeError('a video has no size of its own here: give the backbone an input shape');
  const v = await decode(entry, { shape: [1, 1] }, kind);
  return v.depth > 1 ? [v.depth, v.height, v.width, v.channels] : [v.height, v.width, v.channels];
}
