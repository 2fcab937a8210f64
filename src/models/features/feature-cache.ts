/**
 * The on-disk cache of {@link extractFeatures}: `manifest.json` plus one
 * float32 shard file per block of items. The manifest holds the backbone's
 * fingerprint, the pooling, the item shape, and per shard the SHA-256 of its
 * inputs and of its features, so that a cache made by another backbone, on
 * other inputs, or damaged on disk is detected and rebuilt, never used.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const CACHE_FORMAT = 'survkit-feature-cache';

/** One block of items in the cache. */
export interface ShardEntry {
  start: number;
  count: number;
  inputSha256: string;
  file: string;
  featuresSha256: string;
}

/** What a cache holds and for which backbone. */
export interface CacheManifest {
  format: typeof CACHE_FORMAT;
  version: 1;
  backbone: string;
  pool: string;
  itemShape: number[];
  featureDim: number | null;
  shardSize: number;
  shards: Record<string, ShardEntry>;
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Reads the manifest of `dir`; returns it when it was made with the same
 * settings, else a fresh one and the reason the old one cannot be used.
 */
export async function openCache(
  dir: string,
  want: Omit<CacheManifest, 'format' | 'version' | 'shards' | 'featureDim'>,
): Promise<{ manifest: CacheManifest; rebuilt?: string }> {
  const fresh: CacheManifest = { format: CACHE_FORMAT, version: 1, ...want, featureDim: null, shards: {} };
  await mkdir(dir, { recursive: true });
  let text: string;
  try {
    text = await readFile(join(dir, 'manifest.json'), 'utf8');
  } catch {
    return { manifest: fresh };
  }
  let old: CacheManifest;
  try {
    old = JSON.parse(text) as CacheManifest;
  } catch {
    await clear(dir, undefined);
    return { manifest: fresh, rebuilt: 'manifest.json is not valid JSON (damaged); the cache is rebuilt' };
  }
  let why: string | undefined;
  if (old?.format !== CACHE_FORMAT || old.version !== 1 || typeof old.shards !== 'object' || old.shards === null)
    why = 'manifest.json is not a survkit feature cache';
  else if (old.backbone !== want.backbone)
    why = `it was built by another backbone (fingerprint ${String(old.backbone).slice(0, 19)}…, this one ${want.backbone.slice(0, 19)}…)`;
  else if (old.pool !== want.pool) why = `it was built with pool '${old.pool}', not '${want.pool}'`;
  else if (JSON.stringify(old.itemShape) !== JSON.stringify(want.itemShape))
    why = `it was built for items of shape [${String(old.itemShape)}], not [${want.itemShape.join(', ')}]`;
  else if (old.shardSize !== want.shardSize) why = `it was built with shards of ${old.shardSize} items, not ${want.shardSize}`;
  if (why !== undefined) {
    await clear(dir, old);
    return { manifest: fresh, rebuilt: `${dir}: ${why}; the cache is rebuilt` };
  }
  return { manifest: old };
}

/** Removes the shard files a manifest lists (or every shard-*.f32 when it is unreadable) and the manifest. */
async function clear(dir: string, old: CacheManifest | undefined): Promise<void> {
  const files = old?.shards && typeof old.shards === 'object' ? Object.values(old.shards).map((s) => s?.file) : [];
  for (const f of files) if (typeof f === 'string' && /^shard-\d+\.f32$/.test(f)) await rm(join(dir, f), { force: true });
  await rm(join(dir, 'manifest.json'), { force: true });
}

/** The shard's features when the cache holds them for exactly these inputs and the file is intact; else undefined and why. */
export async function readShard(
  dir: string,
  m: CacheManifest,
  index: number,
  start: number,
  count: number,
  inputSha: string,
): Promise<{ features?: Float32Array; problem?: string }> {
  const e = m.shards[String(index)];
  if (e === undefined) return {};
  if (e.start !== start || e.count !== count || e.inputSha256 !== inputSha) return { problem: `shard ${index}: the inputs changed` };
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, e.file));
  } catch {
    return { problem: `shard ${index}: ${e.file} is missing` };
  }
  if (m.featureDim === null || bytes.byteLength !== count * m.featureDim * 4)
    return { problem: `shard ${index}: ${e.file} has ${bytes.byteLength} bytes, expected ${count * (m.featureDim ?? 0) * 4} (truncated or damaged)` };
  if (sha256(bytes) !== e.featuresSha256) return { problem: `shard ${index}: ${e.file} does not match its checksum (damaged)` };
  return { features: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) };
}

/** Writes a shard and then the manifest, each to a temporary file renamed into place (an interrupted run leaves a valid cache). */
export async function writeShard(
  dir: string,
  m: CacheManifest,
  index: number,
  start: number,
  count: number,
  inputSha: string,
  features: Float32Array,
): Promise<void> {
  const file = `shard-${index}.f32`;
  const bytes = new Uint8Array(features.buffer, features.byteOffset, features.byteLength);
  await writeFile(join(dir, `${file}.tmp`), bytes);
  await rename(join(dir, `${file}.tmp`), join(dir, file));
  m.shards[String(index)] = { start, count, inputSha256: inputSha, file, featuresSha256: sha256(bytes) };
  await saveManifest(dir, m);
}

export async function saveManifest(dir: string, m: CacheManifest): Promise<void> {
  await writeFile(join(dir, 'manifest.json.tmp'), `${JSON.stringify(m, null, 1)}\n`);
  await rename(join(dir, 'manifest.json.tmp'), join(dir, 'manifest.json'));
}
