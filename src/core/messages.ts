/**
 * The one catalogue of user-facing messages. Every error that survkit throws
 * is built here, so wording stays consistent and tests can assert against it.
 * Each message starts with the function name and names the argument.
 */

/** Longest string quoted whole in a message; longer ones show a prefix and their length. */
export const MAX_QUOTED = 80;

/** A string for a message: quoted whole up to {@link MAX_QUOTED} characters, else a quoted prefix, "…" and the length. */
export function quote(text: string): string {
  if (text.length <= MAX_QUOTED) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, MAX_QUOTED - 20))}… (${text.length} characters)`;
}

/** Formats a value for a message: numbers as written, strings quoted (long ones shortened), arrays by length. */
export function show(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return quote(value);
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return typeof value;
}

export const messages = {
  lengthMismatch: (fn: string, a: string, na: number, b: string, nb: number) => `${fn}: '${a}' has ${na} values but '${b}' has ${nb}`,
  empty: (fn: string, arg: string) => `${fn}: '${arg}' is empty; expected at least one value`,
  notArray: (fn: string, arg: string, got: unknown) => `${fn}: '${arg}' must be an array or typed array of numbers; got ${show(got)}`,
  notFinite: (fn: string, arg: string, index: number, got: unknown) => `${fn}: '${arg}' must be finite; got ${show(got)} at index ${index}`,
  notNumber: (fn: string, arg: string, index: number, got: unknown) => `${fn}: '${arg}' must hold numbers; got ${show(got)} at index ${index}`,
  negative: (fn: string, arg: string, index: number, got: number) => `${fn}: '${arg}' must be >= 0; got ${got} at index ${index}`,
  badEventCode: (fn: string, arg: string, index: number, got: unknown) =>
    `${fn}: '${arg}' must hold event codes 0 (censored) or 1, 2, … (cause); got ${show(got)} at index ${index}`,
  notBinaryEvent: (fn: string, arg: string, index: number, got: number) =>
    `${fn}: '${arg}' must be 0 (censored) or 1 (event) here; got ${got} at index ${index} (competing risks are not supported by this function)`,
  optionRange: (fn: string, option: string, expected: string, got: unknown) => `${fn}: option '${option}' must be ${expected}; got ${show(got)}`,
  argRange: (fn: string, arg: string, expected: string, got: unknown) => `${fn}: '${arg}' must be ${expected}; got ${show(got)}`,
  notAscending: (fn: string, arg: string, index: number) => `${fn}: '${arg}' must be strictly ascending; it is not at index ${index}`,
  notSorted: (fn: string, arg: string, index: number) => `${fn}: '${arg}' must be sorted ascending; it is not at index ${index}`,
  noEvents: (fn: string, arg: string) => `${fn}: all subjects in '${arg}' are censored; at least one event is needed`,
  negativeVariance: (fn: string, method: string, got: number) =>
    `${fn}: the ${method} variance estimate is negative (${got}) for these data (too few subjects or events); use the infinitesimal-jackknife ('ij') or bootstrap method instead`,
  noComparablePairs: (fn: string) =>
    `${fn}: the data have no comparable pairs (every pair is censored before the other's event or tied in time), so concordance is undefined`,
  tooFewSubjects: (fn: string, option: string, groups: number, n: number) =>
    `${fn}: option '${option}' asks for ${groups} groups but there are only ${n} subjects; use at most ${n}`,
  calibrationDegenerateGroup: (fn: string, group: number, mean: number, t: number) =>
    `${fn}: group ${group} has mean predicted event probability ${mean} at t = ${t}, so its Hosmer–Lemeshow term ` +
    `(divided by p̄(1 − p̄)) is undefined; choose another 't' or fewer groups`,
  calibrationNoDf: (fn: string, used: number, df: number) =>
    `${fn}: only ${used} groups could be used, which leaves ${df} degrees of freedom; use more groups or a smaller 't'`,
  curveOutOfRange: (fn: string, arg: string, subject: number, column: number, got: number) =>
    `${fn}: '${arg}' must hold survival probabilities in [0, 1]; got ${got} for subject ${subject} at grid column ${column}`,
  curveIncreasing: (fn: string, arg: string, subject: number, column: number, by: number) =>
    `${fn}: '${arg}' must be non-increasing in time for every subject; subject ${subject} rises by ${by} at grid column ${column}`,
  probRowSum: (fn: string, arg: string, row: number, sum: number, tol: number) =>
    `${fn}: each row of '${arg}' must sum to 1 (within ${tol}); row ${row} sums to ${sum}`,
  probRange: (fn: string, arg: string, row: number, column: number, got: number) =>
    `${fn}: '${arg}' must hold probabilities in [0, 1]; got ${got} at row ${row}, class ${column}`,
  raggedRows: (fn: string, arg: string, row: number, got: number, expected: number) =>
    `${fn}: every row of '${arg}' must have the same number of classes; row ${row} has ${got} but row 0 has ${expected}`,
  classLabel: (fn: string, arg: string, index: number, got: unknown, classes: number) =>
    `${fn}: '${arg}' must hold integer class indices 0 … ${classes - 1} (K = ${classes} columns of probabilities); got ${show(got)} at index ${index}`,
  notBinaryOutcome: (fn: string, arg: string, index: number, got: unknown) => `${fn}: '${arg}' must hold 0/1 or false/true; got ${show(got)} at index ${index}`,
  tooFewValues: (fn: string, arg: string, need: number, got: number) => `${fn}: '${arg}' needs at least ${need} values; got ${got}`,
  unreachableRisk: (fn: string, option: string, target: number, best: number, coverage: number) =>
    `${fn}: no threshold keeps the risk of the kept cases (their error rate or mean loss) at or below ${option} = ${target}; ` +
    `the lowest achievable is ${best}, keeping a fraction ${coverage} of the cases; raise '${option}' or use a better uncertainty score`,
  shapeMismatch: (fn: string, arg: string, expected: string, got: string) => `${fn}: '${arg}' must have shape ${expected}; got ${got}`,
  censoringZero: (fn: string, time: number) =>
    `${fn}: the censoring survival function G is 0 at time ${time}, where an event is weighted by 1/G; ` +
    `pass a smaller 'tau', drop the subjects at or after that time, or opt in to { clipWeights: g } to floor G at g`,
  timeOutsideFollowUp: (fn: string, arg: string, got: number, lo: number, hi: number) =>
    `${fn}: '${arg}' must lie within the follow-up of the test data, [${lo}, ${hi}); got ${got}`,
  timeOutsideTrain: (fn: string, arg: string, got: number, hi: number) =>
    `${fn}: '${arg}' must be smaller than the largest training time ${hi} (the censoring distribution is unknown beyond it); got ${got}`,
  tooFewTimes: (fn: string, arg: string, need: number, got: number) => `${fn}: '${arg}' needs at least ${need} time points; got ${got}`,
  unknownColumn: (fn: string, column: string, available: readonly string[]) =>
    `${fn}: no column ${JSON.stringify(column)}; the data have ${available.map((c) => JSON.stringify(c)).join(', ')}`,
  noCases: (fn: string, time: number) => `${fn}: no subject has an event at or before time ${time}, so the AUC there is undefined`,
  noControls: (fn: string, time: number) => `${fn}: no subject is known to survive beyond time ${time}, so the AUC there is undefined`,
  censoringZeroBrier: (fn: string, time: number) =>
    `${fn}: the censoring survival function G is 0 at time ${time}, where a subject needs the weight 1/G; ` +
    `evaluate at earlier times, estimate G from other labels (option 'train'), or set option 'maxWeight' to floor G at 1/maxWeight`,
  censoringZeroAuc: (fn: string, time: number) =>
    `${fn}: the censoring survival function G of 'train' is 0 at time ${time}, where a case needs the weight 1/G; ` +
    `evaluate at earlier times or estimate G from labels with longer follow-up`,
  noIpcwSubjects: (fn: string, time: number) =>
    `${fn}: every subject was censored at or before time ${time}, so no subject carries weight there and the score is undefined (0/0); evaluate at earlier times`,
  unknownMetric: (fn: string, got: string) => `${fn}: unknown metric ${JSON.stringify(got)}`,
  csvRow: (file: string, row: number, column: string, problem: string) => `${file}: row ${row}, column ${JSON.stringify(column)}: ${problem}`,
  csvFile: (file: string, problem: string) => `${file}: ${problem}`,
  csvRagged: (file: string, row: number, got: number, expected: number, detail: string) =>
    `${file}: row ${row} has ${got} field${got === 1 ? '' : 's'} but the header has ${expected}${detail}`,
  cliUsage: (problem: string) => `survkit: ${problem} (run 'survkit --help' for usage)`,
  unknownLayer: (fn: string, arg: string, got: string, available: readonly string[]) =>
    `${fn}: '${arg}' names no layer of the model: ${JSON.stringify(got)}; its layers are ${available.map((c) => JSON.stringify(c)).join(', ')}`,
  noDropout: (fn: string, arg: string) =>
    `${fn}: the network of '${arg}' has no dropout layer with rate > 0 (tf.layers Dropout or SeededDropout), so every MC-dropout pass would give the same prediction; train it with dropout (e.g. option 'dropout' of the tabular MLP) or use an ensemble`,
  notFitted: (fn: string, what: string) => `${fn}: the model has not been fitted yet, so ${what} is unknown; call fit() first`,
  modelDir: (fn: string, path: string, problem: string) => `${fn}: cannot load a survkit model from ${JSON.stringify(path)}: ${problem}`,
  transformNotFitted: (fn: string, what: string) => `${fn}: the transform has not been fitted, so ${what} is unknown; call fit() first`,
  envRange: (fn: string, variable: string, expected: string, got: unknown) => `${fn}: environment variable ${variable} must be ${expected}; got ${show(got)}`,
  backendUnavailable: (fn: string, arg: string, backend: string, reason: string) =>
    `${fn}: the TensorFlow.js backend ${JSON.stringify(backend)} asked for by ${arg} is not available: ${reason}`,
  dataFile: (fn: string, arg: string, path: string, problem: string) => `${fn}: cannot read '${arg}' from ${JSON.stringify(path)}: ${problem}`,
  dicomFile: (fn: string, file: string, problem: string) => `${fn}: ${file}: ${problem}`,
  missingPackage: (fn: string, pkg: string, purpose: string) =>
    `${fn}: the optional package ${JSON.stringify(pkg)} is not installed; it is needed ${purpose} (npm install ${pkg})`,
  missingProgram: (fn: string, program: string, tried: string, remedy: string) => `${fn}: cannot run ${program} (${tried}); ${remedy}`,
  // reliability: integrals, sizes, corrupt inputs and model folders
  csvNotRegular: (file: string, kind: string) =>
    `${file}: is ${kind}, not a regular file; survkit reads CSV tables from regular files only (readCsv option allowNonRegular: true reads it anyway)`,
  csvLineTooLong: (file: string, row: number, max: number) =>
    `${file}: row ${row} is longer than ${max} characters (the limit of a CSV line; readCsv/parseCsv option maxLineLength raises it)`,
  csvTooLarge: (file: string, max: number) => `${file}: more than ${max} bytes were read from this stream without reaching its end; refusing to read further`,
  aborted: (fn: string, done: number, total: number) => `${fn}: stopped by its AbortSignal after ${done} of ${total} replicates`,
  tooManyBins: (fn: string, bins: number, n: number, max: number) =>
    `${fn}: option 'bins' must be at most max(n, 100) = ${max} for n = ${n} cases (more bins than cases only adds empty bins); got ${bins}`,
  tooManyCuts: (fn: string, cuts: number, distinct: number, max: number) =>
    `${fn}: option 'n' (the number of cuts) must be at most max(100, distinct event times) = ${max} for labels with ${distinct} distinct event times ` +
    `(more cuts only add intervals without events); got ${cuts}`,
  sizeLimit: (fn: string, option: string, max: number, why: string, got: unknown) =>
    `${fn}: option '${option}' must be at most ${max} (${why}); got ${show(got)}`,
  badLength: (fn: string, arg: string, got: number, max: number) =>
    `${fn}: '${arg}' must be an array-like whose length is an integer in [0, ${max}]; got length ${show(got)}`,
  censoringZeroCli: (libraryMessage: string) =>
    `${libraryMessage.replace(/; pass a smaller 'tau'.*$/s, '')}; pass a smaller --tau or drop the subjects at or after that time (the CLI offers no floor for G)`,
  integralOutOfRange: (fn: string, rule: string, got: number, lo: number, hi: number) =>
    `${fn}: the ${rule} rule on these uneven evaluation times gives ${got}, outside the range [${lo}, ${hi}] of the curve it averages ` +
    `(its weights turn negative when neighbouring spacings differ a lot); use evenly spaced times or integration 'trapezoid'`,
} as const;

export type MessageKey = keyof typeof messages;
