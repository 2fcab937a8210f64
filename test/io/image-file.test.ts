import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { describe, expect, it } from 'vitest';
import { readImageFile } from '../../src/io/image-file.js';
import { readDicomSeries } from '../../src/io/dicom-series.js';
import { imageDataset } from '../../src/io/image-dataset.js';
import { cropOrPad } from '../../src/io/image-transforms.js';
import { readVideo } from '../../src/io/video.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('survkit-image-file-');
/** Encodes raw samples as a PNG with ffmpeg (lossless), so the decoded values are known exactly. */
function png(name: string, raw: Buffer, pixFmt: string, w: number, h: number): string {
  const src = join(dir, `${name}.raw`);
  writeFileSync(src, raw);
  const out = join(dir, `${name}.png`);
  const r = spawnSync(ffmpeg.path, ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', pixFmt, '-s', `${w}x${h}`, '-i', src, '-frames:v', '1', out]);
  if (r.status !== 0) throw new Error(String(r.stderr));
  return out;
}
const gray8 = Buffer.from(Array.from({ length: 12 }, (_, i) => i * 20));
const gray16 = Buffer.alloc(24);
for (let i = 0; i < 12; i++) gray16.writeUInt16BE(i * 5000 + 7, 2 * i);
const rgb = Buffer.from(Array.from({ length: 36 }, (_, i) => (i * 7) % 256));

describe('readImageFile (PNG / JPEG through ffmpeg)', () => {
  it('8-bit and 16-bit grey PNGs: stored value / maximum, row-major', async () => {
    const a = await readImageFile(png('g8', gray8, 'gray', 4, 3), { ffmpegPath: ffmpeg.path });
    expect([a.height, a.width, a.channels]).toEqual([3, 4, 1]);
    expect(Array.from(a.pixels)).toEqual(Array.from(gray8, (v) => Math.fround(v / 255)));
    const b = await readImageFile(png('g16', gray16, 'gray16be', 4, 3), { ffmpegPath: ffmpeg.path });
    expect(Array.from(b.pixels)).toEqual(Array.from({ length: 12 }, (_, i) => Math.fround((i * 5000 + 7) / 65535)));
  });
  it('RGB PNG with channels 3: interleaved samples', async () => {
    const c = await readImageFile(png('rgb', rgb, 'rgb24', 4, 3), { channels: 3, ffmpegPath: ffmpeg.path });
    expect(Array.from(c.pixels)).toEqual(Array.from(rgb, (v) => Math.fround(v / 255)));
    const g = await readImageFile(png('rgb', rgb, 'rgb24', 4, 3), { channels: 1, ffmpegPath: ffmpeg.path });
    const luma = Array.from({ length: 12 }, (_, i) => Math.fround((0.299 * rgb[3 * i]! + 0.587 * rgb[3 * i + 1]! + 0.114 * rgb[3 * i + 2]!) / 255));
    g.pixels.forEach((v, i) => expect(v).toBeCloseTo(luma[i] as number, 6));
  });
  it('a file that is not an image names the file', async () => {
    const f = join(dir, 'not.png');
    writeFileSync(f, 'hello');
    await expect(readImageFile(f, { ffmpegPath: ffmpeg.path })).rejects.toThrow(
      /^readImageFile: cannot read 'path' from ".*not\.png": ffmpeg cannot decode it/,
    );
  });
  it('video and DICOM-series rows in an imageDataset: [depth, height, width] items', async () => {
    const clip = join(dir, 'clip.mp4');
    const r = spawnSync(ffmpeg.path, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=32x24:rate=10', '-frames:v', '12', '-pix_fmt', 'yuv420p', clip]);
    if (r.status !== 0) throw new Error(String(r.stderr));
    const series = [0, 1, 2, 3].map((k) => join(import.meta.dirname, '..', 'fixtures', 'dicom', `series_${k}.dcm`));
    const ds = imageDataset([{ path: clip }, { path: series }], { shape: [4, 24, 32], intensity: 'none', batchSize: 2, workers: 0 });
    const video = await readVideo(clip, { frames: 4, height: 24, width: 32, channels: 1, sampling: 'uniform', ffmpegPath: ffmpeg.path });
    const vol = await readDicomSeries(series);
    for await (const b of ds.batches()) {
      expect(b.x.shape).toEqual([2, 4, 24, 32, 1]);
      const x = await b.x.data();
      expect(Array.from(x.subarray(0, 4 * 24 * 32))).toEqual(Array.from(video.pixels));
      // The 4-slice series is smaller than 24 × 32: centred and zero-padded.
      const item = cropOrPad({ data: vol.volume, depth: vol.slices, height: vol.rows, width: vol.columns, channels: 1 }, 4, 24, 32).data;
      expect(Array.from(x.subarray(4 * 24 * 32))).toEqual(Array.from(item));
      b.x.dispose();
    }
  }, 60_000);

  it('PNG rows in an imageDataset (worker threads)', async () => {
    const p = png('g8b', gray8, 'gray', 4, 3);
    const ds = imageDataset([{ path: p }, { path: p }], { shape: [3, 4], intensity: 'none', batchSize: 2, workers: 1 });
    for await (const b of ds.batches()) {
      expect(Array.from(await b.x.data())).toEqual([...gray8, ...gray8].map((v) => Math.fround(v / 255)));
      b.x.dispose();
    }
    await ds.close();
  }, 60_000);
});
