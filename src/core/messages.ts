/**
 * The one catalogue of user-facing messages. Every error that survkit throws
 * is built here, so wording stays consistent and tests can assert against it.
 * Each message starts with the function name and names the argument.
 */

/** Formats a value for a message: numbers as written, strings quoted, arrays by length. */
export function show(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
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
  modelState: (fn: string, family: string, field: string, expected: string, got: unknown) =>
    `${fn}: survkit.json of this ${family} model is not one survkit wrote: '${field}' must be ${expected}; got ${show(got)}`,
  transformNotFitted: (fn: string, what: string) => `${fn}: the transform has not been fitted, so ${what} is unknown; call fit() first`,
  envRange: (fn: string, variable: string, expected: string, got: unknown) => `${fn}: environment variable ${variable} must be ${expected}; got ${show(got)}`,
  backendUnavailable: (fn: string, arg: string, backend: string, reason: string) =>
    `${fn}: the TensorFlow.js backend ${JSON.stringify(backend)} asked for by ${arg} is not available: ${reason}`,
  dataFile: (fn: string, arg: string, path: string, problem: string) => `${fn}: cannot read '${arg}' from ${JSON.stringify(path)}: ${problem}`,
  dicomFile: (fn: string, file: string, problem: string) => `${fn}: ${file}: ${problem}`,
  missingPackage: (fn: string, pkg: string, purpose: string) =>
    `${fn}: the optional package ${JSON.stringify(pkg)} is not installed; it is needed ${purpose} (npm install ${pkg})`,
  missingProgram: (fn: string, program: string, tried: string, remedy: string) => `${fn}: cannot run ${program} (${tried}); ${remedy}`,
  // Specific keys for what explain/, plotting/, data/, heads/, ops/ and backbones/ used to say with free-text 'argRange'.
  // several modules
  notInstance: (fn: string, arg: string, type: string, got: unknown) => `${fn}: '${arg}' must be a ${type}; got ${show(got)}`,
  oneOutput: (fn: string, arg: string, what: 'model' | 'layer', outputs: number, alternative?: string) =>
    `${fn}: '${arg}' must be a ${what} with one output${alternative === undefined ? '' : ` (or ${alternative})`}; got ${outputs} outputs`,
  optionsObject: (fn: string, arg: string, fields: readonly string[], got: unknown) =>
    `${fn}: '${arg}' must be an options object { ${[...fields, '…'].join(', ')} }; got ${show(got)}`,
  subjectIndex: (fn: string, arg: string, n: number, got: unknown) =>
    `${fn}: '${arg}' must be a subject index${n === 0 ? ', but there are no subjects' : ` in 0 … ${n - 1}`}; got ${show(got)}`,
  nonNegativeInteger: (fn: string, arg: string, got: unknown) => `${fn}: '${arg}' must be an integer >= 0; got ${show(got)}`,
  finiteNumber: (fn: string, arg: string, got: unknown) => `${fn}: '${arg}' must be a finite number; got ${show(got)}`,
  positiveNumber: (fn: string, arg: string, got: unknown) => `${fn}: '${arg}' must be a finite number > 0; got ${show(got)}`,
  notString: (fn: string, arg: string, got: unknown) => `${fn}: '${arg}' must be a string; got ${show(got)}`,
  // stats/
  statsGroupValue: (fn: string, arg: string, index: number, got: unknown) =>
    `${fn}: '${arg}' must hold group labels (finite numbers or strings); got ${show(got)} at index ${index}`,
  statsCovariates: (fn: string, arg: string, got: unknown) =>
    `${fn}: '${arg}' must be named covariate columns ({ name: numbers }) or an array of rows; got ${show(got)}`,
  coxphCollinear: (fn: string, arg: string, name: string, before: readonly string[]) =>
    `${fn}: '${arg}' are collinear (the information matrix is singular): ${JSON.stringify(name)} is a linear combination of ` +
    `${before.length === 0 ? 'nothing (it is constant)' : before.map((b) => JSON.stringify(b)).join(', ')}; drop it or one of those`,
  coxphDiverged: (fn: string, arg: string, names: readonly string[]) =>
    `${fn}: the coefficient of ${names.map((b) => JSON.stringify(b)).join(', ')} in '${arg}' grows without bound (monotone likelihood: ` +
    `the covariate separates the events from the subjects at risk), so its estimate and standard error are meaningless; drop, combine or penalise it`,
  coxphNoConvergence: (fn: string, arg: string, iterations: number, names: readonly string[]) =>
    `${fn}: Newton–Raphson did not converge in ${iterations} iterations; the coefficients of ${names.map((b) => JSON.stringify(b)).join(', ')} ` +
    `in '${arg}' were still moving (or the likelihood overflowed); raise 'maxIter', rescale or drop them`,
  logrankGroups: (fn: string, arg: string, got: number) => `${fn}: '${arg}' must have at least 2 groups with subjects; got ${got}`,
  rmstTau: (fn: string, arg: string, got: number, limit: number) =>
    `${fn}: '${arg}' must be at most ${limit}, the largest observed time of a group whose last observation is censored ` +
    `(its Kaplan–Meier curve is unknown beyond it); got ${got}`,
  // explain/
  explainModel: (fn: string, arg: string, got: unknown) => `${fn}: '${arg}' must be a tf.LayersModel or a function from inputs to scores; got ${show(got)}`,
  explainSurvivalModel: (fn: string, arg: string, got: string) =>
    `${fn}: '${arg}' must be a CoxPH, CoxCC, DeepHit or LogisticHazard model (for Cox-Time, explain a function of its network); got ${show(got)}`,
  explainFunction: (fn: string, arg: string, got: unknown) => `${fn}: '${arg}' must be a function (model, x) => attributions; got ${show(got)}`,
  outputColumn: (fn: string, arg: string, width: number, got: unknown) =>
    `${fn}: '${arg}' must be the output column to explain (the output has ${width} column${width === 1 ? '' : 's'}), an integer in [0, ${width - 1}]; ` +
    `got ${show(got)}`,
  scoresPerExample: (fn: string, arg: string, batch: number, shape: readonly number[]) =>
    `${fn}: '${arg}' must be a score function returning one score per example, shape [${batch}]; got shape [${shape.join(', ')}]`,
  batchTensor: (fn: string, arg: string, shape: readonly number[] | undefined, got: unknown) =>
    `${fn}: '${arg}' must be a batch tf.Tensor [b, …]; got ${shape === undefined ? show(got) : `a tensor of shape [${shape.join(', ')}]`}`,
  occlusionInput: (fn: string, arg: string, shape: readonly number[]) =>
    `${fn}: '${arg}' must be one image [H, W, C] or clip [T, H, W, C] (optionally with a batch of 1); got a tensor of shape [${shape.join(', ')}]`,
  patchSizes: (fn: string, arg: string, dims: number, got: unknown) =>
    `${fn}: '${arg}' must be ${dims} sizes (${dims === 3 ? '[t, h, w]' : '[h, w]'}) or one number; got ${show(got)}`,
  patchTooLarge: (fn: string, arg: string, size: number, got: number) => `${fn}: '${arg}' must be at most the input's size ${size} along that axis; got ${got}`,
  noWeights: (fn: string, arg: string) => `${fn}: '${arg}' must be a model with weights to randomise; none of its layers has weights`,
  attributionCount: (fn: string, arg: string, expected: number, got: number) =>
    `${fn}: '${arg}' must return attributions of ${expected} values every time; got ${got} values`,
  // plotting/
  seriesLabel: (fn: string, arg: string, got: unknown) => `${fn}: '${arg}' must be a non-empty string (the series' name in the legend); got ${show(got)}`,
  duplicateLabel: (fn: string, arg: string, got: string) => `${fn}: '${arg}' must be a label no other series has; got ${show(got)}`,
  resultOf: (fn: string, arg: string, producer: string, got: unknown, detail?: string) =>
    `${fn}: '${arg}' must be the result of ${producer}${detail === undefined ? '' : ` (${detail})`}; got ${show(got)}`,
  vegaLiteSpec: (fn: string, arg: string, got: unknown) => `${fn}: '${arg}' must be a Vega-Lite spec object; got ${show(got)}`,
  rowObjects: (fn: string, arg: string, got: unknown) => `${fn}: '${arg}' must be an array of row objects; got ${show(got)}`,
  pngChannels: (fn: string, arg: string, got: unknown) => `${fn}: '${arg}' must be 1 (grey) or 3 (RGB); got ${show(got)}`,
  pixelCount: (fn: string, arg: string, height: number, width: number, channels: number, got: number) =>
    `${fn}: '${arg}' must be ${height * width * channels} values (height ${height} × width ${width} × channels ${channels}); got ${got} values`,
  notAboveMin: (fn: string, arg: string, min: number, got: unknown) => `${fn}: '${arg}' must be a number > min (${min}); got ${show(got)}`,
  // data/
  notLabels: (fn: string, arg: string, got: unknown) => `${fn}: '${arg}' must be survival labels { time, event }; got ${show(got)}`,
  notTable: (fn: string, arg: string, got: unknown) => `${fn}: '${arg}' must be a table (column object, row records or DataFrame-like); got ${show(got)}`,
  dataFrameAccess: (fn: string, arg: string, got: unknown) => `${fn}: '${arg}' must be a DataFrame with column(name) or row values; got ${show(got)}`,
  noCovariates: (fn: string, arg: string) => `${fn}: '${arg}' must be at least one covariate column; got none`,
  rowMajorWidth: (fn: string, arg: string, width: number, got: number) =>
    `${fn}: '${arg}' must be a row-major array with ${width} values per row; got ${got} values, not a multiple of ${width}`,
  rowMajorSize: (fn: string, arg: string, rows: number, width: number, got: number) =>
    `${fn}: '${arg}' must hold ${rows} rows of ${width} value${width === 1 ? '' : 's'} (${rows * width} values); got ${got} values`,
  savedJson: (fn: string, arg: string, type: string, got: unknown) =>
    `${fn}: '${arg}' must be the JSON of a ${type} (an object with type '${type}', as toJSON() returns); got ${show(got)}`,
  log1pDomain: (fn: string, arg: string, got: number) => `${fn}: '${arg}' must be > -1 (log1p is applied); got ${got}`,
  censoredBeforeFirstCut: (fn: string, arg: string, cut: number, got: number) =>
    `${fn}: '${arg}' must be >= the first cut ${cut} for a censored subject (censorings move to the cut on their left); got ${got}`,
  cutsNotDistinct: (fn: string, arg: string, k: number, cut: number, previous: number, maxTime: number, min: number) =>
    `${fn}: '${arg}' must be strictly ascending, but cut ${k} (${cut}) does not exceed cut ${k - 1} (${previous}); ` +
    `the largest time (${maxTime}) must exceed 'min' (${min})`,
  caseIndex: (fn: string, arg: string, got: unknown) => `${fn}: '${arg}' must be the index of a subject with an event; got ${show(got)}`,
  // heads/
  singleInput: (fn: string, arg: string, tensors: number) => `${fn}: '${arg}' must be a single tensor; got ${tensors} tensors`,
  coxTimeInputs: (fn: string, arg: string, got: string) => `${fn}: '${arg}' must be [features, time] (two tensors); got ${got}`,
  // ops/
  realInput: (fn: string, arg: string, got: string) => `${fn}: '${arg}' must be numbers or a real-valued tensor; got ${got}`,
  // backbones/
  unbuiltModel: (fn: string, arg: string) => `${fn}: '${arg}' must be a built model (give its first layer an inputShape); it has no inputs`,
} as const;

export type MessageKey = keyof typeof messages;
