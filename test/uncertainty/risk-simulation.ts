import { Random } from '../../src/core/random.js';
import { flagLowConfidence } from '../../src/uncertainty/flag.js';
import { riskControlledFlag } from '../../src/uncertainty/risk-control.js';

/**
 * Synthetic selective-classification population with closed-form risks: the score s ~ U(0, 1) and
 * the prediction is wrong with probability s² (one in three overall). Keeping the cases with s ≤ t gives
 * the selective risk P(wrong | s ≤ t) = t²/3 and the joint rate P(wrong, s ≤ t) = t³/3 (t in [0, 1]).
 */
export function drawCalibration(rng: Random, n: number): { score: Float64Array; correct: Uint8Array } {
  const score = new Float64Array(n);
  const correct = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const s = rng.next();
    score[i] = s;
    correct[i] = rng.next() < s * s ? 0 : 1;
  }
  return { score, correct };
}

export const selectiveRisk = (t: number): number => (t <= 0 ? 0 : Math.min(t, 1) ** 2 / 3);
export const jointRisk = (t: number): number => (t <= 0 ? 0 : Math.min(t, 1) ** 3 / 3);

export interface SimulationRow {
  policy: string;
  /** Repetitions whose population selective risk exceeds alpha. */
  violations: number;
  reps: number;
  /** Mean population selective risk and kept fraction of the chosen thresholds. */
  meanRisk: number;
  meanCoverage: number;
  /** Mean joint rate P(wrong and kept). */
  meanJoint: number;
}

/** Repeats calibration draws and reports, per policy, how often the population selective risk exceeds alpha. */
export function simulate(reps: number, n: number, alpha: number, delta: number, seed = 20261206): SimulationRow[] {
  const fixedGrid = Array.from({ length: 200 }, (_, j) => (j + 1) / 200);
  const policies: [string, (cal: { score: Float64Array; correct: Uint8Array }) => number][] = [
    [
      'LTT Hoeffding–Bentkus, Bonferroni, calibration-quantile grid',
      (cal) => riskControlledFlag([0], cal, { alpha, delta, correction: 'bonferroni' }).threshold,
    ],
    [
      'LTT Hoeffding–Bentkus, Bonferroni, fixed grid t = 0.005 … 1',
      (cal) => riskControlledFlag([0], cal, { alpha, delta, thresholds: fixedGrid, correction: 'bonferroni' }).threshold,
    ],
    ['LTT Hoeffding–Bentkus, fixed-sequence, calibration-quantile grid (default)', (cal) => riskControlledFlag([0], cal, { alpha, delta }).threshold],
    [
      'LTT Hoeffding–Bentkus, fixed-sequence, fixed grid t = 0.005 … 1',
      (cal) => riskControlledFlag([0], cal, { alpha, delta, thresholds: fixedGrid, correction: 'fixed-sequence' }).threshold,
    ],
    [
      'LTT binomial, Bonferroni, fixed grid t = 0.005 … 1',
      (cal) => riskControlledFlag([0], cal, { alpha, delta, thresholds: fixedGrid, pValue: 'binomial', correction: 'bonferroni' }).threshold,
    ],
    ['conformal risk control (bounds P(wrong and kept))', (cal) => riskControlledFlag([0], cal, { alpha, method: 'crc' }).threshold],
    [
      'empirical targetRisk (flagLowConfidence)',
      (cal) => {
        try {
          return flagLowConfidence([0], { targetRisk: alpha, calibration: cal }).threshold;
        } catch {
          return -Infinity;
        }
      },
    ],
  ];
  const rng = new Random(seed);
  const rows = policies.map(([policy]) => ({ policy, violations: 0, reps, meanRisk: 0, meanCoverage: 0, meanJoint: 0 }));
  for (let r = 0; r < reps; r++) {
    const cal = drawCalibration(rng, n);
    policies.forEach(([, pick], j) => {
      const t = pick(cal);
      const row = rows[j] as SimulationRow;
      const risk = selectiveRisk(t);
      if (risk > alpha) row.violations++;
      row.meanRisk += risk / reps;
      row.meanCoverage += Math.max(0, Math.min(1, t)) / reps;
      row.meanJoint += jointRisk(t) / reps;
    });
  }
  return rows;
}
