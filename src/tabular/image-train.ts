/**
 * `survkit train --images`: a manifest CSV of image files with follow-up
 * (path, time, event, optional covariates and split) → a pretrained backbone
 * (ONNX, TF.js model.json, or PyTorch safetensors + architecture) → frozen
 * features, cached → the same training, split and evaluation as
 * `survkit train` on the table of features + covariates (fusion by
 * concatenation).
 */
import { dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { survkitError } from '../core/errors.js';
import { loadOnnxBackbone } from '../backbones/onnx-backbone.js';
import { torchBackbone, type TorchArch } from '../backbones/torch-weights.js';
import { readCsv, type CsvOptions, type CsvTable } from '../io/csv.js';
import { fileIOHandler, loadGraphModelFromDisk, loadLayersModelFromDisk } from '../io/tfjs-model-files.js';
import { initBackend } from '../backend/index.js';
import { extractFeatures, type FeatureBackbone } from '../models/features/extract-features.js';
import type { BatchSource } from '../models/training/fit-types.js';
import { imageDataset } from '../io/image-dataset.js';
import { probeImageItem } from '../io/image-item.js';
import { readImageManifest } from '../io/image-manifest.js';
import type { IntensityNormalisation } from '../io/image-transforms.js';
import { NORMALIZATIONS, type Normalization } from './image-items.js';
import { trainTable, type TrainOptions, type TrainReport } from './train.js';

const FN = 'survkit train --images';

/** Options of {@link trainImagesFile} beyond `survkit train`'s. */
export interface ImageTrainOptions {
  /** An .onnx file, a TF.js model.json (Layers or Graph), or a .safetensors PyTorch state dict (with `arch`). */
  backbone: string;
  /** Architecture of a safetensors state dict (default: read from its keys). */
  arch?: TorchArch;
  /** The column of image paths (default 'path'; relative paths are relative to the manifest's folder). */
  pathCol?: string;
  /** Feature cache folder (default: `.survkit-features` beside the manifest). */
  cacheDir?: string;
  /** Per-channel normalisation after reading (default 'none'; 'imagenet' / 'kinetics' for torchvision's weights, on images in [0, 1]). */
  normalize?: Normalization;
  /** Intensity scaling of each image before `normalize` (default 'none': values as read; PNG / JPEG come in [0, 1]). */
  intensity?: IntensityNormalisation;
  /** Image-decoding worker threads (default: imageDataset's, cores − 1 up to 4; 0 decodes on the calling thread). */
  workers?: number;
  /** Images per forward pass (default 16). */
  featureBatchSize?: number;
  /** onnxruntime threads (default: all cores). */
  threads?: number;
  /** 'last-block': train the backbone's last residual block with the head (`fineTuneImagesFile`) instead of frozen features. */
  fineTune?: 'last-block';
  /** Training worker threads of `fineTuneImagesFile` (data-parallel, `fit`'s `workers`; default 1: the calling thread). */
  trainWorkers?: number;
}

/** The imaging part of the report. */
export interface ImageFeatureReport {
  backbone: string;
  fingerprint: string;
  featureDim: number;
  images: number;
  reusedShards: number;
  computedShards: number;
  rebuilt: string[];
  extractSeconds: number;
  cacheDir: string;
}

/** Loads a backbone file by its kind; `inputShape` (channels last, no batch axis) is needed for safetensors only. */
export async function loadBackboneFile(file: string, opts: { arch?: TorchArch; inputShape?: number[]; threads?: number }): Promise<FeatureBackbone> {
  const lower = file.toLowerCase();
  if (lower.endsWith('.onnx')) return loadOnnxBackbone(file, opts.threads === undefined ? {} : { threads: opts.threads });
  if (lower.endsWith('.safetensors'))
    return torchBackbone(file, { ...(opts.arch === undefined ? {} : { arch: opts.arch }), inputShape: opts.inputShape ?? [224, 224, 3] });
  if (lower.endsWith('.json')) {
    const artifacts = await (fileIOHandler(file, FN).load as () => Promise<tf.io.ModelArtifacts>)();
    return artifacts.format === 'graph-model' ? loadGraphModelFromDisk(file) : loadLayersModelFromDisk(file);
  }
  throw survkitError(
    'imageManifest',
    FN,
    file,
    'is not a backbone survkit reads: expected model.onnx, a TF.js model.json or weights.safetensors (with --arch)',
  );
}

/** The backbone's input shape without the batch axis (channels last), when it declares one. */
function inputShapeOf(b: FeatureBackbone): number[] | undefined {
  if (b instanceof tf.LayersModel) return (b.inputs[0]?.shape.slice(1) ?? []) as number[];
  if (b instanceof tf.GraphModel) {
    const s = b.inputs[0]?.shape;
    return s === undefined ? undefined : s.slice(1);
  }
  const s = b.inputShape;
  if (s === undefined || s.slice(1).some((d) => typeof d !== 'number' || d < 0)) return undefined;
  const rest = s.slice(1) as number[];
  return b.channelsFirst ? [...rest.slice(1), rest[0] as number] : rest;
}

/**
 * Trains a survival model on images listed in a manifest CSV (see
 * {@link ImageTrainOptions}): features from the frozen backbone (cached in
 * `cacheDir`, reused on the next run), concatenated with the manifest's
 * other columns as covariates, then `survkit train`'s pipeline.
 *
 * @example
 * const { report, imaging } = await trainImagesFile('cohort.csv', { backbone: 'resnet18.onnx', normalize: 'imagenet' },
 *   { model: 'coxph', durationCol: 'time', eventCol: 'event' });
 * @throws {SurvkitError} `imageManifest` naming the file and row for a missing path column, an unreadable image or one
 *   of the wrong shape; the backbone loaders' errors; `survkit train`'s errors
 */
export async function trainImagesFile(
  manifest: string,
  img: ImageTrainOptions,
  o: TrainOptions & { csv?: CsvOptions },
): Promise<{ report: TrainReport & { imaging: ImageFeatureReport } }> {
  const table = readCsv(manifest, o.csv ?? {});
  const pathCol = img.pathCol ?? 'path';
  const pc = table.header.indexOf(pathCol);
  if (pc < 0) throw survkitError('imageManifest', FN, manifest, `has no column ${JSON.stringify(pathCol)} of image paths (header: ${table.header.join(', ')})`);
  if (table.rows.length === 0) throw survkitError('imageManifest', FN, manifest, 'has no rows');
  // Paths, times and events checked row by row (the training pipeline checks the rest).
  const entries = readImageManifest(manifest, {
    pathCol,
    timeCol: o.durationCol ?? 'time',
    eventCol: o.eventCol ?? 'event',
    unlabelled: true,
    ...(o.csv === undefined ? {} : { csv: o.csv }),
  }).map((r) => ({ path: r.path }));
  const base = dirname(resolve(manifest));
  await initBackend(o.backend === undefined ? {} : { backend: o.backend });
  const norm = img.normalize ?? 'none';
  const first = await probeImageItem(entries[0] as { path: string }).catch((err: unknown) => {
    throw survkitError('imageManifest', FN, `${manifest} row 2 (${(entries[0] as { path: string }).path})`, (err as Error).message);
  });
  const grey = first[first.length - 1] === 1;
  const backbone = await loadBackboneFile(img.backbone, {
    ...(img.arch === undefined ? {} : { arch: img.arch }),
    inputShape: grey ? [...first.slice(0, -1), 3] : first,
    ...(img.threads === undefined ? {} : { threads: img.threads }),
  });
  const want = inputShapeOf(backbone) ?? (grey ? [...first.slice(0, -1), 3] : first);
  const channels = want[want.length - 1];
  if (channels !== 1 && channels !== 3)
    throw survkitError('imageManifest', FN, img.backbone, `takes ${String(channels)} channels; survkit train --images feeds grey (1) or RGB (3) images`);
  const spatial = want.slice(0, -1);
  if (spatial.length !== 2 && spatial.length !== 3)
    throw survkitError('imageManifest', FN, img.backbone, `takes items of shape [${want.join(', ')}]; expected [h, w, c] or [t, h, w, c]`);
  const chunk = img.featureBatchSize ?? 16;
  // Every file kind imageDataset reads, resized (2D: bilinear) or cropped / padded (3D) to the backbone's input.
  const dataset = imageDataset(entries, {
    shape: spatial as [number, number] | [number, number, number],
    channels,
    intensity: img.intensity ?? 'none',
    resize: 'bilinear',
    batchSize: chunk,
    ...(img.workers === undefined ? {} : { workers: img.workers }),
  });
  const nz = NORMALIZATIONS[norm];
  const source: BatchSource & { length: number } = {
    length: entries.length,
    async *batches() {
      for await (const b of dataset.batches()) {
        if (nz === undefined) {
          yield { x: b.x };
          continue;
        }
        const mean = nz.mean.slice(0, channels);
        const std = nz.std.slice(0, channels);
        const x = tf.tidy(() => b.x.sub(tf.tensor1d(mean)).div(tf.tensor1d(std)));
        b.x.dispose();
        yield { x };
      }
    },
  };
  const cacheDir = img.cacheDir ?? join(base, '.survkit-features');
  const t0 = performance.now();
  let feats;
  try {
    feats = await extractFeatures(backbone, source, { cacheDir, batchSize: chunk, pool: 'avg', ...(o.verbose === true ? { progress: true } : {}) });
  } finally {
    await dataset.close();
    if (backbone instanceof tf.LayersModel || backbone instanceof tf.GraphModel) backbone.dispose();
    else await backbone.dispose();
  }
  const extractSeconds = (performance.now() - t0) / 1000;
  const [n, d] = feats.shape;
  const names = Array.from({ length: d }, (_, k) => `feature_${k}`);
  for (const name of names)
    if (table.header.includes(name))
      throw survkitError('imageManifest', FN, manifest, `has a column ${JSON.stringify(name)}, a name survkit uses for the image features`);
  const header = [...names, ...table.header.filter((_, k) => k !== pc)];
  const rows = table.rows.map((r, i) => [...Array.from(feats.features.subarray(i * d, (i + 1) * d), (v) => String(v)), ...r.filter((_, k) => k !== pc)]);
  const fused: CsvTable = { file: manifest, header, rows };
  // The image features are covariates by design: the leakage screen (meant for table columns) does not stop them.
  const options: TrainOptions = {
    ...o,
    allowColumns: [...(o.allowColumns ?? []), ...names],
    ...(o.features === undefined ? {} : { features: [...names, ...o.features] }),
  };
  const { report, model } = await trainTable(fused, options);
  model.dispose();
  const imaging: ImageFeatureReport = {
    backbone: img.backbone,
    fingerprint: feats.fingerprint,
    featureDim: d,
    images: n,
    reusedShards: feats.reused,
    computedShards: feats.computed,
    rebuilt: feats.rebuilt,
    extractSeconds,
    cacheDir,
  };
  return { report: { ...report, imaging } };
}
