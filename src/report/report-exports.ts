/** The report builders (shared by the Node and the browser entry of survkit/report). */
export {
  reportFigures,
  stepCurve,
  MAX_CURVE_POINTS,
  type ReportFigures,
  type ReportFiguresOptions,
  type StepCurve,
  type DataSummary,
  type TertileFigure,
  type CalibrationFigure,
} from './report-figures.js';
export { reportPlan, type ReportPlan, type ReportSection, type ReportBlock, type ReportFigureSpec } from './report-plan.js';
export { reportHtml, reportFragment, buildReport, scopeSvgIds, type BuiltReport } from './report-html.js';
