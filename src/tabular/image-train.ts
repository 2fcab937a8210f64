/**
 * `survkit train --images`: a manifest CSV of image files with follow-up
 * (path, time, event, optional covariates and split) → a pretrained backbone
 * (ONNX, TF.js model.json, or PyTorch safetensors + architecture) → frozen
 * features, cached → the same training, split and evaluation as
 * `survkit train` on the table of features + covariates (fusion by
 * concatenation).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { survkitError } from '../core/errors.js';
import { loadOnnxBackbone } from '../backbones/onnx-backbone.js';
import { readSafetensors } from '../backbones/safetensors.js';
import { torchBackbone, torchInputChannels, type TorchArch } from '../backbones/torch-weights.js';
import { readCsv, type CsvOptions, type CsvTable } from '../io/csv.js';
import { fileIOHandler, loadGraphModelFromDisk, loadLayersModelFromDisk } from '../io/tfjs-model-files.js';
import { initBackend } from '../backend/index.js';
import { backboneFingerprint, extractFeatures, type FeatureBackbone } from '../models/features/extract-features.js';
import type { BatchSource } from '../models/training/fit-types.js';
import { imageDataset } from '../io/image-dataset.js';
import { kindOf, probeImageItem } from '../io/image-item.js';
import { readImageManifest } from '../io/image-manifest.js';
import type { IntensityNormalisation } from '../io/image-transforms.js';
import { NORMALIZATIONS, type Normalization } from './image-items.js';
import { checkOutDir } from './model-dir.js';
import { trainTable, type TrainOptions, type TrainReport } from './train.js';

const FN = 'survkit train --images';

/** Options of {@link trainImagesFile} beyond `survkit train`'s. */
export interface ImageTrainOptions {
  /** An .onnx file, a TF.js model.json (Layers or Graph), or a .safetensors PyTorch state dict (with `arch`). */
  backbone: string;
  /** Architecture of a safetensors state dict (default: read from its keys). */
  arch?: TorchArch;
  /** resnet3d state dicts: the stem stride MONAI calls `conv1_t_stride` (default 2 for MedicalNet files, else 1; see torchBackbone). */
  conv1Stride?: number;
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
  /**
   * The size items are fed at, without channels: [height, width] or [frames, height, width] (default: the backbone's
   * declared input, else the first item's own size; required when the first item is a video and the backbone is a
   * safetensors state dict).
   */
  inputShape?: number[];
  /** 'last-block': train the backbone's last residual block with the head (`fineTuneImagesFile`) instead of frozen features. */
  fineTune?: 'last-block';
  /** Training worker threads of `fineTuneImagesFile` (data-parallel, `fit`'s `workers`; default 1: the calling thread). */
  trainWorkers?: number;
  /** Training engine of `fineTuneImagesFile` (`fit`'s `engine`): 'tfjs' (default) or 'onnxruntime' (native kernels; onnxruntime-node). */
  trainEngine?: 'tfjs' | 'onnxruntime';
  /** onnxruntime's kernel threads with `trainEngine` 'onnxruntime' (`fit`'s `threads`; default: the machine's cores). */
  trainThreads?: number;
}

/**
 * What a model trained by `survkit train --images --out` records (in its `survkit.json`, under the covariates'
 * `imaging`) so that `survkit predict --images` extracts the same features: the backbone file (absolute path, SHA-256
 * of its bytes, survkit's fingerprint of the loaded network), how it was built and fed.
 */
export interface ImageModelRecord {
  kind: 'survkit-images';
  /**
   * Which `survkit train --images` mode made the model: 'frozen' (features of the recorded backbone file, cached; the
   * saved network is the head) or 'fine-tune' (`--fine-tune last-block`: the saved network is the fine-tuned backbone
   * with its head, fed the images themselves; the backbone file is recorded as the starting point only). Absent in
   * models saved before fine-tuned models were saved: 'frozen'.
   */
  mode?: 'frozen' | 'fine-tune';
  /** 'fine-tune' models: the backbone layers trained with the head. */
  trainableLayers?: string[];
  backbone: string;
  fileSha256: string;
  fingerprint: string;
  arch: TorchArch | null;
  /** resnet3d stem stride given at training (null: the default). */
  conv1Stride: number | null;
  /** The shape each item was fed at, channels last. */
  inputShape: number[];
  pool: 'avg';
  normalize: Normalization;
  intensity: IntensityNormalisation;
  pathCol: string;
  featureDim: number;
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
export async function loadBackboneFile(
  file: string,
  opts: { arch?: TorchArch; inputShape?: number[]; threads?: number; conv1Stride?: number },
): Promise<FeatureBackbone> {
  const lower = file.toLowerCase();
  if (lower.endsWith('.onnx')) return loadOnnxBackbone(file, opts.threads === undefined ? {} : { threads: opts.threads });
  if (lower.endsWith('.safetensors')) {
    const st = await readSafetensors(file);
    // the channels the file's first convolution takes (3 for torchvision, often 1 for MONAI / MedicalNet)
    const shape: number[] = opts.inputShape ?? [224, 224, 3];
    const channels = torchInputChannels(st) ?? shape.at(-1) ?? 3;
    return torchBackbone(st, {
      ...(opts.arch === undefined ? {} : { arch: opts.arch }),
      ...(opts.conv1Stride === undefined ? {} : { conv1Stride: opts.conv1Stride }),
      inputShape: [...shape.slice(0, -1), channels],
    });
  }
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
    return s === undefined || s.slice(1).some((d) => d < 0) ? undefined : s.slice(1);
  }
  const s = b.inputShape;
  if (s === undefined || s.slice(1).some((d) => typeof d !== 'number' || d < 0)) return undefined;
  const rest = s.slice(1) as number[];
  return b.channelsFirst ? [...rest.slice(1), rest[0] as number] : rest;
}

async function disposeBackbone(b: FeatureBackbone): Promise<void> {
  if (b instanceof tf.LayersModel || b instanceof tf.GraphModel) b.dispose();
  else await b.dispose();
}

/**
 * Loads the backbone and settles the shape each item is fed at (channels last, no batch axis): the backbone's declared
 * input, else `inputShape` (height, width or frames, height, width), else the first item's own size (a video has none:
 * then `inputShape` is required). Channels: the backbone's (a safetensors file's first convolution), else 3 for grey or
 * RGB items.
 *
 * @throws {SurvkitError} `imageInputShape` for a video first item without a shape; `imageManifest` for an unreadable first
 *   item, an `inputShape` the backbone does not take, or a backbone that takes neither 1 nor 3 channels
 */
export async function openBackbone(
  fn: string,
  manifest: string,
  first: { path: string },
  img: Pick<ImageTrainOptions, 'backbone' | 'arch' | 'threads' | 'inputShape' | 'conv1Stride'>,
): Promise<{ backbone: FeatureBackbone; want: number[] }> {
  const torch = img.backbone.toLowerCase().endsWith('.safetensors');
  let backbone = torch ? undefined : await loadBackboneFile(img.backbone, img.threads === undefined ? {} : { threads: img.threads });
  const declared = backbone === undefined ? undefined : inputShapeOf(backbone);
  try {
    let spatial = img.inputShape === undefined ? undefined : [...img.inputShape];
    if (spatial !== undefined && declared !== undefined && declared.slice(0, -1).join() !== spatial.join())
      throw survkitError('imageManifest', fn, img.backbone, `takes items of shape [${declared.join(', ')}], not --input-shape ${spatial.join(',')}`);
    spatial ??= declared?.slice(0, -1);
    let itemChannels = 3;
    if (spatial === undefined) {
      if ((await kindOf(first).catch(() => 'unknown')) === 'video') throw survkitError('imageInputShape', fn, manifest, first.path);
      const probe = await probeImageItem(first).catch((err: unknown) => {
        throw survkitError('imageManifest', fn, `${manifest} row 2 (${first.path})`, (err as Error).message);
      });
      spatial = probe.slice(0, -1);
      itemChannels = probe[probe.length - 1] === 1 ? 3 : (probe[probe.length - 1] as number);
    }
    if (backbone === undefined)
      backbone = await loadBackboneFile(img.backbone, {
        ...(img.arch === undefined ? {} : { arch: img.arch }),
        ...(img.conv1Stride === undefined ? {} : { conv1Stride: img.conv1Stride }),
        inputShape: [...spatial, itemChannels],
      });
    const want = inputShapeOf(backbone) ?? [...spatial, itemChannels];
    const channels = want[want.length - 1];
    if (channels !== 1 && channels !== 3)
      throw survkitError('imageManifest', fn, img.backbone, `takes ${String(channels)} channels; survkit train --images feeds grey (1) or RGB (3) images`);
    if (want.length !== 3 && want.length !== 4)
      throw survkitError('imageManifest', fn, img.backbone, `takes items of shape [${want.join(', ')}]; expected [h, w, c] or [t, h, w, c]`);
    return { backbone, want };
  } catch (err) {
    if (backbone !== undefined) await disposeBackbone(backbone);
    throw err;
  }
}

/** SHA-256 of a file's bytes (hex). */
export async function fileSha256(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Fixed settings of a saved image model (what {@link imageFeatureTable} must reproduce at predict time). */
export type ImageFeatureSettings = Pick<
  ImageTrainOptions,
  'backbone' | 'arch' | 'conv1Stride' | 'inputShape' | 'pathCol' | 'cacheDir' | 'normalize' | 'intensity' | 'workers' | 'featureBatchSize' | 'threads'
>;

/**
 * The manifest as a table of image features (`feature_0` …, from the frozen backbone, cached) followed by the
 * manifest's other columns; with `expect` (a saved model's record), the backbone must be the file it was trained with.
 *
 * @throws {SurvkitError} `imageBackboneMoved` / `imageBackboneChanged` when `expect` names a file that is gone or
 *   different; as {@link trainImagesFile}
 */
export async function imageFeatureTable(
  fn: string,
  manifest: string,
  img: ImageFeatureSettings,
  o: { csv?: CsvOptions; durationCol?: string; eventCol?: string; verbose?: boolean | 'auto'; expect?: { model: string; record: ImageModelRecord } },
): Promise<{ table: CsvTable; imaging: ImageFeatureReport; record: ImageModelRecord }> {
  const table = readCsv(manifest, o.csv ?? {});
  const pathCol = img.pathCol ?? 'path';
  const pc = table.header.indexOf(pathCol);
  if (pc < 0) throw survkitError('imageManifest', fn, manifest, `has no column ${JSON.stringify(pathCol)} of image paths (header: ${table.header.join(', ')})`);
  if (table.rows.length === 0) throw survkitError('imageManifest', fn, manifest, 'has no rows');
  // Paths, times and events checked row by row (the training pipeline checks the rest).
  const entries = readImageManifest(manifest, {
    pathCol,
    timeCol: o.durationCol ?? 'time',
    eventCol: o.eventCol ?? 'event',
    unlabelled: true,
    ...(o.csv === undefined ? {} : { csv: o.csv }),
  }).map((r) => ({ path: r.path }));
  const base = dirname(resolve(manifest));
  const file = resolve(img.backbone);
  let sha = '';
  if (o.expect !== undefined) {
    if (!existsSync(file)) throw survkitError('imageBackboneMoved', fn, o.expect.model, file);
    sha = await fileSha256(file);
    if (sha !== o.expect.record.fileSha256) throw survkitError('imageBackboneChanged', fn, o.expect.model, file, o.expect.record.fileSha256, sha);
  } else sha = await fileSha256(file).catch(() => '');
  const { backbone, want } = await openBackbone(fn, manifest, entries[0] as { path: string }, img);
  const norm = img.normalize ?? 'none';
  const intensity = img.intensity ?? 'none';
  const channels = want[want.length - 1] as 1 | 3;
  const spatial = want.slice(0, -1);
  const chunk = img.featureBatchSize ?? 16;
  // Every file kind imageDataset reads, resized (2D: bilinear) or cropped / padded (3D; videos sampled) to the backbone's input.
  let dataset;
  try {
    dataset = imageDataset(entries, {
      shape: spatial as [number, number] | [number, number, number],
      channels,
      intensity,
      resize: 'bilinear',
      batchSize: chunk,
      ...(img.workers === undefined ? {} : { workers: img.workers }),
    });
  } catch (err) {
    await disposeBackbone(backbone);
    throw err;
  }
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
    if (o.expect !== undefined) {
      const found = await backboneFingerprint(backbone);
      if (found !== o.expect.record.fingerprint) throw survkitError('imageBackboneChanged', fn, o.expect.model, file, o.expect.record.fingerprint, found);
    }
    feats = await extractFeatures(backbone, source, { cacheDir, batchSize: chunk, pool: 'avg', ...(o.verbose === true ? { progress: true } : {}) });
  } finally {
    await dataset.close();
    await disposeBackbone(backbone);
  }
  const extractSeconds = (performance.now() - t0) / 1000;
  const [n, d] = feats.shape;
  if (o.expect !== undefined && d !== o.expect.record.featureDim)
    throw survkitError('imageBackboneChanged', fn, o.expect.model, file, `${o.expect.record.featureDim} features`, `${d} features`);
  const names = Array.from({ length: d }, (_, k) => `feature_${k}`);
  for (const name of names)
    if (table.header.includes(name))
      throw survkitError('imageManifest', fn, manifest, `has a column ${JSON.stringify(name)}, a name survkit uses for the image features`);
  const header = [...names, ...table.header.filter((_, k) => k !== pc)];
  const rows = table.rows.map((r, i) => [...Array.from(feats.features.subarray(i * d, (i + 1) * d), (v) => String(v)), ...r.filter((_, k) => k !== pc)]);
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
  const record: ImageModelRecord = {
    kind: 'survkit-images',
    mode: 'frozen',
    backbone: file,
    fileSha256: sha,
    fingerprint: feats.fingerprint,
    arch: img.arch ?? null,
    conv1Stride: img.conv1Stride ?? null,
    inputShape: want,
    pool: 'avg',
    normalize: norm,
    intensity,
    pathCol,
    featureDim: d,
  };
  return { table: { file: manifest, header, rows }, imaging, record };
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
  if (o.out !== undefined) checkOutDir(FN, o.out, o.force === true); // fail before extracting features, not after
  await initBackend(o.backend === undefined ? {} : { backend: o.backend });
  const { table: fused, imaging, record } = await imageFeatureTable(FN, manifest, img, o);
  const names = Array.from({ length: imaging.featureDim }, (_, k) => `feature_${k}`);
  // The image features are covariates by design: the leakage screen (meant for table columns) does not stop them.
  const options: TrainOptions = {
    ...o,
    imaging: record,
    allowColumns: [...(o.allowColumns ?? []), ...names],
    ...(o.features === undefined ? {} : { features: [...names, ...o.features] }),
  };
  const { report, model } = await trainTable(fused, options);
  model.dispose();
  return { report: { ...report, imaging } };
}
