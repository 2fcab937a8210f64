/** `survkit info`: the TF.js backend survkit trains on, and the versions in use. */
import { backendInfo, formatBackendInfo, type BackendInfo } from '../backend/index.js';

/** What `survkit info` reports. */
export interface InfoReport {
  survkit: string;
  node: string;
  platform: string;
  backend: BackendInfo;
}

/**
 * The backend (initialised as training would: SURVKIT_BACKEND or the fastest
 * available) and the survkit, Node.js and platform versions.
 *
 * @example
 * const r = await info('0.1.0'); // { survkit: '0.1.0', node: 'v20…', backend: { backend: 'wasm', … } }
 */
export async function info(version: string): Promise<InfoReport> {
  return { survkit: version, node: process.version, platform: `${process.platform}-${process.arch}`, backend: await backendInfo() };
}

/** The info report as text: survkit / node lines, then {@link formatBackendInfo}. */
export function formatInfo(r: InfoReport): string {
  return `${'survkit'.padEnd(16)}${r.survkit}\n${'node'.padEnd(16)}${r.node} (${r.platform})\n${formatBackendInfo(r.backend)}\n`;
}
