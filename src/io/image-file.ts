/**
 * Still images (PNG, JPEG, and other single images ffmpeg reads: BMP, TIFF,
 * WebP) on the host, decoded by ffmpeg as {@link readVideo} decodes video:
 * ffmpeg writes the decoded image as a PAM in its own sample format (grey or
 * RGB, 8 or 16 bit, alpha dropped here) on a pipe (no shell, local files
 * only), so stored values arrive unchanged; survkit converts channels itself.
 */
import { execFile } from 'node:child_process';
import { survkitError } from '../core/errors.js';
import { findFfmpeg } from './video.js';

/** What {@link readImageFile} returns. */
export interface ImageFile {
  file: string;
  height: number;
  width: number;
  channels: 1 | 3;
  /** height × width × channels values in [0, 1] (stored value / its maximum, e.g. / 255 for 8-bit), row-major, channels last. */
  pixels: Float32Array;
}

/** Options of {@link readImageFile}. */
export interface ReadImageFileOptions {
  /** 1: grey (colour files: ITU-R BT.601 luma 0.299 R + 0.587 G + 0.114 B); 3: RGB (grey files: repeated). Default 1. */
  channels?: 1 | 3;
  /** The ffmpeg executable (default as {@link readVideo}: SURVKIT_FFMPEG, @ffmpeg-installer/ffmpeg, then the PATH). */
  ffmpegPath?: string;
  /** Stop ffmpeg after this many milliseconds (default 30 000). */
  timeoutMs?: number;
}

const IMAGE_DEMUXERS = ['png_pipe', 'jpeg_pipe', 'bmp_pipe', 'tiff_pipe', 'webp_pipe', 'pgm_pipe', 'ppm_pipe', 'pgmyuv_pipe', 'image2'];

/**
 * Reads one still image with ffmpeg.
 *
 * @example
 * const img = await readImageFile('xray/0001.png'); // { height, width, channels: 1, pixels in [0, 1] }
 * @throws {SurvkitError} `dataFile` naming the file when ffmpeg cannot decode it; `missingProgram` without ffmpeg
 */
export async function readImageFile(path: string, opts: ReadImageFileOptions = {}): Promise<ImageFile> {
  const fn = 'readImageFile';
  const channels = opts.channels ?? 1;
  const ff = await findFfmpeg(opts.ffmpegPath);
  const args = ['-v', 'error', '-nostdin', '-protocol_whitelist', 'file', '-format_whitelist', IMAGE_DEMUXERS.join(','), '-i', path];
  args.push('-frames:v', '1', '-f', 'image2pipe', '-c:v', 'pam', '-');
  const out = await new Promise<Buffer>((done, fail) => {
    execFile(ff.bin, args, { encoding: 'buffer', maxBuffer: 1 << 30, timeout: opts.timeoutMs ?? 30_000, windowsHide: true }, (err, stdout, stderr) => {
      if (err === null) return done(stdout);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && stdout.length === 0 && stderr.length === 0)
        return fail(survkitError('missingProgram', fn, 'ffmpeg', `${ff.how}: ENOENT`, 'it is needed to decode PNG / JPEG images (see readVideo)'));
      const msg = stderr.toString('utf8').trim().split(/\r?\n/).pop() ?? err.message;
      fail(survkitError('dataFile', fn, 'path', path, `ffmpeg cannot decode it as an image (${msg || err.message})`));
    });
  });
  // PAM header (netpbm): "P7", then WIDTH / HEIGHT / DEPTH / MAXVAL / TUPLTYPE lines, then ENDHDR and the samples.
  const text = out.subarray(0, 256).toString('latin1');
  const end = text.indexOf('ENDHDR\n');
  if (!text.startsWith('P7\n') || end < 0) throw survkitError('dataFile', fn, 'path', path, 'ffmpeg produced no image');
  const field = (k: string): number => Number(new RegExp(`^${k} (\\d+)$`, 'm').exec(text.slice(0, end))?.[1] ?? NaN);
  const width = field('WIDTH');
  const height = field('HEIGHT');
  const depth = field('DEPTH');
  const max = field('MAXVAL');
  const start = end + 'ENDHDR\n'.length;
  const bytes = max > 255 ? 2 : 1;
  const n = width * height;
  if (!(depth >= 1 && depth <= 4) || out.length < start + n * depth * bytes)
    throw survkitError('dataFile', fn, 'path', path, 'ffmpeg produced a truncated image');
  const colour = depth >= 3; // GRAYSCALE(_ALPHA) or RGB(_ALPHA); alpha is dropped
  const sample = (i: number, k: number): number => (bytes === 2 ? out.readUInt16BE(start + 2 * (i * depth + k)) : (out[start + i * depth + k] as number)) / max;
  const pixels = new Float32Array(n * channels);
  for (let i = 0; i < n; i++) {
    if (channels === 1) pixels[i] = colour ? 0.299 * sample(i, 0) + 0.587 * sample(i, 1) + 0.114 * sample(i, 2) : sample(i, 0);
    else for (let k = 0; k < 3; k++) pixels[3 * i + k] = sample(i, colour ? k : 0);
  }
  return { file: path, height, width, channels, pixels };
}
