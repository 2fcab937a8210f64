/**
 * Feature extraction throughput (images or clips per second) of full-size
 * torchvision networks — resnet18 at 224×224 and r3d_18 at 16×112×112, up to
 * layer4 plus global average pooling — on TF.js wasm, TF.js cpu,
 * onnxruntime-node with 1 and 2 threads, and PyTorch CPU with 1 and 2 threads
 * (Debian's /usr/bin/python3 with torch; "not measured" without it). The ONNX
 * files and the weights come from test/fixtures/generators/torchvision-parity.py
 * --full (also needs torch; without it only the TF.js rows are measured, on
 * seeded weights). Median of `--repeats` batches after one warm-up batch.
 *
 * `npm run bench -- --only imaging`, or alone: `npx tsx bench/imaging.ts [--quick]`.
 * Environment: SURVKIT_BENCH_CPU_BACKEND=0 skips the (slow) TF.js cpu rows.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/index.js';
import { loadOnnxBackbone } from '../src/backbones/onnx-backbone.js';
import { resnet2d } from '../src/backbones/resnet2d.js';
import { torchBackbone } from '../src/backbones/torch-weights.js';
import { r3d } from '../src/backbones/video.js';
import { extractFeatures } from '../src/models/features/extract-features.js';
import type { Row } from './row.js';

const PYTHON = process.env.SURVKIT_TORCH_PYTHON ?? '/usr/bin/python3';
const REPO = join(import.meta.dirname, '..');

interface Net {
  name: 'resnet18' | 'r3d_18';
  label: string;
  item: number[];
  batch: number;
}
const NETS: Net[] = [
  { name: 'resnet18', label: 'resnet18 224²', item: [224, 224, 3], batch: 8 },
  { name: 'r3d_18', label: 'r3d_18 16×112²', item: [16, 112, 112, 3], batch: 2 },
];

export interface ImagingResult {
  net: string;
  runtime: string;
  itemsPerSecond: number | undefined;
  note?: string;
}

async function medianMs(run: () => Promise<unknown>, repeats: number): Promise<number> {
  await run();
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

function randomItems(net: Net, n: number): { data: Float32Array; shape: number[] } {
  const per = net.item.reduce((a, s) => a * s, 1);
  const data = new Float32Array(n * per);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 12.9898) * 0.5;
  return { data, shape: [n, ...net.item] };
}

/** Runs the imaging benchmark; returns one result per network and runtime. */
export async function imagingResults(opts: { repeats?: number; quick?: boolean } = {}): Promise<ImagingResult[]> {
  const repeats = opts.repeats ?? (opts.quick === true ? 1 : 3);
  const out: ImagingResult[] = [];
  const havePython = spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { encoding: 'utf8' }).status === 0;
  const dir = mkdtempSync(join(tmpdir(), 'survkit-bench-imaging-'));
  try {
    if (havePython) {
      const gen = join(REPO, 'test', 'fixtures', 'generators', 'torchvision-parity.py');
      const r = spawnSync(PYTHON, [gen, '--full', dir, '--nets', 'resnet18,r3d_18', '--frames', '16', '--size', '112', '--image-size', '224'], {
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`generator failed: ${r.stderr}`);
    }
    for (const net of NETS) {
      const x = randomItems(net, net.batch);
      for (const backend of ['wasm', 'cpu'] as const) {
        if (backend === 'cpu' && process.env.SURVKIT_BENCH_CPU_BACKEND === '0') {
          out.push({ net: net.label, runtime: 'TF.js cpu', itemsPerSecond: undefined, note: 'skipped' });
          continue;
        }
        await initBackend({ backend });
        const model = havePython
          ? await torchBackbone(join(dir, `${net.name}.safetensors`), { inputShape: net.item })
          : net.name === 'resnet18'
            ? resnet2d({ inputShape: net.item as [number, number, number], widths: [64, 128, 256, 512], blocksPerStage: 2, stem: 'conv7', seed: 1 })
            : r3d({ inputShape: net.item as [number, number, number, number], widths: [64, 128, 256, 512], blocksPerStage: 2, stem: 'conv7', seed: 1 });
        // the cpu backend is ~10× slower: one item per batch, one timed batch
        const xb = backend === 'cpu' ? randomItems(net, 1) : x;
        const ms = await medianMs(() => extractFeatures(model, xb, { batchSize: xb.shape[0], progress: false }), backend === 'cpu' ? 1 : repeats);
        out.push({ net: net.label, runtime: `TF.js ${backend} (1 thread)`, itemsPerSecond: ((xb.shape[0] as number) * 1000) / ms });
        model.dispose();
        process.stderr.write(`  imaging ${net.label} TF.js ${backend}: ${(((xb.shape[0] as number) * 1000) / ms).toFixed(2)} items/s\n`);
      }
      for (const threads of [1, 2]) {
        if (!havePython) {
          out.push({
            net: net.label,
            runtime: `onnxruntime (${threads} thread${threads > 1 ? 's' : ''})`,
            itemsPerSecond: undefined,
            note: 'not measured (no ONNX file: python3-torch missing)',
          });
          continue;
        }
        let onnx;
        try {
          onnx = await loadOnnxBackbone(join(dir, `${net.name}.onnx`), { threads });
        } catch (err) {
          out.push({
            net: net.label,
            runtime: `onnxruntime (${threads} threads)`,
            itemsPerSecond: undefined,
            note: `not measured (${(err as Error).message})`,
          });
          continue;
        }
        const o = onnx;
        const ms = await medianMs(() => extractFeatures(o, x, { batchSize: net.batch, progress: false }), repeats);
        await o.dispose();
        out.push({ net: net.label, runtime: `onnxruntime (${threads} thread${threads > 1 ? 's' : ''})`, itemsPerSecond: (net.batch * 1000) / ms });
        process.stderr.write(`  imaging ${net.label} onnxruntime ${threads} threads: ${((net.batch * 1000) / ms).toFixed(2)} items/s\n`);
      }
      for (const threads of [1, 2]) {
        const runtime = `PyTorch CPU (${threads} thread${threads > 1 ? 's' : ''})`;
        if (!havePython) {
          out.push({ net: net.label, runtime, itemsPerSecond: undefined, note: 'not measured' });
          continue;
        }
        const size = net.name === 'resnet18' ? '224' : '16x112';
        const r = spawnSync(
          PYTHON,
          [join(REPO, 'bench', 'imaging_torch.py'), '--threads', String(threads), '--repeats', String(repeats), `${net.name}:${net.batch}:${size}`],
          {
            encoding: 'utf8',
          },
        );
        const res = r.status === 0 ? (JSON.parse(r.stdout) as Record<string, number>) : undefined;
        const ms = res?.[net.name];
        out.push({
          net: net.label,
          runtime,
          itemsPerSecond: ms === undefined ? undefined : (net.batch * 1000) / ms,
          ...(ms === undefined ? { note: 'not measured' } : {}),
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    tf.disposeVariables();
  }
  return out;
}

/** Markdown table: one row per runtime, one column per network. */
export function imagingTable(results: ImagingResult[]): string {
  const nets = [...new Set(results.map((r) => r.net))];
  const runtimes = [...new Set(results.map((r) => r.runtime))];
  const cell = (net: string, rt: string): string => {
    const r = results.find((x) => x.net === net && x.runtime === rt);
    return r?.itemsPerSecond === undefined ? (r?.note ?? '—') : r.itemsPerSecond.toFixed(r.itemsPerSecond < 10 ? 2 : 1);
  };
  return [
    `| runtime | ${nets.map((n) => `${n} (items/s)`).join(' | ')} |`,
    `|---|${nets.map(() => '---').join('|')}|`,
    ...runtimes.map((rt) => `| ${rt} | ${nets.map((n) => cell(n, rt)).join(' | ')} |`),
  ].join('\n');
}

/** Rows for bench/run.ts: milliseconds per item. */
export async function benchImaging(): Promise<Row[]> {
  const results = await imagingResults();
  process.stderr.write(`${imagingTable(results)}\n`);
  return results
    .filter((r) => r.itemsPerSecond !== undefined)
    .map((r) => ({ task: `features ${r.net}, ${r.runtime}`, n: 1, ms: 1000 / (r.itemsPerSecond as number) }));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await imagingResults({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${imagingTable(results)}\n`);
}
