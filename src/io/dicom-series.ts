/**
 * A DICOM series (one file per slice) as a volume in patient order, and
 * DICOM images and volumes as TF.js tensors for 2D, 3D and video backbones.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { survkitError, SurvkitError } from '../core/errors.js';
import { applyWindow, readDicom, type DicomImage, type DicomWindow } from './dicom.js';

/** What {@link readDicomSeries} returns. */
export interface DicomSeries {
  /** The slice files in volume order. */
  files: string[];
  slices: number;
  rows: number;
  columns: number;
  /** slices × rows × columns modality values (e.g. Hounsfield units), row-major. */
  volume: Float32Array;
  /** How the slices were ordered: along the slice normal (ImagePositionPatient) or by InstanceNumber. */
  order: 'position' | 'instance';
  /** Position of each slice along the normal row × column of ImageOrientationPatient (mm), when ordered by position. */
  slicePositions: number[] | undefined;
  /** Median distance between neighbouring slices (mm), when ordered by position and there are ≥ 2 slices. */
  sliceSpacing: number | undefined;
  /** PixelSpacing of the first slice, [between rows, between columns] (mm). */
  pixelSpacing: [number, number] | undefined;
  /** The first slice's VOI window, photometric interpretation, modality and series UID. */
  window: DicomWindow | undefined;
  photometric: string;
  modality: string | undefined;
  seriesInstanceUID: string | undefined;
}

/** Options of {@link readDicomSeries}. */
export interface ReadDicomSeriesOptions {
  /** Keep only this series when the files hold several. */
  seriesInstanceUID?: string;
}

const cross = (a: readonly number[], b: readonly number[]): number[] => [
  (a[1] as number) * (b[2] as number) - (a[2] as number) * (b[1] as number),
  (a[2] as number) * (b[0] as number) - (a[0] as number) * (b[2] as number),
  (a[0] as number) * (b[1] as number) - (a[1] as number) * (b[0] as number),
];

/**
 * Reads the slices of one DICOM series — a directory (every regular file in
 * it that is a DICOM image; others are skipped) or a list of files — into a
 * volume. Slices are ordered along the slice normal (the cross product of
 * ImageOrientationPatient's row and column directions, ascending position),
 * or by InstanceNumber when positions are missing.
 *
 * @example
 * const ct = await readDicomSeries('scans/patient-17/ct');
 * const x = dicomSeriesTensor(ct, { window: { center: 40, width: 400 } }); // [1, slices, rows, columns, 1]
 * @throws {SurvkitError} (`dicomFile`) when there is no image, several series without `seriesInstanceUID`,
 *   multi-frame or RGB files, slices of different sizes or orientations, two slices at the same position, or
 *   neither positions nor instance numbers to order by; as {@link readDicom} for unreadable files
 */
export async function readDicomSeries(source: string | readonly string[], opts: ReadDicomSeriesOptions = {}): Promise<DicomSeries> {
  const fn = 'readDicomSeries';
  const label = typeof source === 'string' ? source : `${source.length} files`;
  const fail = (problem: string): never => {
    throw survkitError('dicomFile', fn, label, problem);
  };
  let images: DicomImage[];
  if (typeof source === 'string') {
    let names: string[];
    try {
      names = (await readdir(source)).sort();
    } catch (e) {
      throw survkitError('dataFile', fn, 'source', source, (e as { code?: string }).code === 'ENOTDIR' ? 'it is not a directory' : (e as Error).message);
    }
    images = [];
    for (const name of names) {
      const path = join(source, name);
      if (!(await stat(path)).isFile()) continue;
      try {
        images.push(await readDicom(path));
      } catch (e) {
        // Not DICOM, or DICOM without an image (DICOMDIR, reports): not a slice.
        if (e instanceof SurvkitError && /not a readable DICOM file|has no pixel data/.test(e.message)) continue;
        throw e;
      }
    }
  } else {
    const list: readonly string[] = source;
    const isArray: (x: unknown) => boolean = Array.isArray; // checks without narrowing `list` to any[]
    if (!isArray(list)) throw survkitError('dicomSource', fn, 'source', source);
    images = await Promise.all(list.map((p) => readDicom(p)));
  }
  if (images.length === 0) fail('no DICOM image found');
  const uids = new Map<string, number>();
  for (const im of images) uids.set(im.seriesInstanceUID ?? '(none)', (uids.get(im.seriesInstanceUID ?? '(none)') ?? 0) + 1);
  if (opts.seriesInstanceUID !== undefined) {
    images = images.filter((im) => im.seriesInstanceUID === opts.seriesInstanceUID);
    if (images.length === 0) fail(`no slice of series ${opts.seriesInstanceUID}; the series there are ${[...uids.keys()].join(', ')}`);
  } else if (uids.size > 1) {
    fail(`holds ${uids.size} series (${[...uids].map(([u, n]) => `${u}: ${n} slices`).join('; ')}); choose one with { seriesInstanceUID }`);
  }
  const first = images[0] as DicomImage;
  for (const im of images) {
    if (im.frames !== 1 || im.samplesPerPixel !== 1) fail(`${im.file} is a multi-frame or colour image; read it with readDicom`);
    if (im.rows !== first.rows || im.columns !== first.columns)
      fail(`${im.file} is ${im.rows} × ${im.columns} but ${first.file} is ${first.rows} × ${first.columns}`);
  }
  let order: 'position' | 'instance';
  let keys: number[];
  let positions: number[] | undefined;
  if (images.every((im) => im.imagePositionPatient !== undefined && im.imageOrientationPatient !== undefined)) {
    const o = first.imageOrientationPatient as number[];
    for (const im of images) {
      if ((im.imageOrientationPatient as number[]).some((v, k) => Math.abs(v - (o[k] as number)) > 1e-4))
        fail(`${im.file} has another ImageOrientationPatient than ${first.file}`);
    }
    const normal = cross(o.slice(0, 3), o.slice(3, 6));
    keys = images.map((im) => (im.imagePositionPatient as number[]).reduce((a, v, k) => a + v * (normal[k] as number), 0));
    order = 'position';
  } else if (images.every((im) => im.instanceNumber !== undefined)) {
    keys = images.map((im) => im.instanceNumber as number);
    order = 'instance';
  } else {
    return fail('the slices have neither ImagePositionPatient with ImageOrientationPatient nor InstanceNumber to order them by');
  }
  const idx = keys.map((_, i) => i).sort((a, b) => (keys[a] as number) - (keys[b] as number));
  for (let j = 1; j < idx.length; j++) {
    if (keys[idx[j] as number] === keys[idx[j - 1] as number])
      fail(
        `${images[idx[j] as number]?.file} and ${images[idx[j - 1] as number]?.file} are at the same ${order === 'position' ? 'position' : 'InstanceNumber'}`,
      );
  }
  const sorted = idx.map((i) => images[i] as DicomImage);
  const plane = first.rows * first.columns;
  const volume = new Float32Array(sorted.length * plane);
  sorted.forEach((im, s) => volume.set(im.pixels, s * plane));
  let sliceSpacing: number | undefined;
  if (order === 'position') {
    positions = idx.map((i) => keys[i] as number);
    const gaps = positions
      .slice(1)
      .map((p, j) => p - (positions as number[])[j]!)
      .sort((a, b) => a - b);
    if (gaps.length > 0)
      sliceSpacing = gaps.length % 2 === 1 ? gaps[(gaps.length - 1) / 2] : ((gaps[gaps.length / 2 - 1] as number) + (gaps[gaps.length / 2] as number)) / 2;
  }
  return {
    files: sorted.map((im) => im.file),
    slices: sorted.length,
    rows: first.rows,
    columns: first.columns,
    volume,
    order,
    slicePositions: positions,
    sliceSpacing,
    pixelSpacing: first.pixelSpacing,
    window: first.window,
    photometric: first.photometric,
    modality: first.modality,
    seriesInstanceUID: first.seriesInstanceUID,
  };
}

/** How {@link dicomTensor} and {@link dicomSeriesTensor} scale values. */
export type DicomScaling = 'auto' | 'file' | 'minmax' | 'none' | DicomWindow;

/** Options of {@link dicomTensor} / {@link dicomSeriesTensor}. */
export interface DicomTensorOptions {
  /**
   * 'auto' (default): the file's window when it has one, else 'minmax';
   * 'file': the file's window (an error without one); a `{ center, width }`
   * window; 'minmax': (x − min) / (max − min); 'none': modality values as they are.
   */
  scaling?: DicomScaling;
  /** Invert MONOCHROME1 images so that high values are bright, as in MONOCHROME2 (default true; not with 'none'). */
  invertMonochrome1?: boolean;
}

function scaled(fn: string, values: Float32Array, window: DicomWindow | undefined, photometric: string, file: string, opts: DicomTensorOptions): Float32Array {
  const scaling = opts.scaling ?? 'auto';
  const invert = (opts.invertMonochrome1 ?? true) && photometric === 'MONOCHROME1';
  if (scaling === 'none') return values;
  if (typeof scaling === 'object') return applyWindow(values, scaling, { invert });
  if (scaling === 'file' || (scaling === 'auto' && window !== undefined)) {
    if (window === undefined) throw survkitError('dicomFile', fn, file, "has no WindowCenter / WindowWidth for scaling 'file'; give a window or use 'minmax'");
    return applyWindow(values, window, { invert });
  }
  if (scaling !== 'auto' && scaling !== 'minmax') throw survkitError('dicomScaling', fn, 'scaling', scaling);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const out = new Float32Array(values.length);
  const span = hi - lo;
  for (let i = 0; i < values.length; i++) {
    const y = span > 0 ? ((values[i] as number) - lo) / span : 0;
    out[i] = invert ? 1 - y : y;
  }
  return out;
}

/**
 * A DICOM image as a float32 tensor `[frames, rows, columns, samples]`
 * (channels last; a single-frame grey image is `[1, rows, columns, 1]`).
 *
 * @example
 * const x = dicomTensor(await readDicom('chest.dcm')); // the file's window, in [0, 1]
 * @throws {SurvkitError} for scaling 'file' without a window in the file, or an unknown scaling
 */
export function dicomTensor(image: DicomImage, opts: DicomTensorOptions = {}): tf.Tensor4D {
  const values = scaled('dicomTensor', image.pixels, image.window, image.photometric, image.file, opts);
  return tf.tensor4d(values, [image.frames, image.rows, image.columns, image.samplesPerPixel], 'float32');
}

/**
 * A series volume as a float32 tensor `[1, slices, rows, columns, 1]`, the
 * NDHWC layout of survkit's 3D and video backbones (slices as depth).
 *
 * @throws {SurvkitError} as {@link dicomTensor}
 */
export function dicomSeriesTensor(series: DicomSeries, opts: DicomTensorOptions = {}): tf.Tensor5D {
  const values = scaled('dicomSeriesTensor', series.volume, series.window, series.photometric, series.files[0] ?? 'series', opts);
  return tf.tensor5d(values, [1, series.slices, series.rows, series.columns, 1], 'float32');
}
