/**
 * The evaluation page: reads a predictions CSV (and optional training
 * labels) chosen or dropped by the user, evaluates it with the code of
 * `survkit evaluate` and shows the report of `--report`, all inside the
 * browser tab. Reading, parsing and the metrics run in a worker (web/worker.ts,
 * bundled into this script and started from a blob: URL), so the tab stays
 * responsive and shows progress; the figures are drawn here. Nothing is sent
 * anywhere; the page's only requests are its own files.
 */
import type { EvaluateOptions } from '../src/report/evaluate-core.js';
import { buildReport, reportFragment } from '../src/report/report-html.js';
import type { WorkerMessage, WorkerRequest } from './worker.js';

/** The worker's bundled source, put in by web/build.ts. */
declare const SURVKIT_WORKER_SOURCE: string;

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

let workerUrl: string | undefined;

/** Runs one evaluation in a fresh worker; `progress` gets each stage's text. */
function inWorker(req: WorkerRequest, progress: (stage: string, text: string) => void): Promise<Extract<WorkerMessage, { kind: 'done' }>> {
  workerUrl ??= URL.createObjectURL(new Blob([SURVKIT_WORKER_SOURCE], { type: 'text/javascript' }));
  const worker = new Worker(workerUrl, { name: 'survkit-evaluate' });
  return new Promise((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<WorkerMessage>) => {
      const m = e.data;
      if (m.kind === 'progress') return progress(m.stage, m.text);
      worker.terminate();
      if (m.kind === 'done') resolve(m);
      else reject(new Error(m.message));
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(`unexpected error: ${e.message}`));
    };
    worker.postMessage(req);
  });
}

async function evaluate(): Promise<void> {
  const file = predictionsFile();
  if (file === undefined) return;
  const trainFile = trainInput.files?.[0] ?? dropped.train;
  button.disabled = true;
  delete status.dataset.totalMs;
  status.dataset.stages = '';
  const t0 = performance.now();
  let stageText = `reading ${file.name} …`;
  say(stageText);
  // the clock ticks while the worker computes: the page stays responsive
  const tick = setInterval(() => say(`${stageText} ${((performance.now() - t0) / 1000).toFixed(1)} s`), 250);
  try {
    const req: WorkerRequest = { file, options: options(), csv: csvOptions() };
    if (trainFile !== undefined) req.trainFile = trainFile;
    const done = await inWorker(req, (stage, text) => {
      status.dataset.stages = `${status.dataset.stages ?? ''}${stage} `;
      stageText = text;
      say(text);
    });
    stageText = 'drawing the figures …';
    say(stageText);
    await new Promise((r) => setTimeout(r, 0)); // let the status line paint
    const t3 = performance.now();
    const built = await buildReport(done.report);
    const t4 = performance.now();
    const svgs = Object.fromEntries(built.figures.map((f) => [f.id, f.svg]));
    $('report').innerHTML = reportFragment(built.plan, svgs);
    const link = $<HTMLAnchorElement>('download');
    if (link.href.startsWith('blob:')) URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(new Blob([built.html], { type: 'text/html' }));
    link.hidden = false;
    clearInterval(tick);
    status.dataset.evaluateMs = String(done.parseMs + done.evaluateMs);
    status.dataset.totalMs = String(t4 - t0);
    say(
      `${done.n} subjects evaluated in this browser (in a worker): file read ${Math.round(done.readMs)} ms, parsed ${Math.round(done.parseMs)} ms, ` +
        `metrics and figure data ${Math.round(done.evaluateMs)} ms, figures drawn ${ms(t3, t4)}.`,
    );
  } catch (err) {
    clearInterval(tick);
    say(err instanceof Error ? err.message : String(err), true);
  } finally {
    clearInterval(tick);
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
