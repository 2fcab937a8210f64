/**
 * Video clips as frames on the host and as NDHWC tensors for the video
 * backbones. Decoding runs ffmpeg in a child process (no shell): frames are
 * chosen, resized and converted by ffmpeg and arrive as raw bytes on a pipe,
 * so any container and codec that ffmpeg reads works.
 *
 * ffmpeg is found, in this order: option `ffmpegPath`; the environment
 * variable `SURVKIT_FFMPEG`; the optional package `@ffmpeg-installer/ffmpeg`
 * (a static ffmpeg; loaded on first use, never on import); `ffmpeg` on the PATH.
 */
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { assertChoice, assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';

/** Options of {@link readVideo}. */
export interface ReadVideoOptions {
  /** Number of frames to return. */
  frames: number;
  /** Size of the returned frames; each frame is resized to exactly this size (aspect ratio not kept). */
  height: number;
  width: number;
  /** 1: grey (full-range luma, as ffmpeg converts to 'gray'); 3: RGB. */
  channels: 1 | 3;
  /**
   * 'uniform': `frames` frames evenly spaced over the clip, first and last
   * included — source frame ⌊i·(N − 1)/(frames − 1)⌋ for i = 0 … frames − 1 of
   * N (PyTorchVideo's UniformTemporalSubsample, in exact arithmetic); frame 0
   * when `frames` is 1. 'first': the first `frames` frames.
   */
  sampling: 'uniform' | 'first';
  /** Start of the clip in seconds (default 0): its first frame is the first at or after `start`. */
  start?: number;
  /**
   * Resample to this frame rate before choosing frames (ffmpeg's `fps` filter:
   * output frame k, at time k / fps from the start, is the last source frame
   * whose time × fps rounds to k; frames are dropped or repeated). Default: the
   * source frames as they are.
   */
  fps?: number;
  /** The ffmpeg executable (default: `SURVKIT_FFMPEG`, then `@ffmpeg-installer/ffmpeg`, then `ffmpeg` on the PATH). */
  ffmpegPath?: string;
  /** Stop ffmpeg and throw when one run takes longer than this many milliseconds (default 120 000). */
  timeoutMs?: number;
}

/** What {@link readVideo} returns. */
export interface Video {
  /** The path read, named in errors. */
  file: string;
  frames: number;
  height: number;
  width: number;
  channels: 1 | 3;
  /** frames × height × width × channels values in [0, 1] (bytes / 255), row-major, channels last. */
  pixels: Float32Array;
  /** Index of each returned frame among the clip's frames (after `start` and `fps`). */
  frameIndices: number[];
  /** Frames in the clip (after `start` and `fps`) as counted by decoding it; 'uniform' sampling only. */
  sourceFrames?: number;
  /** The file's duration in seconds as ffmpeg reports it, when known. */
  duration?: number;
  /** The video stream's frame rate as ffmpeg reports it, when known. */
  fps?: number;
}

const FN = 'readVideo';
const PACKAGE = '@ffmpeg-installer/ffmpeg';
const HOW =
  `it is needed to decode video: pass option 'ffmpegPath', set the environment variable SURVKIT_FFMPEG, ` +
  `or install the optional package ${JSON.stringify(PACKAGE)} (npm install ${PACKAGE}); otherwise ffmpeg must be on the PATH`;
/** ffmpeg demuxers that take text files for video (ANSI art, binary text); rejected. */
const TEXT_FORMATS = ['tty', 'bin', 'xbin', 'adf', 'idf'];

/**
 * The demuxers ffmpeg may use on a readVideo input (its `-format_whitelist`):
 * video containers and elementary streams, plus common audio containers (so an
 * audio file is reported as having no video stream). Playlists and scripts that
 * name other files (hls, dash, concat, image2 sequences, tee, …) are not on it,
 * and `-protocol_whitelist file` keeps ffmpeg to local files.
 */
export const VIDEO_DEMUXERS: readonly string[] = [
  'mov',
  'mp4',
  'matroska',
  'webm',
  'avi',
  'flv',
  'mpeg',
  'mpegts',
  'mpegvideo',
  'm4v',
  'h261',
  'h263',
  'h264',
  'hevc',
  'vc1',
  'av1',
  'obu',
  'ivf',
  'mjpeg',
  'gif',
  'apng',
  'ogg',
  'asf',
  'nut',
  'mxf',
  'dv',
  'rm',
  'yuv4mpegpipe',
  'wav',
  'mp3',
  'flac',
  'aac',
  'aiff',
  'caf',
];
/** ffmpeg's closing remarks, skipped when an error is reported by its last stderr line. */
const FILLER = /^(Conversion failed!|To ignore this, add a trailing '\?' to the map\.|Exiting normally.*)$/;

let bundled: Promise<string | undefined> | undefined;

/** The binary of the optional package, or undefined when it is not installed or has no binary for this platform. */
function bundledFfmpeg(): Promise<string | undefined> {
  bundled ??= import(PACKAGE).then(
    (m: { default?: { path?: unknown }; path?: unknown }) => {
      const p = m.default?.path ?? m.path;
      return typeof p === 'string' ? p : undefined;
    },
    () => undefined,
  );
  return bundled;
}

export async function findFfmpeg(option: string | undefined): Promise<{ bin: string; how: string }> {
  if (option !== undefined) return { bin: option, how: `option 'ffmpegPath' = ${JSON.stringify(option)}` };
  const env = process.env.SURVKIT_FFMPEG;
  if (env !== undefined && env !== '') return { bin: env, how: `SURVKIT_FFMPEG = ${JSON.stringify(env)}` };
  const pkg = await bundledFfmpeg();
  if (pkg !== undefined) return { bin: pkg, how: `${PACKAGE}'s binary ${JSON.stringify(pkg)}` };
  return { bin: 'ffmpeg', how: `'ffmpeg' on the PATH, as neither option 'ffmpegPath', SURVKIT_FFMPEG nor ${PACKAGE} gives one` };
}

interface Run {
  code: number | null;
  stdout: Buffer;
  /** Bytes ffmpeg wrote to stdout, also beyond `maxBytes`. */
  bytes: number;
  stderr: string;
}

/** Runs ffmpeg; keeps at most `maxBytes` of stdout; kills it after `timeoutMs`. */
function run(ff: { bin: string; how: string }, args: string[], maxBytes: number, timeoutMs: number, file: string): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(ff.bin, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const out = Buffer.alloc(maxBytes);
    let bytes = 0;
    let stderr = '';
    let settled = false;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      f();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      child.stdout.destroy();
      child.stderr.destroy();
      finish(() => fail(survkitError('dataFile', FN, 'path', file, `ffmpeg did not finish within ${timeoutMs} ms (option 'timeoutMs') and was stopped`)));
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      if (bytes < maxBytes) chunk.copy(out, bytes, 0, Math.min(chunk.length, maxBytes - bytes));
      bytes += chunk.length;
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      // Keep the header (stream information) and the end (the error); drop the middle of very long logs.
      stderr = stderr.length < 1 << 20 ? stderr + text : stderr.slice(0, 1 << 19) + '\n' + (stderr.slice(-(1 << 19)) + text).slice(-(1 << 19));
    });
    child.on('error', (e: NodeJS.ErrnoException) => finish(() => fail(survkitError('missingProgram', FN, 'ffmpeg', `${ff.how}: ${e.code ?? e.message}`, HOW))));
    child.on('close', (code) => finish(() => done({ code, stdout: out, bytes, stderr })));
  });
}

/** The last line of ffmpeg's stderr that says something (its error, usually). */
function lastLine(stderr: string): string {
  const lines = stderr
    .split(/\r?\n|\r/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !FILLER.test(l));
  return lines[lines.length - 1] ?? '(no message)';
}

interface Info {
  format: string | undefined;
  duration: number | undefined;
  fps: number | undefined;
}

/** Container, duration and frame rate from the input section of ffmpeg's log. */
function inputInfo(stderr: string): Info {
  const head = stderr.split(/^(?:Stream mapping:|Output #0)/m)[0] ?? '';
  const format = /^Input #0, (.+?), from '/m.exec(head)?.[1];
  const d = /Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/.exec(head);
  const duration = d === null ? undefined : 3600 * Number(d[1]) + 60 * Number(d[2]) + Number(d[3]);
  const stream = /^\s*Stream #0:\d+.*?: Video: .*$/m.exec(head)?.[0] ?? '';
  const r = /, (\d+(?:\.\d+)?)(k?) fps/.exec(stream) ?? /, (\d+(?:\.\d+)?)(k?) tbr/.exec(stream);
  const fps = r === null ? undefined : Number(r[1]) * (r[2] === 'k' ? 1000 : 1);
  return { format, duration, fps };
}

function check(result: Run, file: string, what: string): Info {
  const info = inputInfo(result.stderr);
  if (result.code !== 0) {
    const refused = /^\[([^\]@]+?) @ [^\]]*\] Format not on whitelist/m.exec(result.stderr);
    if (refused !== null) {
      const format = (refused[1] as string).trim();
      const first = format.split(',')[0] as string;
      if (TEXT_FORMATS.includes(first)) throw survkitError('dataFile', FN, 'path', file, `ffmpeg reads it as text (format '${first}'), not as a video`);
      throw survkitError(
        'dataFile',
        FN,
        'path',
        file,
        `ffmpeg reads it as '${format}', not a video container survkit reads (playlists, concat scripts and image sequences are refused: they make ffmpeg read other files)`,
      );
    }
    const line = lastLine(result.stderr);
    const problem = /matches no streams/.test(line) ? 'it has no video stream' : `ffmpeg ${what} failed (exit code ${result.code}): ${line}`;
    throw survkitError('dataFile', FN, 'path', file, problem);
  }
  const format = info.format?.split(',')[0];
  if (format !== undefined && TEXT_FORMATS.includes(format)) {
    throw survkitError('dataFile', FN, 'path', file, `ffmpeg reads it as text (format '${format}'), not as a video`);
  }
  return info;
}

/**
 * Reads `frames` frames of a video file, resized to `height` × `width`, as
 * grey or RGB values in [0, 1].
 *
 * ffmpeg decodes the first video stream, resamples it to `fps` when asked,
 * selects the frames, resizes them with swscale's `area` scaler (each output
 * pixel is the mean of the source pixels it covers, rounded to a byte — a 2×
 * downscale gives the mean of 2 × 2 blocks; when enlarging, `area` is
 * bilinear) and converts them to `gray` (full-range luma) or `rgb24`.
 * For 'uniform' sampling ffmpeg first decodes the whole clip once, through the
 * same `start` and `fps`, to count the frames the selection will see (exact
 * also for variable frame rates, unlike a count from the header's duration ×
 * frame rate); 'first' decodes only the frames it needs.
 *
 * Only the file itself is read: ffmpeg runs with `-protocol_whitelist file` and
 * a `-format_whitelist` of video containers ({@link VIDEO_DEMUXERS}), so an HLS
 * playlist or an ffconcat script named `.mp4` is refused instead of decoding
 * the files it lists.
 *
 * A clip with fewer frames than asked for is an error (no frame is repeated);
 * so is one whose output has any other number of bytes than
 * frames × height × width × channels.
 *
 * @example
 * const clip = await readVideo('echo.mp4', { frames: 16, height: 112, width: 112, channels: 3, sampling: 'uniform' });
 * const x = videoTensor(clip); // [1, 16, 112, 112, 3] for r3d / mc3 / r2plus1d
 * @throws {SurvkitError} `optionRange` for a bad option; `dataFile` when the file does not exist, is not a
 *   video (ffmpeg's last message is quoted), has no video stream, has fewer frames than `frames`, or ffmpeg
 *   runs longer than `timeoutMs`; `missingProgram` when ffmpeg cannot be run
 */
export async function readVideo(path: string, opts: ReadVideoOptions): Promise<Video> {
  if (typeof path !== 'string' || path === '') throw survkitError('filePath', FN, 'path', 'a video file', path);
  if (opts === null || typeof opts !== 'object') throw survkitError('optionsObject', FN, 'opts', ['frames', 'height', 'width', 'channels', 'sampling'], opts);
  const frames = assertNumberOption(FN, 'frames', opts.frames, { min: 1, integer: true });
  const height = assertNumberOption(FN, 'height', opts.height, { min: 1, max: 16384, integer: true });
  const width = assertNumberOption(FN, 'width', opts.width, { min: 1, max: 16384, integer: true });
  if (opts.channels !== 1 && opts.channels !== 3) throw survkitError('optionRange', FN, 'channels', '1 (grey) or 3 (RGB)', opts.channels);
  const channels = opts.channels;
  const sampling = assertChoice(FN, 'sampling', opts.sampling, ['uniform', 'first'] as const);
  const start = assertNumberOption(FN, 'start', opts.start ?? 0, { min: 0 });
  const fps = opts.fps === undefined ? undefined : assertNumberOption(FN, 'fps', opts.fps, { min: 0, minExclusive: true });
  const timeoutMs = assertNumberOption(FN, 'timeoutMs', opts.timeoutMs ?? 120_000, { min: 0, minExclusive: true });
  if (opts.ffmpegPath !== undefined && (typeof opts.ffmpegPath !== 'string' || opts.ffmpegPath === '')) {
    throw survkitError('optionRange', FN, 'ffmpegPath', 'the path of an ffmpeg executable', opts.ffmpegPath);
  }

  const isFile = await stat(path).then(
    (s) => s.isFile(),
    (e: NodeJS.ErrnoException) => {
      throw survkitError('dataFile', FN, 'path', path, e.code === 'ENOENT' ? 'the file does not exist' : e.message);
    },
  );
  if (!isFile) throw survkitError('dataFile', FN, 'path', path, 'it is not a regular file');
  const ff = await findFfmpeg(opts.ffmpegPath);
  // 'file:' keeps ffmpeg from reading a ':' in the name as a protocol; -ss before -i seeks accurately.
  const input = [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    ...(start > 0 ? ['-ss', start.toFixed(6)] : []),
    '-protocol_whitelist',
    'file',
    '-format_whitelist',
    VIDEO_DEMUXERS.join(','),
    '-i',
    `file:${resolve(path)}`,
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-dn',
  ];
  const resample = fps === undefined ? [] : [`fps=${fps}`];
  // Frames leave the filters as they are: no duplicates or drops to keep a constant rate.
  const passthrough = ['-vsync', 'passthrough'];

  let indices = Array.from({ length: frames }, (_, i) => i);
  let sourceFrames: number | undefined;
  if (sampling === 'uniform') {
    const probe = await run(
      ff,
      [...input, ...(fps === undefined ? [] : ['-vf', resample.join(',')]), ...passthrough, '-progress', 'pipe:1', '-f', 'null', '-'],
      1 << 16,
      timeoutMs,
      path,
    );
    check(probe, path, 'counting frames');
    const counts = [
      ...probe.stdout
        .subarray(0, probe.bytes)
        .toString('latin1')
        .matchAll(/^frame=(\d+)$/gm),
    ];
    const last = counts[counts.length - 1];
    if (last === undefined) throw survkitError('dataFile', FN, 'path', path, `ffmpeg did not report a frame count: ${lastLine(probe.stderr)}`);
    sourceFrames = Number(last[1]);
    if (sourceFrames < frames) throw tooFew(path, sourceFrames, frames, start, fps);
    const n = sourceFrames;
    indices = frames === 1 ? [0] : indices.map((i) => Math.floor((i * (n - 1)) / (frames - 1)));
  }
  const filters = [...resample];
  if (sampling === 'uniform' && sourceFrames !== frames) filters.push(`select=${indices.map((k) => `eq(n\\,${k})`).join('+')}`);
  filters.push(`scale=${width}:${height}:flags=area`);
  const frameBytes = height * width * channels;
  const want = frames * frameBytes;
  const decoded = await run(
    ff,
    [
      ...input,
      '-vf',
      filters.join(','),
      ...passthrough,
      '-frames:v',
      String(frames),
      '-f',
      'rawvideo',
      '-pix_fmt',
      channels === 1 ? 'gray' : 'rgb24',
      'pipe:1',
    ],
    want,
    timeoutMs,
    path,
  );
  const info = check(decoded, path, 'decoding');
  if (decoded.bytes !== want) {
    const got = decoded.bytes / frameBytes;
    if (sampling === 'first' && Number.isInteger(got) && got < frames) throw tooFew(path, got, frames, start, fps);
    throw survkitError(
      'dataFile',
      FN,
      'path',
      path,
      `ffmpeg gave ${decoded.bytes} bytes (${got} frames of ${height} × ${width} × ${channels}) instead of ${want} (${frames} frames): ${lastLine(decoded.stderr)}`,
    );
  }
  const pixels = new Float32Array(want);
  for (let i = 0; i < want; i++) pixels[i] = (decoded.stdout[i] as number) / 255;
  return {
    file: path,
    frames,
    height,
    width,
    channels,
    pixels,
    frameIndices: indices,
    ...(sourceFrames === undefined ? {} : { sourceFrames }),
    ...(info.duration === undefined ? {} : { duration: info.duration }),
    ...(info.fps === undefined ? {} : { fps: info.fps }),
  };
}

function tooFew(file: string, got: number, frames: number, start: number, fps: number | undefined) {
  const from = [start > 0 ? `from ${start} s` : '', fps === undefined ? '' : `at ${fps} fps`].filter(Boolean).join(' ');
  return survkitError(
    'dataFile',
    FN,
    'path',
    file,
    `it has ${got} frame${got === 1 ? '' : 's'}${from === '' ? '' : ` ${from}`} but ${frames} were asked for (option 'frames'); no frame is repeated`,
  );
}

/**
 * A clip from {@link readVideo} as a float32 tensor `[1, frames, height,
 * width, channels]` — the NDHWC layout of survkit's video backbones (r3d,
 * mc3, r2plus1d). Stack clips with `tf.concat(list, 0)` for a batch.
 *
 * @throws {SurvkitError} `resultOf` when `video.pixels` does not hold frames × height × width × channels values
 */
export function videoTensor(video: Video): tf.Tensor5D {
  const { frames, height, width, channels, pixels } = video;
  if (!(pixels instanceof Float32Array) || pixels.length !== frames * height * width * channels) {
    throw survkitError('resultOf', 'videoTensor', 'video', 'readVideo', pixels, `${frames} × ${height} × ${width} × ${channels} pixel values`);
  }
  return tf.tensor5d(pixels, [1, frames, height, width, channels], 'float32');
}

/** Which ffmpeg {@link readVideo} would use, and its version line; `available: false` with the reason when none runs. */
export interface FfmpegInfo {
  available: boolean;
  /** The executable that was tried. */
  command: string;
  /** How it was found (option, SURVKIT_FFMPEG, the optional package, or the PATH). */
  how: string;
  /** The first line of `ffmpeg -version` without its copyright notice, or the reason it did not run. */
  detail: string;
}

/**
 * Looks for ffmpeg as {@link readVideo} does (without an `ffmpegPath`
 * option) and asks it for its version (for `survkit info`).
 *
 * @example
 * const ff = await ffmpegInfo(); // { available: true, how: "@ffmpeg-installer/ffmpeg's binary …", detail: 'ffmpeg version …' }
 */
export async function ffmpegInfo(timeoutMs = 10_000): Promise<FfmpegInfo> {
  const ff = await findFfmpeg(undefined);
  try {
    const r = await run(ff, ['-hide_banner', '-version'], 1 << 16, timeoutMs, '(version)');
    const first =
      r.stdout
        .subarray(0, Math.min(r.bytes, 1 << 16))
        .toString('utf8')
        .split('\n')[0] ?? '';
    return r.code === 0
      ? { available: true, command: ff.bin, how: ff.how, detail: first.replace(/\s+Copyright .*$/, '').trim() }
      : { available: false, command: ff.bin, how: ff.how, detail: `exited with ${r.code}` };
  } catch (e) {
    return { available: false, command: ff.bin, how: ff.how, detail: (e as Error).message };
  }
}
