/**
 * fast-check runs every property with one fixed seed in CI, so that a run is
 * reproducible; `FC_SEED=random` draws a fresh seed per property (to explore
 * more inputs locally), and `FC_SEED=<n>` replays a given one.
 */
import fc from 'fast-check';

const env = process.env.FC_SEED;
if (env !== 'random') fc.configureGlobal({ seed: env === undefined ? 20261127 : Number(env) });
