import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SurvkitError, survkitError } from '../core/errors.js';
import { registerSurvkitLayers } from '../backend/layers.js';
import { checkNetwork, firstLine, freeOnFailure, isObject, setWeightsChecked, sha256, weightSpecsOf } from './load-checks.js';
import type { History, JsonValue } from './training/fit-types.js';

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
  /** SHA-256 of model.json and weights.bin as saved: a folder whose files were swapped or edited is refused on load. Absent in older files. */
  network?: { modelJsonSha256: string; weightsSha256: string };
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
export async function writeModelFiles(
  dir: string,
  net: tf.LayersModel,
  meta: Omit<SurvkitModelJSON, 'format' | 'formatVersion' | 'head' | 'network'>,
): Promise<void> {
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
  const modelText = JSON.stringify(modelJson);
  const weightBytes = new Uint8Array(weights);
  const full: SurvkitModelJSON = {
    format: 'survkit-model',
    formatVersion: 1,
    family: meta.family,
    head: { className: last.getClassName(), config: last.getConfig() },
    state: meta.state,
    covariates: meta.covariates,
    training: meta.training,
    network: { modelJsonSha256: sha256(Buffer.from(modelText, 'utf8')), weightsSha256: sha256(weightBytes) },
  };
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'model.json'), modelText);
  await writeFile(join(dir, 'weights.bin'), weightBytes);
  await writeFile(join(dir, 'survkit.json'), `${JSON.stringify(full, null, 1)}\n`);
}

/**
 * Reads what {@link writeModelFiles} wrote; the network is rebuilt with
 * `tf.io.fromMemory`. Every file is checked first (JSON shapes, float32 weight
 * specs, paths inside the folder, the weights file exactly as long as the
 * manifest declares, the fingerprints survkit.json holds), and a network that
 * fails to build is freed.
 *
 * @throws {SurvkitError} `modelDir` naming the folder and the file at fault
 */
export async function readModelFiles(fn: string, dir: string): Promise<ModelFiles> {
  const bad = (file: string, problem: string): never => {
    throw survkitError('modelDir', fn, dir, `${file} ${problem}`);
  };
  const read = async (name: string): Promise<Buffer> => {
    try {
      return await readFile(join(dir, name));
    } catch {
      return bad(name, 'is missing or unreadable');
    }
  };
  const parse = (name: string, buf: Buffer): unknown => {
    try {
      return JSON.parse(buf.toString('utf8')) as unknown;
    } catch {
      return bad(name, 'is not valid JSON');
    }
  };
  const metaRaw = parse('survkit.json', await read('survkit.json'));
  if (!isObject(metaRaw) || metaRaw.format !== 'survkit-model') bad('survkit.json', "is not a survkit model file (format 'survkit-model')");
  const meta = metaRaw as SurvkitModelJSON;
  if (typeof meta.family !== 'string') bad('survkit.json', "has no 'family'");
  if (!isObject(meta.state)) bad('survkit.json', "has no 'state' object (the family's saved settings)");
  if (!isObject(meta.head) || typeof meta.head.className !== 'string') bad('survkit.json', "has no 'head' with a 'className'");
  const modelBuf = await read('model.json');
  const modelJson = parse('model.json', modelBuf);
  if (!isObject(modelJson))
    bad('model.json', `is not a TF.js model (a JSON object); it holds ${Array.isArray(modelJson) ? 'an array' : JSON.stringify(modelJson)}`);
  const mj = modelJson as tf.io.ModelJSON;
  if (!isObject(mj.modelTopology)) bad('model.json', "has no 'modelTopology'");
  const { specs, bytes, paths } = weightSpecsOf(bad, mj.weightsManifest);
  const parts: Buffer[] = [];
  for (const p of paths) parts.push(await read(p));
  const bin = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
  const binName = paths.length === 1 ? (paths[0] as string) : 'the weight files';
  if (bin.byteLength < bytes) bad(binName, `has ${bin.byteLength} bytes but model.json declares ${bytes} (the file is truncated)`);
  if (bin.byteLength > bytes) bad(binName, `has ${bin.byteLength} bytes but model.json declares ${bytes} (extra bytes after the weights)`);
  const print = meta.network;
  if (print !== undefined) {
    if (!isObject(print)) bad('survkit.json', "has a 'network' entry that is not an object");
    else {
      if (print.modelJsonSha256 !== sha256(modelBuf))
        bad('survkit.json', `was written for another network: model.json differs from the one saved with this ${meta.family} model`);
      if (print.weightsSha256 !== sha256(bin))
        bad('survkit.json', `was written for other weights: ${binName} differs from the one saved with this ${meta.family} model`);
    }
  }
  let net: tf.LayersModel;
  registerSurvkitLayers(); // the one explicit list of survkit's layer classes (backend/layers.ts)
  try {
    net = await freeOnFailure(() => tf.models.modelFromJSON({ modelTopology: mj.modelTopology }));
  } catch (err) {
    return bad('model.json', `does not describe a TF.js network (${firstLine(err)})`);
  }
  try {
    setWeightsChecked(bad, net, specs, bin, binName);
  } catch (err) {
    net.dispose();
    throw err;
  }
  try {
    checkNetwork(bad, net, meta);
  } catch (err) {
    net.dispose();
    throw err;
  }
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
  let model: M;
  try {
    model = loader(net, meta.state);
  } catch (err) {
    net.dispose();
    // A field of the family's typed state (survival/family-state.ts): the message already names survkit.json and the field.
    if (err instanceof SurvkitError && err.code === 'modelState') throw survkitError('modelDir', fn, dir, err.message.slice(err.message.indexOf(': ') + 2));
    if (err instanceof SurvkitError) throw survkitError('modelDir', fn, dir, `survkit.json holds a state the ${meta.family} loader refuses (${err.message})`);
    throw err;
  }
  model.covariates = meta.covariates ?? null;
  model.history = meta.training?.history ?? null;
  model.trainingBackend = meta.training?.backend ?? null;
  return model;
}
