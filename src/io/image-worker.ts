/**
 * Worker-thread entry of {@link imageDataset}: loads the items the main
 * thread sends ({@link loadImageItem}) and transfers their pixels back.
 */
import { parentPort } from 'node:worker_threads';
import { SurvkitError } from '../core/errors.js';
import { loadImageItem, type ImageManifestEntry, type ImageItemSpec } from './image-item.js';
import type { AugmentOptions } from './image-transforms.js';

/** A request from the main thread. */
export interface ItemRequest {
  id: number;
  entry: ImageManifestEntry;
  spec: ImageItemSpec;
  augment?: AugmentOptions;
  seed?: number;
}

/** The reply: the pixels, or the error (its message, and its code when a SurvkitError). */
export type ItemReply = { id: number; data: Float32Array } | { id: number; error: string; code?: string };

parentPort?.on('message', (req: ItemRequest) => {
  loadImageItem(req.entry, req.spec, req.augment, req.seed).then(
    (data) => parentPort?.postMessage({ id: req.id, data } satisfies ItemReply, [data.buffer as ArrayBuffer]),
    (e: unknown) =>
      parentPort?.postMessage({
        id: req.id,
        error: e instanceof Error ? e.message : String(e),
        code: e instanceof SurvkitError ? e.code : undefined,
      } satisfies ItemReply),
  );
});
