/**
 * Vega-Lite specs of a report's figures, built from plain JSON (the output of
 * `survkit evaluate` / `survkit train`, typed arrays or number arrays): step
 * curves with bands, scores over time, the D-calibration histogram, loss
 * curves. Pure functions (no Vega, no Node).
 */
import { topLevel, type PlotSpec } from '../plotting/common.js';

type Num = ArrayLike<number>;
const arr = (x: Num | undefined): number[] => (x === undefined ? [] : Array.from(x));

/** One series of {@link stepCurvesSpec}. */
export interface StepSeries {
  label: string;
  curve: { times: Num; values: Num; lower?: Num; upper?: Num };
}

const W = 420;
const H = 260;

/**
 * Right-continuous step curves starting at 1 at time 0, with their pointwise
 * band where given.
 */
export function stepCurvesSpec(series: readonly StepSeries[], o: { title: string; yTitle: string; xTitle?: string }): PlotSpec {
  const rows = series.flatMap(({ label, curve }) => {
    const t = arr(curve.times);
    const v = arr(curve.values);
    const lo = curve.lower === undefined ? undefined : arr(curve.lower);
    const hi = curve.upper === undefined ? undefined : arr(curve.upper);
    const out: Record<string, unknown>[] = t.length === 0 || (t[0] as number) > 0 ? [{ group: label, time: 0, value: 1, lower: lo && 1, upper: hi && 1 }] : [];
    t.forEach((time, k) => out.push({ group: label, time, value: v[k], lower: lo?.[k], upper: hi?.[k] }));
    return out;
  });
  const x = { field: 'time', type: 'quantitative', title: o.xTitle ?? 'Time' };
  const y = { field: 'value', type: 'quantitative', title: o.yTitle, scale: { domain: [0, 1] } };
  const color = {
    field: 'group',
    type: 'nominal',
    title: null,
    sort: series.map((s) => s.label),
    legend: series.length > 1 ? { orient: 'bottom', columns: 1 } : null,
  };
  const layer: object[] = [];
  if (series.some((s) => s.curve.lower !== undefined)) {
    layer.push({
      transform: [{ filter: 'isValid(datum.lower) && isValid(datum.upper)' }],
      mark: { type: 'area', interpolate: 'step-after', opacity: 0.18 },
      encoding: { x, y: { field: 'lower', type: 'quantitative', scale: { domain: [0, 1] } }, y2: { field: 'upper' }, color },
    });
  }
  layer.push({ mark: { type: 'line', interpolate: 'step-after' }, encoding: { x, y, color } });
  return { ...topLevel({ title: o.title }), width: W, height: H, data: { values: rows }, layer } as PlotSpec;
}

/** A score against time (Brier score, AUC), with an optional horizontal reference line. */
export function scoreOverTimeSpec(times: Num, values: Num, o: { title: string; yTitle: string; reference?: { value: number; label: string } }): PlotSpec {
  const t = arr(times);
  const v = arr(values);
  const rows = t.flatMap((time, k) => (Number.isFinite(v[k]) ? [{ time, value: v[k] }] : []));
  const layer: object[] = [
    {
      mark: { type: 'line', point: rows.length <= 30 },
      encoding: { x: { field: 'time', type: 'quantitative', title: 'Time' }, y: { field: 'value', type: 'quantitative', title: o.yTitle } },
    },
  ];
  if (o.reference !== undefined) {
    layer.push({
      data: { values: [{ value: o.reference.value, label: o.reference.label }] },
      mark: { type: 'rule', color: '#888', strokeDash: [4, 4] },
      encoding: { y: { field: 'value', type: 'quantitative' } },
    });
  }
  return { ...topLevel({ title: o.title }), width: W, height: H, data: { values: rows }, layer } as PlotSpec;
}

/** The D-calibration histogram: subjects per survival-probability bin, with the expected count of a calibrated model. */
export function dCalibrationSpec(counts: Num, edges: Num, expectedPerBin: number, subtitle: string): PlotSpec {
  const c = arr(counts);
  const e = arr(edges);
  const rows = c.map((count, b) => ({ lower: e[b], upper: e[b + 1], count }));
  const x = { field: 'lower', type: 'quantitative', title: 'Predicted survival probability at the observed time, Ŝ_i(T_i)', scale: { domain: [0, 1] } };
  return {
    ...topLevel({}),
    title: { text: 'D-calibration', subtitle },
    width: W,
    height: H,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'rect', color: '#4c78a8', opacity: 0.8, stroke: 'white' },
        encoding: {
          x,
          x2: { field: 'upper' },
          y: { field: 'count', type: 'quantitative', title: 'Subjects (censored ones spread over bins)' },
          y2: { datum: 0 },
        },
      },
      {
        data: { values: [{ expected: expectedPerBin }] },
        mark: { type: 'rule', color: '#e45756', strokeDash: [4, 4] },
        encoding: { y: { field: 'expected', type: 'quantitative' } },
      },
    ],
  } as PlotSpec;
}

/** Training and validation loss per epoch, the kept (best) epoch marked by a vertical rule. */
export function lossCurvesSpec(loss: Num, valLoss: Num, bestEpoch: number | undefined): PlotSpec {
  const rows = [
    ...arr(loss).map((value, k) => ({ epoch: k + 1, value, series: 'training' })),
    ...arr(valLoss).map((value, k) => ({ epoch: k + 1, value, series: 'validation' })),
  ].filter((r) => Number.isFinite(r.value));
  const layer: object[] = [
    {
      mark: { type: 'line', point: rows.length <= 60 },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', title: 'Epoch' },
        y: { field: 'value', type: 'quantitative', title: 'Loss', scale: { zero: false } },
        color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom' } },
      },
    },
  ];
  if (bestEpoch !== undefined) {
    layer.push({
      data: { values: [{ epoch: bestEpoch, label: `best epoch ${bestEpoch}` }] },
      layer: [
        { mark: { type: 'rule', color: '#555', strokeDash: [4, 4] }, encoding: { x: { field: 'epoch', type: 'quantitative' } } },
        {
          mark: { type: 'text', align: 'left', dx: 4, dy: -4, baseline: 'bottom' },
          encoding: { x: { field: 'epoch', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
        },
      ],
    });
  }
  return { ...topLevel({ title: 'Loss per epoch' }), width: W, height: H, data: { values: rows }, layer } as PlotSpec;
}
