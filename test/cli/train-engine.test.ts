/**
 * `survkit train --images … --fine-tune last-block --train-engine onnxruntime|tfjs [--train-threads k]`: parsed and
 * validated as --train-workers is, passed to fit's `engine` / `threads`, and recorded in the report.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageTrainOptions } from '../../src/cli/train-args.js';
import { TRAIN_HELP } from '../../src/cli/help.js';
import { importOnnxRuntime } from '../../src/backbones/onnx-backbone.js';
import { messages } from '../../src/core/messages.js';
import { repoRoot } from '../fixtures/provenance.js';
import { PRETRAINED } from '../pretrained/grid.js';
import { writeBrightnessCohort } from '../pretrained/brightness-images.js';

const ort = await importOnnxRuntime('test', 'onnxruntime-node').then(
  () => true,
  () => false,
);
if (!ort) console.warn('onnxruntime-node is not installed: the survkit train --train-engine onnxruntime run is skipped');

const base = { images: 'm.csv', backbone: 'w.safetensors', 'fine-tune': 'last-block' };

describe('survkit train --images --fine-tune last-block --train-engine e [--train-threads k]', () => {
  it('passes the engine and threads to fineTuneImagesFile as trainEngine / trainThreads', () => {
    expect(imageTrainOptions({ ...base, 'train-engine': 'onnxruntime', 'train-threads': '2' })).toEqual({
      backbone: 'w.safetensors',
      fineTune: 'last-block',
      trainEngine: 'onnxruntime',
      trainThreads: 2,
    });
    expect(imageTrainOptions({ ...base, 'train-engine': 'tfjs' })).toEqual({ backbone: 'w.safetensors', fineTune: 'last-block', trainEngine: 'tfjs' });
    expect(TRAIN_HELP).toContain('--train-engine <e>');
    expect(TRAIN_HELP).toContain('--train-threads <k>');
  });

  it('is refused without --fine-tune, without --images, for an unknown engine, and --train-threads without onnxruntime or below 1', () => {
    expect(() => imageTrainOptions({ images: 'm.csv', backbone: 'w.safetensors', 'train-engine': 'onnxruntime' })).toThrow(
      '--train-engine applies to --fine-tune last-block',
    );
    expect(() => imageTrainOptions({ 'train-engine': 'onnxruntime' })).toThrow('--train-engine applies to --images <manifest.csv>');
    expect(() => imageTrainOptions({ ...base, 'train-engine': 'native' })).toThrow(/train-engine/);
    expect(() => imageTrainOptions({ images: 'm.csv', backbone: 'w.safetensors', 'train-threads': '2' })).toThrow(
      '--train-threads applies to --fine-tune last-block --train-engine onnxruntime',
    );
    expect(() => imageTrainOptions({ ...base, 'train-threads': '2' })).toThrow('--train-threads applies to --train-engine onnxruntime');
    expect(() => imageTrainOptions({ ...base, 'train-engine': 'tfjs', 'train-threads': '2' })).toThrow('--train-threads applies to --train-engine onnxruntime');
    expect(() => imageTrainOptions({ ...base, 'train-engine': 'onnxruntime', 'train-threads': '0' })).toThrow(/train-threads/);
    expect(() => imageTrainOptions({ ...base, 'train-engine': 'onnxruntime', 'train-threads': '2', 'train-workers': '2' })).toThrow(
      '--train-threads cannot be used with --train-workers > 1',
    );
  });
});

describe('survkit train --fine-tune last-block --train-engine (built CLI)', () => {
  const cli = join(repoRoot, 'dist', 'cli', 'main.js');
  const env = { ...process.env, SURVKIT_BACKEND: 'wasm' };
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'survkit-train-engine-'));
    writeBrightnessCohort(dir, 32, 24, 5); // the fine-tune fixture: 32 grey 24×24 images, a covariate 'age'
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const run = (...extra: string[]) => {
    const args = [cli, 'train', '--model', 'coxph', '--images', join(dir, 'manifest.csv'), '--backbone', join(PRETRAINED, 'resnet18.safetensors')];
    args.push('--fine-tune', 'last-block', '--duration-col', 'time', '--epochs', '1', '--batch-size', '8', ...extra);
    return spawnSync(process.execPath, args, { encoding: 'utf8', env });
  };

  it.skipIf(!ort)(
    '--train-engine onnxruntime --train-threads 2 trains (exit 0) and the report records the engine and threads',
    () => {
      const r = run('--train-engine', 'onnxruntime', '--train-threads', '2', '--format', 'json');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const report = JSON.parse(r.stdout) as { meta: { trainEngine: string; trainThreads: number | null }; epochs: number };
      expect(report.meta.trainEngine).toBe('onnxruntime');
      expect(report.meta.trainThreads).toBe(2);
      expect(report.epochs).toBe(1);
      const table = run('--train-engine', 'onnxruntime', '--train-threads', '1');
      expect(table.status).toBe(0);
      expect(table.stdout).toContain('  engine       onnxruntime (1 thread)');
    },
    300_000,
  );

  it("without onnxruntime-node: exit 2 with the library's onnxTrainMissing message", () => {
    // a resolve hook makes the package unresolvable in the child process, as on a machine without it
    const hook =
      'export async function resolve(spec, ctx, next) { if (spec === "onnxruntime-node") ' +
      'throw Object.assign(new Error("Cannot find package onnxruntime-node"), { code: "ERR_MODULE_NOT_FOUND" }); return next(spec, ctx); }';
    const register = `import { register } from "node:module"; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
    const args = [cli, 'train', '--model', 'coxph', '--images', join(dir, 'manifest.csv'), '--backbone', join(PRETRAINED, 'resnet18.safetensors')];
    args.push('--fine-tune', 'last-block', '--duration-col', 'time', '--epochs', '1', '--train-engine', 'onnxruntime');
    const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, ...args], { encoding: 'utf8', env });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(messages.onnxTrainMissing('survkit train --images --fine-tune'));
  }, 60_000);

  it('--train-engine without --fine-tune is a usage error (exit 2)', () => {
    const args = [cli, 'train', '--model', 'coxph', '--images', join(dir, 'manifest.csv'), '--backbone', join(PRETRAINED, 'resnet18.safetensors')];
    const r = spawnSync(process.execPath, [...args, '--duration-col', 'time', '--train-engine', 'onnxruntime'], { encoding: 'utf8', env });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--train-engine applies to --fine-tune last-block');
  }, 60_000);
});
