/**
 * Loads the classifier calibration / selective-prediction fixtures:
 * - test/fixtures/golden/inputs/digits_logreg_test_probs.csv and
 *   test/fixtures/golden/expected/classif_calibration_digits_logreg.json (copied from the shared
 *   golden folder: torchmetrics 1.2.1, scikit-learn 1.2.1; see PROVENANCE-classification.md);
 * - test/fixtures/classification/classif_uncertainty_conventions.json, made by
 *   test/fixtures/generators/classif_uncertainty_conventions.py (numpy re-implementations of
 *   torchmetrics / netcal / torch-uncertainty conventions; scipy Mann–Whitney).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FixtureProvenance } from '../fixtures/provenance.js';

export const fixtureDir = join(import.meta.dirname, '..', 'fixtures');

export interface Digits {
  n: number;
  k: number;
  /** n×K row-major. */
  probs: Float64Array;
  rows: number[][];
  labels: Int32Array;
}

/** The 360 × 10 digits logistic-regression test probabilities (label, p0 … p9). */
export function digits(): Digits {
  const lines = readFileSync(join(fixtureDir, 'golden', 'inputs', 'digits_logreg_test_probs.csv'), 'utf8')
    .trim()
    .split(/\r?\n/);
  const rows = lines.slice(1).map((l) => l.split(',').map(Number));
  const k = (rows[0] as number[]).length - 1;
  return {
    n: rows.length,
    k,
    probs: Float64Array.from(rows.flatMap((r) => r.slice(1))),
    rows: rows.map((r) => r.slice(1)),
    labels: Int32Array.from(rows.map((r) => r[0] as number)),
  };
}

export interface GoldenClassif {
  n: number;
  K: number;
  bins: number;
  brier_multiclass: number;
  mean_entropy: number;
  torchmetrics: { version: string; calibration_error_l1: number; calibration_error_l2: number; calibration_error_max: number };
  sklearn: {
    log_loss: number;
    accuracy: number;
    reliability_accuracy: number[];
    reliability_confidence: number[];
    auroc_misclassified_vs_1_minus_maxp: number;
    auroc_misclassified_vs_entropy: number;
  };
}

export function goldenClassif(): GoldenClassif {
  return JSON.parse(readFileSync(join(fixtureDir, 'golden', 'expected', 'classif_calibration_digits_logreg.json'), 'utf8')) as GoldenClassif;
}

export interface Norms {
  l1: number;
  l2: number;
  max: number;
}
export interface NetcalRef extends Norms {
  ace: number;
  nonEmptyBins: number;
  netcal_np_quantile_same_bins?: boolean;
  edges?: number[];
}
export interface BinsRef {
  torchmetrics_f64: Norms;
  survkit_equal_width: Norms;
  torchmetrics_f32_emulation: Norms;
  reliability: { lower: number; upper: number; count: number; confidence: number | null; accuracy: number | null }[];
  netcal_equal_width: NetcalRef;
  netcal_equal_mass: NetcalRef;
  survkit_equal_mass: NetcalRef;
}
export interface SelectiveRef {
  aurc: number;
  optimalAurc: number;
  excessAurc: number;
  riskAtCoverage: { coverage: number; k: number; risk: number }[];
  coverageAtRisk: { risk: number; coverage: number | null }[];
  curve: { coverage: number[]; risk: number[]; thresholds: number[] };
}
export interface ClassifBlock {
  n: number;
  K: number;
  accuracy: number;
  brier: number;
  logLoss: number;
  entropy: number[];
  auroc_misclassified_vs_1_minus_maxp?: number;
  auroc_misclassified_vs_entropy?: number;
  selective_1_minus_maxp: SelectiveRef;
  selective_entropy: SelectiveRef;
  torch_uncertainty_aurc_1_minus_maxp: number;
  [bins: `bins${number}`]: BinsRef;
}
export interface SyntheticClassif extends ClassifBlock {
  name: string;
  probs: number[][];
  labels: number[];
}
export interface SyntheticSelective extends SelectiveRef {
  name: string;
  uncertainty: number[];
  loss: number[];
  tu_expected_aurc?: number;
  interp_aurc?: number;
  permutations?: number;
}
export interface SyntheticOod {
  name: string;
  scoresIn: number[];
  scoresOut: number[];
  auroc: number;
  auroc_swapped: number;
}
export interface Conventions {
  provenance: FixtureProvenance;
  digits: ClassifBlock & { check_f32_emulation_equals_golden: boolean };
  synthetic: (SyntheticClassif | SyntheticSelective | SyntheticOod)[];
}

export function conventions(): Conventions {
  return JSON.parse(readFileSync(join(fixtureDir, 'classification', 'classif_uncertainty_conventions.json'), 'utf8')) as Conventions;
}

export function synthetic<T>(name: string): T {
  const c = conventions().synthetic.find((s) => s.name === name);
  if (c === undefined) throw new Error(`no synthetic case ${name}`);
  return c as T;
}

/** The block of one bin count (throws when the fixture lacks it). */
export function binsOf(block: ClassifBlock, bins: number): BinsRef {
  const ref = block[`bins${bins}`];
  if (ref === undefined) throw new Error(`no bins${bins} block`);
  return ref;
}

/** |a − b| / |b| (absolute when b = 0). */
export function relErr(a: number, b: number): number {
  return b === 0 ? Math.abs(a) : Math.abs(a - b) / Math.abs(b);
}

/** Largest relative error over two equal-length arrays. */
export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, relErr(a[i] as number, b[i] as number));
  return m;
}
