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
  // general: arrays, labels, options, curves, probabilities, files (every module)
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
  classLabel: (fn: string, arg: string, index: number, got: unknown, classes: number, of = 'columns of probabilities') =>
    `${fn}: '${arg}' must hold integer class indices 0 … ${classes - 1} (K = ${classes} ${of}); got ${show(got)} at index ${index}`,
  notBinaryOutcome: (fn: string, arg: string, index: number, got: unknown) => `${fn}: '${arg}' must hold 0/1 or false/true; got ${show(got)} at index ${index}`,
  tooFewValues: (fn: string, arg: string, need: number, got: number) => `${fn}: '${arg}' needs at least ${need} values; got ${got}`,
  unreachableRisk: (fn: string, option: string, target: number, best: number, coverage: number) =>
    `${fn}: no threshold keeps the risk of the kept cases (their error rate or mean loss) at or below ${option} = ${target}; ` +
    `the lowest achievable is ${best}, keeping a fraction ${coverage} of the cases; raise '${option}' or use a better uncertainty score`,
  shapeMismatch: (fn: string, arg: string, expected: string, got: string) => `${fn}: '${arg}' must have shape ${expected}; got ${got}`,
  timeOutsideFollowUp: (fn: string, arg: string, got: number, lo: number, hi: number) =>
    `${fn}: '${arg}' must lie within the follow-up of the test data, [${lo}, ${hi}); got ${got}`,
  timeOutsideTrain: (fn: string, arg: string, got: number, hi: number) =>
    `${fn}: '${arg}' must be smaller than the largest training time ${hi} (the censoring distribution is unknown beyond it); got ${got}`,
  tooFewTimes: (fn: string, arg: string, need: number, got: number) => `${fn}: '${arg}' needs at least ${need} time points; got ${got}`,
  unknownColumn: (fn: string, column: string, available: readonly string[]) =>
    `${fn}: no column ${JSON.stringify(column)}; the data have ${available.map((c) => JSON.stringify(c)).join(', ')}`,
  noCases: (fn: string, time: number) => `${fn}: no subject has an event at or before time ${time}, so the AUC there is undefined`,
  noControls: (fn: string, time: number) => `${fn}: no subject is known to survive beyond time ${time}, so the AUC there is undefined`,
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
  rowMajorWidth: (fn: string, arg: string, width: number, got: number, per?: string) =>
    `${fn}: '${arg}' must be a row-major array with ${width} values per row${per === undefined ? '' : ` (one per ${per})`}; got ${got} values, not a multiple of ${width}`,
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
  // backend: TF.js version guard of the install path (initBackend / first model use)
  tfjsVersionUntested: (fn: string, version: string, range: string) =>
    `${fn}: TensorFlow.js ${version} is outside the range survkit is tested with (${range}); survkit leaves TF.js's kernels stock ` +
    `(no kernel patches, no batch-norm speed-up): training is slower and conv training on wasm is unavailable`,
  // statistical building blocks: the one G = 0 message of the censoring-weight service (estimators/censoring-weights)
  censoringZero: (fn: string, time: number, remedy: CensoringZeroRemedy) =>
    `${fn}: the censoring survival function G${CENSORING_ZERO[remedy].of} is 0 at time ${time}, where ${CENSORING_ZERO[remedy].who}; ` +
    CENSORING_ZERO[remedy].remedy,
  // public API call forms (labels first, options last)
  givenTwice: (fn: string, name: string) =>
    `${fn}: '${name}' is given both as a positional argument (deprecated call form) and as an option; pass it once, as the option, with the labels first`,
  // several of the modules below
  arrayOf: (fn: string, arg: string, what: string, got: unknown) => `${fn}: '${arg}' must be an array of ${what}; got ${show(got)}`,
  // models/
  ensembleClasses: (fn: string, arg: string, classes: number, got: number) =>
    `${fn}: '${arg}' must be a classifier with ${classes} classes like members[0]; got ${got} classes`,
  classifierOutput: (fn: string, arg: string, outputs: number, shape: readonly (number | null)[] | undefined) =>
    `${fn}: '${arg}' must be a network with one output of shape [batch, K]; got ${outputs} output${outputs === 1 ? '' : 's'}` +
    (shape === undefined ? '' : `, the first of shape [${shape.map((d) => d ?? 'batch').join(', ')}]`),
  savedKlSchedule: (fn: string, arg: string, got: unknown) =>
    `${fn}: '${arg}' must be a saved KL schedule ({ kind: 'annealing' | 'fixed', … }, as toJSON() returns); got ${show(got)}`,
  modelInput: (fn: string, arg: string, got: unknown) =>
    `${fn}: '${arg}' must be a tf.Tensor, an array of tf.Tensors or a batch source { batches() }; got ${show(got)}`,
  inputCount: (fn: string, arg: string, expected: number, got: number) =>
    `${fn}: '${arg}' must be ${expected} input tensor${expected === 1 ? '' : 's'} (one per model input); got ${got} tensor${got === 1 ? '' : 's'}`,
  unlabelledBatch: (fn: string, arg: string) => `${fn}: '${arg}' must be a batch with time and event (training needs labels); got a batch without labels`,
  // uncertainty/
  flagPolicy: (fn: string, arg: string, got: unknown) =>
    `${fn}: '${arg}' must be an object with exactly one of threshold, targetCoverage (+ calibration) or targetRisk (+ calibration); got ${show(got)}`,
  riskCalibrationSet: (fn: string, arg: string, got: unknown) =>
    `${fn}: '${arg}' must be an object { score, correct } (held-out cases) for targetRisk; got ${show(got)}`,
  // estimators/
  positiveInteger: (fn: string, arg: string, got: unknown) => `${fn}: '${arg}' must be an integer >= 1; got ${show(got)}`,
  rmstHorizon: (fn: string, arg: string, got: number) =>
    `${fn}: '${arg}' must be a grid whose last time is > 0 (−RMST integrates Ŝ from 0 to it); got a last time of ${got}`,
  // metrics/
  allPairsTied: (fn: string, arg: string) => `${fn}: '${arg}' must be scores with at least one comparable pair not tied on risk; got all comparable pairs tied`,
  noetherSubjects: (fn: string, arg: string, got: number) => `${fn}: '${arg}' must hold at least 3 subjects for the Noether standard error; got ${got}`,
  rankCorrelationUndefined: (fn: string, a: string, b: string) =>
    `${fn}: '${a}' and '${b}' must both be non-constant scores (their Spearman correlation is undefined otherwise); got a constant score`,
  selectiveOutcome: (fn: string, arg: string, got: unknown) =>
    `${fn}: '${arg}' must be an object with exactly one of { correct } (0/1 per case) or { loss } (a number per case); got ${show(got)}`,
  // io/
  dicomWindow: (fn: string, arg: string, got: unknown) => `${fn}: '${arg}' must be a window { center, width } with a finite centre; got ${show(got)}`,
  dicomWindowWidth: (fn: string, arg: string, got: unknown) => `${fn}: '${arg}' must be a finite number >= 1 (a DICOM window width); got ${show(got)}`,
  dicomSource: (fn: string, arg: string, got: unknown) => `${fn}: '${arg}' must be a directory or a list of file paths; got ${show(got)}`,
  dicomScaling: (fn: string, arg: string, got: unknown) =>
    `${fn}: '${arg}' must be 'auto', 'file', 'minmax', 'none' or a window { center, width }; got ${show(got)}`,
  directoryPath: (fn: string, arg: string, got: unknown) => `${fn}: '${arg}' must be a directory path (a non-empty string); got ${show(got)}`,
  // tables: real tables in (dialects, column names, missing values, categories, event codes, leakage, predict outputs, model files)
  csvDialect: (file: string, looksLike: string, options: string) =>
    `${file}: the header has no comma; it looks like ${looksLike}; use ${options} (survkit reads commas by default)`,
  noSuchColumn: (file: string, what: string, name: string, header: readonly string[], suggestion: string | undefined) =>
    `${file}: no ${what} column ${JSON.stringify(name)} in the header (${header
      .slice(0, 30)
      .map((h) => JSON.stringify(h))
      .join(', ')}${header.length > 30 ? `, … ${header.length - 30} more` : ''})` +
    (suggestion === undefined ? '' : `; did you mean ${JSON.stringify(suggestion)}?`),
  missingCell: (file: string, row: number, column: string, text: string) =>
    `${file}: row ${row}, column ${JSON.stringify(column)}: missing value (${text === '' ? 'empty cell' : JSON.stringify(text)}); ` +
    `use --missing drop (leave such rows out) or --missing impute (training median / most frequent level plus a missing-indicator column)`,
  eventCode: (file: string, row: number, column: string, got: string, hint: string) =>
    `${file}: row ${row}, column ${JSON.stringify(column)}: ${got} is not 0 or 1; expected 0 (censored) or 1 (event)${hint}`,
  unseenLevel: (fn: string, file: string, row: number, column: string, level: string, levels: readonly string[]) =>
    `${fn}: ${file}: row ${row}, column ${JSON.stringify(column)}: the level ${JSON.stringify(level)} was not seen in training ` +
    `(levels: ${levels.map((l) => JSON.stringify(l)).join(', ')}); map it to one of them or retrain with it`,
  badReference: (fn: string, column: string, level: string, levels: readonly string[]) =>
    `${fn}: --reference ${column}=${level}: ${JSON.stringify(level)} is not a level of ${JSON.stringify(column)} (levels: ${levels.map((l) => JSON.stringify(l)).join(', ')})`,
  leakage: (fn: string, findings: readonly string[], names: readonly string[]) =>
    `${fn}: ${findings.length === 1 ? 'a covariate looks' : `${findings.length} covariates look`} like the outcome or a row id: ${findings.join('; ')}. ` +
    `Training on such a covariate gives meaningless metrics. Leave ${names.length === 1 ? 'it' : 'them'} out with --exclude ${names.join(',')}, ` +
    `or keep ${names.length === 1 ? 'it' : 'them'} on purpose with --allow-column ${names.join(',')}`,
  noRowsLeft: (fn: string, file: string, dropped: number, why: string) => `${fn}: ${file}: no rows left after dropping ${dropped} row(s) with ${why}`,
  outDir: (fn: string, dir: string, problem: string) => `${fn}: cannot save the model to ${JSON.stringify(dir)}: ${problem}`,
  covariateMismatch: (fn: string, file: string, detail: string) => `${fn}: ${file}: the table does not match the training table: ${detail}`,
  curvesEnd: (fn: string, last: number, until: number, how: string) =>
    `${fn}: the evaluation times run to ${until} but the predicted curves end at ${last}; ${how}`,
  allSkipped: (fn: string) => `${fn}: every requested metric was skipped (reasons above); nothing was computed`,
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
  // stats/, metrics/bootstrap, report/, losses/, models/survival/, io/video
  coxphOffset: (fn: string, arg: string, mean: number, got: number) =>
    `${fn}: '${arg}' must be within ±700 of the mean offset ${mean} (e^offset must stay finite); got ${got}`,
  statisticNotFinite: (fn: string, arg: string, got: unknown) => `${fn}: '${arg}' must give a finite number on the original sample; got ${show(got)}`,
  statisticUndefined: (fn: string, arg: string, skipped: number, replicates: number) =>
    `${fn}: '${arg}' must be defined on most bootstrap resamples; it was undefined on ${skipped} of ${replicates}`,
  gridSpread: (fn: string, arg: string, got: number) =>
    `${fn}: '${arg}' must be spread over at least two values to place the --grid evaluation times between the smallest and the largest ` +
    `(or pass --times); every value is ${got}`,
  dirichletParameter: (fn: string, arg: string, index: number, got: unknown) =>
    `${fn}: '${arg}' must be finite Dirichlet parameters > 0; got ${show(got)} at index ${index}`,
  eventCodeRange: (fn: string, arg: string, causes: number, got: unknown) =>
    `${fn}: '${arg}' must hold event codes in 0..${causes} (the output has ${causes} causes); got ${show(got)}`,
  durationIndex: (fn: string, arg: string, columns: number, got: unknown) =>
    `${fn}: '${arg}' must be an integer index in [0, ${columns - 1}] (the output has ${columns} time columns); got ${show(got)}`,
  coxNetOutput: (fn: string, arg: string, outputs: number, shape: string) =>
    `${fn}: '${arg}' must be a network with one output of shape [batch, 1] (the log-risk); got ${outputs} output(s), the first of shape [${shape}]`,
  discreteNetOutput: (fn: string, arg: string, causes: number, cuts: number, got: string) =>
    `${fn}: '${arg}' must have one output with ${causes * cuts} logits (${causes} cause(s) × ${cuts} cuts); got ${got} outputs`,
  coxTimeNetInputs: (fn: string, arg: string, inputs: number) =>
    `${fn}: '${arg}' must be a network whose last input is the time column [batch, 1] (see attachHead with a CoxTimeHead); got ${inputs} input(s)`,
  filePath: (fn: string, arg: string, what: string, got: unknown) => `${fn}: '${arg}' must be the path of ${what}; got ${show(got)}`,
  // stats/: exact ties, PH test and residuals, trend test, KM and forest figures
  coxphExactUnsupported: (fn: string, arg: string) =>
    `${fn}: '${arg}' is not available with ties 'exact' (as in R: no case weights, no score residuals hence no sandwich variance); ` +
    `use ties 'efron' or 'breslow' for it`,
  coxphExactOverflow: (fn: string, arg: string) =>
    `${fn}: '${arg}' have too many tied events at one time for ties 'exact': its sum over every subset of the risk set overflows ` +
    `double precision even at β = 0 (as in R); use ties 'efron', which approximates it closely`,
  coxZphTransform: (fn: string, arg: string, got: unknown) =>
    `${fn}: '${arg}' must be 'km', 'rank', 'identity' or a function of time returning finite numbers; got ${show(got)}`,
  coxZphTerm: (fn: string, arg: string, got: string, available: readonly string[]) =>
    `${fn}: '${arg}' names no covariate of the fit: ${JSON.stringify(got)}; its covariates are ${available.map((c) => JSON.stringify(c)).join(', ')}`,
  coxZphSingular: (fn: string, arg: string) =>
    `${fn}: '${arg}' makes the variance of the score test singular (a covariate that is constant at the event times); drop it`,
  trendScores: (fn: string, arg: string, groups: number, got: unknown) =>
    `${fn}: '${arg}' must give one finite score per group (${groups} groups, in sorted order), not all equal; got ${show(got)}`,
  kmPlotLevels: (fn: string, arg: string, groups: readonly string[], got: unknown) =>
    `${fn}: '${arg}' must list each group once (${groups.map((g) => JSON.stringify(g)).join(', ')}); got ${show(got)}`,
  kmPlotTimes: (fn: string, arg: string, got: unknown) =>
    `${fn}: '${arg}' must be increasing finite times >= 0 for the numbers-at-risk table; got ${show(got)}`,
  // competing risks: Aalen–Johansen, Gray's test, cause-k metrics, CIF predictions
  causeCode: (fn: string, arg: string, causes: number, got: unknown) =>
    `${fn}: '${arg}' must be a cause code in 1..${causes} (the labels have causes 1..${causes}); got ${show(got)}`,
  causeAbsent: (fn: string, arg: string, got: number, present: number[]) =>
    `${fn}: '${arg}' ${got} has no events in the labels; the causes with events are ${present.join(', ') || 'none'}`,
  graySingular: (fn: string, cause: number) =>
    `${fn}: the variance matrix of the scores for cause ${cause} is singular (a group has no subjects at risk at the cause's event times); ` +
    'merge small groups or test fewer groups',
  cifOutOfRange: (fn: string, arg: string, subject: number, column: number, got: number) =>
    `${fn}: '${arg}' must hold cumulative incidences in [0, 1]; got ${got} for subject ${subject} at grid column ${column}`,
  cifDecreasing: (fn: string, arg: string, subject: number, column: number, by: number) =>
    `${fn}: '${arg}' must be non-decreasing in time for every subject; subject ${subject} falls by ${by} at grid column ${column}`,
  noCauseEvents: (fn: string, arg: string, cause: number, t: number) =>
    `${fn}: no subject in '${arg}' has an event of cause ${cause} at or before t = ${t}, so the metric is undefined there; choose later times`,
  // pretrained backbones: safetensors, PyTorch state dicts, ONNX, TF.js models from disk, cached features, imaging train
  safetensorsFile: (fn: string, file: string, problem: string) => `${fn}: ${file} ${problem}`,
  torchWeightKeys: (fn: string, file: string, arch: string, count: number, problems: readonly string[]) =>
    `${fn}: ${file} does not fit the ${arch} network (${count} problem${count === 1 ? '' : 's'}):\n  ${problems.join('\n  ')}\n` +
    `Build the network with the architecture the weights were saved from (see docs/backbones.md, "Pretrained weights").`,
  torchWeightArch: (fn: string, file: string, found: string, asked: string, evidence: string) =>
    `${fn}: ${file} holds a ${found} state dict (${evidence}), not ${asked}; pass { arch: '${found}' } and build that network ` +
    `(torchBackbone(file, { arch: '${found}', inputShape }) does both)`,
  torchWeightShape: (fn: string, file: string, problem: string) => `${fn}: ${file}: ${problem}`,
  torchWeightUnknown: (fn: string, file: string, archs: readonly string[]) =>
    `${fn}: ${file} is not a state dict of an architecture survkit builds (no torchvision ResNet or *_18 video ResNet keys such as ` +
    `conv1.weight or stem.0.weight); survkit builds ${archs.join(', ')}: build the network yourself and call loadTorchWeights, or export the model to ONNX`,
  onnxMissing: (fn: string, file: string) =>
    `${fn}: reading ${file} needs the optional package onnxruntime-node, which is not installed; run \`npm install onnxruntime-node\` ` +
    `(an .npmrc line onnxruntime-node-install=skip avoids its GPU download)`,
  onnxFile: (fn: string, file: string, problem: string) => `${fn}: ${file} ${problem}`,
  onnxInputShape: (fn: string, file: string, input: string, expected: string, got: string) =>
    `${fn}: ${file} takes input '${input}' of shape ${expected}, but got a batch of shape ${got}; resize or crop the images to the model's input, ` +
    `or check the layout (option channelsFirst)`,
  tfjsModelFile: (fn: string, file: string, problem: string) => `${fn}: ${file} ${problem}`,
  featureSource: (fn: string, arg: string, expected: string, got: string) => `${fn}: '${arg}' must be ${expected}; got ${got}`,
  featureBackbone: (fn: string, got: unknown) =>
    `${fn}: 'backbone' must be a tf.LayersModel, a tf.GraphModel or an OnnxBackbone (loadOnnxBackbone); got ${show(got)}`,
  imageManifest: (fn: string, file: string, problem: string) => `${fn}: ${file}: ${problem}`,
  // data formats (Parquet, Arrow IPC) and reference conventions of the calibration and selective metrics
  extraBinEqualCount: (fn: string) =>
    `${fn}: option confidenceOne 'extra-bin' needs bin edges ('equal-width' or 'equal-mass'); with binning 'equal-count' every group is a run of cases, so leave confidenceOne at 'last-bin'`,
  equalCountBins: (fn: string, bins: number, n: number) =>
    `${fn}: option 'bins' must be at most n = ${n} with binning 'equal-count' (every group needs a case); got ${bins}`,
  tableFile: (file: string, problem: string) => `${file}: ${problem}`,
  tableCell: (file: string, row: number, column: string, problem: string) => `${file}: data row ${row}, column ${JSON.stringify(column)}: ${problem}`,
  parquetNeedsAsync: (fn: string, file: string, asyncFn: string) =>
    `${fn}: ${file} is a Parquet file, which is read asynchronously; call ${asyncFn} (it reads CSV, Parquet and Arrow IPC files)`,
  notCsvTable: (fn: string, file: string, format: string, instead: string) =>
    `${fn}: ${file} is ${format} file, not CSV (by its extension); call ${instead}, which reads CSV, Parquet and Arrow IPC files`,
  keptNone: (fn: string, coverage: number, n: number) =>
    `${fn}: option 'coverage' ${coverage} keeps floor(${coverage}·${n}) = 0 of n = ${n} cases with kept 'floor'; expected a coverage >= 1/n = ${1 / n}, or kept 'ceil'`,
  // reports and the browser page (report/, cli report and serve, web/)
  reportTertiles: (fn: string, n: number) => `${fn}: risk tertiles need at least 3 subjects; got ${n}`,
  reportInput: (fn: string, arg: string, problem: string) =>
    `${fn}: '${arg}' must be the JSON output of survkit evaluate or survkit train (--format json); ${problem}`,
  browserFile: (fn: string, what: string) => `${fn}: ${what} is not available in the browser; pass the file's text instead`,
  webNotBuilt: (fn: string, dir: string) => `${fn}: the evaluation page is not built (no index.html in ${dir}); run npm run build:web first`,
  // medical image files: compressed DICOM, NIfTI, imaging datasets streamed from disk
  dicomTransferSyntax: (fn: string, file: string, uid: string, name: string) =>
    `${fn}: ${file}: the pixel data uses transfer syntax ${uid} (${name}), which survkit does not decode; survkit decodes uncompressed DICOM, ` +
    `RLE Lossless, JPEG (baseline, extended, lossless), JPEG-LS, JPEG 2000 and HTJ2K: convert the file first, e.g. 'gdcmconv --raw in.dcm out.dcm'`,
  dicomCodecNotLoaded: (fn: string, file: string, uid: string, name: string) =>
    `${fn}: ${file}: the pixel data is compressed (${uid}, ${name}) and the DICOM codecs are not loaded in this thread; ` +
    `call 'await loadDicomCodecs()' before parseDicom, or read the file with readDicom / readDicomSeries (they load them)`,
  dicomCodecMissing: (fn: string, file: string, reason: string) =>
    `${fn}: ${file}: the DICOM codecs (package 'dcmjs-codecs') cannot be loaded (${reason}); reinstall survkit's dependencies ('npm ci'), ` +
    `or decompress the files first with 'gdcmconv --raw in.dcm out.dcm'`,
  niftiFile: (fn: string, file: string, problem: string) => `${fn}: ${file}: ${problem}`,
  // model zoo: PMF, MTLR, PC-Hazard, BCESurv; stratified and left-truncated Cox; AFT heads
  pcHazardIndex: (fn: string, arg: string, columns: number, got: unknown) =>
    `${fn}: '${arg}' must be an integer index in [-1, ${columns - 1}] (the output has ${columns} intervals; -1 drops a subject at the first cut); got ${show(got)}`,
  intervalFraction: (fn: string, arg: string, index: number, got: unknown) =>
    `${fn}: '${arg}' must hold fractions of the interval >= 0 (above 1 only beyond the last cut); got ${show(got)} at index ${index}`,
  entryNotBeforeExit: (fn: string, arg: string, index: number, entry: number, exit: number) =>
    `${fn}: '${arg}' must be below each subject's time (at risk on (entry, time]); subject ${index} enters at ${entry} but leaves at ${exit}`,
  positiveTime: (fn: string, arg: string, index: number, got: unknown) =>
    `${fn}: '${arg}' must hold times > 0 (the parametric likelihood uses log t); got ${show(got)} at index ${index}`,
  pcHazardCuts: (fn: string, arg: string, got: unknown) =>
    `${fn}: '${arg}' must give at least 2 cut points (PC-Hazard has one output per interval between cuts); got ${show(got)}`,
  // conformalized survival distributions (CSD, CSD-iPOT)
  csdCurves: (fn: string, arg: string, got: string) => `${fn}: '${arg}' must be a SurvivalCurves object; got ${got}`,
  csdFlatCurve: (fn: string, arg: string, subject: number) =>
    `${fn}: the curve of subject ${subject} in '${arg}' stays at 1 over its whole grid, so it has no percentile times; ` +
    'predict on a grid that reaches past the first event of that subject, or drop the subject',
  // conformalized survival analysis (lower predictive bounds) and risk-controlled survival flagging
  lowerBoundCensoring: (fn: string, index: number, time: number, censoring: number) =>
    `${fn}: 'calibration.time' must be min(T, C), at most 'calibration.censoringTime'; subject ${index} has time ${time} but censoring time ${censoring}`,
  lowerBoundNoCalibration: (fn: string, c0: number) =>
    `${fn}: no calibration subject has a censoring time >= c0 = ${c0}; choose a smaller 'c0' (below most censoring times)`,
  lowerBoundTestWeights: (fn: string) =>
    `${fn}: option 'censoringProb' (P(C >= c0 | X) of each new subject) is required, because the calibration subjects were weighted by theirs`,
  survivalRiskTarget: (fn: string, alpha: number, bound: number) =>
    `${fn}: option 'alpha' (the target IBS of the kept subjects) must be below the largest per-subject loss ${bound} ` +
    "(the largest IPCW weight over 'times'); a larger target keeps everyone: lower 'alpha', or lower 'maxWeight'",
  // data-parallel training on worker threads (models/training/data-parallel.ts)
  dataParallelWorker: (fn: string, step: string, problem: string) =>
    `${fn}: ${step}: a training worker failed: ${problem}; the workers were stopped (train with workers: 1 to see the error in this thread)`,
  dataParallelTimeout: (fn: string, step: string, ms: number) =>
    `${fn}: ${step}: no answer from a training worker within ${ms} ms; the workers were stopped (raise 'timeoutMs', or train with workers: 1)`,
  dataParallelStep: (fn: string, step: string, problem: string) => `${fn}: ${step} failed on the main thread: ${problem}; the workers were stopped`,
  dataParallelModel: (fn: string, arg: string, problem: string) => `${fn}: '${arg}' cannot be trained on worker threads: ${problem}`,
  // imaging CLI: input shape of video manifests, image models for survkit predict
  imageInputShape: (fn: string, file: string, item: string) =>
    `${fn}: ${file}: the first item ${item} is a video, which has no size of its own, and the backbone declares no input shape; ` +
    'give --input-shape T,H,W (frames, height, width; e.g. 16,112,112 for r3d_18) — the clips are sampled and resized to it',
  imageBackboneMoved: (fn: string, model: string, file: string) =>
    `${fn}: the model ${model} extracts image features with the backbone ${file}, which is not there any more; ` +
    'put the file back, or pass --backbone <its new path> (it must be the same file: its fingerprint is checked)',
  imageBackboneChanged: (fn: string, model: string, file: string, recorded: string, found: string) =>
    `${fn}: the backbone ${file} is not the one the model ${model} was trained with (fingerprint ${recorded.slice(0, 24)}… recorded, ` +
    `${found.slice(0, 24)}… now); restore the original file, or retrain with survkit train --images --backbone ${file}`,
  imageModelMode: (fn: string, model: string, problem: string) => `${fn}: ${model}: ${problem}`,
  // evidential variants (I-EDL, R-EDL), deep evidential regression, test-time augmentation
  evidentialAlpha: (fn: string, arg: string, index: number, got: unknown) =>
    `${fn}: '${arg}' must hold finite Dirichlet parameters alpha = evidence + 1 >= 1 (an EvidentialHead's output); got ${show(got)} at index ${index}`,
  nigParameter: (fn: string, arg: string, index: number, got: unknown) =>
    `${fn}: '${arg}' must be finite (and nu > 0, alpha > 1, beta > 0 for Normal-Inverse-Gamma parameters); got ${show(got)} at row ${index}`,
  ttaPrediction: (fn: string, pass: number, expected: string, got: string) =>
    `${fn}: augmented pass ${pass} must return a prediction with ${expected} (like the first pass); got ${got}`,
  // per-stratum, left-truncated Cox baselines (CoxPH, survkit train --strata-col / --entry-col, survkit predict)
  coxStratumValue: (fn: string, arg: string, index: number, got: unknown) =>
    `${fn}: '${arg}' must hold one stratum per subject (a non-empty text or a finite number); got ${show(got)} at index ${index}`,
  coxStrataMissing: (fn: string, arg: string, levels: string) =>
    `${fn}: the model was trained with strata (${levels}): each subject's survival curve uses its stratum's baseline hazard, so give '${arg}' (one stratum per subject)`,
  coxStratumUnseen: (fn: string, arg: string, index: number, got: string, levels: string) =>
    `${fn}: '${arg}' has the stratum ${JSON.stringify(got)} at index ${index}, which the model was not trained on (its strata: ${levels}); ` +
    'a baseline hazard exists only for the training strata',
  predictStrataColumn: (fn: string, file: string, col: string, levels: string) =>
    `${fn}: ${file}: has no column ${JSON.stringify(col)}; the model was trained with --strata-col ${col} (strata ${levels}) and predicts each ` +
    "row's survival from its stratum's baseline hazard: add the column",
  predictStratumUnseen: (fn: string, file: string, row: number, col: string, got: string, levels: string) =>
    `${fn}: ${file}: row ${row}, column ${JSON.stringify(col)}: the stratum ${JSON.stringify(got)} was not in the training rows (strata ${levels}); ` +
    'the model has no baseline hazard for it',
  // ONNX model encoder (io/onnx-model.ts)
  onnxOpset: (fn: string, arg: string, supported: readonly number[], got: unknown) =>
    `${fn}: '${arg}' must be an ai.onnx opset survkit encodes, an integer in ${supported[0]} … ${supported[supported.length - 1]}; got ${show(got)}`,
  onnxOpName: (fn: string, arg: string, got: unknown) => `${fn}: '${arg}' must be a non-empty ONNX operator name (e.g. 'Relu'); got ${show(got)}`,
  onnxProducedTwice: (fn: string, arg: string, name: string, first: string) =>
    `${fn}: '${arg}' names the value ${quote(name)}, which ${first} already produces; every value of an ONNX graph has one producer: rename one of them`,
  onnxNodeInput: (fn: string, arg: string, node: number, op: string, input: string) =>
    `${fn}: node ${node} (${op}) reads ${quote(input)} ('${arg}'), which is neither a graph input, an initializer nor an output of an earlier node; ` +
    "list the nodes in execution order, or pass '' for an omitted optional input",
  onnxGraphOutput: (fn: string, arg: string, name: string) =>
    `${fn}: '${arg}' is ${quote(name)}, which no node, graph input or initializer produces; name an output of a node`,
  onnxDType: (fn: string, arg: string, allowed: readonly string[], got: unknown) =>
    `${fn}: '${arg}' must be one of ${allowed.map((a) => `'${a}'`).join(', ')}; got ${show(got)}`,
  onnxTensorSize: (fn: string, arg: string, dims: readonly number[], expected: number, got: number) =>
    `${fn}: '${arg}' must hold ${expected} value${expected === 1 ? '' : 's'} (the product of dims [${dims.join(', ')}]); got ${got}`,
  onnxGraphValue: (fn: string, arg: string, expected: string, got: unknown) => `${fn}: '${arg}' must be ${expected}; got ${show(got)}`,
  // native training steps through onnxruntime (models/training/onnx-step-graph.ts, onnx-trainer.ts)
  onnxStepLayer: (fn: string, layer: string, cls: string, why: string) =>
    `${fn}: layer '${layer}' (${cls}) cannot be compiled to an onnxruntime training step: ${why}; train this network with engine 'tfjs'`,
  onnxStepModel: (fn: string, arg: string, problem: string) =>
    `${fn}: '${arg}' cannot be trained with engine 'onnxruntime': ${problem}; train it with engine 'tfjs'`,
  onnxTrainMissing: (fn: string) =>
    `${fn}: engine 'onnxruntime' needs the optional package onnxruntime-node, which is not installed; run \`npm install onnxruntime-node\` ` +
    "(an .npmrc line onnxruntime-node-install=skip avoids its GPU download), or train with engine 'tfjs'",
  onnxTrainStep: (fn: string, step: string, problem: string) => `${fn}: ${step} failed: ${problem}`,
} as const;

/**
 * What the `censoringZero` message suggests, per caller: the options that
 * caller has to avoid or floor a zero Ĝ.
 */
const CENSORING_ZERO = {
  /** Uno's C: truncate with 'tau' or floor with 'clipWeights'. */
  clipWeights: {
    of: '',
    who: 'an event is weighted by 1/G',
    remedy: "pass a smaller 'tau', drop the subjects at or after that time, or opt in to { clipWeights: g } to floor G at g",
  },
  /** Brier score / NBLL: earlier times, other training labels, or 'maxWeight'. */
  maxWeight: {
    of: '',
    who: 'a subject needs the weight 1/G',
    remedy: "evaluate at earlier times, estimate G from other labels (option 'train'), or set option 'maxWeight' to floor G at 1/maxWeight",
  },
  /** Time-dependent AUC (no floor option): earlier times or longer follow-up. */
  followUp: {
    of: " of 'train'",
    who: 'a case needs the weight 1/G',
    remedy: 'evaluate at earlier times or estimate G from labels with longer follow-up',
  },
  /** Competing risks, cause-k metrics (G of the evaluated labels, as riskRegression / pec): earlier times. */
  causeMetrics: {
    of: " of 'labels'",
    who: 'a subject needs the weight 1/G',
    remedy: 'evaluate at earlier times (G reaches 0 where the last subjects at risk are censored)',
  },
} as const;

/** Which remedy a `censoringZero` message names (the caller's options). */
export type CensoringZeroRemedy = keyof typeof CENSORING_ZERO;

export type MessageKey = keyof typeof messages;
