import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { survkitError } from '../core/errors.js';
import type { History, JsonValue } from './training/fit-types.js';
import { registerSurvkitLayers } from '../backend/layers.js';

/** The side file written next to model.json and weights.bin. */
export interface SurvkitModelJSON {
  format: 'survkit-model';
  formatVersion: 1;
  family: string;
  /** The head layer (last layer of the network): class name and config. */
  head: { className: string; config: JsonValue };
  /** Family state: loss options, label transform, time scaler, baseline hazards. */
  state: { [key: string]: JsonValue };
  /** Covariate metadata given to the model (e.g. standardisation), or null. */
  covariates: JsonValue;
  training: { backend: string | null; tfjsVersion: string; history: History | null };
}

/** What a saved model directory holds, read back. */
export interface ModelFiles {
  net: tf.LayersModel;
  meta: SurvkitModelJSON;
}

/**
 * Writes `dir/model.json` (TF.js layers format, weights manifest pointing to
 * `weights.bin`), `dir/weights.bin` (float32 weights, batch-norm statistics
 * included) and `dir/survkit.json`. Creates `dir` if needed. TF.js has no
 * file:// handler without tfjs-node, so the artefacts are taken with
 * `tf.io.withSaveHandler` and written with node:fs.
 */
export async function writeModelFiles(dir: string, net: tf.LayersModel, meta: Omit<SurvkitModelJSON, 'format' | 'formatVersion' | 'head'>): Promise<void> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await net.save(
    tf.io.withSaveHandler((a) => {
      artifacts = a;
      return Promise.resolve({ modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) });
    }),
  );
  const a = artifacts as tf.io.ModelArtifacts;
  const weights = a.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(a.weightData);
  const modelJson = {
    modelTopology: a.modelTopology,
    format: a.format,
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy,
    weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs ?? [] }],
  };
  const last = net.layers[net.layers.length - 1] as tf.layers.Layer;
  const full: SurvkitModelJSON = {
    format: 'survkit-model',
    formatVersion: 1,
    family: meta.family,
    head: { className: last.getClassName(), config: last.getConfig() },
    state: meta.state,
    covariates: meta.covariates,
    training: meta.training,
  };
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson));
  await writeFile(join(dir, 'weights.bin'), new Uint8Array(weights));
  await writeFile(join(dir, 'survkit.json'), `${JSON.stringify(full, null, 1)}\n`);
}

/** Reads what {@link writeModelFiles} wrote; the network is rebuilt with `tf.io.fromMemory`. */
export async function readModelFiles(fn: string, dir: string): Promise<ModelFiles> {
  const read = async (name: string): Promise<Buffer> => {
    try {
      return await readFile(join(dir, name));
    } catch {
      throw survkitError('modelDir', fn, dir, `${name} is missing or unreadable`);
    }
  };
  const parse = (name: string, buf: Buffer): unknown => {
    try {
      return JSON.parse(buf.toString('utf8')) as unknown;
    } catch {
      throw survkitError('modelDir', fn, dir, `${name} is not valid JSON`);
    }
  };
  const meta = parse('survkit.json', await read('survkit.json')) as SurvkitModelJSON;
  if (meta?.format !== 'survkit-model') throw survkitError('modelDir', fn, dir, "survkit.json is not a survkit model file (format 'survkit-model')");
  const modelJson = parse('model.json', await read('model.json')) as tf.io.ModelJSON;
  const bin = await read('weights.bin');
  const weightSpecs = modelJson.weightsManifest?.flatMap((g) => g.weights) ?? [];
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
  registerSurvkitLayers(); // the one explicit list of survkit's layer classes (backend/layers.ts)
  const net = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs, weightData }));
  return { net, meta };
}

/** The fields every loaded model (survival or classifier) gets back from `survkit.json`. */
interface RestoredModel {
  covariates: JsonValue | null;
  history: History | null;
  trainingBackend: string | null;
}

/**
 * Reads a model directory and rebuilds the model with the loader registered
 * for its family; restores covariate metadata, training history and backend.
 *
 * @param kind 'model' or 'classifier', for the error message
 * @throws {SurvkitError} `modelDir` for missing or invalid files or an unknown family
 */
export async function loadModelDir<M extends RestoredModel>(
  fn: string,
  dir: string,
  kind: string,
  loaderOf: (family: string) => ((net: tf.LayersModel, state: SurvkitModelJSON['state']) => M) | undefined,
  known: () => string[],
): Promise<M> {
  const { net, meta } = await readModelFiles(fn, dir);
  const loader = loaderOf(meta.family);
  if (loader === undefined) {
    net.dispose();
    throw survkitError('modelDir', fn, dir, `unknown ${kind} family ${JSON.stringify(meta.family)} (known: ${known().join(', ')})`);
  }
  const model = loader(net, meta.state);
  model.covariates = meta.covariates ?? null;
  model.history = meta.training?.history ?? null;
  model.trainingBackend = meta.training?.backend ?? null;
  return model;
}
