import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SurvkitError } from '../../src/core/errors.js';
import { messages } from '../../src/core/messages.js';
import { adaptiveCalibrationError, expectedCalibrationError, maxCalibrationError } from '../../src/metrics/calibration-error.js';
import { reliabilityDiagram } from '../../src/metrics/reliability-diagram.js';
import { conventions, digits, goldenClassif, binsOf, maxRelErr, relErr, synthetic, type BinsRef, type SyntheticClassif } from './classification-fixtures.js';

const norms = ['l1', 'l2', 'max'] as const;

/** Compares all calibration quantities of one bins block with the numpy re-computation. */
function expectBlock(probs: number[][] | Float64Array, labels: ArrayLike<number>, bins: number, ref: BinsRef, tol: number): void {
  for (const norm of norms) {
    expect(relErr(expectedCalibrationError(probs, labels, { bins, norm }), ref.survkit_equal_width[norm])).toBeLessThanOrEqual(tol);
    expect(relErr(expectedCalibrationError(probs, labels, { bins, norm, binning: 'equal-mass' }), ref.survkit_equal_mass[norm])).toBeLessThanOrEqual(tol);
  }
  expect(relErr(maxCalibrationError(probs, labels, { bins }), ref.survkit_equal_width.max)).toBeLessThanOrEqual(tol);
  expect(relErr(adaptiveCalibrationError(probs, labels, { bins }), ref.survkit_equal_mass.ace)).toBeLessThanOrEqual(tol);
  expect(relErr(adaptiveCalibrationError(probs, labels, { bins, binning: 'equal-width' }), ref.netcal_equal_width.ace)).toBeLessThanOrEqual(tol);
  const rd = reliabilityDiagram(probs, labels, { bins });
  expect(rd.map((b) => b.count)).toEqual(ref.reliability.map((b) => b.count));
  for (let b = 0; b < bins; b++) {
    const got = rd[b]!;
    const want = ref.reliability[b]!;
    expect(got.lower).toBe(want.lower);
    expect(got.upper).toBe(want.upper);
    if (want.confidence === null) {
      expect(got.confidence).toBeNull();
      expect(got.accuracy).toBeNull();
    } else {
      expect(relErr(got.confidence!, want.confidence)).toBeLessThanOrEqual(tol);
      expect(relErr(got.accuracy!, want.accuracy!)).toBeLessThanOrEqual(tol);
    }
  }
}

describe('calibration error: torchmetrics 1.2.1 golden values (digits, 360 × 10)', () => {
  const d = digits();
  const gold = goldenClassif();
  const conv = conventions();

  it('ECE / RMSCE / MCE match torchmetrics to its float32 arithmetic (<= 3e-7 absolute)', () => {
    const tm = gold.torchmetrics;
    expect(tm.version).toBe('1.2.1');
    const want = { l1: tm.calibration_error_l1, l2: tm.calibration_error_l2, max: tm.calibration_error_max };
    for (const norm of norms) {
      const got = expectedCalibrationError(d.probs, d.labels, { bins: 15, norm });
      expect(Math.abs(got - want[norm])).toBeLessThanOrEqual(3e-7);
    }
    // the generator's float32 emulation reproduces these golden values bit for bit,
    // so the remaining difference is torchmetrics' float32 cast, not a convention
    expect(conv.digits.check_f32_emulation_equals_golden).toBe(true);
    expect(binsOf(conv.digits, 15).torchmetrics_f32_emulation).toEqual(want);
  });

  it("float64 values equal the numpy re-computation of torchmetrics' definition to 1e-12", () => {
    for (const bins of [15, 10, 20, 1]) {
      const ref = binsOf(conv.digits, bins);
      // no confidence is exactly 1 here, so torchmetrics' extra bin for c = 1 is empty
      expect(ref.torchmetrics_f64).toEqual(ref.survkit_equal_width);
      for (const norm of norms) {
        expect(relErr(expectedCalibrationError(d.probs, d.labels, { bins, norm }), ref.torchmetrics_f64[norm])).toBeLessThanOrEqual(1e-12);
      }
    }
  });

  it('equal-mass ECE / MCE and ACE equal the netcal definitions (numpy re-computation) to 1e-12', () => {
    for (const bins of [15, 10, 20, 1]) {
      const ref = binsOf(conv.digits, bins);
      expect(ref.netcal_equal_mass.netcal_np_quantile_same_bins).toBe(true);
      expectBlock(d.probs, d.labels, bins, ref, 1e-12);
      // netcal clips confidences to [eps, 1 - eps]: no effect on these data
      expect(relErr(adaptiveCalibrationError(d.probs, d.labels, { bins }), ref.netcal_equal_mass.ace)).toBeLessThanOrEqual(1e-12);
      expect(relErr(expectedCalibrationError(d.probs, d.labels, { bins, binning: 'equal-mass' }), ref.netcal_equal_mass.l1)).toBeLessThanOrEqual(1e-12);
    }
  });

  it('reliability diagram: the non-empty bins equal scikit-learn calibration_curve', () => {
    const rd = reliabilityDiagram(d.rows, d.labels, { bins: 15 }).filter((b) => b.count > 0);
    expect(rd.map((b) => b.accuracy)).toHaveLength(gold.sklearn.reliability_accuracy.length);
    expect(
      maxRelErr(
        rd.map((b) => b.accuracy!),
        gold.sklearn.reliability_accuracy,
      ),
    ).toBeLessThanOrEqual(1e-10);
    expect(
      maxRelErr(
        rd.map((b) => b.confidence!),
        gold.sklearn.reliability_confidence,
      ),
    ).toBeLessThanOrEqual(1e-10);
    const full = reliabilityDiagram(d.rows, d.labels);
    expect(full).toHaveLength(15);
    expect(full.reduce((s, b) => s + b.count, 0)).toBe(360);
  });

  it('flat Float64Array, number[] and rows give identical results', () => {
    const a = expectedCalibrationError(d.probs, d.labels);
    expect(expectedCalibrationError(Array.from(d.probs), Array.from(d.labels))).toBe(a);
    expect(expectedCalibrationError(d.rows, d.labels)).toBe(a);
  });
});

describe('calibration error: synthetic cases', () => {
  it('confidences on bin edges, ties and c = 1: [lo, hi) bins, c = 1 in the last bin', () => {
    const c = synthetic<SyntheticClassif>('edges-ties-and-ones');
    for (const bins of [4, 8, 3]) {
      const ref = binsOf(c, bins);
      expectBlock(c.probs, c.labels, bins, ref, 1e-12);
    }
    // torchmetrics gives the three cases with c = 1 (one wrong) a 5th bin of their own
    // (the known deviation: MCE 1/3 there vs 1/4 here with 4 bins; ECE 0.1875 vs 1/6 with 8 bins)
    const tm4 = binsOf(c, 4).torchmetrics_f64;
    const tm8 = binsOf(c, 8).torchmetrics_f64;
    expect(maxCalibrationError(c.probs, c.labels, { bins: 4 })).toBeCloseTo(0.25, 15);
    expect(tm4.max).toBeCloseTo(1 / 3, 15);
    expect(relErr(expectedCalibrationError(c.probs, c.labels, { bins: 8 }), tm8.l1)).toBeGreaterThan(0.1);
    // 0.25 (wrong), four at 0.5 (two right), 0.625 (right), two at 0.75 (one right), 0.875 (right), three at 1
    const rd = reliabilityDiagram(c.probs, c.labels, { bins: 4 });
    expect(rd.map((b) => b.count)).toEqual([0, 1, 5, 6]);
  });

  it('random Dirichlet probabilities (K = 5, n = 300)', () => {
    const c = synthetic<SyntheticClassif>('dirichlet-k5');
    for (const bins of [15, 7]) {
      const ref = binsOf(c, bins);
      for (const norm of norms) expect(relErr(ref.torchmetrics_f64[norm], ref.survkit_equal_width[norm])).toBeLessThanOrEqual(1e-15);
      expectBlock(c.probs, c.labels, bins, ref, 1e-12);
    }
  });

  it('hand-computed example', () => {
    const p = [
      [0.9, 0.1],
      [0.1, 0.9],
      [0.6, 0.4],
    ];
    expect(expectedCalibrationError(p, [0, 0, 0], { bins: 10 })).toBeCloseTo(0.4, 15);
    expect(maxCalibrationError(p, [0, 0, 0], { bins: 10 })).toBeCloseTo(0.4, 15);
    expect(
      adaptiveCalibrationError(
        [
          [0.9, 0.1],
          [0.6, 0.4],
          [0.6, 0.4],
          [0.6, 0.4],
        ],
        [1, 0, 0, 0],
        { bins: 2 },
      ),
    ).toBeCloseTo(0.075, 15);
    expect(reliabilityDiagram(p, [0, 0, 0], { bins: 2 })).toEqual([
      { lower: 0, upper: 0.5, count: 0, confidence: null, accuracy: null },
      { lower: 0.5, upper: 1, count: 3, confidence: (0.9 + 0.9 + 0.6) / 3, accuracy: 2 / 3 },
    ]);
  });
});

describe('calibration error: bad input', () => {
  const p = [
    [0.7, 0.3],
    [0.2, 0.8],
  ];
  const cases: [string, () => unknown, string][] = [
    [
      'row sum',
      () =>
        expectedCalibrationError(
          [
            [0.7, 0.31],
            [0.2, 0.8],
          ],
          [0, 1],
        ),
      messages.probRowSum('expectedCalibrationError', 'probs', 0, 0.7 + 0.31, 1e-6),
    ],
    [
      'negative',
      () =>
        expectedCalibrationError(
          [
            [1.2, -0.2],
            [0.2, 0.8],
          ],
          [0, 1],
        ),
      messages.probRange('expectedCalibrationError', 'probs', 0, 0, 1.2),
    ],
    [
      'NaN',
      () =>
        maxCalibrationError(
          [
            [NaN, 0.5],
            [0.2, 0.8],
          ],
          [0, 1],
        ),
      messages.probRange('maxCalibrationError', 'probs', 0, 0, NaN),
    ],
    ['label too large', () => expectedCalibrationError(p, [0, 2]), messages.classLabel('expectedCalibrationError', 'labels', 1, 2, 2)],
    ['label negative', () => adaptiveCalibrationError(p, [-1, 0]), messages.classLabel('adaptiveCalibrationError', 'labels', 0, -1, 2)],
    ['label not integer', () => reliabilityDiagram(p, [0, 0.5]), messages.classLabel('reliabilityDiagram', 'labels', 1, 0.5, 2)],
    ['rows vs labels', () => expectedCalibrationError(p, [0, 1, 1]), messages.lengthMismatch('expectedCalibrationError', 'probs', 2, 'labels', 3)],
    [
      'flat length',
      () => expectedCalibrationError([0.5, 0.5, 1], [0, 1]),
      messages.shapeMismatch('expectedCalibrationError', 'probs', 'n·K with n = 2 (the number of labels)', 'a flat array of length 3'),
    ],
    ['ragged', () => expectedCalibrationError([[0.5, 0.5], [1]], [0, 0]), messages.raggedRows('expectedCalibrationError', 'probs', 1, 1, 2)],
    ['empty labels', () => expectedCalibrationError([], []), messages.empty('expectedCalibrationError', 'labels')],
    ['empty probs', () => expectedCalibrationError([], [0]), messages.empty('expectedCalibrationError', 'probs')],
    ['bins 0', () => expectedCalibrationError(p, [0, 1], { bins: 0 }), messages.optionRange('expectedCalibrationError', 'bins', 'an integer >= 1', 0)],
    ['bins 2.5', () => reliabilityDiagram(p, [0, 1], { bins: 2.5 }), messages.optionRange('reliabilityDiagram', 'bins', 'an integer >= 1', 2.5)],
    [
      'binning',
      () => adaptiveCalibrationError(p, [0, 1], { binning: 'quantile' as never }),
      messages.optionRange('adaptiveCalibrationError', 'binning', "one of 'equal-width', 'equal-mass', 'equal-count'", 'quantile'),
    ],
    [
      'norm',
      () => expectedCalibrationError(p, [0, 1], { norm: 'l3' as never }),
      messages.optionRange('expectedCalibrationError', 'norm', "one of 'l1', 'l2', 'max'", 'l3'),
    ],
    ['not an array', () => expectedCalibrationError(p, 3 as never), messages.notArray('expectedCalibrationError', 'labels', 3)],
  ];
  for (const [name, run, message] of cases) {
    it(name, () => {
      expect(run).toThrow(SurvkitError);
      expect(run).toThrow(message);
    });
  }

  it('a row sum off by less than 1e-6 is accepted (float32 softmax)', () => {
    expect(() =>
      expectedCalibrationError(
        [
          [0.7 + 5e-7, 0.3],
          [0.2, 0.8],
        ],
        [0, 1],
      ),
    ).not.toThrow();
  });
});

/** n rows of K positive integer weights, normalised. */
const probsArb = fc.integer({ min: 2, max: 6 }).chain((k) =>
  fc
    .array(fc.tuple(fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: k, maxLength: k }), fc.integer({ min: 0, max: k - 1 })), {
      minLength: 1,
      maxLength: 80,
    })
    .map((rows) => ({
      probs: rows.map(([w]) => {
        const s = w.reduce((a, b) => a + b, 0);
        return w.map((x) => x / s);
      }),
      labels: rows.map(([, y]) => y),
    })),
);

describe('calibration error: properties', () => {
  it('ECE, RMSCE and MCE lie in [0, 1] with l1 <= l2 <= max; ACE in [0, 1]', () => {
    fc.assert(
      fc.property(probsArb, fc.integer({ min: 1, max: 30 }), fc.constantFrom('equal-width', 'equal-mass' as const), ({ probs, labels }, bins, binning) => {
        const [l1, l2, mx] = norms.map((norm) => expectedCalibrationError(probs, labels, { bins, binning, norm })) as [number, number, number];
        for (const v of [l1, l2, mx]) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
        expect(l1).toBeLessThanOrEqual(l2 * (1 + 1e-12) + 1e-15);
        expect(l2).toBeLessThanOrEqual(mx * (1 + 1e-12) + 1e-15);
        const ace = adaptiveCalibrationError(probs, labels, { bins, binning });
        expect(ace).toBeGreaterThanOrEqual(0);
        expect(ace).toBeLessThanOrEqual(mx * (1 + 1e-12) + 1e-15);
      }),
    );
  });

  it('a perfectly calibrated set has ECE = MCE = ACE = 0 for any bins', () => {
    // groups of 8 cases with confidence j/8 (dyadic, exact) of which exactly j are right;
    // every bin then holds whole groups, so acc_b = conf_b exactly
    const groupArb = fc.record({ j: fc.integer({ min: 3, max: 8 }), copies: fc.integer({ min: 1, max: 3 }) });
    fc.assert(
      fc.property(
        fc.array(groupArb, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 25 }),
        fc.constantFrom('equal-width', 'equal-mass' as const),
        fc.integer(),
        (groups, bins, binning, seed) => {
          const probs: number[][] = [];
          const labels: number[] = [];
          for (const { j, copies } of groups) {
            const c = j / 8;
            for (let r = 0; r < 8 * copies; r++) {
              probs.push([c, (1 - c) / 2, (1 - c) / 2]);
              labels.push(r % 8 < j ? 0 : 2);
            }
          }
          // deterministic shuffle: order must not matter
          const order = probs.map((_, i) => i).sort((a, b) => ((a * 7919 + seed) % 101) - ((b * 7919 + seed) % 101) || a - b);
          const P = order.map((i) => probs[i]!);
          const y = order.map((i) => labels[i]!);
          for (const norm of norms) expect(expectedCalibrationError(P, y, { bins, binning, norm })).toBe(0);
          expect(adaptiveCalibrationError(P, y, { bins, binning })).toBe(0);
        },
      ),
    );
  });

  it('with one bin, every variant is |accuracy − mean confidence|', () => {
    fc.assert(
      fc.property(probsArb, ({ probs, labels }) => {
        let acc = 0;
        let conf = 0;
        probs.forEach((row, i) => {
          const c = Math.max(...row);
          conf += c;
          acc += row.indexOf(c) === labels[i] ? 1 : 0;
        });
        const gap = Math.abs(acc / probs.length - conf / probs.length);
        for (const binning of ['equal-width', 'equal-mass'] as const) {
          expect(expectedCalibrationError(probs, labels, { bins: 1, binning })).toBeCloseTo(gap, 12);
          expect(adaptiveCalibrationError(probs, labels, { bins: 1, binning })).toBeCloseTo(gap, 12);
        }
      }),
    );
  });

  it('reliability diagram counts add up to n and its weighted gap is the ECE', () => {
    fc.assert(
      fc.property(probsArb, fc.integer({ min: 1, max: 20 }), fc.constantFrom('equal-width', 'equal-mass' as const), ({ probs, labels }, bins, binning) => {
        const rd = reliabilityDiagram(probs, labels, { bins, binning });
        expect(rd).toHaveLength(bins);
        expect(rd.reduce((s, b) => s + b.count, 0)).toBe(probs.length);
        const ece = rd.reduce((s, b) => (b.count > 0 ? s + (b.count / probs.length) * Math.abs(b.accuracy! - b.confidence!) : s), 0);
        expect(ece).toBeCloseTo(expectedCalibrationError(probs, labels, { bins, binning }), 14);
        for (let b = 1; b < bins; b++) expect(rd[b]!.lower).toBe(rd[b - 1]!.upper);
      }),
    );
  });
});
