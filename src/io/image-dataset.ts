/**
 * A manifest of image files streamed from disk as a `BatchSource` for
 * `fit` / `predict`: items are decoded on worker threads
 * (node:worker_threads), normalised, cropped / padded to one shape and — on
 * training sources only — augmented with draws seeded per (seed, epoch, item),
 * so a run is reproducible whatever the thread timing. At most
 * `prefetch × batchSize` items are decoded ahead, so memory does not grow with
 * the number of files.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { assertNumberOption } from '../core/assert.js';
import { survkitError, SurvkitError } from '../core/errors.js';
import { Random } from '../core/random.js';
import { loadImageItem, type ImageItemSpec, type ImageManifestEntry } from './image-item.js';
import type { AugmentOptions } from './image-transforms.js';
import type { ItemReply, ItemRequest } from './image-worker.js';

/** Options of {@link imageDataset}. */
export interface ImageDatasetOptions extends ImageItemSpec {
  /** Items per batch (default 32). */
  batchSize?: number;
  /** A training source: shuffled each epoch and augmented (default false: manifest order, no augmentation). */
  training?: boolean;
  /** Augmentation of training batches (ignored when `training` is false). */
  augment?: AugmentOptions;
  /** Seed of the shuffles and augmentations (default 0). */
  seed?: number;
  /** Worker threads (default: available cores − 1, at least 1, at most 4); 0 decodes on the calling thread. */
  workers?: number;
  /** Batches decoded ahead (default 2). */
  prefetch?: number;
}

/** What {@link imageDataset} returns: a `BatchSource` (`batches()`) over the manifest, plus its size and `close()`. */
export interface ImageDataset {
  /** Number of items. */
  readonly size: number;
  /** The shape of one batch's x: [b, height, width, channels] or [b, depth, height, width, channels]. */
  readonly itemShape: number[];
  /** One pass over the manifest (one epoch), as `fit` and `predict` ask; each call is the next epoch. */
  batches(): AsyncIterable<{ x: tf.Tensor; time?: Float64Array; event?: Int32Array }>;
  /** Stops the worker threads (they also stop by themselves when idle at exit). */
  close(): Promise<void>;
}

type Job = { resolve: (d: Float32Array) => void; reject: (e: Error) => void };

/** A pool of item-decoding workers; each worker is ref'ed only while it has work, so an idle pool never keeps the process alive. */
class Pool {
  private readonly workers: { w: Worker; busy: number }[] = [];
  private readonly jobs = new Map<number, Job & { worker: { w: Worker; busy: number } }>();
  private next = 0;

  constructor(n: number) {
    const js = new URL('./image-worker.js', import.meta.url);
    let url = js;
    if (!existsSync(fileURLToPath(js))) {
      // Running from the TypeScript sources (tests, tsx): a bootstrap registers tsx's loader in the worker, then imports the source.
      const tsx = import.meta.resolve('tsx/esm/api');
      const src = new URL('./image-worker.ts', import.meta.url).href;
      url = new URL(
        `data:text/javascript,${encodeURIComponent(`const { register } = await import(${JSON.stringify(tsx)}); register(); await import(${JSON.stringify(src)});`)}`,
      );
    }
    this.url = url;
    for (let i = 0; i < n; i++) this.workers.push(this.spawn());
  }

  private readonly url: URL;

  /** A worker whose crash or exit fails its pending items and is replaced by a fresh one (no item waits forever). */
  private spawn(): { w: Worker; busy: number } {
    const w = new Worker(this.url);
    const slot = { w, busy: 0 };
    w.on('message', (r: ItemReply) => this.settle(r));
    const gone = (e: Error): void => {
      const k = this.workers.indexOf(slot);
      if (k < 0) return; // closed, or already replaced
      this.workers[k] = this.spawn();
      this.failAll(slot, e);
    };
    w.on('error', gone);
    w.on('exit', (code) => gone(new Error(`an image-decoding worker thread stopped (exit code ${code})`)));
    w.unref();
    return slot;
  }

  run(req: Omit<ItemRequest, 'id'>): Promise<Float32Array> {
    const id = this.next++;
    const slot = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    return new Promise((resolve, reject) => {
      this.jobs.set(id, { resolve, reject, worker: slot });
      if (slot.busy++ === 0) slot.w.ref();
      slot.w.postMessage({ ...req, id } satisfies ItemRequest);
    });
  }

  private settle(r: ItemReply): void {
    const job = this.jobs.get(r.id);
    if (job === undefined) return;
    this.jobs.delete(r.id);
    if (--job.worker.busy === 0) job.worker.w.unref();
    if ('data' in r) job.resolve(r.data);
    else job.reject(Object.assign(new Error(r.error), { code: r.code }));
  }

  private failAll(slot: { w: Worker; busy: number }, e: Error): void {
    for (const [id, job] of this.jobs) {
      if (job.worker !== slot) continue;
      this.jobs.delete(id);
      job.reject(e);
    }
    slot.busy = 0;
  }

  async close(): Promise<void> {
    const all = this.workers.splice(0);
    await Promise.all(all.map((s) => s.w.terminate()));
  }
}

/** A 32-bit seed for item `i` of epoch `e` (a hash of seed, epoch and index). */
function itemSeed(seed: number, epoch: number, i: number): number {
  return new Random((seed ^ Math.imul(epoch + 1, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b)) >>> 0).nextUint32();
}

/**
 * Streams a manifest of image files as batches: `{ x: [b, …shape, channels], time, event }`.
 *
 * @example
 * const train = imageDataset(rows, { shape: [128, 128], intensity: { window: { center: 40, width: 400 } }, training: true,
 *   augment: { flip: true, crop: 8, rotate: 10, jitter: { scale: 0.1, shift: 0.05 } }, seed: 1 });
 * await model.fit(train, { epochs: 20 });
 * await train.close();
 * @throws {SurvkitError} `imageManifest` for an empty manifest, a training source whose rows lack time / event, and (while
 *   iterating) any row that cannot be read, naming the row and its file
 */
export function imageDataset(manifest: readonly ImageManifestEntry[], opts: ImageDatasetOptions): ImageDataset {
  const fn = 'imageDataset';
  const isArray: (x: unknown) => boolean = Array.isArray; // checks without narrowing to any[]
  if (!isArray(manifest) || manifest.length === 0) throw survkitError('imageManifest', fn, 'manifest', 'must be a non-empty list of { path, time?, event? }');
  const shape = opts.shape as readonly number[];
  if (!isArray(shape) || (shape.length !== 2 && shape.length !== 3) || shape.some((s) => !(Number.isInteger(s) && s >= 1)))
    throw survkitError(
      'imageManifest',
      fn,
      "option 'shape'",
      `must be [height, width] or [depth, height, width] positive integers; got ${JSON.stringify(shape)}`,
    );
  const batchSize = assertNumberOption(fn, 'batchSize', opts.batchSize ?? 32, { min: 1, integer: true });
  const prefetch = assertNumberOption(fn, 'prefetch', opts.prefetch ?? 2, { min: 1, integer: true });
  const workers = assertNumberOption(fn, 'workers', opts.workers ?? Math.min(4, Math.max(1, availableParallelism() - 1)), { min: 0, integer: true });
  const training = opts.training === true;
  const labelled = manifest.every((m) => typeof m.time === 'number' && typeof m.event === 'number');
  if (training && !labelled) {
    const k = manifest.findIndex((m) => typeof m.time !== 'number' || typeof m.event !== 'number');
    throw survkitError('imageManifest', fn, `manifest row ${k}`, 'a training source needs numeric time and event on every row');
  }
  const channels = opts.channels ?? 1;
  const spec: ImageItemSpec = {
    shape: opts.shape,
    channels,
    intensity: opts.intensity,
    canonical: opts.canonical,
    spacing: opts.spacing,
    labels: opts.labels,
    video: opts.video,
    resize: opts.resize,
  };
  const seed = opts.seed ?? 0;
  const itemShape = [...shape, channels];
  const itemSize = itemShape.reduce((a, b) => a * b, 1);
  let pool: Pool | undefined;
  let epoch = 0;

  const load = (i: number, e: number): Promise<Float32Array> => {
    const entry = manifest[i] as ImageManifestEntry;
    const augment = training ? opts.augment : undefined;
    const s = augment === undefined ? undefined : itemSeed(seed, e, i);
    const p = workers === 0 ? loadImageItem(entry, spec, augment, s) : (pool ??= new Pool(workers)).run({ entry, spec, augment, seed: s });
    return p.catch((err: unknown) => {
      const where = `manifest row ${i} (${typeof entry.path === 'string' ? entry.path : `${entry.path.length} files`})`;
      const msg = err instanceof Error ? err.message : String(err);
      throw err instanceof SurvkitError || (err as { code?: string }).code !== undefined
        ? survkitError('imageManifest', fn, where, msg)
        : survkitError('imageManifest', fn, where, `cannot be read: ${msg}`);
    });
  };

  return {
    size: manifest.length,
    itemShape,
    async *batches() {
      const e = epoch++;
      const order = manifest.map((_, i) => i);
      if (training) {
        const rng = new Random(itemSeed(seed, e, -1));
        for (let i = order.length - 1; i > 0; i--) {
          const j = rng.int(i + 1);
          [order[i], order[j]] = [order[j] as number, order[i] as number];
        }
      }
      const inFlight: Promise<Float32Array>[] = [];
      let issued = 0;
      const limit = prefetch * batchSize;
      const fill = (): void => {
        while (issued < order.length && inFlight.length < limit) {
          const p = load(order[issued++] as number, e);
          p.catch(() => undefined); // awaited in order below; avoid an unhandled rejection while waiting for earlier items
          inFlight.push(p);
        }
      };
      for (let start = 0; start < order.length; start += batchSize) {
        fill();
        const b = Math.min(batchSize, order.length - start);
        const x = new Float32Array(b * itemSize);
        for (let k = 0; k < b; k++) {
          x.set(await (inFlight.shift() as Promise<Float32Array>), k * itemSize);
          fill();
        }
        const rows = order.slice(start, start + b);
        const batch: { x: tf.Tensor; time?: Float64Array; event?: Int32Array } = { x: tf.tensor(x, [b, ...itemShape], 'float32') };
        if (labelled) {
          batch.time = Float64Array.from(rows, (i) => manifest[i]?.time as number);
          batch.event = Int32Array.from(rows, (i) => manifest[i]?.event as number);
        }
        yield batch;
      }
    },
    async close() {
      await pool?.close();
      pool = undefined;
    },
  };
}
