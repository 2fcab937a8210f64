/**
 * Writes survival curves as CSV: leading columns (e.g. `time,event`, or an
 * id) then one column per grid time, named by the time, holding S_i(t_k).
 * With `time,event` leading columns this is the curves format that
 * `readPredictions` / `survkit evaluate` read. Numbers are written in the
 * shortest form that reads back to the same float64 (`String(v)`), so a file
 * round-trips exactly.
 */
import type { SurvivalCurves } from '../estimators/survival-curves.js';

/** A CSV field, quoted (with doubled inner quotes) when it holds a comma, quote or line break. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The CSV text of `curves` with leading columns.
 *
 * @param curves n subjects × m grid times
 * @param leading column names and, for each subject i, its cells (`cells(i)` has `names.length` entries)
 * @returns the CSV text (header + n rows, LF line ends, trailing newline)
 * @example
 * curvesCsv(new SurvivalCurves([1, 2], [0.9, 0.5]), { names: ['time', 'event'], cells: () => ['1.5', '1'] });
 * // 'time,event,1,2\n1.5,1,0.9,0.5\n'
 */
export function curvesCsv(curves: SurvivalCurves, leading: { names: readonly string[]; cells: (i: number) => readonly string[] }): string {
  const { n, m, times, values } = curves;
  const parts: string[] = [[...leading.names.map(csvField), ...Array.from(times, (t) => String(t))].join(',')];
  for (let i = 0; i < n; i++) {
    const row = leading.cells(i).map(csvField);
    for (let k = 0; k < m; k++) row.push(String(values[i * m + k]));
    parts.push(row.join(','));
  }
  return `${parts.join('\n')}\n`;
}
