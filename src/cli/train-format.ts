/** Output of `survkit train`: a readable summary plus the test metrics table, or one JSON object. */
import type { EvaluateReport } from '../report/evaluate.js';
import { fmt, formatJsonValue, formatTable } from './format.js';
import type { TrainReport } from '../tabular/train.js';
import type { ImageFeatureReport } from '../tabular/image-train.js';
import type { FineTuneReport } from '../tabular/image-finetune.js';

/** The train report as JSON (same layout as `survkit evaluate --format json`). */
export function formatTrainJson(report: TrainReport): string {
  return formatJsonValue(report);
}

function modelLine(r: TrainReport): string {
  const s = r.meta.settings;
  const extra: string[] = [];
  if (s.ties !== undefined) extra.push(`ties ${s.ties}`);
  const grid =
    r.meta.model === 'pchazard' && s.cuts !== undefined
      ? `${s.cuts} ${s.cutScheme ?? ''} intervals (${s.cuts + 1} cuts)`
      : `${s.cuts} ${s.cutScheme ?? ''} cuts`;
  if (s.cuts !== undefined) extra.push(`${grid}, curves interpolated ${s.interpolation ?? 1} steps per interval`);
  if (s.alpha !== undefined) extra.push(`alpha ${s.alpha}, sigma ${s.sigma ?? ''}`);
  if (s.nControls !== undefined) extra.push(`${s.nControls} control(s) per case, shrink ${s.shrink ?? 0}`);
  const net = `MLP ${s.hidden.join('-')} ${s.activation}${s.batchNorm ? ', batch norm' : ''}, dropout ${s.dropout}`;
  return `${r.meta.model}${extra.length > 0 ? ` (${extra.join('; ')})` : ''}; ${net}`;
}

function categories(r: TrainReport): string[] {
  const cats = r.meta.encoding.columns.flatMap((c) => (c.kind === 'category' ? [`${c.name} (reference ${c.reference}, ${c.levels.length} levels)`] : []));
  return cats.length > 0 ? [`  categories   one-hot: ${cats.join(', ')}`] : [];
}

function imputed(r: TrainReport): string {
  const cols = r.meta.encoding.columns.filter((c) => c.impute !== undefined && c.indicator === true);
  return cols.length > 0 ? `; imputed (training median / most frequent level, with an indicator) ${cols.map((c) => `${c.name} = ${c.impute}`).join(', ')}` : '';
}

/**
 * The train report as text: data, split and training summary, then the test
 * metrics exactly as `survkit evaluate` prints them.
 */
export function formatTrainTable(r: TrainReport): string {
  const m = r.meta;
  const s = m.settings;
  const es = s.earlyStopping;
  const lines = [
    `survkit train ${m.file}`,
    `  model        ${modelLine(r)}`,
    `  rows         ${m.rows.train} training (${m.events.train} events), ${m.rows.validation} validation (${m.events.validation} events), ${m.rows.test} test (${m.events.test} events)`,
    `  split        ${m.split}`,
    `  covariates   ${m.covariateColumns.length} columns used: ${m.covariateColumns.join(', ')}`,
    `  inputs       ${m.features.length}: standardised ${m.standardized.length > 0 ? m.standardized.join(', ') : 'none'}; left as is (binary) ${m.leftAsIs.length > 0 ? m.leftAsIs.join(', ') : 'none'}`,
    ...categories(r),
    `  not used     ${m.excludedColumns.length > 0 ? m.excludedColumns.map((e) => `${e.column} (${e.why})`).join(', ') : 'none'}`,
    ...(m.strata !== undefined || m.entryCol !== undefined
      ? [
          `  risk sets    ${m.strata !== undefined ? `stratified by ${m.strata.column} (${m.strata.levels.length} strata: ${m.strata.levels.join(', ')}; a Breslow baseline each)` : 'one stratum'}` +
            `${m.entryCol !== undefined ? `; left-truncated at ${m.entryCol} (at risk on (entry, duration])` : ''}`,
        ]
      : []),
    ...(m.allowedColumns.length > 0 ? [`  allowed      ${m.allowedColumns.map((a) => `${a.column}: ${a.reason}`).join('; ')} (kept with --allow-column)`] : []),
    ...(m.encoding.missing !== 'error' || m.droppedRows > 0
      ? [`  missing      --missing ${m.encoding.missing}: ${m.droppedRows} row(s) dropped${imputed(r)}`]
      : []),
    `  training     adam lr ${s.learningRate}, batch ${s.batchSize}, seed ${m.seed}; ${r.epochs} epochs (at most ${s.maxEpochs})` +
      (es ? `, early stopping patience ${es.patience}, best epoch ${r.bestEpoch} restored` : ', no validation rows: no early stopping'),
    `  speed        ${fmt(r.msPerEpoch, 1)} ms per epoch (median, with the validation pass) on ${r.backend}`,
    ...(m.savedTo !== null ? [`  saved to     ${m.savedTo}`] : []),
    '',
    `test rows: metrics as survkit evaluate computes them`,
  ];
  const evalText = formatTable({ ...(r as unknown as EvaluateReport), meta: m.evaluation });
  const body = evalText.split('\n').slice(1);
  const warnings = (m.evaluation.warnings ?? []).map((w) => `  ${w}`);
  return `${lines.join('\n')}\n${body.join('\n')}${warnings.length > 0 ? `\nwarnings:\n${warnings.join('\n')}\n` : ''}`;
}

/** The train report of `survkit train --images`: the imaging lines, then {@link formatTrainTable} with the feature columns summarised. */
export function formatImageTrainTable(r: TrainReport & { imaging: ImageFeatureReport }): string {
  const im = r.imaging;
  const d = im.featureDim;
  const names = Array.from({ length: d }, (_, k) => `feature_${k}`).join(', ');
  const summary = d === 1 ? 'feature_0 (1 image feature)' : `feature_0 … feature_${d - 1} (${d} image features)`;
  const text = formatTrainTable(r).split(names).join(summary);
  const lines = [
    `  backbone     ${im.backbone} (frozen; fingerprint ${im.fingerprint.slice(0, 23)}…), ${d} features per image (global average pool)`,
    `  features     ${im.images} images in ${fmt(im.extractSeconds, 2)} s; cache ${im.cacheDir}: ${im.reusedShards} shard(s) reused, ${im.computedShards} computed`,
    ...im.rebuilt.map((w) => `  cache        ${w}`),
  ];
  const [head, ...rest] = text.split('\n');
  return [head, ...lines, ...rest].join('\n');
}

/** The report of `survkit train --images … --fine-tune last-block`: a short summary, then the test metrics. */
export function formatFineTuneTable(r: FineTuneReport): string {
  const m = r.meta;
  const lines = [
    `survkit train ${m.file} (fine-tuning the last block)`,
    `  backbone     ${m.backbone}; trained with the head: ${m.trainableLayers.join(', ')}`,
    `  model        ${m.model}; covariates ${m.covariateColumns.length > 0 ? m.covariateColumns.join(', ') : 'none'}`,
    `  rows         ${m.rows.train} training, ${m.rows.validation} validation, ${m.rows.test} test`,
    `  training     ${r.epochs} epochs (best ${r.bestEpoch} restored), ${fmt(r.msPerEpoch, 1)} ms per epoch; ${fmt(r.seconds, 1)} s in all`,
    `  engine       ${m.trainEngine}${m.trainThreads === null ? '' : ` (${m.trainThreads} thread${m.trainThreads === 1 ? '' : 's'})`}`,
    ...(m.savedTo === null ? [] : [`  saved to     ${m.savedTo} (fine-tuned backbone and head)`]),
    '',
    'test rows: metrics as survkit evaluate computes them',
  ];
  const evalText = formatTable({ ...(r as unknown as EvaluateReport), meta: m.evaluation });
  return `${lines.join('\n')}\n${evalText.split('\n').slice(1).join('\n')}`;
}
