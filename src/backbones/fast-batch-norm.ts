/** The batch-norm training speed-up; see batch-norm-modes.ts for the one wrapper behind it. */
export { fastBatchNormTraining } from './batch-norm-modes.js';
