/**
 * One image (or clip) per manifest row for `survkit train --images`: NumPy
 * `.npy` arrays (`[h, w]`, `[h, w, c]` or `[t, h, w, c]`, any numeric dtype)
 * and DICOM files (`readDicom`: pixels after the modality rescale), as
 * channels-last float32, with the normalisation pretrained weights expect.
 */
import { readFile } from 'node:fs/promises';
import { survkitError } from '../core/errors.js';
import { readDicom } from '../io/dicom.js';
import { parseNpy } from '../io/npy.js';
import { loadImageItem } from '../io/image-item.js';
import type { IntensityNormalisation } from '../io/image-transforms.js';

export { parseNpy };

/** An item: values channels last and its shape (`[h, w, c]` or `[t, h, w, c]`). */
export interface ImageItem {
  data: Float32Array;
  shape: number[];
}

/** Per-channel mean and std of the usual pretrained weights (images scaled to [0, 1] first). */
export const NORMALIZATIONS = {
  none: undefined,
  imagenet: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  kinetics: { mean: [0.43216, 0.394666, 0.37645], std: [0.22803, 0.22145, 0.216989] },
} as const;
export type Normalization = keyof typeof NORMALIZATIONS;

/** Reads one item by its extension (.npy, .dcm / .dicom). */
export async function readImageItem(fn: string, file: string): Promise<ImageItem> {
  const lower = file.toLowerCase();
  if (lower.endsWith('.npy')) {
    let buf: Buffer;
    try {
      buf = await readFile(file);
    } catch (err) {
      throw survkitError('imageManifest', fn, file, `cannot be read (${(err as Error).message})`);
    }
    return parseNpy(fn, file, buf);
  }
  if (lower.endsWith('.dcm') || lower.endsWith('.dicom')) {
    const d = await readDicom(file);
    const shape = d.frames > 1 ? [d.frames, d.rows, d.columns, d.samplesPerPixel] : [d.rows, d.columns, d.samplesPerPixel];
    return { data: d.pixels, shape };
  }
  throw survkitError('imageManifest', fn, file, 'has an extension survkit train --images does not read; expected .npy or .dcm');
}

/**
 * Fits an item to the backbone's input `want` (channels last, without the
 * batch axis): grey items are repeated to 3 channels when the backbone takes 3;
 * then the normalisation ((x − mean) / std per channel) is applied.
 */
export function fitItem(fn: string, file: string, item: ImageItem, want: readonly number[], norm: Normalization): Float32Array {
  let { data, shape } = item;
  const wantC = want[want.length - 1] as number;
  const c = shape[shape.length - 1] as number;
  if (c === 1 && wantC === 3) {
    const rgb = new Float32Array(data.length * 3);
    for (let i = 0; i < data.length; i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = data[i] as number;
    data = rgb;
    shape = [...shape.slice(0, -1), 3];
  }
  if (shape.join() !== want.join())
    throw survkitError(
      'imageManifest',
      fn,
      file,
      `has shape [${item.shape.join(', ')}] but the backbone takes [${want.join(', ')}] (channels last); resize the images first`,
    );
  const nz = NORMALIZATIONS[norm];
  if (nz === undefined) return data;
  const out = new Float32Array(data.length);
  const C = wantC;
  for (let i = 0; i < data.length; i++) {
    const k = i % C;
    out[i] = ((data[i] as number) - (nz.mean[k % 3] as number)) / (nz.std[k % 3] as number);
  }
  return out;
}

/**
 * Reads any file kind `imageDataset` reads (DICOM file or series folder, NIfTI, PNG / JPEG, .npy) fitted to the backbone's
 * input `want` (channels last, no batch axis): 2D items resized bilinearly, 3D items cropped / padded, grey repeated to 3
 * channels (RGB to luma for 1), then the intensity scaling and the per-channel normalisation.
 */
export async function loadFittedImage(
  fn: string,
  file: string,
  want: readonly number[],
  norm: Normalization,
  intensity: IntensityNormalisation = 'none',
): Promise<Float32Array> {
  const c = want[want.length - 1] as number;
  const spatial = want.slice(0, -1);
  if ((c !== 1 && c !== 3) || (spatial.length !== 2 && spatial.length !== 3))
    throw survkitError('imageManifest', fn, file, `cannot be fed to a backbone taking [${want.join(', ')}]; expected [h, w, 1 or 3] or [t, h, w, 1 or 3]`);
  let data: Float32Array;
  try {
    data = await loadImageItem({ path: file }, { shape: spatial as [number, number], channels: c, intensity, resize: 'bilinear' });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw survkitError('imageManifest', fn, file, msg.includes(file) ? msg : `cannot be read: ${msg}`);
  }
  const nz = NORMALIZATIONS[norm];
  if (nz === undefined) return data;
  for (let i = 0; i < data.length; i++) data[i] = ((data[i] as number) - (nz.mean[i % c] as number)) / (nz.std[i % c] as number);
  return data;
}
