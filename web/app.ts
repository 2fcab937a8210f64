/**
 * The evaluation page: reads a predictions CSV (and optional training
 * labels) chosen or dropped by the user, evaluates it with the code of
 * `survkit evaluate` and shows the report of `--report`, all inside the
 * browser tab. Nothing is sent anywhere; the page's only requests are its
 * own files.
 */
import { SurvkitError } from '../src/core/errors.js';
import { parseCsv } from '../src/io/csv.js';
import { labelsFromCsv, normalizeColumns, predictionsFromTable } from '../src/io/predictions.js';
import { evaluatePredictions, type EvaluateOptions } from '../src/report/evaluate-core.js';
import { buildReport, reportFragment } from '../src/report/report-html.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const status = $('status');
const button = $<HTMLButtonElement>('evaluate');
const predInput = $<HTMLInputElement>('predictions');
const trainInput = $<HTMLInputElement>('train');
let dropped: { predictions?: File; train?: File } = {};

function say(text: string, error = false): void {
  status.textContent = text;
  status.className = error ? 'error' : '';
}

function predictionsFile(): File | undefined {
  return predInput.files?.[0] ?? dropped.predictions;
}

function refresh(): void {
  button.disabled = predictionsFile() === undefined;
}

function numberInput(id: string): number | undefined {
  const v = $<HTMLInputElement>(id).value.trim();
  return v === '' ? undefined : Number(v);
}

function options(): EvaluateOptions {
  const o: EvaluateOptions = { grid: numberInput('grid') ?? 100, convention: $<HTMLSelectElement>('convention').value as 'pycox' | 'sksurv' };
  const tau = numberInput('tau');
  if (tau !== undefined) o.tau = tau;
  const bs = numberInput('bootstrap') ?? 0;
  if (bs > 0) {
    o.bootstrap = bs;
    o.seed = numberInput('seed') ?? 0;
  }
  const cal = $<HTMLInputElement>('calibration-times').value.trim();
  o.figures = cal === '' ? true : { calibrationTimes: cal.split(',').map((t) => Number(t.trim())) };
  return o;
}

function csvOptions(): { delimiter?: string } {
  const d = $<HTMLSelectElement>('delimiter').value;
  return d === '' ? {} : { delimiter: d === 'tab' ? '\t' : d };
}

const ms = (a: number, b: number): string => `${Math.round(b - a)} ms`;

async function evaluate(): Promise<void> {
  const file = predictionsFile();
  if (file === undefined) return;
  const trainFile = trainInput.files?.[0] ?? dropped.train;
  button.disabled = true;
  say(`reading ${file.name} …`);
  await new Promise((r) => setTimeout(r, 0)); // let the status line paint
  try {
    const t0 = performance.now();
    const text = await file.text();
    const trainText = trainFile === undefined ? undefined : await trainFile.text();
    const t1 = performance.now();
    const { table } = normalizeColumns(parseCsv(text, file.name, csvOptions()), {});
    const pred = predictionsFromTable(table);
    const o = options();
    if (trainText !== undefined && trainFile !== undefined) {
      o.train = labelsFromCsv(normalizeColumns(parseCsv(trainText, trainFile.name, csvOptions()), { ignoreExtra: true }, true).table);
    }
    const t2 = performance.now();
    const report = evaluatePredictions(pred, o);
    if (trainFile !== undefined) report.meta.train.source = trainFile.name;
    const t3 = performance.now();
    const built = await buildReport(report);
    const t4 = performance.now();
    const svgs = Object.fromEntries(built.figures.map((f) => [f.id, f.svg]));
    $('report').innerHTML = reportFragment(built.plan, svgs);
    const link = $<HTMLAnchorElement>('download');
    if (link.href.startsWith('blob:')) URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(new Blob([built.html], { type: 'text/html' }));
    link.hidden = false;
    status.dataset.evaluateMs = String(t3 - t1);
    status.dataset.totalMs = String(t4 - t0);
    say(
      `${pred.labels.time.length} subjects evaluated in this browser: file read ${ms(t0, t1)}, parsed ${ms(t1, t2)}, ` +
        `metrics and figure data ${ms(t2, t3)}, figures drawn ${ms(t3, t4)}.`,
    );
  } catch (err) {
    say(err instanceof SurvkitError ? err.message : `unexpected error: ${String(err)}`, true);
  } finally {
    refresh();
  }
}

predInput.addEventListener('change', () => {
  dropped = {};
  refresh();
});
button.addEventListener('click', () => void evaluate());
const drop = $('drop');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const files = [...(e.dataTransfer?.files ?? [])];
  // one file: the predictions; two: the one named like "train" or "labels" holds the training labels
  const isTrain = (f: File): boolean => /train|label/i.test(f.name);
  dropped = files.length === 1 ? { predictions: files[0] } : { predictions: files.find((f) => !isTrain(f)) ?? files[0], train: files.find(isTrain) };
  predInput.value = '';
  say(`dropped ${files.map((f) => f.name).join(', ')}`);
  refresh();
  void evaluate();
});
refresh();
