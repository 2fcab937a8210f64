/**
 * Tables, acceptance checks and figures of the evidential MNIST benchmark:
 * Markdown tables (printed and written to the results file) and Vega-Lite
 * figures rendered to SVG (and PNG when @resvg/resvg-js is installed).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClassPrediction } from '../src/index.js';
import { pngAvailable, reliabilitySpec, renderPng, renderSvg, riskCoverageSpec, rotatedDigitSpec, type PlotSpec } from '../src/plotting/index.js';
import { ANGLES, type HeldOutRow, type OodRow, type RotationAggregate, type RotationResult } from './mnist-experiments.js';

/** A Markdown table. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map(String));
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...cells.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

const pct = (v: number, d = 2): string => `${(100 * v).toFixed(d)} %`;
const f = (v: number, d = 4): string => (Number.isFinite(v) ? v.toFixed(d) : String(v));
const s = (ms: number): string => `${(ms / 1000).toFixed(0)} s`;

/** Held-out accuracy, calibration and selective prediction of every method. */
export function heldOutTable(rows: HeldOutRow[]): string {
  return table(
    [
      'method',
      'uncertainty score',
      'accuracy',
      'error',
      'error at 90 % coverage',
      'AURC',
      'E-AURC',
      'ECE (15 bins)',
      'Brier',
      'NLL',
      'training',
      'predict (2000)',
    ],
    rows.map((r) => [
      r.name,
      r.score,
      pct(r.accuracy),
      pct(r.error),
      pct(r.error90),
      f(r.aurc, 5),
      f(r.eaurc, 5),
      f(r.ece),
      f(r.brier),
      f(r.nll),
      s(r.trainMs),
      `${(r.predictMs / 1000).toFixed(1)} s`,
    ]),
  );
}

/** OOD table. */
export function oodTable(rows: OodRow[]): string {
  return table(
    ['method', 'mean uncertainty: test digits', 'noise', 'inverted digits', 'OOD AUROC noise', 'OOD AUROC inverted'],
    rows.map((r) => [r.name, f(r.meanIn), f(r.meanNoise), f(r.meanInverted), f(r.aurocNoise), f(r.aurocInverted)]),
  );
}

const top = (p: ClassPrediction, j: number): string => `${p.predictedClass[j]} (${(p.confidence[j] as number).toFixed(3)})`;

/** Per-angle table of the rotated digit: evidential vs softmax, and the other methods' scores. */
export function rotationTable(r: RotationResult, keys: { edl: string; softmax: string; others: { key: string; name: string }[] }): string {
  const e = r.preds.get(keys.edl) as ClassPrediction;
  const sm = r.preds.get(keys.softmax) as ClassPrediction;
  const others = keys.others.map((o) => ({ ...o, p: r.preds.get(o.key) as ClassPrediction }));
  return table(
    ['angle', 'evidential: class (p)', 'u', 'softmax: class (p)', ...others.map((o) => `${o.name}: class (p) / uncertainty`)],
    ANGLES.map((a, j) => [
      `${a}°`,
      top(e, j),
      f(e.uncertainty[j] as number, 3),
      top(sm, j),
      ...others.map((o) => `${top(o.p, j)} / ${f(o.p.uncertainty[j] as number, 3)}`),
    ]),
  );
}

/** The acceptance numbers of the single rotated digit. */
export interface RotationChecks {
  u0: number;
  /** Angles in 60°–130° where softmax predicts a wrong class with max p ≥ 0.9. */
  confWrongAngles: number[];
  /** min u over those angles (NaN when there are none). */
  minUConfWrong: number;
  /** min u over all angles in 60°–130° where softmax is wrong (any confidence). */
  minUWrong: number;
  /** min and max u over every angle in 60°–130°. */
  minURange: number;
  maxURange: number;
  /** Evidential u at every angle. */
  u: number[];
}

export function rotationChecks(r: RotationResult, edlKey: string, softmaxKey: string): RotationChecks {
  const e = r.preds.get(edlKey) as ClassPrediction;
  const sm = r.preds.get(softmaxKey) as ClassPrediction;
  const u = ANGLES.map((_, j) => e.uncertainty[j] as number);
  const inRange = ANGLES.map((a, j) => ({ a, j })).filter(({ a }) => a >= 60 && a <= 130);
  const wrong = inRange.filter(({ j }) => sm.predictedClass[j] !== 1);
  const confWrong = wrong.filter(({ j }) => (sm.confidence[j] as number) >= 0.9);
  const minOf = (l: { j: number }[]): number => (l.length === 0 ? NaN : Math.min(...l.map(({ j }) => u[j] as number)));
  return {
    u0: u[0] as number,
    confWrongAngles: confWrong.map(({ a }) => a),
    minUConfWrong: minOf(confWrong),
    minUWrong: minOf(wrong),
    minURange: minOf(inRange),
    maxURange: Math.max(...inRange.map(({ j }) => u[j] as number)),
    u,
  };
}

/** Per-angle summary over every held-out "1". */
export function aggregateTable(a: RotationAggregate): string {
  return table(
    ['angle', 'mean u (evidential)', 'softmax wrong with p ≥ 0.9', 'mean u on those'],
    a.perAngle.map((p) => [
      `${p.angle}°`,
      f(p.meanU, 3),
      pct(p.softmaxConfWrong, 1),
      p.meanUWhenSoftmaxConfWrong === null ? '–' : f(p.meanUWhenSoftmaxConfWrong, 3),
    ]),
  );
}

/** Figures: the rotated digit, risk–coverage curves, reliability diagrams. Returns the file names written. */
export async function writeFigures(
  out: string,
  r: RotationResult,
  rows: HeldOutRow[],
  keys: { edl: string; softmax: string; edlName: string },
): Promise<string[]> {
  await mkdir(out, { recursive: true });
  const png = await pngAvailable();
  const written: string[] = [];
  const save = async (name: string, spec: PlotSpec): Promise<void> => {
    await writeFile(join(out, `${name}.svg`), await renderSvg(spec));
    written.push(`${name}.svg`);
    if (png) {
      await writeFile(join(out, `${name}.png`), await renderPng(spec, { scale: 2 }));
      written.push(`${name}.png`);
    }
  };
  const series = (key: string, label: string, withU: boolean) => {
    const p = r.preds.get(key) as ClassPrediction;
    return {
      label,
      points: ANGLES.map((angle, j) => ({ angle, probs: p.probs.subarray(10 * j, 10 * j + 10), ...(withU ? { uncertainty: p.uncertainty[j] } : {}) })),
    };
  };
  await save(
    'mnist-rotated-one',
    rotatedDigitSpec([series(keys.edl, keys.edlName, true), series(keys.softmax, 'softmax', false)], {
      title: `Rotated "1" (MNIST test image ${r.index}): class probabilities and evidential uncertainty u`,
      threshold: 0.2,
      images: { height: 28, width: 28, pixels: r.images },
    }),
  );
  await save(
    'mnist-risk-coverage',
    riskCoverageSpec(
      // The extra evidence functions (--also) stay in the table only: their dead-class ties would set the scale.
      rows.filter((row) => !row.key.startsWith('evidential-')).map((row) => ({ label: `${row.name} (AURC ${row.aurc.toFixed(4)})`, curve: row.curve })),
      { title: 'Risk–coverage on held-out MNIST digits (coverage 0.8–1)', width: 520, height: 320, coverageDomain: [0.8, 1] },
    ),
  );
  for (const row of rows.filter((x) => ['evidential', 'softmax', 'temperature'].includes(x.key))) {
    await save(
      `mnist-reliability-${row.key}`,
      reliabilitySpec(row.reliability, { title: row.name, subtitle: `ECE ${row.ece.toFixed(4)}, accuracy ${pct(row.accuracy)}` }),
    );
  }
  return written;
}
