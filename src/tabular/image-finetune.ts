/**
 * `survkit train --images … --fine-tune last-block`: the backbone's last
 * residual block and the head train together on the images (the other
 * layers frozen, their batch norms in inference mode), with the manifest's
 * covariates concatenated to the pooled features; split, standardisation,
 * early stopping and the test metrics as `survkit train`. With `out`, the
 * fine-tuned network (backbone and head), the preprocessing (input shape,
 * intensity, normalisation, pooling, covariate encoding and standardisation)
 * and the family's baseline or cuts are saved, so that `survkit predict
 * --images` (and `predictFile`) predict exactly as the trained model.
 */
import { availableParallelism } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { survkitError } from '../core/errors.js';
import { countEvents, labelsArg } from '../data/labels.js';
import { Standardizer } from '../data/standardize.js';
import { initBackend } from '../backend/index.js';
import { importOnnxRuntime } from '../backbones/onnx-backbone.js';
import { readCsv, type CsvOptions, type CsvTable } from '../io/csv.js';
import { CoxPH, DeepHit, LogisticHazard, type SurvivalModel } from '../models/index.js';
import { evaluatePredictions, type EvaluateMeta, type MetricReports } from '../report/evaluate.js';
import { loadFittedImage } from './image-items.js';
import { fileSha256, openBackbone, type ImageModelRecord, type ImageTrainOptions } from './image-train.js';
import { checkOutDir, saveAtomically } from './model-dir.js';
import { prepareTable } from './prepare.js';
import { takeLabels, takeRows } from './table-data.js';
import type { TabularModelMeta, TrainOptions } from './train.js';
import type { JsonValue } from '../models/training/fit-types.js';
import type { SurvivalCurves } from '../estimators/survival-curves.js';

const FN = 'survkit train --images --fine-tune';

/** The report of a fine-tuning run. */
export type FineTuneReport = {
  meta: {
    command: 'train --fine-tune last-block';
    file: string;
    model: string;
    backbone: string;
    trainableLayers: string[];
    rows: { train: number; validation: number; test: number };
    covariateColumns: string[];
    evaluation: EvaluateMeta;
    /** The model directory written (`out`), or null. */
    savedTo: string | null;
    /** The engine that ran the training steps ('tfjs', or 'onnxruntime': native kernels; `fit`'s `engine`). */
    trainEngine: 'tfjs' | 'onnxruntime';
    /** onnxruntime's kernel threads with `trainEngine` 'onnxruntime' on the calling thread (`fit`'s `threads`), else null. */
    trainThreads: number | null;
  };
  epochs: number;
  bestEpoch: number;
  msPerEpoch: number;
  seconds: number;
} & MetricReports;

/** Names of the layers of the last residual block of a torchvision-named network (`<name>_layer<k>_<j>_…`, largest k, j). */
export function lastBlockLayers(net: tf.LayersModel): string[] {
  let best: [number, number] | undefined;
  const re = new RegExp(`^${net.name}_layer(\\d+)_(\\d+)_`);
  for (const l of net.layers) {
    const m = re.exec(l.name);
    if (m === null) continue;
    const k: [number, number] = [Number(m[1]), Number(m[2])];
    if (best === undefined || k[0] > best[0] || (k[0] === best[0] && k[1] > best[1])) best = k;
  }
  if (best === undefined) return [];
  const prefix = `${net.name}_layer${best[0]}_${best[1]}_`;
  return net.layers.filter((l) => l.name.startsWith(prefix)).map((l) => l.name);
}

/**
 * Fine-tunes the last residual block of a TF.js backbone (a PyTorch
 * safetensors state dict or a survkit / torchvision-named Layers model) with a
 * survival head on the manifest's images and covariates.
 *
 * @example
 * const { report } = await fineTuneImagesFile('cohort.csv', { backbone: 'resnet18.safetensors', arch: 'resnet18' },
 *   { model: 'coxph', durationCol: 'time', epochs: 5 });
 * @throws {SurvkitError} `imageManifest` for an ONNX or Graph backbone (frozen only), a network without torchvision
 *   block names, rows dropped for missing values; `onnxTrainMissing` for `trainEngine` 'onnxruntime' without
 *   onnxruntime-node (before any image is read); as {@link trainImagesFile}
 */
export async function fineTuneImagesFile(
  manifest: string,
  img: ImageTrainOptions,
  o: TrainOptions & { csv?: CsvOptions },
): Promise<{ report: FineTuneReport }> {
  const { report, model } = await fineTuneImages(manifest, img, o);
  model.dispose();
  return { report };
}

/**
 * {@link fineTuneImagesFile} keeping the trained model (the caller disposes it), with the test rows (0-based manifest
 * data rows) and the model's survival curves on them as computed in training.
 *
 * @example
 * const { model, testRows, testCurves } = await fineTuneImages('cohort.csv', { backbone: 'resnet18.safetensors' },
 *   { model: 'coxph', durationCol: 'time', epochs: 5, out: 'model-dir' });
 * model.dispose();
 * @throws {SurvkitError} as {@link fineTuneImagesFile}; `outDir` for an `out` that cannot be written
 */
export async function fineTuneImages(
  manifest: string,
  img: ImageTrainOptions,
  o: TrainOptions & { csv?: CsvOptions },
): Promise<{ report: FineTuneReport; model: SurvivalModel; testRows: Int32Array; testCurves: SurvivalCurves }> {
  const t0 = performance.now();
  if (o.out !== undefined) checkOutDir(FN, o.out, o.force === true); // fail before training, not after it
  const table = readCsv(manifest, o.csv ?? {});
  const pathCol = img.pathCol ?? 'path';
  const pc = table.header.indexOf(pathCol);
  if (pc < 0) throw survkitError('imageManifest', FN, manifest, `has no column ${JSON.stringify(pathCol)} of image paths (header: ${table.header.join(', ')})`);
  const model = o.model;
  if (model !== 'coxph' && model !== 'logistichazard' && model !== 'deephit')
    throw survkitError('imageManifest', FN, manifest, `fine-tuning trains coxph, logistichazard or deephit; got ${model}`);
  const rest: CsvTable = { file: table.file, header: table.header.filter((_, k) => k !== pc), rows: table.rows.map((r) => r.filter((_, k) => k !== pc)) };
  const seed = o.seed ?? 0;
  const durationCol = o.durationCol ?? 'duration';
  const eventCol = o.eventCol ?? 'event';
  const prep = prepareTable(FN, rest, { ...o, durationCol, eventCol }, o.split ?? { kind: 'random', testFrac: 0.2, valFrac: 0.2, seed });
  if (prep.droppedRows > 0)
    throw survkitError(
      'imageManifest',
      FN,
      manifest,
      `${prep.droppedRows} row(s) were dropped for missing values; fine-tuning needs every row (--missing error or impute)`,
    );
  const engine = img.trainEngine ?? 'tfjs';
  // said before the images are read and the network built, not after
  if (engine === 'onnxruntime')
    await importOnnxRuntime(FN, manifest).catch(() => {
      throw survkitError('onnxTrainMissing', FN);
    });
  const threads = engine === 'onnxruntime' && (img.trainWorkers ?? 1) === 1 ? (img.trainThreads ?? availableParallelism()) : null;
  await initBackend(o.backend === undefined ? {} : { backend: o.backend });
  const base = dirname(resolve(manifest));
  const paths = table.rows.map((r) => (isAbsolute(r[pc] as string) ? (r[pc] as string) : join(base, r[pc] as string)));
  const { backbone } = await openBackbone(FN, manifest, { path: paths[0] as string }, img);
  const backboneFile = resolve(img.backbone);
  const startSha = await fileSha256(backboneFile).catch(() => '');
  if (!(backbone instanceof tf.LayersModel)) {
    if (backbone instanceof tf.GraphModel) backbone.dispose();
    else await backbone.dispose();
    throw survkitError('imageManifest', FN, img.backbone, 'is not a TF.js Layers network: ONNX and Graph backbones are frozen extractors (use --freeze)');
  }
  const trainable = lastBlockLayers(backbone);
  if (trainable.length === 0) {
    backbone.dispose();
    throw survkitError(
      'imageManifest',
      FN,
      img.backbone,
      `has no layers named ${backbone.name}_layer<k>_<j>_… (torchvision's block names); fine-tune it in code with attachHead's freeze option`,
    );
  }
  const want = (backbone.inputs[0]?.shape.slice(1) ?? []) as number[];
  const per = want.reduce((a, s) => a * s, 1);
  const images = new Float32Array(paths.length * per);
  for (let i = 0; i < paths.length; i++)
    images.set(await loadFittedImage(`${FN} (${manifest} row ${i + 2})`, paths[i] as string, want, img.normalize ?? 'none', img.intensity ?? 'none'), i * per);
  const d = prep.features.length;
  const std = Standardizer.fit(prep.features, prep.x, prep.split.train);
  const frozen = backbone.layers.map((l) => l.name).filter((n) => !trainable.includes(n));
  const outShape = backbone.outputs[0]?.shape ?? [];
  const record: ImageModelRecord = {
    kind: 'survkit-images',
    mode: 'fine-tune',
    trainableLayers: trainable,
    backbone: backboneFile,
    fileSha256: startSha,
    fingerprint: `fine-tuned:${startSha}`,
    arch: img.arch ?? null,
    conv1Stride: img.conv1Stride ?? null,
    inputShape: want,
    pool: 'avg',
    normalize: img.normalize ?? 'none',
    intensity: img.intensity ?? 'none',
    pathCol,
    featureDim: outShape[outShape.length - 1] ?? 0,
  };
  const meta: TabularModelMeta = {
    kind: 'survkit-train',
    features: prep.features,
    standardizer: std.toJSON(),
    durationCol,
    eventCol,
    interpolation: 1,
    encoding: prep.encoding,
    tableColumns: [...rest.header],
    idCol: o.idCol ?? null,
    eventValue: o.eventValue ?? null,
    imaging: record,
  };
  const attach = { pool: 'avg' as const, freeze: frozen, ...(d > 0 ? { tabularInputDim: d } : {}) };
  const common = { backbone, attach, seed, covariates: meta as unknown as JsonValue };
  const net: SurvivalModel =
    model === 'coxph'
      ? new CoxPH(common)
      : model === 'deephit'
        ? new DeepHit({ ...common, cuts: o.cuts ?? 10, scheme: o.cutScheme ?? 'equidistant' })
        : new LogisticHazard({ ...common, cuts: o.cuts ?? 10, scheme: o.cutScheme ?? 'equidistant' });
  const part = (rows: Int32Array): { x: tf.Tensor[]; labels: { time: Float64Array; event: Int32Array }; n: number } => {
    const imgs = new Float32Array(rows.length * per);
    rows.forEach((r, i) => imgs.set(images.subarray(r * per, (r + 1) * per), i * per));
    const x = [tf.tensor(imgs, [rows.length, ...want])];
    if (d > 0) x.push(tf.tensor2d(Float32Array.from(std.transform(takeRows(prep.x, d, rows), rows.length)), [rows.length, d]));
    const labels =
      rows.length === 0
        ? { time: new Float64Array(0), event: new Int32Array(0) }
        : labelsArg(FN, 'labels', takeLabels({ time: prep.time, event: prep.event }, rows));
    return { x, labels, n: rows.length };
  };
  const train = part(prep.split.train);
  const val = part(prep.split.val);
  const test = part(prep.split.test);
  if (countEvents(train.labels) === 0) throw survkitError('noEvents', FN, `${eventCol} (training rows)`);
  try {
    const history = await net.fit(train.x, train.labels, {
      epochs: o.epochs ?? 20,
      batchSize: o.batchSize ?? 16,
      learningRate: o.learningRate ?? 1e-3,
      seed,
      verbose: o.verbose ?? false,
      ...(img.trainWorkers === undefined ? {} : { workers: img.trainWorkers }),
      engine,
      ...(threads === null ? {} : { threads }),
      ...(val.n > 0 ? { validation: { x: val.x, labels: val.labels }, earlyStopping: { patience: o.patience ?? 5 } } : {}),
    });
    const curves = await net.predictSurvival(test.x);
    if (o.out !== undefined) await saveAtomically(FN, o.out, o.force === true, (tmp) => net.save(tmp));
    const { meta: evaluation, ...metrics } = evaluatePredictions({
      format: 'curves',
      file: `${manifest} (test rows)`,
      labels: test.labels,
      curves,
      group: undefined,
    });
    const report: FineTuneReport = {
      meta: {
        command: 'train --fine-tune last-block',
        file: manifest,
        model,
        backbone: img.backbone,
        trainableLayers: trainable,
        rows: { train: train.n, validation: val.n, test: test.n },
        covariateColumns: prep.columns,
        evaluation,
        savedTo: o.out ?? null,
        trainEngine: engine,
        trainThreads: threads,
      },
      ...metrics,
      epochs: history.epochs,
      bestEpoch: history.bestEpoch + 1,
      msPerEpoch: history.msPerEpoch,
      seconds: (performance.now() - t0) / 1000,
    };
    return { report, model: net, testRows: Int32Array.from(prep.split.test), testCurves: curves };
  } catch (err) {
    net.dispose();
    throw err;
  } finally {
    tf.dispose([...train.x, ...val.x, ...test.x]);
  }
}
