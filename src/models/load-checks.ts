/**
 * The checks a model folder passes on load: weight manifests (float32 only,
 * paths inside the folder, sizes), weights set only after their names and
 * shapes match the network, and the network against survkit.json (head class,
 * family, output width against the cuts, input count). Each failure is one
 * `modelDir` error naming the file.
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { isAbsolute } from 'node:path';
import type { SurvkitModelJSON } from './save-load.js';

/** Throws the `modelDir` error of a load for `file`. */
export type Bad = (file: string, problem: string) => never;

/** The head layer class each survival family's network ends in (the checks on load). */
export const FAMILY_HEADS: Readonly<Record<string, string>> = {
  coxph: 'survkit>CoxHead',
  coxcc: 'survkit>CoxHead',
  coxtime: 'survkit>CoxTimeHead',
  deephit: 'survkit>DiscreteHead',
  logistichazard: 'survkit>DiscreteHead',
  pmf: 'survkit>DiscreteHead',
  mtlr: 'survkit>DiscreteHead',
  pchazard: 'survkit>DiscreteHead',
  bcesurv: 'survkit>DiscreteHead',
  weibull: 'survkit>DiscreteHead',
  lognormal: 'survkit>DiscreteHead',
  'evidential-classifier': 'survkit>EvidentialHead',
  'softmax-classifier': 'survkit>LogitsHead',
};

/** Largest weights file accepted: 2 GiB (TF.js cannot hold more in one ArrayBuffer on every platform). */
export const MAX_WEIGHT_BYTES = 2 ** 31 - 1;

export const sha256 = (buf: Uint8Array): string => createHash('sha256').update(buf).digest('hex');

export const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The float32 weight specs of a weights manifest and the bytes they declare; anything else is refused. */
export function weightSpecsOf(bad: Bad, manifest: unknown): { specs: tf.io.WeightsManifestEntry[]; bytes: number; paths: string[] } {
  if (!Array.isArray(manifest)) bad('model.json', "has no 'weightsManifest' list");
  const specs: tf.io.WeightsManifestEntry[] = [];
  const paths: string[] = [];
  let bytes = 0;
  for (const group of manifest as unknown[]) {
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights))
      bad('model.json', "has a 'weightsManifest' group without 'paths' and 'weights' lists");
    for (const p of group.paths as unknown[]) {
      if (typeof p !== 'string' || p === '' || isAbsolute(p) || p.split(/[\\/]/).some((part) => part === '..' || part === '')) {
        bad('model.json', `its weights manifest names the path ${JSON.stringify(p)}; only files inside the model folder are read`);
      }
      paths.push(p);
    }
    for (const w of group.weights as unknown[]) {
      if (!isObject(w) || typeof w.name !== 'string' || !Array.isArray(w.shape)) bad('model.json', 'has a weight entry without a name and a shape');
      const spec = w as unknown as tf.io.WeightsManifestEntry;
      if (spec.dtype !== 'float32')
        bad('model.json', `weight ${JSON.stringify(spec.name)} has dtype ${JSON.stringify(spec.dtype)}; survkit saves float32 weights only`);
      if (spec.quantization !== undefined) bad('model.json', `weight ${JSON.stringify(spec.name)} is quantized; survkit saves float32 weights only`);
      let size = 4;
      for (const d of spec.shape as unknown[]) {
        if (typeof d !== 'number' || !Number.isInteger(d) || d < 0)
          bad('model.json', `weight ${JSON.stringify(spec.name)} has the shape ${JSON.stringify(spec.shape)}`);
        size *= d;
      }
      bytes += size;
      if (bytes > MAX_WEIGHT_BYTES) bad('model.json', `its weights manifest declares more than ${MAX_WEIGHT_BYTES} bytes of weights`);
      specs.push(spec);
    }
  }
  return { specs, bytes, paths };
}

/**
 * The variables TF.js registered while `build` ran, disposed when it fails
 * (a half-built network holds its weights as variables nobody else can reach).
 */
export async function freeOnFailure<T>(build: () => Promise<T>): Promise<T> {
  const before = new Set(Object.keys(tf.engine().state.registeredVariables));
  try {
    return await build();
  } catch (err) {
    for (const [name, v] of Object.entries(tf.engine().state.registeredVariables)) if (!before.has(name)) v.dispose();
    throw err;
  }
}

export function firstLine(err: unknown): string {
  return ((err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '').slice(0, 200);
}

/**
 * Sets the network's weights from the file after checking that the manifest
 * names exactly the network's weights with their shapes (so TF.js never fails
 * half-way through and leaves decoded tensors behind).
 */
export function setWeightsChecked(bad: Bad, net: tf.LayersModel, specs: tf.io.WeightsManifestEntry[], bin: Buffer, binName: string): void {
  const byName = new Map(specs.map((w) => [w.name, w]));
  if (byName.size !== specs.length) bad('model.json', 'names a weight twice in its weights manifest');
  const wanted = net.weights;
  for (const w of wanted) {
    const spec = byName.get(w.originalName);
    if (spec === undefined) bad('model.json', `has no weight ${JSON.stringify(w.originalName)}, which its network needs`);
    else if (spec.shape.length !== w.shape.length || spec.shape.some((d, i) => d !== w.shape[i])) {
      bad(
        'model.json',
        `declares weight ${JSON.stringify(w.originalName)} with shape [${spec.shape.join(', ')}] but its network needs [${w.shape.join(', ')}]`,
      );
    }
  }
  if (wanted.length !== specs.length) bad('model.json', `declares ${specs.length} weights in ${binName} but its network has ${wanted.length}`);
  const data = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
  tf.tidy(() => {
    const map = tf.io.decodeWeights(data, specs);
    net.setWeights(wanted.map((w) => map[w.originalName] as tf.Tensor));
  });
}

/** The network against survkit.json: head class, family, output width against the cuts, input count against the covariates. */
export function checkNetwork(bad: Bad, net: tf.LayersModel, meta: SurvkitModelJSON): void {
  const last = net.layers[net.layers.length - 1];
  const headClass = last === undefined ? 'no layer' : last.getClassName();
  if (headClass !== meta.head.className) {
    bad('survkit.json', `says the network ends in ${meta.head.className} but model.json's network ends in ${headClass}`);
  }
  const want = FAMILY_HEADS[meta.family];
  if (want !== undefined && headClass !== want) bad('survkit.json', `says family ${meta.family} (head ${want}) but model.json's network ends in ${headClass}`);
  if (net.outputs.length !== 1 || net.inputs.length < 1)
    bad('model.json', `has ${net.inputs.length} inputs and ${net.outputs.length} outputs; a survkit network has one output`);
  const outShape = (net.outputs[0] as tf.SymbolicTensor).shape;
  const width = outShape[outShape.length - 1];
  const lt = meta.state.labelTransform;
  if (isObject(lt) && Array.isArray(lt.cuts)) {
    const causes = typeof meta.state.causes === 'number' ? meta.state.causes : 1;
    const perCause = meta.family === 'pchazard' ? lt.cuts.length - 1 : lt.cuts.length; // PC-Hazard: one output per interval
    const expected = perCause * causes;
    if (width !== expected)
      bad('survkit.json', `has ${lt.cuts.length} cuts × ${causes} cause(s) = ${expected} outputs but model.json's network has ${String(width)}`);
  } else if (want === 'survkit>CoxHead' || want === 'survkit>CoxTimeHead') {
    if (width !== 1) bad('survkit.json', `says family ${meta.family} (one log-risk output) but model.json's network has ${String(width)} outputs`);
  }
  const features = isObject(meta.covariates) ? meta.covariates.features : undefined;
  const inShape = (net.inputs[0] as tf.SymbolicTensor).shape;
  if (Array.isArray(features) && meta.family !== 'coxtime' && inShape.length === 2 && inShape[1] !== features.length) {
    bad('survkit.json', `lists ${features.length} covariates but model.json's network takes ${String(inShape[1])} inputs`);
  }
}
