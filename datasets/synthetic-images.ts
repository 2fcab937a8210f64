/**
 * Synthetic images whose hazard depends on what is drawn in them — the data
 * of survkit's image-survival test (test/e2e/image-survival.test.ts) and
 * benchmark (bench/image-survival.ts).
 *
 * The generator lives in the package (src/data/synthetic-images.ts, exported
 * from 'survkit' as `syntheticImageSurvival`) so that users can run the same
 * demo; this file re-exports it for scripts in this folder. Nothing is stored
 * on disk: every set is regenerated from its seed.
 *
 *   const { images, shape, time, event, trueLogRisk } = syntheticImageSurvival({ n: 1000, size: 64, seed: 1, censoring: 0.3 });
 */
export { syntheticImageSurvival, type SyntheticImageOptions, type SyntheticImages } from '../src/data/synthetic-images.js';
