/**
 * Frozen-backbone feature extraction, cached on disk: run a pretrained
 * network once over a data set, keep the pooled features, train heads on
 * them in seconds.
 */
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs';
import { assertChoice, assertNumberOption } from '../../core/assert.js';
import { survkitError } from '../../core/errors.js';
import { OnnxBackbone } from '../../backbones/onnx-backbone.js';
import type { BatchSource } from '../training/fit-types.js';
import { openCache, readShard, saveManifest, sha256, writeShard, type CacheManifest } from './feature-cache.js';

/** A network {@link extractFeatures} runs: a TF.js Layers or Graph model, or an ONNX model. */
export type FeatureBackbone = tf.LayersModel | tf.GraphModel | OnnxBackbone;

/**
 * Items for {@link extractFeatures}: a tensor or array with the items on the first axis, or a {@link BatchSource} (channels
 * last) — for instance an `imageDataset` streaming files from disk (its `size` is the progress total).
 */
export type FeatureInput = tf.Tensor | { data: Float32Array; shape: readonly number[] } | (BatchSource & { length?: number; size?: number });

/** What the progress callback receives. */
export interface FeatureProgress {
  done: number;
  /** Items in all (undefined for a source of unknown length). */
  total: number | undefined;
  /** Items per second of the items computed so far (cached ones excluded). */
  rate: number;
  /** Seconds left at that rate (undefined when unknown). */
  etaSeconds: number | undefined;
}

/** Options of {@link extractFeatures}. */
export interface ExtractFeaturesOptions {
  /** Folder of the cache (created when missing); omit to compute without a cache. */
  cacheDir?: string;
  /** Items per forward pass (default 16). */
  batchSize?: number;
  /** Feature maps → vectors: global 'avg' (default) or 'max' over space (and time), or 'none' (flatten, channels last). */
  pool?: 'avg' | 'max' | 'none';
  /** Items per cache shard (default 64): the unit of resumption and of the input hash. */
  shardSize?: number;
  /** `true`: a line with rate and ETA on stderr; a function: called after each batch; default: on when stderr is a TTY. */
  progress?: boolean | ((p: FeatureProgress) => void);
}

/** What {@link extractFeatures} returns. */
export interface ExtractedFeatures {
  /** `[n, featureDim]`, row-major. */
  features: Float32Array;
  shape: [number, number];
  /** Shards taken from the cache and shards computed. */
  reused: number;
  computed: number;
  /** Why (part of) an existing cache was not used: another backbone, other settings, changed inputs, a damaged file. */
  rebuilt: string[];
  /** The backbone's fingerprint (SHA-256 of the ONNX file, or of a TF.js model's topology and weights). */
  fingerprint: string;
}

/** SHA-256 of what makes a backbone compute what it computes. */
export async function backboneFingerprint(backbone: FeatureBackbone): Promise<string> {
  if (backbone instanceof OnnxBackbone) return `onnx:${backbone.fingerprint}:${backbone.channelsFirst ? 'nchw' : 'nhwc'}:${backbone.outputName}`;
  const h = createHash('sha256');
  let weights: tf.Tensor[];
  if (backbone instanceof tf.LayersModel) {
    h.update('layers:').update(JSON.stringify(backbone.toJSON(null, false)));
    weights = backbone.weights.map((w) => w.read());
  } else {
    h.update('graph:').update(JSON.stringify([backbone.inputs, backbone.outputs]));
    const named = backbone.weights;
    weights = [];
    for (const name of Object.keys(named).sort()) {
      h.update(name);
      weights.push(...(named[name] ?? []));
    }
  }
  for (const w of weights) {
    const d = await w.data();
    h.update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  }
  return `${backbone instanceof tf.LayersModel ? 'layers' : 'graph'}:${h.digest('hex')}`;
}

/** Chunks of items (channels last, float32) from any {@link FeatureInput}. */
async function* chunksOf(fn: string, source: FeatureInput, chunk: number): AsyncGenerator<{ data: Float32Array; shape: number[] }> {
  if (source instanceof tf.Tensor || (typeof source === 'object' && source !== null && 'data' in source && 'shape' in source)) {
    const shape = [...source.shape] as number[];
    if (shape.length < 2) throw survkitError('featureSource', fn, 'source', 'items on the first axis of a rank ≥ 2 array', `shape [${shape.join(', ')}]`);
    const data = source instanceof tf.Tensor ? ((await source.data()) as Float32Array) : source.data;
    const per = shape.slice(1).reduce((a, s) => a * s, 1);
    if (!(data instanceof Float32Array) || data.length !== (shape[0] as number) * per)
      throw survkitError(
        'featureSource',
        fn,
        'source',
        `a Float32Array of ${(shape[0] as number) * per} values for shape [${shape.join(', ')}]`,
        `${data.length} values`,
      );
    for (let s = 0; s < (shape[0] as number); s += chunk) {
      const c = Math.min(chunk, (shape[0] as number) - s);
      yield { data: data.subarray(s * per, (s + c) * per), shape: [c, ...shape.slice(1)] };
    }
    return;
  }
  if (typeof source !== 'object' || source === null || typeof (source as BatchSource).batches !== 'function')
    throw survkitError('featureSource', fn, 'source', 'a tensor, { data, shape } or a BatchSource', typeof source);
  for await (const b of (source as BatchSource).batches()) {
    const x = b.x;
    if (!(x instanceof tf.Tensor)) throw survkitError('featureSource', fn, 'source', 'batches whose x is one tf.Tensor', 'another input');
    const data = (await x.data()) as Float32Array;
    const shape = [...x.shape];
    x.dispose();
    yield { data, shape };
  }
}

/** Pools a channels-last output `[b, …, c]` into `[b, c]` (or flattens it). */
function poolRows(data: Float32Array, shape: readonly number[], pool: 'avg' | 'max' | 'none'): { data: Float32Array; dim: number } {
  const b = shape[0] as number;
  if (shape.length === 2 || pool === 'none') return { data, dim: data.length / b };
  const c = shape[shape.length - 1] as number;
  const s = data.length / (b * c);
  const out = new Float32Array(b * c).fill(pool === 'max' ? -Infinity : 0);
  for (let i = 0; i < b; i++)
    for (let j = 0; j < s; j++)
      for (let k = 0; k < c; k++) {
        const v = data[(i * s + j) * c + k] as number;
        const o = i * c + k;
        out[o] = pool === 'max' ? Math.max(out[o] as number, v) : (out[o] as number) + v / s;
      }
  return { data: out, dim: c };
}

async function forward(backbone: FeatureBackbone, data: Float32Array, shape: number[]): Promise<{ data: Float32Array; shape: number[] }> {
  if (backbone instanceof OnnxBackbone) return backbone.run(data, shape);
  const x = tf.tensor(data, shape, 'float32');
  try {
    const y = backbone instanceof tf.LayersModel ? backbone.predict(x) : backbone.predict(x);
    const t = Array.isArray(y) ? (y[0] as tf.Tensor) : y instanceof tf.Tensor ? y : (Object.values(y)[0] as tf.Tensor);
    const out = { data: (await t.data()) as Float32Array, shape: [...t.shape] };
    tf.dispose(y);
    return out;
  } finally {
    x.dispose();
  }
}

/** A progress line on stderr (a TTY) or the user's callback. */
function reporter(opt: ExtractFeaturesOptions['progress']): ((p: FeatureProgress, end?: boolean) => void) | undefined {
  if (typeof opt === 'function') return (p) => opt(p);
  const on = opt ?? process.stderr.isTTY === true;
  if (!on) return undefined;
  return (p, end) => {
    const total = p.total === undefined ? '' : `/${p.total}`;
    const eta = p.etaSeconds === undefined ? '' : `, ETA ${Math.round(p.etaSeconds)} s`;
    process.stderr.write(`\rfeatures: ${p.done}${total} items, ${p.rate.toFixed(1)} items/s${eta}   ${end === true ? '\n' : ''}`);
  };
}

/**
 * Runs a frozen backbone over a data set once and returns its pooled
 * features `[n, d]`; with `cacheDir`, writes them as float32 shards plus a
 * `manifest.json` keyed by the backbone's fingerprint and each shard's input
 * SHA-256, resumes an interrupted run from its last complete shard, and on
 * the next run reads the features back instead of computing them. A cache of
 * another backbone, pooling or item shape, a shard whose inputs changed, and
 * a damaged or truncated file are detected and rebuilt (listed in `rebuilt`),
 * never used. Train any survkit model on the features (an MLP problem).
 *
 * @example
 * const backbone = await loadOnnxBackbone('resnet18.onnx');
 * const { features, shape } = await extractFeatures(backbone, { data: images, shape: [n, 224, 224, 3] }, { cacheDir: '.cache/r18' });
 * @throws {SurvkitError} `featureBackbone` for another kind of backbone, `featureSource` for a source of the wrong
 *   form or items of varying shape; the backbone's own errors (e.g. `onnxInputShape`) for items it cannot take
 */
export async function extractFeatures(backbone: FeatureBackbone, source: FeatureInput, opts: ExtractFeaturesOptions = {}): Promise<ExtractedFeatures> {
  const fn = 'extractFeatures';
  if (!(backbone instanceof tf.LayersModel || backbone instanceof tf.GraphModel || backbone instanceof OnnxBackbone))
    throw survkitError('featureBackbone', fn, backbone);
  const batchSize = assertNumberOption(fn, 'batchSize', opts.batchSize ?? 16, { min: 1, integer: true });
  const shardSize = assertNumberOption(fn, 'shardSize', opts.shardSize ?? 64, { min: 1, integer: true });
  const pool = assertChoice(fn, 'pool', opts.pool ?? 'avg', ['avg', 'max', 'none'] as const);
  const fingerprint = await backboneFingerprint(backbone);
  const report = reporter(opts.progress);
  const total = source instanceof tf.Tensor ? source.shape[0] : 'shape' in source ? source.shape[0] : (source.length ?? source.size);

  let cache: { dir: string; manifest: CacheManifest } | undefined;
  const rebuilt: string[] = [];
  let itemShape: number[] | undefined;
  const rows: Float32Array[] = [];
  let dim: number | undefined;
  let done = 0;
  let computedItems = 0;
  let computeMs = 0;
  let reused = 0;
  let computed = 0;
  let shardIndex = 0;
  let pending: { data: Float32Array; shape: number[] }[] = [];
  let pendingCount = 0;

  const flush = async (): Promise<void> => {
    if (pendingCount === 0) return;
    const per = (itemShape as number[]).reduce((a, s) => a * s, 1);
    const data = new Float32Array(pendingCount * per);
    let at = 0;
    for (const p of pending) {
      data.set(p.data, at);
      at += p.data.length;
    }
    const count = pendingCount;
    pending = [];
    pendingCount = 0;
    const start = done;
    const inputSha = sha256(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    if (cache === undefined && opts.cacheDir !== undefined) {
      const opened = await openCache(opts.cacheDir, { backbone: fingerprint, pool, itemShape: itemShape as number[], shardSize });
      if (opened.rebuilt !== undefined) rebuilt.push(opened.rebuilt);
      cache = { dir: opts.cacheDir, manifest: opened.manifest };
    }
    if (cache !== undefined) {
      const hit = await readShard(cache.dir, cache.manifest, shardIndex, start, count, inputSha);
      if (hit.problem !== undefined) rebuilt.push(`${cache.dir}: ${hit.problem}; recomputed`);
      if (hit.features !== undefined) {
        rows.push(hit.features);
        dim = cache.manifest.featureDim as number;
        reused++;
        done += count;
        shardIndex++;
        report?.({ done, total, rate: computedItems / Math.max(computeMs / 1000, 1e-9), etaSeconds: undefined });
        return;
      }
    }
    const parts: Float32Array[] = [];
    for (let s = 0; s < count; s += batchSize) {
      const c = Math.min(batchSize, count - s);
      const t0 = performance.now();
      const y = await forward(backbone, data.subarray(s * per, (s + c) * per), [c, ...(itemShape as number[])]);
      const pooled = poolRows(y.data, y.shape, pool);
      computeMs += performance.now() - t0;
      computedItems += c;
      if (dim !== undefined && pooled.dim !== dim) throw survkitError('featureSource', fn, 'source', `items giving ${dim} features each`, `${pooled.dim}`);
      dim = pooled.dim;
      parts.push(pooled.data);
      const rate = computedItems / Math.max(computeMs / 1000, 1e-9);
      report?.({ done: done + s + c, total, rate, etaSeconds: total === undefined ? undefined : (total - done - s - c) / rate });
    }
    const feats = new Float32Array(count * (dim as number));
    let o = 0;
    for (const p of parts) {
      feats.set(p, o);
      o += p.length;
    }
    if (cache !== undefined) {
      if (cache.manifest.featureDim === null) {
        cache.manifest.featureDim = dim as number;
        await saveManifest(cache.dir, cache.manifest);
      }
      await writeShard(cache.dir, cache.manifest, shardIndex, start, count, inputSha, feats);
    }
    rows.push(feats);
    computed++;
    done += count;
    shardIndex++;
  };

  for await (const chunk of chunksOf(fn, source, shardSize)) {
    const shape = chunk.shape.slice(1);
    if (itemShape === undefined) itemShape = shape;
    else if (shape.join() !== itemShape.join())
      throw survkitError('featureSource', fn, 'source', `items of one shape [${itemShape.join(', ')}]`, `a batch of items of shape [${shape.join(', ')}]`);
    const per = shape.reduce((a, s) => a * s, 1);
    let at = 0;
    const b = chunk.shape[0] as number;
    while (at < b) {
      const take = Math.min(shardSize - pendingCount, b - at);
      pending.push({ data: chunk.data.subarray(at * per, (at + take) * per), shape: [take, ...shape] });
      pendingCount += take;
      at += take;
      if (pendingCount === shardSize) await flush();
    }
  }
  await flush();
  if (cache !== undefined) {
    // Shards past the end (a shorter data set than last time) are dropped from the manifest.
    const stale = Object.keys(cache.manifest.shards).filter((k) => Number(k) >= shardIndex);
    if (stale.length > 0) {
      for (const k of stale) delete cache.manifest.shards[k];
      await saveManifest(cache.dir, cache.manifest);
    }
  }
  if (done === 0 || dim === undefined) throw survkitError('featureSource', fn, 'source', 'at least one item', 'none');
  const rate = computedItems / Math.max(computeMs / 1000, 1e-9);
  report?.({ done, total, rate, etaSeconds: 0 }, true);
  const features = new Float32Array(done * dim);
  let o = 0;
  for (const r of rows) {
    features.set(r, o);
    o += r.length;
  }
  return { features, shape: [done, dim], reused, computed, rebuilt, fingerprint };
}
