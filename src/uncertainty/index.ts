/**
 * survkit uncertainty — flagging, the classifier baselines (temperature scaling, MC dropout, deep
 * ensembles), and survival ensembles, MC dropout and bands on survival curves.
 */
export { flagLowConfidence, type FlagPolicy, type FlagResult } from './flag.js';
export { survivalBands, type SurvivalBands, type SurvivalBandOptions, type RiskBand } from './survival-bands.js';
export { survivalBandWidth, type BandWidthOptions, type BandScale } from './survival-score.js';
export { SurvivalEnsemble, type SurvivalEnsembleOptions, type EnsembleBandOptions } from './survival-ensemble.js';
export { survivalMcDropout, type McDropoutOptions } from './survival-mc-dropout.js';
export {
  fitTemperature,
  temperatureScale,
  temperatureNll,
  TemperatureScaling,
  type TemperatureFit,
  type FitTemperatureOptions,
  type LogitsInput,
} from './temperature-scaling.js';
export { mcDropoutPredict, type McDropoutPredictOptions } from './mc-dropout.js';
export { DeepEnsemble, type DeepEnsembleOptions } from './ensemble.js';
export { combineSamples, SAMPLE_SCORES, type SampleScore } from './sample-stats.js';
