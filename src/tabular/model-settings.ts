/**
 * The models `survkit train` builds, with pycox's example-notebook protocol
 * as the defaults (see ../shared/golden/training.md): MLP 32-32, ReLU, batch
 * norm, dropout 0.1, Adam lr 0.01, batch 256, early stopping (patience 10, best
 * weights restored), 512 epochs at most for the Cox models and 100 for the
 * discrete-time ones, DeepHit α 0.2 σ 0.1, 10 equidistant cuts, test curves
 * interpolated 10 steps per interval.
 */
import type { CutScheme } from '../data/cuts.js';
import {
  BCESurv,
  CoxCC,
  CoxPH,
  CoxTime,
  DeepHit,
  LogisticHazard,
  MTLR,
  ParametricAFT,
  PCHazard,
  PMF,
  type SurvivalFamily,
  type SurvivalModel,
} from '../models/index.js';
import type { JsonValue } from '../models/training/fit-types.js';

/** The families `survkit train --model` accepts. */
export const FAMILIES: readonly SurvivalFamily[] = [
  'coxph',
  'coxcc',
  'coxtime',
  'deephit',
  'logistichazard',
  'pmf',
  'mtlr',
  'pchazard',
  'bcesurv',
  'weibull',
  'lognormal',
];

/** Cox PH loss: pycox 0.3.0's (no tie handling; the default, as the protocol), or exact risk sets with Breslow / Efron ties. */
export type TrainTies = 'pycox' | 'breslow' | 'efron';

/** Network and family settings (all resolved). */
export interface ModelSettings {
  model: SurvivalFamily;
  hidden: number[];
  batchNorm: boolean;
  dropout: number;
  seed: number;
  /** CoxPH only. */
  ties?: TrainTies;
  /** Discrete-time families only (PC-Hazard: the number of intervals). */
  cuts?: number;
  cutScheme?: CutScheme;
  /** Linear sub-steps per interval of the discrete-time test curves (pycox `interpolate(10)`). */
  interpolation?: number;
  /** DeepHit only (pycox convention). */
  alpha?: number;
  sigma?: number;
  /** CoxCC / Cox-Time: one control per case, no shrinkage, validation cases repeated 10 times. */
  nControls?: number;
  shrink?: number;
  validationRepeats?: number;
}

/** Whether the family is discrete-time. */
export const isDiscrete = (m: SurvivalFamily): boolean => ['deephit', 'logistichazard', 'pmf', 'mtlr', 'pchazard', 'bcesurv'].includes(m);

/** The default maximum number of epochs: 512 (Cox models) or 100 (discrete-time), as pycox's notebooks. */
export const defaultEpochs = (m: SurvivalFamily): number => (isDiscrete(m) ? 100 : 512);

/**
 * The validation batch size pycox's protocol gives each family: CoxPH's
 * notebooks pass `val_batch_size = batch_size`; the others use torchtuples'
 * default 8224 (the whole validation set as one batch on METABRIC / SUPPORT).
 */
export const validationBatchSize = (m: SurvivalFamily, batchSize: number): number => (m === 'coxph' ? batchSize : 8224);

/** Fills the family's defaults into the settings. */
export function familyDefaults(s: ModelSettings): ModelSettings {
  const out: ModelSettings = { model: s.model, hidden: s.hidden, batchNorm: s.batchNorm, dropout: s.dropout, seed: s.seed };
  if (s.model === 'coxph') out.ties = s.ties ?? 'pycox';
  if (isDiscrete(s.model)) {
    out.cuts = s.cuts ?? 10;
    out.cutScheme = s.cutScheme ?? 'equidistant';
    out.interpolation = s.interpolation ?? 10;
  }
  if (s.model === 'deephit') {
    out.alpha = s.alpha ?? 0.2;
    out.sigma = s.sigma ?? 0.1;
  }
  if (s.model === 'coxcc' || s.model === 'coxtime') {
    out.nControls = s.nControls ?? 1;
    out.shrink = s.shrink ?? 0;
    out.validationRepeats = s.validationRepeats ?? 10;
  }
  return out;
}

/** Builds the (untrained) model of the settings for `inputDim` covariates, with `covariates` stored as its metadata. */
export function buildModel(s: ModelSettings, inputDim: number, covariates: JsonValue): SurvivalModel {
  const net = { inputDim, hidden: s.hidden, batchNorm: s.batchNorm, dropout: s.dropout, activation: 'relu' as const, seed: s.seed, covariates };
  switch (s.model) {
    case 'coxph': {
      const ties = s.ties ?? 'pycox';
      return new CoxPH({ ...net, ...(ties === 'pycox' ? { convention: 'pycox' } : { convention: 'exact', ties }) });
    }
    case 'coxcc':
      return new CoxCC({ ...net, nControls: s.nControls ?? 1, shrink: s.shrink ?? 0, validationRepeats: s.validationRepeats ?? 10 });
    case 'coxtime':
      return new CoxTime({ ...net, nControls: s.nControls ?? 1, shrink: s.shrink ?? 0, validationRepeats: s.validationRepeats ?? 10 });
    case 'deephit':
      return new DeepHit({ ...net, cuts: s.cuts ?? 10, scheme: s.cutScheme ?? 'equidistant', alpha: s.alpha ?? 0.2, sigma: s.sigma ?? 0.1 });
    case 'logistichazard':
      return new LogisticHazard({ ...net, cuts: s.cuts ?? 10, scheme: s.cutScheme ?? 'equidistant' });
    case 'pmf':
      return new PMF({ ...net, cuts: s.cuts ?? 10, scheme: s.cutScheme ?? 'equidistant' });
    case 'mtlr':
      return new MTLR({ ...net, cuts: s.cuts ?? 10, scheme: s.cutScheme ?? 'equidistant' });
    case 'pchazard':
      return new PCHazard({ ...net, cuts: s.cuts ?? 10, scheme: s.cutScheme ?? 'equidistant' });
    case 'bcesurv':
      return new BCESurv({ ...net, cuts: s.cuts ?? 10, scheme: s.cutScheme ?? 'equidistant' });
    case 'weibull':
    case 'lognormal':
      return new ParametricAFT({ ...net, distribution: s.model });
  }
}
