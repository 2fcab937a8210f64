/**
 * What a report shows, section by section: tables as HTML and figures as
 * Vega-Lite specs, from the JSON of `survkit evaluate` or `survkit train`
 * (typed arrays or plain arrays). Pure (no Vega, no DOM, no Node).
 */
import { survkitError } from '../core/errors.js';
import { calibrationSpec, reliabilitySpec } from '../plotting/calibration-plots.js';
import type { PlotSpec } from '../plotting/common.js';
import { riskCoverageSpec } from '../plotting/selective-plots.js';
import type { ReportFigures, TertileFigure } from './report-figures.js';
import { dCalibrationSpec, lossCurvesSpec, scoreOverTimeSpec, stepCurvesSpec } from './report-specs.js';
import { conventionsHtml, esc, fmt, fmtTime, metricTable } from './report-text.js';

/** One figure of a report. */
export interface ReportFigureSpec {
  /** File-name-safe id (`km`, `brier`, `group-A-auc`, …). */
  id: string;
  title: string;
  caption: string;
  spec: PlotSpec;
}

/** A block of a section: HTML, or a figure (with HTML below it). */
export type ReportBlock = { html: string } | { figure: ReportFigureSpec; after?: string };

/** One section of a report. */
export interface ReportSection {
  id: string;
  heading: string;
  blocks: ReportBlock[];
}

/** What {@link reportPlan} returns. */
export interface ReportPlan {
  title: string;
  subtitle: string;
  sections: ReportSection[];
  /** Every figure, in page order. */
  figures: ReportFigureSpec[];
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const skipped = (x: unknown): string | undefined => (isObj(x) && typeof x.skipped === 'string' ? x.skipped : undefined);
const slug = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '_');
const note = (text: string): ReportBlock => ({ html: `<p class="note">${esc(text)}</p>` });

function fig(prefix: string, id: string, title: string, caption: string, spec: PlotSpec, after?: string): ReportBlock {
  return { figure: { id: `${prefix}${id}`, title, caption, spec }, ...(after === undefined ? {} : { after }) };
}

function summaryTable(meta: Obj, f: ReportFigures | Omit<ReportFigures, 'groups'> | undefined): string {
  const s = f?.summary;
  const n = Number(meta.n ?? s?.n);
  const ev = Number(meta.events ?? s?.events);
  const rows: [string, string][] = [
    ['subjects', String(n)],
    ['events', `${ev} (${fmt((100 * ev) / n, 1)}%)`],
    ['censored', `${n - ev} (${fmt((100 * (n - ev)) / n, 1)}%)`],
  ];
  if (s !== undefined) {
    rows.push(['observed time', `${fmtTime(s.minTime)} … ${fmtTime(s.maxTime)} (median ${fmtTime(s.medianTime)})`]);
    rows.push(['median follow-up (reverse Kaplan–Meier)', s.medianFollowUp === null ? 'not reached' : fmtTime(s.medianFollowUp)]);
  }
  if (typeof meta.format === 'string') rows.push(['predictions', meta.format === 'curves' ? 'survival curves' : 'one risk score per subject']);
  return `<table class="summary">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`;
}

function atRiskTable(t: TertileFigure): string {
  const head = `<tr><th>at risk (T ≥ t)</th>${t.atRisk.times.map((x) => `<th>t = ${esc(fmtTime(x))}</th>`).join('')}</tr>`;
  const rows = t.groups.map((g, j) => `<tr><td>${esc(g.label)}</td>${(t.atRisk.counts[j] ?? []).map((c) => `<td class="num">${c}</td>`).join('')}</tr>`);
  return `<table class="at-risk">${head}${rows.join('')}</table>`;
}

/** The figures and tables of one evaluated set (the whole file, a group, or the test rows of train). */
function evaluationBlocks(prefix: string, metrics: Obj, figures: Omit<ReportFigures, 'groups'> | undefined, whole: boolean): ReportBlock[] {
  const out: ReportBlock[] = [];
  if (figures !== undefined) {
    out.push(
      fig(
        prefix,
        'km',
        'Kaplan–Meier of the labels',
        'Kaplan–Meier estimate of the evaluated subjects with log-log 95% pointwise limits.',
        stepCurvesSpec([{ label: 'Kaplan–Meier', curve: figures.km }], { title: 'Kaplan–Meier of the labels', yTitle: 'Survival probability' }),
      ),
    );
    if (whole)
      out.push(
        fig(
          prefix,
          'censoring-km',
          'Censoring distribution',
          `Reverse Kaplan–Meier Ĝ(t) = P(C > t) of ${figures.censoringSource}: the censoring distribution behind the IPCW weights.`,
          stepCurvesSpec([{ label: 'Ĝ(t)', curve: figures.censoringKm }], { title: 'Censoring distribution Ĝ(t)', yTitle: 'P(not yet censored)' }),
        ),
      );
  }
  const brier = metrics.brierScore;
  if (isObj(brier) && skipped(brier) === undefined) {
    out.push(
      fig(
        prefix,
        'brier',
        'Brier score over time',
        'IPCW Brier score at each evaluation time; 0.25 (dashed) is the score of predicting ½ for everyone.',
        scoreOverTimeSpec(brier.times as ArrayLike<number>, brier.values as ArrayLike<number>, {
          title: 'Brier score over time',
          yTitle: 'Brier score',
          reference: { value: 0.25, label: '0.25' },
        }),
      ),
    );
  } else if (skipped(brier) !== undefined) out.push(note(`Brier score: ${skipped(brier) as string}`));
  const auc = metrics.cumulativeDynamicAuc;
  if (isObj(auc) && skipped(auc) === undefined) {
    out.push(
      fig(
        prefix,
        'auc',
        'Time-dependent AUC',
        `Cumulative/dynamic AUC(t); mean ${fmt(auc.meanAuc)}; 0.5 (dashed) is chance.`,
        scoreOverTimeSpec(auc.times as ArrayLike<number>, auc.auc as ArrayLike<number>, {
          title: 'Time-dependent AUC',
          yTitle: 'AUC(t)',
          reference: { value: 0.5, label: 'chance' },
        }),
      ),
    );
  } else if (skipped(auc) !== undefined) out.push(note(`Time-dependent AUC: ${skipped(auc) as string}`));
  if (figures !== undefined) {
    const cal = figures.calibration;
    if (Array.isArray(cal)) {
      for (const c of cal) {
        const why = skipped(c);
        if (why !== undefined) out.push(note(`Calibration at t = ${fmtTime(c.t)}: ${why}`));
        else if ('groups' in c)
          out.push(
            fig(
              prefix,
              `calibration-t-${slug(fmtTime(c.t))}`,
              `Calibration at t = ${fmtTime(c.t)}`,
              `Mean predicted survival against the Kaplan–Meier estimate at t = ${fmtTime(c.t)}, per group of predicted risk (${c.groups.length} groups), with 95% limits; the dashed diagonal is perfect calibration.`,
              calibrationSpec(c, { title: `Calibration at t = ${fmtTime(c.t)}` }),
            ),
          );
      }
    } else out.push(note(`Calibration: ${cal.skipped}`));
  }
  const dcal = metrics.dCalibration;
  if (isObj(dcal) && skipped(dcal) === undefined) {
    out.push(
      fig(
        prefix,
        'd-calibration',
        'D-calibration histogram',
        `Subjects per bin of Ŝ_i(T_i); the dashed line is the count of a calibrated model. χ² = ${fmt(dcal.statistic, 2)}, p = ${fmt(dcal.pValue)}.`,
        dCalibrationSpec(
          dcal.counts as ArrayLike<number>,
          dcal.binEdges as ArrayLike<number>,
          Number(dcal.expectedPerBin),
          `χ² = ${fmt(dcal.statistic, 2)}, df = ${String(dcal.df)}, p = ${fmt(dcal.pValue)}`,
        ),
      ),
    );
  } else if (skipped(dcal) !== undefined) out.push(note(`D-calibration: ${skipped(dcal) as string}`));
  if (figures !== undefined) {
    const t = figures.tertiles;
    if ('groups' in t) {
      out.push(
        fig(
          prefix,
          'risk-tertiles',
          'Kaplan–Meier by predicted-risk tertile',
          'Kaplan–Meier curves of the thirds of subjects with the lowest, middle and highest predicted risk; numbers at risk below.',
          stepCurvesSpec(
            t.groups.map((g) => ({ label: `${g.label}: n = ${g.n}, ${g.events} events`, curve: g.curve })),
            { title: 'Kaplan–Meier by predicted-risk tertile', yTitle: 'Survival probability' },
          ),
          atRiskTable(t),
        ),
      );
    } else out.push(note(`Risk tertiles: ${t.skipped}`));
  }
  return out;
}

function trainBlocks(src: Obj): ReportBlock[] {
  const meta = src.meta as Obj;
  const settings = isObj(meta.settings) ? meta.settings : {};
  const rows = isObj(meta.rows) ? meta.rows : {};
  const events = isObj(meta.events) ? meta.events : {};
  const table: [string, string][] = [
    ['model', String(meta.model)],
    ['data', `${String(meta.file)}; split ${String(meta.split)}`],
    [
      'rows',
      `${String(rows.train)} training (${String(events.train)} events), ${String(rows.validation)} validation (${String(events.validation)}), ${String(rows.test)} test (${String(events.test)})`,
    ],
    ['covariates', Array.isArray(meta.covariateColumns) ? meta.covariateColumns.join(', ') : '—'],
    ['epochs', `${String(src.epochs)} run, best epoch ${String(src.bestEpoch)} kept`],
    ['seed', String(meta.seed)],
    [
      'settings',
      Object.entries(settings)
        .map(([k, v]) => `${k} ${JSON.stringify(v) ?? 'undefined'}`)
        .join('; '),
    ],
  ];
  const out: ReportBlock[] = [{ html: `<table class="summary">${table.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>` }];
  const h = src.history;
  if (isObj(h))
    out.push(
      fig(
        '',
        'loss',
        'Loss curves',
        'Training and validation loss per epoch; the dashed line marks the epoch whose weights were kept (lowest validation loss).',
        lossCurvesSpec(h.loss as number[], (h.valLoss as number[] | undefined) ?? [], typeof src.bestEpoch === 'number' ? src.bestEpoch : undefined),
      ),
    );
  return out;
}

function uncertaintyBlocks(u: Obj): ReportBlock[] {
  const out: ReportBlock[] = [];
  if (Array.isArray(u.reliability))
    out.push(
      fig(
        '',
        'reliability',
        'Reliability diagram',
        'Accuracy against confidence per bin; the dashed diagonal is perfect calibration.',
        reliabilitySpec(u.reliability as never, typeof u.ece === 'number' ? { subtitle: `ECE ${fmt(u.ece)}` } : {}),
      ),
    );
  const rc = u.riskCoverage;
  if (isObj(rc))
    out.push(
      fig(
        '',
        'risk-coverage',
        'Risk–coverage curve',
        `Error rate of the kept cases against the fraction kept, least uncertain first${typeof u.aurc === 'number' ? `; AURC ${fmt(u.aurc)}` : ''}.`,
        riskCoverageSpec([
          { label: 'model', curve: { coverage: Float64Array.from(rc.coverage as number[]), risk: Float64Array.from(rc.risk as number[]) } as never },
        ]),
      ),
    );
  return out;
}

/**
 * The plan of a report on the output of `survkit evaluate` or `survkit
 * train` (as returned, or parsed from `--format json`).
 *
 * @throws {SurvkitError} (`reportInput`) when `source` has no `meta` of either command
 */
export function reportPlan(source: unknown, opts: { title?: string } = {}): ReportPlan {
  const fn = 'reportPlan';
  if (!isObj(source) || !isObj(source.meta)) throw survkitError('reportInput', fn, 'source', 'it has no "meta" object');
  const isTrain = source.meta.command === 'train';
  const meta = isTrain ? source.meta.evaluation : source.meta;
  if (!isObj(meta) || typeof meta.n !== 'number') throw survkitError('reportInput', fn, 'source', isTrain ? 'meta.evaluation is missing' : 'meta.n is missing');
  const figures = isObj(source.figures) ? (source.figures as unknown as ReportFigures) : undefined;
  const bs = isObj(meta.bootstrap) ? meta.bootstrap : null;
  const sections: ReportSection[] = [];
  if (isTrain) sections.push({ id: 'training', heading: 'Training', blocks: trainBlocks(source) });
  const what = isTrain ? 'Test rows' : 'Data';
  sections.push({ id: 'data', heading: what, blocks: [{ html: summaryTable(meta, figures) }] });
  const notes =
    figures === undefined ? [note('This output carries no figure data (it predates them): Kaplan–Meier, calibration and tertile figures are left out.')] : [];
  sections.push({ id: 'metrics', heading: 'Metrics', blocks: [{ html: metricTable(source, bs !== null, Number(bs?.level ?? 0.95)) }, ...notes] });
  sections.push({ id: 'figures', heading: 'Figures', blocks: evaluationBlocks('', source, figures, true) });
  if (isObj(source.uncertainty)) sections.push({ id: 'uncertainty', heading: 'Uncertainty', blocks: uncertaintyBlocks(source.uncertainty) });
  for (const [name, g] of Object.entries(isObj(source.groups) ? source.groups : {})) {
    if (!isObj(g)) continue;
    const gm = isObj(g.meta) ? g.meta : {};
    const gf = figures?.groups?.[name];
    sections.push({
      id: `group-${slug(name)}`,
      heading: `Group ${name}`,
      blocks: [
        { html: summaryTable(gm, gf) },
        { html: metricTable(g, bs !== null, Number(bs?.level ?? 0.95)) },
        ...evaluationBlocks(`group-${slug(name)}-`, g, gf, false),
      ],
    });
  }
  sections.push({ id: 'conventions', heading: 'Conventions', blocks: [{ html: conventionsHtml(meta) }] });
  const all = sections.flatMap((s) => s.blocks.flatMap((b) => ('figure' in b ? [b.figure] : [])));
  const file = typeof meta.file === 'string' ? meta.file : isTrain ? String(source.meta.file) : 'predictions';
  return {
    title: opts.title ?? (isTrain ? `survkit train: ${String(source.meta.model)} on ${String(source.meta.file)}` : `survkit evaluate: ${file}`),
    subtitle: `${String(meta.n)} subjects, ${String(meta.events)} events`,
    sections,
    figures: all,
  };
}
