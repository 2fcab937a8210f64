/**
 * The evaluation page's worker: reads and parses the files and computes the
 * metrics and figure data off the page's main thread, so that the tab stays
 * responsive on large files, and posts progress messages and then the report
 * (figures are drawn by the page). Bundled into the page's script and started
 * from a blob: URL, so that it also runs when the page is opened from a file.
 */
import { SurvkitError } from '../src/core/errors.js';
import { parseCsv } from '../src/io/csv.js';
import { labelsFromCsv, normalizeColumns, predictionsFromTable } from '../src/io/predictions.js';
import { evaluatePredictions, type EvaluateOptions, type EvaluateReport } from '../src/report/evaluate-core.js';

/** What the page sends: the files (File objects are cloned, not read) and the options. */
export interface WorkerRequest {
  file: File;
  trainFile?: File;
  options: EvaluateOptions;
  csv: { delimiter?: string };
}

/** What the worker posts: a stage reached, the report, or an error message. */
export type WorkerMessage =
  | { kind: 'progress'; stage: 'reading' | 'parsing' | 'metrics'; text: string }
  | { kind: 'done'; report: EvaluateReport; n: number; readMs: number; parseMs: number; evaluateMs: number }
  | { kind: 'error'; message: string };

interface WorkerScope {
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(m: WorkerMessage): void;
}
const scope = globalThis as unknown as WorkerScope;
const post = (m: WorkerMessage): void => scope.postMessage(m);

scope.onmessage = (e) => {
  void run(e.data);
};

async function run({ file, trainFile, options, csv }: WorkerRequest): Promise<void> {
  try {
    post({ kind: 'progress', stage: 'reading', text: `reading ${file.name} …` });
    const t0 = performance.now();
    const text = await file.text();
    const trainText = trainFile === undefined ? undefined : await trainFile.text();
    const t1 = performance.now();
    post({ kind: 'progress', stage: 'parsing', text: `parsing ${file.name} (${(text.length / 2 ** 20).toFixed(1)} MiB) …` });
    const { table } = normalizeColumns(parseCsv(text, file.name, csv), {});
    const pred = predictionsFromTable(table);
    const o: EvaluateOptions = { ...options };
    if (trainText !== undefined && trainFile !== undefined) {
      o.train = labelsFromCsv(normalizeColumns(parseCsv(trainText, trainFile.name, csv), { ignoreExtra: true }, true).table);
    }
    const t2 = performance.now();
    post({ kind: 'progress', stage: 'metrics', text: `computing the metrics and figure data for ${pred.labels.time.length} subjects …` });
    const report = evaluatePredictions(pred, o);
    if (trainFile !== undefined) report.meta.train.source = trainFile.name;
    const t3 = performance.now();
    post({ kind: 'done', report, n: pred.labels.time.length, readMs: t1 - t0, parseMs: t2 - t1, evaluateMs: t3 - t2 });
  } catch (err) {
    post({ kind: 'error', message: err instanceof SurvkitError ? err.message : `unexpected error: ${String(err)}` });
  }
}
