/** `survkit info`: the TF.js backend survkit trains on, the versions in use, and the optional tools found. */
import { backendInfo, formatBackendInfo, type BackendInfo } from '../backend/index.js';
import { ffmpegInfo, type FfmpegInfo } from '../io/video.js';
import { pngAvailable } from '../plotting/render.js';

/** What `survkit info` reports. */
export interface InfoReport {
  survkit: string;
  node: string;
  platform: string;
  backend: BackendInfo;
  /** Optional tools: PNG rendering (@resvg/resvg-js) and video decoding (ffmpeg). */
  optional: { png: boolean; ffmpeg: FfmpegInfo };
}

/**
 * The backend (initialised as training would: SURVKIT_BACKEND or the fastest
 * available) and the survkit, Node.js and platform versions.
 *
 * @example
 * const r = await info('0.1.0'); // { survkit: '0.1.0', node: 'v20…', backend: { backend: 'wasm', … } }
 */
export async function info(version: string): Promise<InfoReport> {
  const [backend, png, ffmpeg] = await Promise.all([backendInfo(), pngAvailable(), ffmpegInfo()]);
  return { survkit: version, node: process.version, platform: `${process.platform}-${process.arch}`, backend, optional: { png, ffmpeg } };
}

/** The info report as text: survkit / node lines, {@link formatBackendInfo}, then the optional tools. */
export function formatInfo(r: InfoReport): string {
  const ff = r.optional.ffmpeg;
  const optional =
    `${'png output'.padEnd(16)}${r.optional.png ? '@resvg/resvg-js' : 'not available (npm install @resvg/resvg-js)'}\n` +
    `${'video (ffmpeg)'.padEnd(16)}${ff.available ? `${ff.detail} — ${ff.how}` : `not available (${ff.how})`}\n`;
  return `${'survkit'.padEnd(16)}${r.survkit}\n${'node'.padEnd(16)}${r.node} (${r.platform})\n${formatBackendInfo(r.backend)}\n${optional}`;
}
