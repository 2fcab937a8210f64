/** The `survkit --help` and `survkit evaluate --help` texts. */

export const MAIN_HELP = `survkit — evaluate censored time-to-event predictions

Usage:
  survkit evaluate <predictions.csv> [options]   compute survival metrics of a predictions file
  survkit --help                                 show this help (survkit evaluate --help: the evaluate options)
  survkit --version                              print the version

Exit codes: 0 ok, 2 bad input or usage (one line on stderr naming the file,
row and column), 1 unexpected error.
`;

export const EVALUATE_HELP = `Usage:
  survkit evaluate <predictions.csv> [--train labels.csv] [--times t1,t2,… | --grid N]
                   [--tau T] [--convention pycox|sksurv] [--bootstrap N [--seed S]]
                   [--format table|json]

Input (CSV with a header row; the format is detected from the header):
  risk format     time,event,risk        one risk score per subject (higher = earlier event)
  curves format   time,event,<t1>,<t2>,…  the other columns are named by ascending grid
                                          times and hold survival probabilities S_i(t_k)
  Either may add a "group" column: the metrics are then also given per group
  (each group evaluated like a file of its own). time >= 0, event 0 (censored)
  or 1 (event). Quoted fields, CRLF line ends and a UTF-8 BOM are accepted.

Metrics (keys of the JSON output, named after the survkit functions):
  risk format:    concordanceIndex, concordanceIndexIpcw, cumulativeDynamicAuc
  curves format:  all of concordanceIndex, concordanceIndexIpcw, concordanceTd
                  (Antolini, pycox 'antolini'), brierScore {times, values},
                  integratedBrierScore, integratedNbll, cumulativeDynamicAuc,
                  dCalibration (10 bins)
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
  --format <f>           table (default) or json (one JSON object with a "meta"
                         key and one key per metric; skipped metrics are
                         { "skipped": "<reason>" }).
  -h, --help             show this help
`;
