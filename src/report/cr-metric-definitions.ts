/**
 * The cause-k metrics `survkit evaluate` computes on a cif-format file (competing risks), one set per cause,
 * each as one procedure of the evaluated subjects so that it runs on the whole file, on each group and on each
 * bootstrap resample.
 */
import type { SurvivalLabels } from '../data/labels.js';
import type { CifCurves } from '../estimators/cif-curves.js';
import { brierScoreCr, cumulativeDynamicAucCr, integratedBrierScoreCr } from '../metrics/cif-scores.js';
import { concordanceIndexCr } from '../metrics/concordance-cr.js';
import { evaluationTimes, type EvalData, type EvalSettings } from './metric-definitions.js';

/** Labels with codes 0..K and the predicted CIF of each cause. */
export interface CompetingData {
  labels: SurvivalLabels;
  /** `cif[k − 1]`: cause k. */
  cif: CifCurves[];
}

/** The cause-k metric keys of the report, in report order. */
export const CR_METRIC_NAMES = ['concordanceIndexCr', 'cumulativeDynamicAucCr', 'brierScoreCr', 'integratedBrierScoreCr'] as const;
export type CrMetricName = (typeof CR_METRIC_NAMES)[number];

/** One cause-k metric. */
export interface CrMetricDef {
  compute(d: EvalData, s: EvalSettings, cause: number): Record<string, unknown>;
  /** The number a bootstrap CI is given for; absent = none. */
  scalar?: (result: Record<string, unknown>) => number;
}

/** Splits times into those kept and those dropped. */
function split(times: Float64Array, keep: (t: number) => boolean): { kept: Float64Array; dropped: number[] } {
  const kept: number[] = [];
  const dropped: number[] = [];
  for (const t of times) (keep(t) ? kept : dropped).push(t);
  return { kept: Float64Array.from(kept), dropped };
}

/** Where C_k and AUC_k are defined: from the first cause-k event to before the last observed time. */
function rankTimes(d: EvalData, s: EvalSettings, cause: number): { kept: Float64Array; dropped: number[] } {
  const y = (d.cr as CompetingData).labels;
  let first = Infinity;
  let last = -Infinity;
  y.time.forEach((t, i) => {
    if (y.event[i] === cause && t < first) first = t;
    if (t > last) last = t;
  });
  const r = split(evaluationTimes(d, s), (t) => t >= first && t < last);
  return r.kept.length > 0 ? r : { kept: evaluationTimes(d, s), dropped: [] }; // let the metric explain
}

/** Where the Brier score and its integral are defined here: t > 0. */
function brierTimes(d: EvalData, s: EvalSettings): { kept: Float64Array; dropped: number[] } {
  const r = split(evaluationTimes(d, s), (t) => t > 0);
  return r.kept.length > 0 ? r : { kept: evaluationTimes(d, s), dropped: [] };
}

const cr = (d: EvalData): CompetingData => d.cr as CompetingData;
const cifOf = (d: EvalData, cause: number): CifCurves => cr(d).cif[cause - 1] as CifCurves;
const last = (x: Float64Array): number => x[x.length - 1] as number;

/** Every cause-k metric of the report. */
export const CR_METRICS: Record<CrMetricName, CrMetricDef> = {
  concordanceIndexCr: {
    compute: (d, s, cause) => {
      const { kept, dropped } = rankTimes(d, s, cause);
      const r = concordanceIndexCr(cr(d).labels, cifOf(d, cause), { cause, times: kept });
      return { times: r.times, cIndex: r.cIndex, atLastTime: last(r.cIndex), droppedTimes: dropped };
    },
    scalar: (r) => r.atLastTime as number,
  },
  cumulativeDynamicAucCr: {
    compute: (d, s, cause) => {
      const { kept, dropped } = rankTimes(d, s, cause);
      const r = cumulativeDynamicAucCr(cr(d).labels, cifOf(d, cause), { cause, times: kept });
      return { times: r.times, auc: r.auc, atLastTime: last(r.auc), droppedTimes: dropped };
    },
    scalar: (r) => r.atLastTime as number,
  },
  brierScoreCr: {
    compute: (d, s, cause) => {
      const { kept, dropped } = brierTimes(d, s);
      const r = brierScoreCr(cr(d).labels, cifOf(d, cause), { cause, times: kept });
      return { times: r.times, values: r.values, droppedTimes: dropped };
    },
  },
  integratedBrierScoreCr: {
    compute: (d, s, cause) => {
      const { kept, dropped } = brierTimes(d, s);
      const r = integratedBrierScoreCr(cr(d).labels, cifOf(d, cause), { cause, times: kept });
      return { times: r.times, ibs: r.ibs, value: r.value, droppedTimes: dropped };
    },
    scalar: (r) => r.value as number,
  },
};
