import { Random } from '../../src/core/random.js';
import { calibrateConformalSets, predictConformalSets, type ConformalMethod } from '../../src/uncertainty/conformal-sets.js';
import { digits } from '../metrics/classification-fixtures.js';

export interface ConformalSimulationRow {
  setting: string;
  alpha: number;
  reps: number;
  /** Mean over repetitions of the test-half coverage, its standard error, and the mean set size. */
  meanCoverage: number;
  se: number;
  meanSize: number;
}

/**
 * Random calibration/test halves of the 360-row digits softmax table (exchangeable by construction): per
 * repetition, calibrate on 180 rows and measure coverage and set size on the other 180.
 */
export function simulateConformal(reps: number, alphas: readonly number[], seed = 20261206): ConformalSimulationRow[] {
  const d = digits();
  const settings: { setting: string; method: ConformalMethod; randomized: boolean; last: boolean | 'randomized'; kReg?: number; lambda?: number }[] = [
    { setting: 'LAC', method: 'lac', randomized: false, last: true },
    { setting: 'APS (include last label)', method: 'aps', randomized: false, last: true },
    { setting: 'APS randomised', method: 'aps', randomized: true, last: 'randomized' },
    { setting: 'RAPS k=1, λ=0.01 randomised', method: 'raps', randomized: true, last: 'randomized', kReg: 1, lambda: 0.01 },
  ];
  const rows: ConformalSimulationRow[] = [];
  for (const alpha of alphas) {
    for (const s of settings) {
      const rng = new Random(seed);
      const cov: number[] = [];
      let size = 0;
      for (let r = 0; r < reps; r++) {
        const idx = Array.from({ length: d.n }, (_, i) => i);
        for (let i = d.n - 1; i > 0; i--) {
          const j = rng.int(i + 1);
          [idx[i], idx[j]] = [idx[j] as number, idx[i] as number];
        }
        const cal = idx.slice(0, 180);
        const test = idx.slice(180);
        const fit = calibrateConformalSets(
          cal.map((i) => d.rows[i] as number[]),
          cal.map((i) => d.labels[i] as number),
          { alpha, method: s.method, randomized: s.randomized, seed: r, kReg: s.kReg, lambda: s.lambda },
        );
        const out = predictConformalSets(
          fit,
          test.map((i) => d.rows[i] as number[]),
          { includeLastLabel: s.last, seed: 1000 + r, labels: test.map((i) => d.labels[i] as number) },
        );
        cov.push(out.coverage as number);
        size += out.meanSize / reps;
      }
      const mean = cov.reduce((a, b) => a + b, 0) / reps;
      const sd = Math.sqrt(cov.reduce((a, b) => a + (b - mean) ** 2, 0) / (reps - 1));
      rows.push({ setting: s.setting, alpha, reps, meanCoverage: mean, se: sd / Math.sqrt(reps), meanSize: size });
    }
  }
  return rows;
}
