import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { Random } from '../../src/core/random.js';
import { messages } from '../../src/core/messages.js';
import { SurvkitError } from '../../src/core/errors.js';
import { readVideo, videoTensor, type ReadVideoOptions } from '../../src/io/video.js';

// Test clips: N frames of W × H at 25 fps, stored losslessly (FFV1 in Matroska). Every byte comes from a
// seeded generator, except the top-left 2 × 2 block of each frame, which holds 8 × the frame index in every
// channel, so that the frames readVideo picks can be read back (also after a 2× area downscale).
const N = 24;
const W = 16;
const H = 12;
const FRAME_RATE = 25;
const dir = mkdtempSync(join(tmpdir(), 'survkit-video-'));
const clip = { gray: join(dir, 'gray.mkv'), rgb: join(dir, 'rgb.mkv') };
const raw = { gray: frames(1, 7), rgb: frames(3, 8) };

function frames(channels: number, seed: number): Uint8Array {
  const rng = new Random(seed);
  const out = new Uint8Array(N * H * W * channels);
  for (let i = 0; i < out.length; i++) out[i] = rng.int(256);
  for (let f = 0; f < N; f++) {
    for (const [y, x] of [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ] as const) {
      for (let c = 0; c < channels; c++) out[((f * H + y) * W + x) * channels + c] = 8 * f;
    }
  }
  return out;
}

function ff(args: string[]): void {
  const r = spawnSync(ffmpeg.path, ['-hide_banner', '-loglevel', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${r.stderr}`);
}

function encode(kind: 'gray' | 'rgb'): void {
  const input = join(dir, `${kind}.raw`);
  writeFileSync(input, raw[kind]);
  ff(['-f', 'rawvideo', '-pix_fmt', kind === 'gray' ? 'gray' : 'rgb24', '-s', `${W}x${H}`, '-r', String(FRAME_RATE), '-i', input, '-c:v', 'ffv1', clip[kind]]);
}

/** The bytes of source frames `indices` (all channels) / 255, as readVideo returns them. */
function expected(kind: 'gray' | 'rgb', indices: number[]): number[] {
  const size = H * W * (kind === 'gray' ? 1 : 3);
  return indices.flatMap((f) => Array.from(raw[kind].subarray(f * size, (f + 1) * size), (v) => Math.fround(v / 255)));
}

/** The frame index stored in the top-left pixel of each returned frame. */
function indexOf(v: { pixels: Float32Array; frames: number; height: number; width: number; channels: number }): number[] {
  const size = v.height * v.width * v.channels;
  return Array.from({ length: v.frames }, (_, f) => Math.round(((v.pixels[f * size] as number) * 255) / 8));
}

const opts = (o: Partial<ReadVideoOptions>): ReadVideoOptions => ({
  frames: N,
  height: H,
  width: W,
  channels: 1,
  sampling: 'first',
  ffmpegPath: ffmpeg.path,
  ...o,
});

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  encode('gray');
  encode('rgb');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readVideo: exact values', () => {
  it('gray: every frame, byte for byte / 255, with the duration and frame rate of the file', async () => {
    const v = await readVideo(clip.gray, opts({}));
    expect([v.frames, v.height, v.width, v.channels]).toEqual([N, H, W, 1]);
    expect(Array.from(v.pixels)).toEqual(expected('gray', [...Array(N).keys()]));
    expect(v.frameIndices).toEqual([...Array(N).keys()]);
    expect(v.sourceFrames).toBeUndefined(); // 'first' does not count the frames
    expect(v.duration).toBeCloseTo(N / FRAME_RATE, 9);
    expect(v.fps).toBe(FRAME_RATE);
  });

  it('rgb: every frame, channels last, byte for byte / 255', async () => {
    const v = await readVideo(clip.rgb, opts({ channels: 3 }));
    expect(v.pixels.length).toBe(N * H * W * 3);
    expect(Array.from(v.pixels)).toEqual(expected('rgb', [...Array(N).keys()]));
  });
});

describe('readVideo: frame selection', () => {
  it.each([
    [5, [0, 5, 11, 17, 23]],
    [1, [0]],
    [2, [0, 23]],
    [N, [...Array(N).keys()]],
  ])("'uniform' with %i frames picks frames ⌊i·(N − 1)/(frames − 1)⌋", async (frames, want) => {
    const v = await readVideo(clip.rgb, opts({ frames, channels: 3, sampling: 'uniform' }));
    expect(v.sourceFrames).toBe(N);
    expect(v.frameIndices).toEqual(want);
    expect(indexOf(v)).toEqual(want);
    expect(Array.from(v.pixels)).toEqual(expected('rgb', want));
  });

  it("'first' from 'start' seconds: the first frame at or after start", async () => {
    // Frame k is shown at k / 25 s: 0.4 s is frame 10 exactly; 0.41 s falls between frames 10 and 11.
    expect(indexOf(await readVideo(clip.gray, opts({ frames: 3, start: 0.4 })))).toEqual([10, 11, 12]);
    expect(indexOf(await readVideo(clip.gray, opts({ frames: 3, start: 0.41 })))).toEqual([11, 12, 13]);
    const u = await readVideo(clip.gray, opts({ frames: 3, start: 0.4, sampling: 'uniform' }));
    expect(u.sourceFrames).toBe(N - 10);
    expect(indexOf(u)).toEqual([10, 16, 23]);
  });

  it("'fps' resamples first: output frame k is the last source frame whose time × fps rounds to k", async () => {
    const rule = (fps: number, k: number): number => {
      let last = -1;
      for (let j = 0; j < N; j++) if (Math.round((j / FRAME_RATE) * fps) === k) last = j;
      return last;
    };
    for (const fps of [5, 10]) {
      const n = Math.round((N / FRAME_RATE) * fps); // 5 at 5 fps, 10 at 10 fps
      const want = Array.from({ length: n }, (_, k) => rule(fps, k));
      expect(want.every((j) => j >= 0)).toBe(true);
      const v = await readVideo(clip.gray, opts({ frames: n, fps }));
      expect(indexOf(v)).toEqual(want);
      const u = await readVideo(clip.gray, opts({ frames: 3, fps, sampling: 'uniform' }));
      expect(u.sourceFrames).toBe(n);
      expect(indexOf(u)).toEqual(u.frameIndices.map((k) => want[k]));
    }
  });
});

describe('readVideo: resizing', () => {
  it.each(['gray', 'rgb'] as const)('%s: a 2× downscale (area) is the mean of each 2 × 2 block, rounded to a byte', async (kind) => {
    const c = kind === 'gray' ? 1 : 3;
    const v = await readVideo(clip[kind], opts({ frames: N, height: H / 2, width: W / 2, channels: c }));
    expect(v.pixels.length).toBe(N * (H / 2) * (W / 2) * c);
    const src = raw[kind];
    let worst = 0;
    for (let f = 0; f < N; f++) {
      for (let y = 0; y < H / 2; y++) {
        for (let x = 0; x < W / 2; x++) {
          for (let k = 0; k < c; k++) {
            const at = (yy: number, xx: number): number => src[((f * H + yy) * W + xx) * c + k] as number;
            const mean = (at(2 * y, 2 * x) + at(2 * y, 2 * x + 1) + at(2 * y + 1, 2 * x) + at(2 * y + 1, 2 * x + 1)) / 4;
            const got = (v.pixels[((f * (H / 2) + y) * (W / 2) + x) * c + k] as number) * 255;
            expect(Math.abs(got - Math.round(got))).toBeLessThan(1e-4); // whole bytes
            worst = Math.max(worst, Math.abs(got - mean));
          }
        }
      }
    }
    expect(worst).toBeLessThanOrEqual(0.5 + 1e-4);
    expect(indexOf(v)).toEqual([...Array(N).keys()]);
  });

  it('any other size: the asked-for shape, values in [0, 1]', async () => {
    const v = await readVideo(clip.rgb, opts({ frames: 4, height: 7, width: 33, channels: 3, sampling: 'uniform' }));
    expect(v.pixels.length).toBe(4 * 7 * 33 * 3);
    expect(v.pixels.every((p) => p >= 0 && p <= 1)).toBe(true);
  });
});

describe('videoTensor', () => {
  it('[1, frames, height, width, channels] float32, the same values, no tensor left behind', async () => {
    const v = await readVideo(clip.rgb, opts({ frames: 4, channels: 3, sampling: 'uniform' }));
    const before = tf.memory().numTensors;
    const t = videoTensor(v);
    expect(t.shape).toEqual([1, 4, H, W, 3]);
    expect(t.dtype).toBe('float32');
    expect(Array.from(t.dataSync())).toEqual(Array.from(v.pixels));
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => videoTensor({ ...v, frames: 5 })).toThrow(/^videoTensor: 'video' must be the result of readVideo \(5 × 12 × 16 × 3 pixel values\)/);
  });
});

describe('readVideo: errors', () => {
  const rejects = async (p: Promise<unknown>): Promise<SurvkitError> => {
    const e = await p.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(SurvkitError);
    return e as SurvkitError;
  };

  it('no ffmpeg: names the way it was looked for and all the ways to give one', async () => {
    const e = await rejects(readVideo(clip.gray, opts({ ffmpegPath: join(dir, 'no-ffmpeg') })));
    expect(e.code).toBe('missingProgram');
    expect(e.message).toMatch(/^readVideo: cannot run ffmpeg \(option 'ffmpegPath' = ".*no-ffmpeg": ENOENT\); it is needed to decode video: /);
    expect(e.message).toMatch(/option 'ffmpegPath'.*SURVKIT_FFMPEG.*@ffmpeg-installer\/ffmpeg.*PATH/);
    const saved = process.env.SURVKIT_FFMPEG;
    process.env.SURVKIT_FFMPEG = join(dir, 'no-ffmpeg');
    try {
      const env = await rejects(readVideo(clip.gray, { ...opts({}), ffmpegPath: undefined }));
      expect(env.message).toMatch(/cannot run ffmpeg \(SURVKIT_FFMPEG = ".*no-ffmpeg": ENOENT\)/);
    } finally {
      if (saved === undefined) delete process.env.SURVKIT_FFMPEG;
      else process.env.SURVKIT_FFMPEG = saved;
    }
  });

  it('finds the optional package when neither the option nor SURVKIT_FFMPEG is set', async () => {
    const saved = process.env.SURVKIT_FFMPEG;
    delete process.env.SURVKIT_FFMPEG;
    try {
      const v = await readVideo(clip.gray, { ...opts({ frames: 2 }), ffmpegPath: undefined });
      expect(indexOf(v)).toEqual([0, 1]);
    } finally {
      if (saved !== undefined) process.env.SURVKIT_FFMPEG = saved;
    }
  });

  it('a missing file, a directory', async () => {
    const missing = join(dir, 'missing.mkv');
    expect((await rejects(readVideo(missing, opts({})))).message).toBe(messages.dataFile('readVideo', 'path', missing, 'the file does not exist'));
    expect((await rejects(readVideo(dir, opts({})))).message).toBe(messages.dataFile('readVideo', 'path', dir, 'it is not a regular file'));
  });

  it("not a video: ffmpeg's last message is quoted, text files and audio files are named as such", async () => {
    const junk = join(dir, 'junk.mp4');
    writeFileSync(junk, 'this is not a video\n'.repeat(20));
    for (const sampling of ['first', 'uniform'] as const) {
      const e = await rejects(readVideo(junk, opts({ sampling })));
      expect(e.message).toMatch(
        /^readVideo: cannot read 'path' from ".*junk\.mp4": ffmpeg (decoding|counting frames) failed \(exit code 1\): .*junk\.mp4: Invalid data found when processing input$/,
      );
    }
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'hello\n');
    // ffmpeg 4.1 (the optional package) opens .txt files as ANSI art (format 'tty'), which readVideo rejects;
    // newer ffmpeg (5.1) rejects them itself.
    expect((await rejects(readVideo(text, opts({ frames: 1 })))).message).toMatch(
      /^readVideo: cannot read 'path' from ".*notes\.txt": (ffmpeg reads it as text \(format 'tty'\), not as a video|ffmpeg decoding failed \(exit code 1\): .*Invalid data found when processing input)$/,
    );
    const audio = join(dir, 'tone.wav');
    ff(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=0.2', audio]);
    expect((await rejects(readVideo(audio, opts({ sampling: 'uniform' })))).message).toBe(
      messages.dataFile('readVideo', 'path', audio, 'it has no video stream'),
    );
  });

  it('too few frames is an error for both samplings (no frame is repeated)', async () => {
    for (const sampling of ['first', 'uniform'] as const) {
      const e = await rejects(readVideo(clip.gray, opts({ frames: N + 1, sampling })));
      expect(e.message).toBe(
        messages.dataFile('readVideo', 'path', clip.gray, `it has ${N} frames but ${N + 1} were asked for (option 'frames'); no frame is repeated`),
      );
    }
    const late = await rejects(readVideo(clip.gray, opts({ frames: 3, start: 5 })));
    expect(late.message).toMatch(/it has 0 frames from 5 s but 3 were asked for/);
  });

  it('a hanging ffmpeg is stopped after timeoutMs', async () => {
    const hang = join(dir, 'hang.sh');
    writeFileSync(hang, '#!/bin/sh\nexec sleep 30\n');
    chmodSync(hang, 0o755);
    const e = await rejects(readVideo(clip.gray, opts({ ffmpegPath: hang, timeoutMs: 300 })));
    expect(e.message).toBe(messages.dataFile('readVideo', 'path', clip.gray, "ffmpeg did not finish within 300 ms (option 'timeoutMs') and was stopped"));
  });

  it.each([
    [{ frames: 0 }, 'frames', 'an integer >= 1', 0],
    [{ height: 2.5 }, 'height', 'an integer >= 1 and <= 16384', 2.5],
    [{ channels: 2 as 1 }, 'channels', '1 (grey) or 3 (RGB)', 2],
    [{ sampling: 'middle' as 'first' }, 'sampling', "one of 'uniform', 'first'", 'middle'],
    [{ start: -1 }, 'start', 'a finite number >= 0', -1],
    [{ fps: 0 }, 'fps', 'a finite number > 0', 0],
  ])('rejects option %o', async (o, option, what, got) => {
    expect((await rejects(readVideo(clip.gray, opts(o)))).message).toBe(messages.optionRange('readVideo', option, what, got));
  });

  it('importing survkit does not load ffmpeg (the package is imported only inside readVideo)', () => {
    const src = readFileSync(join(import.meta.dirname, '..', '..', 'src', 'io', 'video.ts'), 'utf8');
    expect(src).not.toMatch(/^import .*@ffmpeg-installer/m);
    expect(src).toMatch(/import\(PACKAGE\)/);
  });
});
