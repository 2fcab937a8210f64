/** readVideo reads the file itself: an HLS playlist or an ffconcat script named .mp4 is refused, no frame of the files they list is decoded. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { readVideo, type ReadVideoOptions } from '../../src/io/video.js';

const dir = mkdtempSync(join(tmpdir(), 'survkit-video-playlist-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const other = join(dir, 'other.mkv');

beforeAll(() => {
  const r = spawnSync(
    ffmpeg.path,
    ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=16x12:rate=5:duration=1', '-c:v', 'ffv1', other],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(r.stderr);
});

const opts = (sampling: 'first' | 'uniform'): ReadVideoOptions => ({ frames: 2, height: 12, width: 16, channels: 1, sampling, ffmpegPath: ffmpeg.path });

describe('readVideo refuses files that make ffmpeg read other files', () => {
  const cases: [string, string, string][] = [
    ['an HLS playlist', 'hls.mp4', `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\n${other}\n#EXT-X-ENDLIST\n`],
    ['an ffconcat script', 'concat.mp4', `ffconcat version 1.0\nfile '${other}'\n`],
  ];
  it.each(cases)('%s named .mp4', async (_, name, text) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    for (const sampling of ['first', 'uniform'] as const) {
      const err = await readVideo(p, opts(sampling)).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(err?.message).toMatch(
        new RegExp(
          `^${messages
            .dataFile('readVideo', 'path', p, "ffmpeg reads it as 'X'")
            .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
            .replace("'X'", "'(hls|concat)[^']*'")}, not a video container`,
        ),
      );
    }
  });
  it('the listed file itself still reads', async () => {
    const v = await readVideo(other, opts('first'));
    expect(v.frames).toBe(2);
  });
});
