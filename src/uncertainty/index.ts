/** survkit/uncertainty — turning uncertainty scores into decisions (pure TypeScript parts). */
export { flagLowConfidence, type FlagPolicy, type FlagResult } from './flag.js';
export { survivalBands, type SurvivalBands, type SurvivalBandOptions, type RiskBand } from './survival-bands.js';
export { survivalBandWidth, type BandWidthOptions } from './survival-score.js';
export { SurvivalEnsemble, type SurvivalEnsembleOptions, type EnsembleBandOptions } from './survival-ensemble.js';
export { survivalMcDropout, type McDropoutOptions } from './survival-mc-dropout.js';
