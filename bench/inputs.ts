/**
 * Imaging input benchmarks, on data made here:
 * - readDicom of a 20-frame 512×512 CT-like file (int16, 12 bits stored,
 *   rescale intercept −1024), written by a minimal explicit-VR little-endian
 *   Part 10 writer below;
 * - readVideo of 16 frames at 112×112 RGB from a 10 s 640×480 H.264 clip
 *   (ffmpeg's testsrc), 'first' and 'uniform' sampling — skipped without ffmpeg.
 * Median of 5 runs after one warm-up. Run by bench/run.ts (npm run bench).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concatBytes } from '../src/core/bytes.js';
import { Random } from '../src/core/random.js';
import { readDicom } from '../src/io/dicom.js';
import { ffmpegInfo, readVideo } from '../src/io/video.js';
import type { Row } from './row.js';

/** One explicit-VR little-endian data element (values padded to even length). */
function element(group: number, el: number, vr: string, value: Uint8Array): Uint8Array {
  const padded = value.length % 2 === 0 ? value : Uint8Array.from([...value, vr === 'UI' ? 0 : 0x20]);
  const long = ['OB', 'OW', 'OF', 'SQ', 'UT', 'UN'].includes(vr);
  const head = new Uint8Array(long ? 12 : 8);
  const v = new DataView(head.buffer);
  v.setUint16(0, group, true);
  v.setUint16(2, el, true);
  head[4] = vr.charCodeAt(0);
  head[5] = vr.charCodeAt(1);
  if (long) v.setUint32(8, padded.length, true);
  else v.setUint16(6, padded.length, true);
  const out = new Uint8Array(head.length + padded.length);
  out.set(head);
  out.set(padded, head.length);
  return out;
}
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const us = (x: number): Uint8Array => new Uint8Array(new Uint16Array([x]).buffer);

/** A multi-frame MONOCHROME2 int16 DICOM file (12 bits stored) with seeded values. */
function ctLike(frames: number, rows: number, columns: number, seed: number): Uint8Array {
  const rng = new Random(seed);
  const pixels = Int16Array.from({ length: frames * rows * columns }, () => rng.int(4096) - 2048);
  const parts = [
    new Uint8Array(128),
    text('DICM'),
    element(0x0002, 0x0010, 'UI', text('1.2.840.10008.1.2.1')),
    element(0x0028, 0x0002, 'US', us(1)),
    element(0x0028, 0x0004, 'CS', text('MONOCHROME2')),
    element(0x0028, 0x0008, 'IS', text(String(frames))),
    element(0x0028, 0x0010, 'US', us(rows)),
    element(0x0028, 0x0011, 'US', us(columns)),
    element(0x0028, 0x0100, 'US', us(16)),
    element(0x0028, 0x0101, 'US', us(12)),
    element(0x0028, 0x0102, 'US', us(11)),
    element(0x0028, 0x0103, 'US', us(1)),
    element(0x0028, 0x1052, 'DS', text('-1024')),
    element(0x0028, 0x1053, 'DS', text('1')),
    element(0x7fe0, 0x0010, 'OW', new Uint8Array(pixels.buffer)),
  ];
  return concatBytes(parts);
}

async function median(fn: () => Promise<unknown>, repeats = 5): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

export async function benchInputs(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'survkit-bench-inputs-'));
  try {
    const rows: Row[] = [];
    const dcm = join(dir, 'ct.dcm');
    writeFileSync(dcm, ctLike(20, 512, 512, 1));
    const check = await readDicom(dcm);
    if (check.pixels.length !== 20 * 512 * 512 || check.pixels.some((v) => v < -3072 || v > 1023))
      throw new Error('bench inputs: the DICOM file did not decode as written');
    rows.push({ task: 'readDicom, 20 × 512×512 int16 (pixels)', n: 20 * 512 * 512, ms: await median(() => readDicom(dcm)) });
    const ff = await ffmpegInfo();
    if (!ff.available) {
      process.stderr.write(`  readVideo skipped: ${ff.detail}\n`);
      return rows;
    }
    const clip = join(dir, 'clip.mp4');
    const made = spawnSync(ff.command, [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=640x480:rate=25:duration=10',
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      '-y',
      clip,
    ]);
    if (made.status !== 0) throw new Error(`bench inputs: ffmpeg could not make the clip: ${made.stderr.toString()}`);
    for (const sampling of ['first', 'uniform'] as const) {
      rows.push({
        task: `readVideo, 16 × 112×112 RGB of a 10 s 640×480 clip, '${sampling}' (frames)`,
        n: 16,
        ms: await median(() => readVideo(clip, { frames: 16, height: 112, width: 112, channels: 3, sampling })),
      });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
