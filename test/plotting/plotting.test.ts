import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { kaplanMeier, StepFunction, SurvivalCurves } from '../../src/estimators/index.js';
import { calibrationAt, reliabilityDiagram, riskCoverageCurve } from '../../src/metrics/index.js';
import {
  calibrationSpec,
  kaplanMeierSpec,
  pngAvailable,
  reliabilitySpec,
  renderPng,
  renderSvg,
  riskCoverageSpec,
  rotatedDigitSpec,
  survivalCurvesSpec,
  VEGA_LITE_SCHEMA,
  type PlotSpec,
} from '../../src/plotting/index.js';
import { markCounts } from './svg-marks.js';

/** Compiles with vega-lite (throws on an invalid spec), renders, and counts the marks. */
async function render(spec: PlotSpec): Promise<{ svg: string; marks: ReturnType<typeof markCounts> }> {
  expect(spec.$schema).toBe(VEGA_LITE_SCHEMA);
  const warnings: string[] = [];
  compile(spec, {
    logger: {
      level: () => 0,
      error: (m: string) => warnings.push(m),
      warn: (m: string) => warnings.push(m),
      info: () => undefined,
      debug: () => undefined,
    } as never,
  });
  expect(warnings).toEqual([]);
  const svg = await renderSvg(spec);
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg.length).toBeGreaterThan(1000);
  return { svg, marks: markCounts(svg) };
}

const time = [1, 2, 2, 3, 4, 5, 6, 7, 8, 9];
const event = [1, 0, 1, 1, 0, 1, 0, 1, 1, 0];

describe('kaplanMeierSpec', () => {
  it('draws one step line and one band per group, and a cross per censoring time', async () => {
    const a = kaplanMeier(time, event);
    const b = kaplanMeier([1, 3, 5, 7], [1, 1, 0, 1]);
    const spec = kaplanMeierSpec(
      [
        { label: 'a', curve: a },
        { label: 'b', curve: b },
      ],
      { title: 'KM' },
    );
    const { svg, marks } = await render(spec);
    expect(marks.line?.groups).toBe(2);
    expect(marks.area?.groups).toBe(2);
    // a: censored at 2, 4, 6, 9 (distinct times with a censoring); b: at 5.
    expect(marks.symbol?.items).toBe(5);
    expect(svg).toContain('>KM<');
    // The curve starts at (0, 1) and steps after each time: first row of 'a' is the initial value.
    const values = (spec as { data: { values: { group: string; time: number; survival: number }[] } }).data.values;
    expect(values[0]).toMatchObject({ group: 'a', time: 0, survival: 1, lower: 1, upper: 1 });
    expect(values.filter((r) => r.group === 'a')).toHaveLength(a.times.length + 1);
  });

  it('takes a bare StepFunction (no band, no censor marks)', async () => {
    const { marks } = await render(kaplanMeierSpec(new StepFunction([1, 2, 3], [0.8, 0.5, 0.1])));
    expect(marks.line?.groups).toBe(1);
    expect(marks.area).toBeUndefined();
    expect(marks.symbol).toBeUndefined();
  });

  it('can leave out the band and the censor marks', async () => {
    const { marks } = await render(kaplanMeierSpec([{ label: 'all', curve: kaplanMeier(time, event) }], { band: false, censorMarks: false }));
    expect(marks).toEqual({ line: { groups: 1, items: 1 } });
  });

  it('rejects an empty list, a non-curve and duplicate labels', () => {
    expect(() => kaplanMeierSpec([])).toThrow(messages.empty('kaplanMeierSpec', 'curves'));
    expect(() => kaplanMeierSpec([{ label: 'a', curve: [1, 2] as unknown as StepFunction }])).toThrow(/kaplanMeierSpec: .*'curves\[0\]\.curve'/);
    const km = kaplanMeier(time, event);
    expect(() =>
      kaplanMeierSpec([
        { label: 'a', curve: km },
        { label: 'a', curve: km },
      ]),
    ).toThrow(messages.duplicateLabel('kaplanMeierSpec', 'curves[1].label', 'a'));
  });
});

describe('survivalCurvesSpec', () => {
  const curves = SurvivalCurves.fromRows(
    [1, 2, 4],
    [
      [0.9, 0.6, 0.3],
      [0.95, 0.9, 0.8],
      [0.7, 0.4, 0.1],
      [0.99, 0.5, 0.2],
    ],
  );

  it('draws one line per chosen subject, starting at 1 at time 0', async () => {
    const spec = survivalCurvesSpec(curves, { subjects: [0, 2, 3], labels: ['low', 'high', 'mid'] });
    const { marks } = await render(spec);
    expect(marks.line?.groups).toBe(3);
    const rows = (spec as { data: { values: { subject: string; time: number; survival: number }[] } }).data.values;
    expect(rows).toHaveLength(3 * 4);
    expect(rows[0]).toEqual({ subject: 'low', time: 0, survival: 1 });
    expect(rows.find((r) => r.subject === 'high' && r.time === 4)?.survival).toBe(0.1);
  });

  it('defaults to the first 10 subjects', async () => {
    const { marks } = await render(survivalCurvesSpec(curves, { interpolation: 'linear' }));
    expect(marks.line?.groups).toBe(4);
  });

  it('rejects a subject out of range and mismatched labels', () => {
    expect(() => survivalCurvesSpec(curves, { subjects: [4] })).toThrow(messages.subjectIndex('survivalCurvesSpec', 'subjects[0]', 4, 4));
    expect(() => survivalCurvesSpec(curves, { subjects: [0, 1], labels: ['x'] })).toThrow(
      messages.lengthMismatch('survivalCurvesSpec', 'labels', 1, 'subjects', 2),
    );
  });
});

describe('calibrationSpec', () => {
  it('draws a point and an interval per group and the diagonal', async () => {
    const n = 40;
    const times = [1, 2, 3, 4, 5];
    const rows = Array.from({ length: n }, (_, i) => times.map((t) => Math.exp(-t * (0.05 + (i % 8) * 0.03))));
    const curves = SurvivalCurves.fromRows(times, rows);
    const labels = {
      time: Array.from({ length: n }, (_, i) => 1 + ((i * 7) % 5) + (i % 3) * 0.5),
      event: Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 0 : 1)),
    };
    const result = calibrationAt(curves, labels, 3, { groups: 4 });
    const { svg, marks } = await render(calibrationSpec(result, { title: 'Calibration at t = 3' }));
    expect(marks.symbol?.items).toBe(4);
    expect(marks.rule?.items).toBe(4);
    expect(marks.line?.groups).toBe(1); // the diagonal
    expect(svg).toContain('grouped ICI');
  });

  it('rejects a result without groups', () => {
    expect(() => calibrationSpec({ t: 1, confidence: 0.95, groups: [], meanAbsDiff: 0, maxAbsDiff: 0 })).toThrow(
      messages.empty('calibrationSpec', 'result.groups'),
    );
  });
});

describe('reliabilitySpec', () => {
  it('draws a bar and a mean-confidence point per non-empty bin', async () => {
    const probs = [
      [0.9, 0.1],
      [0.8, 0.2],
      [0.3, 0.7],
      [0.45, 0.55],
      [0.95, 0.05],
      [0.6, 0.4],
    ];
    const labels = [0, 1, 1, 0, 0, 0];
    const bins = reliabilityDiagram(probs, labels, { bins: 10 });
    const nonEmpty = bins.filter((b) => b.count > 0).length;
    const { marks } = await render(reliabilitySpec(bins, { subtitle: 'ECE 0.1' }));
    expect(marks.rect?.items).toBe(nonEmpty);
    expect(marks.symbol?.items).toBe(nonEmpty);
    expect(marks.line?.groups).toBe(1);
  });

  it('rejects bins without cases', () => {
    expect(() => reliabilitySpec([{ lower: 0, upper: 1, count: 0, confidence: null, accuracy: null }])).toThrow(
      messages.empty('reliabilitySpec', 'bins (every bin has count 0)'),
    );
  });
});

describe('riskCoverageSpec', () => {
  it('draws one line per method with its points (thinned when long)', async () => {
    const n = 1000;
    const u = Array.from({ length: n }, (_, i) => (i * 37) % 1000);
    const correct = u.map((v) => (v < 900 ? 1 : 0));
    const a = riskCoverageCurve(u, { correct });
    const b = riskCoverageCurve(
      u.map((v) => -v),
      { correct },
    );
    const spec = riskCoverageSpec(
      [
        { label: 'good', curve: a },
        { label: 'reversed', curve: b },
      ],
      { maxPoints: 50 },
    );
    const { marks } = await render(spec);
    expect(marks.line?.groups).toBe(2);
    const rows = (spec as { data: { values: { method: string; coverage: number; risk: number }[] } }).data.values;
    expect(rows).toHaveLength(100);
    expect(rows.at(-1)).toEqual({ method: 'reversed', coverage: 1, risk: 0.1 });
    expect(rows.find((r) => r.method === 'good')?.risk).toBe(0);
  });

  it('rejects a malformed curve', () => {
    expect(() =>
      riskCoverageSpec([{ label: 'x', curve: { coverage: new Float64Array(2), risk: new Float64Array(3), thresholds: new Float64Array(2) } }]),
    ).toThrow(/riskCoverageSpec: .*'curves\[0\]\.curve'/);
  });
});

describe('rotatedDigitSpec', () => {
  const angles = [0, 30, 60, 90];
  const probsAt = (a: number): number[] => {
    const p = new Array<number>(10).fill(0.01);
    p[1] = a < 45 ? 0.91 : 0.05;
    p[7] = a < 45 ? 0.03 : 0.89;
    return p;
  };

  it('draws a line with a point per shown class and angle, and the uncertainty line, one panel per method', async () => {
    const edl = { label: 'evidential', points: angles.map((a) => ({ angle: a, probs: probsAt(a), uncertainty: a / 100 })) };
    const sm = { label: 'softmax', points: angles.map((a) => ({ angle: a, probs: probsAt(a) })) };
    const { marks } = await render(rotatedDigitSpec([edl, sm], { title: 'Rotated 1' }));
    // Classes 1 and 7 pass the 0.2 threshold; u only in the evidential panel.
    expect(marks.line?.groups).toBe(2 + 1 + 2);
    expect(marks.symbol?.items).toBe(angles.length * 5);
  });

  it('adds the strip of rotated images', async () => {
    const img = (k: number): Float32Array => Float32Array.from({ length: 16 }, (_, i) => (i === k ? 1 : 0));
    const spec = rotatedDigitSpec([{ label: 'softmax', points: angles.map((a) => ({ angle: a, probs: probsAt(a) })) }], {
      images: { height: 4, width: 4, pixels: angles.map((_, i) => img(i)) },
      classNames: ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'],
    });
    const { svg, marks } = await render(spec);
    expect(marks.image?.items).toBe(angles.length); // one embedded PNG per angle
    expect(svg).toContain('data:image/png;base64,');
    expect(svg).toContain('seven');
  });

  it('rejects ragged probabilities and images that do not match the angles', () => {
    expect(() =>
      rotatedDigitSpec([
        {
          label: 'a',
          points: [
            { angle: 0, probs: [0.5, 0.5] },
            { angle: 10, probs: [1] },
          ],
        },
      ]),
    ).toThrow(messages.lengthMismatch('rotatedDigitSpec', 'series[0].points[1].probs', 1, 'series[0].points[0].probs', 2));
    expect(() =>
      rotatedDigitSpec([{ label: 'a', points: [{ angle: 0, probs: [0.5, 0.5] }] }], { images: { height: 1, width: 1, pixels: [[1], [1]] } }),
    ).toThrow(messages.lengthMismatch('rotatedDigitSpec', 'images.pixels', 2, 'series[0].points', 1));
    expect(() => rotatedDigitSpec([])).toThrow(messages.empty('rotatedDigitSpec', 'series'));
  });
});

describe('renderPng', () => {
  it('renders PNG bytes when @resvg/resvg-js is installed, else names the missing package', async () => {
    const spec = kaplanMeierSpec(kaplanMeier(time, event));
    if (await pngAvailable()) {
      const png = await renderPng(spec, { scale: 1 });
      expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
      expect(png.length).toBeGreaterThan(2000);
    } else {
      await expect(renderPng(spec)).rejects.toThrow(/optional package "@resvg\/resvg-js" is not installed/);
    }
    await expect(renderPng(spec, { scale: 0 })).rejects.toThrow(/renderPng: .*'scale'/);
  });
});

describe('plotting never loads TensorFlow.js', () => {
  it('has no tfjs import in src/plotting', () => {
    for (const f of ['common', 'survival-plots', 'calibration-plots', 'selective-plots', 'rotation-plot', 'render', 'index']) {
      const src = readFileSync(fileURLToPath(new URL(`../../src/plotting/${f}.ts`, import.meta.url)), 'utf8');
      expect(src).not.toMatch(/@tensorflow/);
      expect(src).not.toMatch(/from '\.\.\/(models|heads|losses|backbones|backend|ops|io)\//);
    }
  });
});

describe('riskCoverageSpec coverageDomain', () => {
  it('zooms in on the last cases kept and rejects an empty range', async () => {
    const curve = riskCoverageCurve([0.1, 0.2, 0.3, 0.4, 0.5], { correct: [1, 1, 1, 0, 0] });
    const spec = riskCoverageSpec([{ label: 'm', curve }], { coverageDomain: [0.5, 1] });
    const { marks } = await render(spec);
    expect(marks.line?.groups).toBe(1);
    expect(JSON.stringify(spec)).toContain('datum.coverage >= 0.5');
    expect(() => riskCoverageSpec([{ label: 'm', curve }], { coverageDomain: [0.5, 0.5] })).toThrow(/riskCoverageSpec: .*'coverageDomain\[1\]'/);
  });
});

describe('plotting: errors from the catalogue', () => {
  const km = kaplanMeier([1, 2, 3], [1, 0, 1]);

  it('names the bad curve, label, result or spec', async () => {
    expect(() => kaplanMeierSpec([{ label: 'a', curve: [1, 2] as unknown as StepFunction }])).toThrow(
      messages.notInstance('kaplanMeierSpec', 'curves[0].curve', 'StepFunction (e.g. from kaplanMeier)', [1, 2]),
    );
    expect(() => kaplanMeierSpec([{ label: '', curve: km }])).toThrow(messages.seriesLabel('kaplanMeierSpec', 'curves[0].label', ''));
    expect(() => survivalCurvesSpec({} as SurvivalCurves)).toThrow(
      messages.notInstance('survivalCurvesSpec', 'curves', 'SurvivalCurves object (e.g. from predictSurvival)', {}),
    );
    expect(() => calibrationSpec(null as never)).toThrow(messages.resultOf('calibrationSpec', 'result', 'calibrationAt', null));
    const bad = { coverage: new Float64Array(2), risk: new Float64Array(3), thresholds: new Float64Array(2) };
    expect(() => riskCoverageSpec([{ label: 'x', curve: bad }])).toThrow(
      messages.resultOf('riskCoverageSpec', 'curves[0].curve', 'riskCoverageCurve', bad, 'coverage and risk of equal, non-zero length'),
    );
    await expect(renderSvg(3 as never)).rejects.toThrow(messages.vegaLiteSpec('renderSvg', 'spec', 3));
  });
});
