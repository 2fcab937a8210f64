/**
 * TF.js Layers and Graph models on disk without tfjs-node: an IO handler
 * that reads `model.json` and its weight shards with node:fs (and writes
 * them), for `tf.loadLayersModel`, `tf.loadGraphModel` and `model.save`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { registerSurvkitLayers } from '../backend/layers.js';
import { survkitError } from '../core/errors.js';

const stripScheme = (p: string): string => (p.startsWith('file://') ? p.slice('file://'.length) : p);

/**
 * A TF.js IO handler for a `model.json` on disk (with or without a
 * `file://` prefix): `load` reads the JSON and every weight shard it lists
 * (paths relative to the JSON's folder, never outside it) and checks their
 * total size; `save` writes `model.json` and one `weights.bin` beside it.
 *
 * @example
 * const net = await tf.loadLayersModel(fileIOHandler('models/cnn/model.json'));
 * await net.save(fileIOHandler('out/cnn/model.json'));
 * @throws {SurvkitError} `tfjsModelFile` naming the file: missing or unreadable, not JSON, no `modelTopology`,
 *   a shard outside the folder, or shards shorter or longer than the manifest declares
 */
export function fileIOHandler(path: string, fn = 'fileIOHandler'): tf.io.IOHandler {
  const file = resolve(stripScheme(path));
  const dir = dirname(file);
  const bad = (f: string, problem: string): never => {
    throw survkitError('tfjsModelFile', fn, f, problem);
  };
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        return bad(file, `cannot be read (${(err as Error).message})`);
      }
      let json: tf.io.ModelJSON;
      try {
        json = JSON.parse(text) as tf.io.ModelJSON;
      } catch {
        return bad(file, 'is not valid JSON (expected a TF.js model.json)');
      }
      if (typeof json !== 'object' || json === null || typeof json.modelTopology !== 'object' || json.modelTopology === null)
        return bad(file, "has no 'modelTopology': not a TF.js Layers or Graph model.json");
      const specs: tf.io.WeightsManifestEntry[] = [];
      const parts: Uint8Array[] = [];
      let declared = 0;
      for (const group of json.weightsManifest ?? []) {
        for (const w of group.weights) {
          specs.push(w);
          const bytes = { float32: 4, int32: 4, bool: 1, string: 0, complex64: 8 }[w.dtype] ?? 4;
          const q = w.quantization;
          const per = q === undefined ? bytes : q.dtype === 'float16' || q.dtype === 'uint16' ? 2 : 1;
          declared += w.shape.reduce((a, s) => a * s, 1) * per;
        }
        for (const p of group.paths) {
          const shard = resolve(dir, p);
          if (!shard.startsWith(dir + sep)) bad(file, `lists the weight file ${JSON.stringify(p)}, which is outside its folder`);
          try {
            parts.push(await readFile(shard));
          } catch {
            bad(shard, `is missing or unreadable (listed in ${file})`);
          }
        }
      }
      const total = parts.reduce((a, p) => a + p.byteLength, 0);
      const hasStrings = specs.some((w) => w.dtype === 'string');
      if (!hasStrings && total !== declared)
        bad(file, `declares ${declared} bytes of weights but its weight files hold ${total}${total < declared ? ' (truncated?)' : ''}`);
      const weightData = new Uint8Array(total);
      let at = 0;
      for (const p of parts) {
        weightData.set(p, at);
        at += p.byteLength;
      }
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        ...(json.signature === undefined ? {} : { signature: json.signature }),
        ...(json.userDefinedMetadata === undefined ? {} : { userDefinedMetadata: json.userDefinedMetadata }),
        ...(json.modelInitializer === undefined ? {} : { modelInitializer: json.modelInitializer }),
        weightSpecs: specs,
        weightData: weightData.buffer,
      };
    },
    async save(a: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const weights = a.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(a.weightData);
      const json = {
        modelTopology: a.modelTopology,
        format: a.format,
        generatedBy: a.generatedBy,
        convertedBy: a.convertedBy,
        weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs ?? [] }],
      };
      await mkdir(dir, { recursive: true });
      await writeFile(file, JSON.stringify(json));
      await writeFile(join(dir, 'weights.bin'), new Uint8Array(weights));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
    },
  };
}

/**
 * Reads a TF.js Layers model (`model.json` + shards; Keras models
 * converted with tensorflowjs_converter, or any `model.save`) from disk
 * without tfjs-node. survkit's layer classes are registered first, so
 * survkit networks load too. Put a head on it with `attachHead`.
 *
 * @example
 * const backbone = await loadLayersModelFromDisk('mobilenet/model.json');
 * const net = attachHead(backbone, new CoxHead(), { pool: 'avg', freeze: true });
 * @throws {SurvkitError} as {@link fileIOHandler}, and `tfjsModelFile` when the JSON is not a Layers model
 */
export async function loadLayersModelFromDisk(path: string): Promise<tf.LayersModel> {
  const fn = 'loadLayersModelFromDisk';
  registerSurvkitLayers();
  const handler = fileIOHandler(path, fn);
  const artifacts = await (handler.load as () => Promise<tf.io.ModelArtifacts>)();
  if (artifacts.format === 'graph-model')
    throw survkitError('tfjsModelFile', fn, stripScheme(path), 'is a Graph model (format graph-model): load it with loadGraphModelFromDisk');
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (err) {
    throw survkitError('tfjsModelFile', fn, stripScheme(path), `is not a TF.js Layers model TF.js can build (${(err as Error).message.split('\n')[0]})`);
  }
}

/**
 * Reads a TF.js Graph model (a converted SavedModel or frozen graph) from
 * disk without tfjs-node, for use as a frozen feature extractor
 * (`extractFeatures`).
 *
 * @example
 * const backbone = await loadGraphModelFromDisk('effnet/model.json');
 * @throws {SurvkitError} as {@link fileIOHandler}, and `tfjsModelFile` when the JSON is not a Graph model
 */
export async function loadGraphModelFromDisk(path: string): Promise<tf.GraphModel> {
  const fn = 'loadGraphModelFromDisk';
  const handler = fileIOHandler(path, fn);
  const artifacts = await (handler.load as () => Promise<tf.io.ModelArtifacts>)();
  if (artifacts.format === 'layers-model')
    throw survkitError('tfjsModelFile', fn, stripScheme(path), 'is a Layers model (format layers-model): load it with loadLayersModelFromDisk');
  try {
    return await tf.loadGraphModel(tf.io.fromMemory(artifacts));
  } catch (err) {
    throw survkitError('tfjsModelFile', fn, stripScheme(path), `is not a TF.js Graph model TF.js can build (${(err as Error).message.split('\n')[0]})`);
  }
}
