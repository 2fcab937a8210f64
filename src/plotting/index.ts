/**
 * survkit/plotting — Vega-Lite spec builders for survival and uncertainty
 * results, and headless rendering to SVG / PNG. No TensorFlow.js here.
 */
export { VEGA_LITE_SCHEMA, type PlotOptions, type PlotSpec } from './common.js';
export { kaplanMeierSpec, survivalCurvesSpec, type KaplanMeierSpecOptions, type LabelledCurve, type SurvivalCurvesSpecOptions } from './survival-plots.js';
export { calibrationSpec, reliabilitySpec, type CalibrationSpecOptions, type ReliabilitySpecOptions } from './calibration-plots.js';
export { riskCoverageSpec, type LabelledRiskCoverage, type RiskCoverageSpecOptions } from './selective-plots.js';
export { rotatedDigitSpec, type RotationPoint, type RotationSeries, type RotatedDigitSpecOptions } from './rotation-plot.js';
export { renderSvg, renderPng, pngAvailable, type RenderPngOptions } from './render.js';
export {
  displayPlot,
  displayTable,
  displayMarkdown,
  displayBundle,
  setDisplaySink,
  formatTable,
  type MimeBundle,
  type DisplaySink,
  type TableOptions,
} from './notebook.js';
export { imageGridSpec, type ImageGridItem, type ImageGridSpecOptions } from './image-grid.js';
export { encodePng, pngDataUrl, crc32, type EncodePngOptions } from './png.js';
// Kaplan–Meier figure with the numbers at risk, risk groups, and the hazard-ratio forest plot
export { atRiskTable, kaplanMeierRiskSpec, niceTimes, riskGroups, type AtRiskRow, type KaplanMeierRiskSpecOptions } from './km-risk-plot.js';
export { forestSpec, type ForestSpecOptions } from './forest-plot.js';
