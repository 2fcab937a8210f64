/**
 * Uncertainty for survival predictions on METABRIC and SUPPORT:
 * for a Cox model (CoxPH / DeepSurv) and a discrete-time model
 * (LogisticHazard), a deep ensemble of 5 networks and MC dropout with 20
 * passes (of the ensemble's first member) give per-subject bands on S(t);
 * the uncertainty score is the integrated band width over the evaluation
 * grid, on the S scale and on the log-cumulative-hazard (cloglog) scale. The
 * risk–coverage table keeps the most certain test subjects and reports
 * Harrell's C and the integrated Brier score (pycox convention, Ĝ from all
 * test subjects, 100 equidistant times from min to max test time) on the kept
 * and on the flagged subjects.
 *
 * Data: `<data-dir>/{metabric,support}.csv` with columns x0…, duration,
 * event, split (train/test), val (1 = validation row of the training split).
 * Non-binary covariates are standardised with the training rows' mean and
 * population standard deviation (pycox's StandardScaler).
 *
 *   npx tsx bench/survival-uncertainty.ts <data-dir> [--datasets metabric,support] [--out file.json]
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/index.js';
import { readCsv } from '../src/io/csv.js';
import { concordanceIndex } from '../src/metrics/concordance-harrell.js';
import { integratedBrierScore } from '../src/metrics/integrated.js';
import { selectiveSurvivalTable, type SelectiveSurvivalRow } from '../src/metrics/selective-survival.js';
import { CoxPH, LogisticHazard, type FitOptions, type SurvivalModel } from '../src/models/index.js';
import type { SurvivalBands } from '../src/uncertainty/survival-bands.js';
import { SurvivalEnsemble } from '../src/models/uncertainty/survival-ensemble.js';
import { survivalMcDropout } from '../src/models/uncertainty/survival-mc-dropout.js';
import { survivalBandWidth, type BandScale } from '../src/uncertainty/survival-score.js';

interface Split {
  x: tf.Tensor2D;
  time: Float64Array;
  event: Int32Array;
  n: number;
}

function load(file: string): { train: Split; val: Split; test: Split; d: number } {
  const t = readCsv(file);
  const col = (name: string): number => t.header.indexOf(name);
  const feats = t.header.filter((h) => /^x\d+$/.test(h));
  const d = feats.length;
  const parts: Record<'train' | 'val' | 'test', number[][]> = { train: [], val: [], test: [] };
  for (const r of t.rows) {
    const which = r[col('split')] === 'test' ? 'test' : r[col('val')] === '1' ? 'val' : 'train';
    parts[which].push([...feats.map((f) => Number(r[col(f)])), Number(r[col('duration')]), Number(r[col('event')])]);
  }
  const train = parts.train;
  const mean = new Float64Array(d);
  const sd = new Float64Array(d).fill(1);
  for (let j = 0; j < d; j++) {
    const v = train.map((row) => row[j] as number);
    if (v.every((a) => a === 0 || a === 1)) continue; // binary: left as is
    const mu = v.reduce((a, b) => a + b, 0) / v.length;
    mean[j] = mu;
    sd[j] = Math.sqrt(v.reduce((a, b) => a + (b - mu) ** 2, 0) / v.length) || 1;
  }
  const make = (rows: number[][]): Split => {
    const n = rows.length;
    const X = new Float32Array(n * d);
    rows.forEach((row, i) => {
      for (let j = 0; j < d; j++) X[i * d + j] = ((row[j] as number) - (mean[j] as number)) / (sd[j] as number);
    });
    return { x: tf.tensor2d(X, [n, d]), time: Float64Array.from(rows, (r) => r[d] as number), event: Int32Array.from(rows, (r) => r[d + 1] as number), n };
  };
  return { train: make(parts.train), val: make(parts.val), test: make(parts.test), d };
}

const fmt = (v: number | null): string => (v === null ? '   —  ' : v.toFixed(4));

function printTable(title: string, rows: SelectiveSurvivalRow[]): void {
  console.log(`\n${title}`);
  console.log('coverage  kept  flagged  kept C  kept IBS  flagged C  flagged IBS');
  for (const r of rows) {
    console.log(
      `${(100 * r.coverage).toFixed(0).padStart(6)} %  ${String(r.kept).padStart(4)}  ${String(r.flagged).padStart(7)}  ${fmt(r.keptC)}  ${fmt(r.keptIbs)}    ${fmt(r.flaggedC)}     ${fmt(r.flaggedIbs)}`,
    );
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith('--'));
  if (dir === undefined) throw new Error('usage: tsx bench/survival-uncertainty.ts <data-dir> [--datasets metabric,support] [--out file.json]');
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const datasets = (opt('--datasets') ?? 'metabric,support').split(',');
  const backend = await initBackend();
  console.log(`backend: ${backend.backend} (tfjs ${backend.tfjsVersion})`);
  const out: unknown[] = [];
  for (const name of datasets) {
    const data = load(join(dir, `${name}.csv`));
    const { train, val, test, d } = data;
    const yTrain = { time: train.time, event: train.event };
    const yTest = { time: test.time, event: test.event };
    let lo = Infinity;
    let hi = -Infinity;
    for (const t of test.time) {
      lo = Math.min(lo, t);
      hi = Math.max(hi, t);
    }
    const grid = Float64Array.from({ length: 100 }, (_, k) => lo + ((hi - lo) * k) / 99);
    console.log(`\n=== ${name}: train ${train.n}, validation ${val.n}, test ${test.n}, ${d} covariates ===`);
    const families: { family: string; create: (seed: number) => SurvivalModel }[] = [
      { family: 'CoxPH', create: (seed) => new CoxPH({ inputDim: d, hidden: [32, 32], batchNorm: true, dropout: 0.1, seed }) },
      { family: 'LogisticHazard', create: (seed) => new LogisticHazard({ inputDim: d, hidden: [32, 32], batchNorm: true, dropout: 0.1, cuts: 20, seed }) },
    ];
    const fit: FitOptions = {
      epochs: 100,
      batchSize: 256,
      learningRate: 0.01,
      validation: { x: val.x, labels: { time: val.time, event: val.event } },
      earlyStopping: { patience: 10 },
      verbose: false,
    };
    for (const { family, create } of families) {
      const t0 = performance.now();
      const ens = await SurvivalEnsemble.train(train.x, yTrain, { members: 5, create, fit, seed: 1 });
      const trainS = (performance.now() - t0) / 1000;
      const t1 = performance.now();
      const ensBands = await ens.predictBands(test.x, { times: grid });
      const ensS = (performance.now() - t1) / 1000;
      const t2 = performance.now();
      const first = ens.models[0] as SurvivalModel;
      const mcBands = await survivalMcDropout(first, test.x, { passes: 20, seed: 1, times: grid, baseline: { x: train.x, labels: yTrain } });
      const mcS = (performance.now() - t2) / 1000;
      const single = (await first.predictSurvival(test.x)).at(grid);
      const singleRisk = await first.predictRisk(test.x);
      console.log(
        `\n--- ${name} / ${family}: ensemble trained in ${trainS.toFixed(1)} s (epochs ${ens.histories.map((h) => h?.epochs).join(', ')}), ` +
          `bands ${ensS.toFixed(2)} s; MC dropout 20 passes ${mcS.toFixed(2)} s`,
      );
      console.log(
        `member 1 alone: C ${concordanceIndex(yTest, singleRisk).cIndex.toFixed(4)}, IBS ${integratedBrierScore(yTest, single, { times: grid }).value.toFixed(4)}`,
      );
      const methods: [string, SurvivalBands][] = [
        ['ensemble of 5', ensBands],
        ['MC dropout, 20 passes', mcBands],
      ];
      for (const [method, bands] of methods) {
        for (const scale of ['survival', 'cloglog'] as BandScale[]) {
          const score = survivalBandWidth(bands, { from: grid[0] as number, to: grid[99] as number, scale });
          const table = selectiveSurvivalTable(
            yTest,
            { score, risk: bands.risk.mean, curves: bands.mean },
            { times: grid, coverages: [1, 0.9, 0.8, 0.7, 0.6, 0.5] },
          );
          printTable(`${name} · ${family} · ${method} · score: integrated band width (${scale} scale)`, table.rows);
          out.push({ dataset: name, family, method, scale, rows: table.rows });
        }
      }
      ens.dispose();
    }
    for (const s of [train, val, test]) s.x.dispose();
  }
  const file = opt('--out');
  if (file !== undefined) writeFileSync(file, JSON.stringify(out, null, 1));
}

await main();
