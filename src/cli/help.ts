/** The `survkit --help` and `survkit <command> --help` texts. */

export const MAIN_HELP = `survkit — train survival networks and evaluate censored time-to-event predictions

Usage:
  survkit evaluate <predictions.csv> [options]   compute survival metrics of a predictions file
  survkit train --model <m> --data <file.csv> [options]
                                                 train a survival network on a CSV table and
                                                 report its test-set metrics
  survkit predict --model <dir> --data <file.csv> [--out curves.csv]
                                                 survival curves of a trained model (the curves
                                                 format that evaluate reads)
  survkit stats cox|logrank|km|rmst|aft --data <f.csv> …
                                                 Cox regression, log-rank test, median survival,
                                                 RMST, AFT regression (survkit stats --help)
  survkit report <run.json> --out report.html    an HTML report (figures and tables) of a saved
                                                 evaluate or train --format json output
  survkit serve [--port 8417]                    the evaluation page on localhost: drop a
                                                 predictions CSV, get the report, computed in
                                                 the browser (no data leave the machine)
  survkit info                                   the TensorFlow.js backend, versions, and the
                                                 kernel patches survkit installs and why
  survkit <command> --help                       the options of a command
  survkit help [command]                         the same
  survkit --help, survkit                        show this help and the evaluate options

Tables (predictions, labels, --data) are read by extension: .parquet (Parquet), .arrow / .feather /
.ipc / .arrows (Arrow IPC), anything else CSV.
  survkit --version                              print the version

Exit codes: 0 ok, 2 bad input or usage (one line on stderr naming the file,
row and column), 3 evaluate: every requested metric was skipped (reasons
printed), 1 unexpected error. Warnings go to stderr.
In a clone of the repository the command is npx survkit … (or npm link once).
`;

export const EVALUATE_HELP = `Usage:
  survkit evaluate <predictions.csv> [--train labels.csv] [--times t1,t2,… | --grid N]
                   [--tau T] [--convention pycox|sksurv] [--bootstrap N [--seed S]]
                   [--time-col c] [--event-col c] [--event-value v] [--risk-col c]
                   [--id-col c] [--group-col c] [--ignore-extra] [--strict]
                   [--delimiter d] [--decimal .|,] [--format table|json]
                   [--report report.html] [--figures dir] [--calibration-times t1,…]
                   [--json run.json]

Input (CSV with a header row, or a .parquet / .arrow / .feather file with these columns;
the format is detected from the column names):
  risk format     time,event,risk        one risk score per subject (higher = earlier event)
  curves format   time,event,<t1>,<t2>,…  the other columns are named by ascending grid
                                          times and hold survival probabilities S_i(t_k)
  cif format      time,event,cif_1@<t1>,…,cif_2@<t1>,…  competing risks: the predicted
                                          cumulative incidence of each cause k on one grid;
                                          event 0 (censored) or the cause 1..K
  Any may add a "group" column: the metrics are then also given per group
  (each group evaluated like a file of its own), and an "id" column (ignored).
  time >= 0, event 0 (censored) or 1 (event). Quoted fields, CRLF line ends and
  a UTF-8 BOM are accepted.

Metrics (keys of the JSON output, named after the survkit functions):
  risk format:    concordanceIndex, concordanceIndexIpcw, cumulativeDynamicAuc
  curves format:  all of concordanceIndex, concordanceIndexIpcw, concordanceTd
                  (Antolini, pycox 'antolini'), brierScore {times, values},
                  integratedBrierScore, integratedNbll, cumulativeDynamicAuc,
                  dCalibration (10 bins)
  cif format:     those of the curves format for the event-free survival 1 - Σ_k F_k
                  against any event, and competingRisks {"1": …, "2": …} per cause:
                  concordanceIndexCr (Wolbers, pec), cumulativeDynamicAucCr,
                  brierScoreCr, integratedBrierScoreCr (riskRegression Score)
  With curves, Harrell's and Uno's C rank subjects by minus the restricted mean
  survival time up to the last grid time t_m, -∫_0^{t_m} S_i(t) dt (curves read
  as right-continuous steps, S = 1 before the first grid time);
  cumulativeDynamicAuc uses the risk 1 - S_i(t) at each evaluation time t, and
  concordanceTd compares S_i(T_i) with S_j(T_i).
  A metric the data do not allow (e.g. no comparable pairs) is reported as
  skipped, with the reason, and the others are still computed.

Options:
  --train <labels.csv>   CSV with time,event columns: the training labels the
                         censoring distribution G (IPCW weights of Uno's C, the
                         AUC, the Brier score and NBLL) is estimated from.
                         Default: the evaluated labels themselves (the pycox
                         convention); the output says which was used.
  --times <t1,t2,…>      evaluation times of brierScore, integratedBrierScore,
                         integratedNbll and cumulativeDynamicAuc (strictly
                         ascending, >= 0). Cannot be combined with --grid.
  --grid <N>             N evenly spaced evaluation times from the smallest to the
                         largest evaluated time, linspace(min, max, N) as pycox
                         does. Default 100. Times where a metric is undefined
                         (AUC: before the first event or at/after the last time;
                         sksurv Brier: at/after the last time) are left out of
                         that metric and listed as droppedTimes.
  --tau <T>              truncation time of Uno's C (events at or after T carry
                         no weight). Default: none.
  --convention <c>       Brier score / NBLL convention: pycox (default; censoring
                         KM with ties together, events weighted 1/G(T-), divided
                         by the sum of weights, Simpson integration) or sksurv
                         (events weighted 1/G(T), divided by n, trapezoid
                         integration, times within [min T, max T)).
  --bootstrap <N>        add percentile confidence intervals { lower, upper, se }
                         (95%) to every scalar metric from N resamples of the
                         subjects; the whole evaluation (grid, IPCW labels unless
                         --train) is repeated on each resample, and resamples on
                         which a metric is undefined are skipped and counted.
  --seed <S>             integer seed of the bootstrap resampling. Default 0.
  --time-col <c>         the columns holding time, event, risk, group and a row
  --event-col <c>        id (default time, event, risk, group, id). In the
  --risk-col <c>         --train file, a --time-col / --event-col it lacks
  --group-col <c>        falls back to its time / event columns (so the options
  --id-col <c>           of a training table and of predict's output combine).
  --event-value <v>      the event cell value that means "event" (e.g. 2 for R's
                         1 = censored, 2 = dead); every other value is censored.
  --ignore-extra         ignore (and list) columns that are none of the above
                         nor a grid time; without it they are an error.
  --strict               evaluation times past the end of the predicted curves
                         are an error (default: a warning on stderr saying how
                         far and that the curves are carried forward flat).
  --delimiter <d>        field delimiter (default ","; ".tsv" files: tab; '\t'
                         or tab for a tab). A file whose header has no comma but
                         semicolons or tabs is named in the error.
  --decimal <m>          decimal mark "." (default) or "," (with --delimiter ';').
  --format <f>           table (default) or json (one JSON object with a "meta"
                         key and one key per metric; skipped metrics are
                         { "skipped": "<reason>" }). The table shows the Brier
                         score at 5 times and the mean AUC and says how many
                         times it hides; the JSON has them all. The JSON also
                         carries "figures" (follow-up, Kaplan-Meier curves, risk
                         tertiles, calibration), so survkit report can draw it.
  --report <file.html>   also write one self-contained HTML report: data summary,
                         metric table (with CIs under --bootstrap), Kaplan-Meier
                         of the labels and of censoring, Brier score and AUC over
                         time, calibration, D-calibration, KM by risk tertile with
                         numbers at risk, per-group sections, the conventions used.
                         Nothing is fetched when it is opened (inline SVG).
  --figures <dir>        also write each figure as SVG (and PNG when the optional
                         package @resvg/resvg-js is installed)
  --json <run.json>      also write the --format json output to a file (for
                         survkit report run.json --out report.html later)
  --calibration-times <t1,…>
                         times of the calibration plots (default the 25%, 50%
                         and 75% quantiles of the event times); curves format
  -h, --help             show this help
`;

export const REPORT_HELP = `Usage:
  survkit report <run.json> --out report.html [--figures dir] [--title text]

Renders the HTML report of a saved survkit evaluate or survkit train output
(--format json) without recomputing anything: the same page as --report.
  --out <file.html>      the report (one self-contained file, inline SVG)
  --figures <dir>        each figure as SVG (and PNG with @resvg/resvg-js)
  --title <text>         the page title (default: the command and the file)
  -h, --help             show this help
`;

export const SERVE_HELP = `Usage:
  survkit serve [--port 8417]

Serves the evaluation page (built by npm run build:web into dist/web) on
http://127.0.0.1:<port>/ (this machine only). Drop a predictions CSV (and
optionally training labels) on the page to get the report of survkit evaluate,
computed in the browser: the page sends no data anywhere. The same page also
works opened as a file (dist/web/index.html). --port 0 picks a free port.
Ctrl-C stops the server.
`;

export const TRAIN_HELP = `Usage:
  survkit train --model coxph|coxcc|coxtime|deephit|logistichazard|pmf|mtlr|pchazard|bcesurv|weibull|lognormal --data <file.csv>
  survkit train --model … --images <manifest.csv> --backbone <model.onnx | model.json | weights.safetensors [--arch resnet18]>
                [--freeze | --fine-tune last-block [--train-workers k] [--train-engine onnxruntime|tfjs [--train-threads k]]]
                [--normalize none|imagenet|kinetics] [--cache-dir <dir>] [--path-col path]
                [--intensity none|zscore|minmax|window:C,W] [--workers N] [--input-shape [T,]H,W] [--conv1-stride s]
                [--duration-col duration] [--event-col event] [--features x0,x1,…]
                [--split-col split [--val-col val] | --test-frac 0.2 --val-frac 0.2]
                [--seed S] [--epochs N] [--batch-size 256] [--lr 0.01] [--hidden 32,32]
                [--dropout 0.1] [--batch-norm | --no-batch-norm] [--patience 10]
                [--cuts 10] [--cut-scheme equidistant|quantiles] [--interpolation 10]
                [--ties pycox|breslow|efron] [--out <model-dir> [--force]] [--format table|json]
                [--exclude c1,c2,… | --features …] [--id-col c] [--allow-column c1,…]
                [--missing error|drop|impute] [--reference col=level,…]
                [--event-value v | --competing-risks] [--delimiter d] [--decimal .|,] [--verbose]

Trains a survival network on a CSV table (header row; one row per subject) and
prints its metrics on the test rows with the keys of survkit evaluate
(concordanceTd (Antolini), concordanceIndex, concordanceIndexIpcw,
brierScore, integratedBrierScore, integratedNbll, cumulativeDynamicAuc,
dCalibration) plus epochs, bestEpoch (1-based), msPerEpoch and backend.
The defaults are the protocol of pycox's example notebooks, so that
  survkit train --model coxph --data metabric.csv --split-col split --val-col val --seed S
reproduces pycox 0.3.0's results (see docs/pycox-parity.md).

Data:
  --duration-col <c>     observed time column, >= 0 (default duration)
  --event-col <c>        1 = event, 0 = censored (default event); TRUE/FALSE too
  --event-value <v>      the event cell value that means "event" (e.g. 2 for R's
                         1 = censored, 2 = dead); every other value is censored
  --competing-risks      deephit: event codes 0 (censored), 1..K (cause k)
  --features <c1,c2,…>   covariate columns. Default: every other column except
                         the split, validation and id columns, those named
                         "split" or "val", and --exclude.
  --exclude <c1,c2,…>    columns never used as covariates (e.g. R's own outcome
                         columns: time,status)
  --id-col <c>           the row id column: never a covariate, must be unique,
                         stored with the model and copied by survkit predict
  --allow-column <c,…>   keep covariates the leakage screen flags (on purpose)
                         Leakage screen (on the training rows, before training):
                         a covariate stops training when it has a different
                         whole-number or text value on every row (an id), when
                         alone it ranks the outcome with |C - 0.5| > 0.4
                         (Harrell's C of the covariate as the risk score), when it
                         equals the duration on most rows, when it (or its
                         missingness, or one of its levels) tells the event on
                         >= 99 % of the rows. The error names each such column.
  --missing <p>          missing cells (empty, NA, NaN, nan, .): error (default;
                         the message names the cell), drop (rows left out and
                         counted), impute (the training median of a number
                         column, the most frequent training level of a text
                         column, plus a 0/1 column <c>:missing when the training
                         rows had missing cells; stored and reapplied by predict)
  --reference <c=l,…>    reference level of a text covariate (default: the first
                         in sorted order). Text and TRUE/FALSE columns are one-hot
                         encoded: one 0/1 input <c>=<level> per other level; the
                         levels are stored with the model and a level predict has
                         not seen is an error naming the column and the level.
                         A 0/1 input is left as it is; every other one is
                         standardised with the training mean and population
                         standard deviation (stored and applied by predict).
  --images <m.csv>       imaging mode: a manifest with a column of image paths
                         (--path-col, default path; DICOM files or series
                         folders, NIfTI .nii/.nii.gz, PNG/JPEG, .npy arrays;
                         relative to the manifest; 2D images resized bilinearly
                         to the backbone's input), the
                         duration and event columns, optional covariates and
                         split. The frozen backbone's globally averaged features
                         (feature_0 …) are concatenated with the covariates and
                         the head trains as with --data. Features are cached in
                         --cache-dir (default .survkit-features beside the
                         manifest), keyed by the backbone and the image bytes,
                         and reused on the next run.
  --backbone <file>      model.onnx (onnxruntime-node, --threads n), a TF.js
                         model.json (Layers or Graph), or a PyTorch state dict
                         .safetensors with --arch resnet18|resnet34|resnet50|
                         resnet101|resnet152|r3d_18|mc3_18|r2plus1d_18, or a
                         MONAI / MedicalNet 3D ResNet resnet3d_10|resnet3d_18|
                         resnet3d_34|resnet3d_50|resnet3d_101|resnet3d_152|
                         resnet3d_200 (default: read from the file's keys)
  --conv1-stride <s>     resnet3d: the stem stride (MONAI's conv1_t_stride),
                         which the weights do not record (default 2 for a
                         MedicalNet file with module.* keys, else 1 as MONAI)
  --freeze               train the head on frozen, cached features (the default)
  --fine-tune last-block train the backbone's last residual block with the head
                         on the images (TF.js backbones; coxph, logistichazard,
                         deephit; default 20 epochs, batch 16, lr 1e-3)
  --train-workers <k>    with --fine-tune: split each batch across k worker
                         threads, one network replica each (default 1)
  --train-engine <e>     with --fine-tune: tfjs (default) or onnxruntime: each
                         step's forward and backward passes on onnxruntime's
                         native kernels (needs the optional onnxruntime-node)
  --train-threads <k>    with --train-engine onnxruntime: onnxruntime's threads
                         (default: all cores)
  --normalize <n>        per-channel normalisation of images in [0, 1]: none
                         (default), imagenet, kinetics
  --intensity <i>        intensity scaling of each item before --normalize:
                         none (default: values as read; PNG/JPEG in [0, 1]),
                         zscore (mean 0, sd 1 per item), minmax (to [0, 1] per
                         item), window:C,W (centre C, width W to [0, 1],
                         clipped; e.g. window:40,400 for CT soft tissue in HU)
  --workers <N>          image-decoding worker threads (default cores - 1, at
                         most 4; 0 decodes on the main thread)
  --input-shape <s>      H,W or T,H,W: the size items are fed at (default: the
                         backbone's declared input, else the first item's size).
                         Required when the first item is a video and the
                         backbone is a .safetensors file (a video has no size
                         of its own); clips are sampled and resized to it
  --delimiter <d>        field delimiter (default ","; ".tsv" files: tab)
  --decimal <m>          decimal mark "." (default) or "," (with --delimiter ';')
  --split-col <c>        fixed split: rows whose <c> cell is "test" are the test
                         set; of the others, rows with --val-col (default val)
                         = 1 are the validation set, the rest the training set
                         (no row with 1: no validation set, no early stopping).
  --test-frac <f>        random split (seeded with --seed; default when
  --val-frac <f>         --split-col is not given): a fraction f of the rows is
                         the test set (default 0.2), then a fraction of the rest
                         the validation set (default 0.2; 0 = no validation set
                         and no early stopping).

Network and training:
  --model <m>            coxph (DeepSurv), coxcc (Cox-CC: one control per case,
                         shrink 0), coxtime (Cox-Time: time standardised as an
                         input), deephit (single risk, alpha 0.2, sigma 0.1),
                         logistichazard (nnet-survival), pmf, mtlr (N-MTLR),
                         pchazard (piecewise-constant hazard), bcesurv
                         (pycox 0.3.0's families); weibull, lognormal
                         (deep AFT: closed-form curves; times > 0)
  --hidden <w1,w2,…>     MLP widths (default 32,32); ReLU; dense kernels
                         Kaiming-normal as torchtuples
  --batch-norm           batch normalisation after each activation (the
  --no-batch-norm        default; PyTorch momentum 0.1 and eps 1e-5)
  --dropout <p>          dropout after each hidden block (default 0.1)
  --lr <r>               Adam learning rate (default 0.01; beta 0.9, 0.999, eps 1e-8)
  --batch-size <b>       rows per batch (default 256; Cox-CC / Cox-Time: cases)
  --epochs <N>           at most N epochs (default 512 for coxph, coxcc,
                         coxtime; 100 for the discrete-time models)
  --patience <p>         stop after p epochs without a lower validation loss
                         and restore the best weights (default 10)
  --seed <S>             seed of the weights, dropout, shuffling, case-control
                         draws and the random split (default 0)
  --ties <t>             coxph loss: pycox (default: pycox 0.3.0's loss, which
                         ignores tied times), breslow or efron (exact risk sets)
  --strata-col <s>       coxph: a stratified model (R strata(s)): the partial
                         likelihood sums over the strata of column s, and the
                         Breslow baseline is computed per stratum; survkit
                         predict then needs column s (a known stratum per row)
  --entry-col <e>        coxph: left truncation (R Surv(e, time, event)): a row
                         is at risk on (e, time], in the loss and the baseline;
                         e must be below the duration. With --strata-col or
                         --entry-col the loss is the exact one (--ties efron by
                         default, or breslow; pycox's has neither)
  --cuts <K>             discrete-time models: K cut points (default 10;
                         pchazard: K intervals, K + 1 cut points, as pycox)
  --cut-scheme <s>       equidistant (default) or quantiles of the training times
  --interpolation <s>    discrete-time models: test curves with s linear steps
                         per interval (default 10, pycox interpolate(10));
                         pchazard: s steps of its constant hazard (pycox sub)

Evaluation (pycox's protocol): the censoring Kaplan-Meier of the test labels,
Brier score and NBLL on 100 times linspace(min, max) of the test durations.
Cox models: Breslow baseline on the training rows.

Output:
  --out <dir>            save the trained model (model.json, weights.bin,
                         survkit.json with the encoding and standardisation) for
                         survkit predict. With --images (frozen features) it also
                         records the backbone (path, SHA-256, fingerprint, arch,
                         input shape, --normalize, --intensity) for
                         survkit predict --images; with --fine-tune it saves the
                         fine-tuned backbone with the head and the same settings
                         (mode "fine-tune" in survkit.json), which survkit predict
                         --images feeds the images. Written to a temporary sibling and then
                         renamed, so a crash leaves the old model or the new one;
                         a non-empty directory that is not a survkit model is
                         never overwritten. Checked before training.
  --force                replace an existing model at --out
  --verbose              one line per epoch on stderr also when it is not a
                         terminal (logs, CI); on a terminal a progress bar is
                         always shown
  --format <f>           table (default) or json; both list every covariate
                         column used, the inputs, and the columns not used
  --report <file.html>   also write the HTML report: loss curves (best epoch
                         marked), the settings and the test-set report of
                         survkit evaluate --report
  --figures <dir>        also write each figure as SVG (and PNG with @resvg/resvg-js)
  -h, --help             show this help
Backend: SURVKIT_BACKEND=cpu|wasm|tensorflow (default the fastest available).
`;

export const PREDICT_HELP = `Usage:
  survkit predict --model <model-dir> --data <file.csv> [--out curves.csv]
  survkit predict --model <model-dir> --images <manifest.csv> [--backbone <file>] [--cache-dir <dir>] [--workers N]
                  [--duration-col c] [--event-col c] [--id-col c] [--interpolation s]
                  [--times t1,t2,…] [--output curves|survival|risk|median|rmst] [--tau T]
                  [--strict] [--delimiter d] [--decimal .|,]

Predicts the survival curve of every row of <file.csv> with a model saved by
survkit train --out (its covariate columns are looked up by name and
standardised as in training). Output (to --out, else standard output):
  time,event,<t1>,<t2>,…   when the file has the duration and event columns
                           (names as in training, or --duration-col /
                           --event-col): the curves format survkit evaluate reads
  id,<t1>,<t2>,…           when it has neither (subjects without outcomes): id is
                           the --id-col cell, else the 1-based data row number
An id column (--id-col, or the training --id-col when the file has it) comes
first in both formats (survkit evaluate ignores a column named id).
The grid times are the model's: the distinct training times (Cox models) or the
cut points with --interpolation steps per interval (default as in training).
  --times <t1,t2,…>      S(t) at these times instead of the grid: each reads the
                         curve as a right-continuous step (the value at the last
                         grid time <= t; 1 before the first grid time); past the
                         last grid time the curve is carried forward flat, with a
                         warning (an error with --strict)
  --output <o>           curves (default) / survival: S(t) columns; rmst: the
                         restricted mean survival time to --tau (default the last
                         grid time); risk: -RMST to --tau (higher = earlier
                         event; the risk format survkit evaluate reads); median:
                         the first grid time with S(t) <= 0.5, NA if never
  --strict               a table whose columns do not match the training table
                         (reported on stderr otherwise) or a --times / --tau past
                         the end of the curves is an error
  --images <m.csv>       a model trained by survkit train --images … --out: the
                         manifest of the images to predict (its path column and
                         covariates as in training; duration and event optional).
                         Features come from the backbone the model records (file,
                         architecture, input shape, --normalize, --intensity),
                         through the feature cache; a backbone that moved or
                         changed since training is an error naming the file. A
                         model trained with --fine-tune holds its backbone: the
                         images are fitted to its input shape with its
                         --intensity and --normalize (no --backbone, no cache)
  --backbone <file>      where the recorded backbone is now, when it moved (the
                         same file: its SHA-256 and fingerprint are checked)
  --cache-dir <dir>      feature cache (default .survkit-features beside the
                         manifest)
  --workers <N>          image-decoding worker threads (0: on the main thread)
The covariates are encoded as in training (categories, imputation). Numbers are
written in the shortest form that reads back exactly.
  -h, --help             show this help
`;

export const INFO_HELP = `Usage:
  survkit info [--format table|json]

Prints the TensorFlow.js backend survkit trains on (SURVKIT_BACKEND or the
fastest available: tfjs-node, then wasm, then cpu), its versions and
capabilities, whether the TF.js version is in the range survkit is tested
with, every kernel patch survkit installs (what it does to the stock kernel and
why), and the survkit and Node.js versions. Importing survkit changes nothing
in TF.js; the patches are installed by initBackend() or a model's first use.
  -h, --help             show this help
`;
