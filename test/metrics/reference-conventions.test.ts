/**
 * The reference conventions of the calibration and selective metrics as options, each against the library
 * whose convention it names: golden values in test/fixtures/classification/uncertainty_reference_conventions.json,
 * made by test/fixtures/generators/uncertainty_reference_conventions.py, which runs torchmetrics, torch-uncertainty,
 * numpy and netcal on the stored inputs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SurvkitError } from '../../src/core/errors.js';
import { messages } from '../../src/core/messages.js';
import { adaptiveCalibrationError, expectedCalibrationError, maxCalibrationError } from '../../src/metrics/calibration-error.js';
import { reliabilityDiagram } from '../../src/metrics/reliability-diagram.js';
import { aurc, excessAurc, riskAtCoverage } from '../../src/metrics/selective.js';
import type { FixtureProvenance } from '../fixtures/provenance.js';

interface RefBin {
  lower: number;
  upper: number;
  count: number;
  confidence: number | null;
  accuracy: number | null;
}
interface Norms {
  l1: number;
  l2: number;
  max: number;
}
interface CalibrationCase {
  name: string;
  probs: number[][];
  labels: number[];
  ones: number;
  torchmetrics: Record<string, Norms & { public_float32: Norms; bins: RefBin[] }>;
  equalCount: Record<
    string,
    { numpy: { sizes: number[]; ace_unweighted: number; ece: number; rmsce: number; mce: number; bins: RefBin[] }; torchUncertainty: Norms }
  >;
  netcal: Record<string, { ece_equal_width: number; ace_equal_width: number }>;
}
interface Forms {
  trapezoid: number;
  mean: number;
  excessTrapezoid: number;
  excessMean: number;
}
interface SelectiveCase {
  name: string;
  uncertainty: number[];
  loss: number[];
  stable: Forms;
  average: Forms;
  riskAtCoverage: {
    coverage: number;
    kCeil: number;
    kFloor: number;
    stableCeil: number;
    averageCeil: number;
    stableFloor: number | null;
    averageFloor: number | null;
  }[];
  torchUncertaintyStable?: { aurc: number; riskAtCoverage: Record<string, number> };
  bruteForceAverage?: { trapezoid: number; mean: number; permutations: number };
}
interface Fixture {
  provenance: FixtureProvenance;
  calibration: CalibrationCase[];
  selective: SelectiveCase[];
}

const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'classification', 'uncertainty_reference_conventions.json'), 'utf8'),
) as Fixture;

const close = (got: number, want: number, tol: number): void => {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want)));
};
const norms = ['l1', 'l2', 'max'] as const;
/** The value stored under a Python float key ('1.0' for 1). */
const tuRisk = (byCoverage: Record<string, number>, coverage: number): number => {
  const hit = Object.entries(byCoverage).find(([k]) => Number(k) === coverage);
  if (hit === undefined) throw new Error(`no torch-uncertainty value at coverage ${coverage}`);
  return hit[1];
};

describe('calibration metrics: torchmetrics extra bin for confidence exactly 1', () => {
  for (const c of fixture.calibration) {
    it(`${c.name}: ECE / RMSCE / MCE and the reliability diagram equal torchmetrics (float64 _ce_compute, ${c.ones} ones)`, () => {
      expect(c.ones).toBeGreaterThan(0);
      const outcome = { labels: c.labels };
      for (const [b, ref] of Object.entries(c.torchmetrics)) {
        const bins = Number(b);
        for (const norm of norms) {
          close(expectedCalibrationError(outcome, c.probs, { bins, norm, confidenceOne: 'extra-bin' }).value, ref[norm], 1e-14);
          // the public function casts to float32
          close(expectedCalibrationError(outcome, c.probs, { bins, norm, confidenceOne: 'extra-bin' }).value, ref.public_float32[norm], 1e-6);
        }
        close(maxCalibrationError(outcome, c.probs, { bins, confidenceOne: 'extra-bin' }).value, ref.max, 1e-14);
        const rd = reliabilityDiagram(outcome, c.probs, { bins, confidenceOne: 'extra-bin' });
        expect(rd).toHaveLength(bins + 1);
        rd.forEach((got, k) => {
          const want = ref.bins[k]!;
          // edges b/B here, torch.linspace there: equal to an ulp
          close(got.lower, want.lower, 1e-15);
          close(got.upper, want.upper, 1e-15);
          expect(got.count).toBe(want.count);
          if (want.confidence === null) expect(got.confidence).toBeNull();
          else close(got.confidence!, want.confidence, 1e-14);
          if (want.accuracy === null) expect(got.accuracy).toBeNull();
          else close(got.accuracy!, want.accuracy, 1e-14);
        });
        // the default closes the last bin instead: B bins, the ones counted in the last
        const merged = reliabilityDiagram(outcome, c.probs, { bins });
        expect(merged).toHaveLength(bins);
        expect(merged[bins - 1]!.count).toBe(ref.bins[bins - 1]!.count + ref.bins[bins]!.count);
        expect(expectedCalibrationError(outcome, c.probs, { bins }).value).not.toBe(ref.l1);
      }
    });
  }
});

describe('calibration metrics: equal-count groups (numpy.array_split sizes, torch-uncertainty AdaptiveCalibrationError)', () => {
  for (const c of fixture.calibration) {
    it(`${c.name}: ECE / RMSCE / MCE equal torch-uncertainty; unweighted ACE and the diagram equal numpy.array_split`, () => {
      const outcome = { labels: c.labels };
      for (const [b, ref] of Object.entries(c.equalCount)) {
        const bins = Number(b);
        for (const norm of norms)
          close(expectedCalibrationError(outcome, c.probs, { bins, norm, binning: 'equal-count' }).value, ref.torchUncertainty[norm], 1e-14);
        close(expectedCalibrationError(outcome, c.probs, { bins, binning: 'equal-count', norm: 'l2' }).value, ref.numpy.rmsce, 1e-14);
        close(maxCalibrationError(outcome, c.probs, { bins, binning: 'equal-count' }).value, ref.numpy.mce, 1e-14);
        close(adaptiveCalibrationError(outcome, c.probs, { bins, binning: 'equal-count' }).value, ref.numpy.ace_unweighted, 1e-14);
        const rd = reliabilityDiagram(outcome, c.probs, { bins, binning: 'equal-count' });
        expect(rd.map((r) => r.count)).toEqual(ref.numpy.sizes);
        rd.forEach((got, k) => {
          const want = ref.numpy.bins[k]!;
          expect([got.lower, got.upper]).toEqual([want.lower, want.upper]);
          close(got.confidence!, want.confidence!, 1e-14);
          close(got.accuracy!, want.accuracy!, 1e-14);
        });
      }
    });
  }

  it('netcal (equal-width ECE and ACE) is unchanged by the new options', () => {
    for (const c of fixture.calibration) {
      for (const [b, ref] of Object.entries(c.netcal)) {
        const bins = Number(b);
        // netcal clips confidences to 1 − ε, so c = 1 lands in the last bin: the default 'last-bin'
        close(expectedCalibrationError({ labels: c.labels }, c.probs, { bins }).value, ref.ece_equal_width, 1e-12);
        close(adaptiveCalibrationError({ labels: c.labels }, c.probs, { bins, binning: 'equal-width' }).value, ref.ace_equal_width, 1e-12);
      }
    }
  });

  it('errors: extra bin with equal-count groups, more groups than cases, unknown choices', () => {
    const probs = [
      [0.9, 0.1],
      [0.6, 0.4],
    ];
    const outcome = { labels: [0, 1] };
    expect(() => expectedCalibrationError(outcome, probs, { binning: 'equal-count', confidenceOne: 'extra-bin' })).toThrow(
      messages.extraBinEqualCount('expectedCalibrationError'),
    );
    expect(() => reliabilityDiagram(outcome, probs, { bins: 3, binning: 'equal-count' })).toThrow(messages.equalCountBins('reliabilityDiagram', 3, 2));
    expect(() => expectedCalibrationError(outcome, probs, { confidenceOne: 'own' as never })).toThrow(SurvkitError);
    expect(() => adaptiveCalibrationError(outcome, probs, { binning: 'equal-counts' as never })).toThrow(SurvkitError);
  });
});

describe('AURC forms, tie conventions and the kept count', () => {
  for (const s of fixture.selective) {
    const outcome = { loss: s.loss };
    it(`${s.name}: trapezoid (torch-uncertainty) and mean (Geifman et al. 2019) forms, ties stable or averaged`, () => {
      for (const ties of ['stable', 'average'] as const) {
        const ref = s[ties];
        close(aurc(outcome, s.uncertainty, { ties }).value, ref.trapezoid, 1e-13);
        close(aurc(outcome, s.uncertainty, { ties, form: 'trapezoid' }).value, ref.trapezoid, 1e-13);
        close(aurc(outcome, s.uncertainty, { ties, form: 'mean' }).value, ref.mean, 1e-13);
        close(excessAurc(outcome, s.uncertainty, { ties }).value, ref.excessTrapezoid, 1e-13);
        close(excessAurc(outcome, s.uncertainty, { ties, form: 'mean' }).value, ref.excessMean, 1e-13);
      }
      // the default is the averaged trapezoid
      close(aurc(outcome, s.uncertainty).value, s.average.trapezoid, 1e-13);
      if (s.torchUncertaintyStable !== undefined) {
        // torch-uncertainty's coverage grid is float32: 1e-8
        close(aurc(outcome, s.uncertainty, { ties: 'stable' }).value, s.torchUncertaintyStable.aurc, 1e-8);
      }
      if (s.bruteForceAverage !== undefined) {
        close(aurc(outcome, s.uncertainty).value, s.bruteForceAverage.trapezoid, 1e-13);
        close(aurc(outcome, s.uncertainty, { form: 'mean' }).value, s.bruteForceAverage.mean, 1e-13);
      }
    });

    it(`${s.name}: risk at coverage with ⌈c·n⌉ (torch-uncertainty RiskAtxCov) or ⌊c·n⌋ kept`, () => {
      for (const r of s.riskAtCoverage) {
        const { coverage } = r;
        close(riskAtCoverage(outcome, s.uncertainty, { coverage, ties: 'stable' }).value, r.stableCeil, 1e-14);
        close(riskAtCoverage(outcome, s.uncertainty, { coverage, ties: 'stable', kept: 'ceil' }).value, r.stableCeil, 1e-14);
        close(riskAtCoverage(outcome, s.uncertainty, { coverage }).value, r.averageCeil, 1e-14);
        if (s.torchUncertaintyStable !== undefined) {
          close(riskAtCoverage(outcome, s.uncertainty, { coverage, ties: 'stable' }).value, tuRisk(s.torchUncertaintyStable.riskAtCoverage, coverage), 1e-14);
        }
        if (r.stableFloor === null) {
          expect(() => riskAtCoverage(outcome, s.uncertainty, { coverage, kept: 'floor' })).toThrow(
            messages.keptNone('riskAtCoverage', coverage, s.uncertainty.length),
          );
        } else {
          close(riskAtCoverage(outcome, s.uncertainty, { coverage, ties: 'stable', kept: 'floor' }).value, r.stableFloor, 1e-14);
          close(riskAtCoverage(outcome, s.uncertainty, { coverage, kept: 'floor' }).value, r.averageFloor!, 1e-14);
        }
      }
    });
  }

  it('the fixture exercises what it claims: ties change the value, floor and ceil differ', () => {
    const tied = fixture.selective.find((s) => s.name === 'tied-errors')!;
    expect(tied.stable.trapezoid).not.toBe(tied.average.trapezoid);
    expect(tied.riskAtCoverage.some((r) => r.kCeil !== r.kFloor && r.stableFloor !== r.stableCeil)).toBe(true);
    expect(tied.bruteForceAverage!.permutations).toBeGreaterThan(1);
  });

  it('errors: unknown form, ties or kept; the mean form takes a single case', () => {
    expect(() => aurc({ correct: [1, 0] }, [0.1, 0.2], { form: 'simpson' as never })).toThrow(SurvkitError);
    expect(() => excessAurc({ correct: [1, 0] }, [0.1, 0.2], { ties: 'random' as never })).toThrow(SurvkitError);
    expect(() => riskAtCoverage({ correct: [1, 0] }, [0.1, 0.2], { coverage: 0.5, kept: 'round' as never })).toThrow(SurvkitError);
    expect(aurc({ correct: [0] }, [0.3], { form: 'mean' }).value).toBe(1);
    expect(() => aurc({ correct: [0] }, [0.3])).toThrow(SurvkitError);
  });
});
