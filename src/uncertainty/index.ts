/** survkit/uncertainty — turning uncertainty scores into decisions (pure TypeScript parts). */
export { flagLowConfidence, type FlagPolicy, type FlagResult } from './flag.js';
