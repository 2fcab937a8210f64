/**
 * pycox 0.3.0's results on the fixed METABRIC / SUPPORT splits, copied from
 * ../shared/golden/training.md (pycox 0.3.0, torchtuples 0.2.2, PyTorch 1.13.1
 * CPU, one thread, numpy 1.24, scipy 1.10.1; generator
 * ../shared/golden/generators/pycox_train_reference.py).
 *
 * Defaults (10 equidistant cuts): the 10-seed table (seeds 1234+k / 123+k,
 * k = 0..9), except CoxCC, which is only in the second, 5-seed run.
 * `quantiles`: the second run's rows with 10 quantile cuts (5 seeds).
 * `msUncontended`: the single uncontended run (seed 0), median ms per epoch
 * including the validation pass; `msLoaded`: the table's medians, taken while
 * other jobs loaded the machine.
 */

/** One pycox reference row. */
export interface PycoxRow {
  seeds: number;
  ctd: number;
  ctdSd: number;
  ibs: number;
  ibsSd: number;
  inbll: number;
  inbllSd: number;
  msLoaded: number;
  msUncontended?: number;
}

type Family = 'coxph' | 'coxcc' | 'coxtime' | 'deephit' | 'logistichazard';

/** pycox's means with the notebook protocol (the acceptance bar). */
export const PYCOX: Record<'metabric' | 'support', Record<Family, PycoxRow>> = {
  metabric: {
    coxph: { seeds: 10, ctd: 0.634, ctdSd: 0.0055, ibs: 0.1612, ibsSd: 0.0036, inbll: 0.4806, inbllSd: 0.0113, msLoaded: 24.0, msUncontended: 14.5 },
    coxcc: { seeds: 5, ctd: 0.6345, ctdSd: 0.0091, ibs: 0.161, ibsSd: 0.0041, inbll: 0.4795, inbllSd: 0.0116, msLoaded: 28.3 },
    coxtime: { seeds: 10, ctd: 0.6672, ctdSd: 0.0094, ibs: 0.1598, ibsSd: 0.0035, inbll: 0.4788, inbllSd: 0.0098, msLoaded: 86.8, msUncontended: 25.5 },
    deephit: { seeds: 10, ctd: 0.6666, ctdSd: 0.0073, ibs: 0.1662, ibsSd: 0.0012, inbll: 0.4982, inbllSd: 0.0032, msLoaded: 55.7, msUncontended: 19.8 },
    logistichazard: { seeds: 10, ctd: 0.6612, ctdSd: 0.0067, ibs: 0.1613, ibsSd: 0.0021, inbll: 0.486, inbllSd: 0.0068, msLoaded: 29.4, msUncontended: 9.5 },
  },
  support: {
    coxph: { seeds: 10, ctd: 0.6164, ctdSd: 0.0034, ibs: 0.1919, ibsSd: 0.0013, inbll: 0.5657, inbllSd: 0.0045, msLoaded: 105.1, msUncontended: 43.8 },
    coxcc: { seeds: 5, ctd: 0.61, ctdSd: 0.0038, ibs: 0.1931, ibsSd: 0.001, inbll: 0.5683, inbllSd: 0.0026, msLoaded: 116.9 },
    coxtime: { seeds: 10, ctd: 0.6193, ctdSd: 0.0046, ibs: 0.1912, ibsSd: 0.0013, inbll: 0.5633, inbllSd: 0.0031, msLoaded: 342.3, msUncontended: 152.0 },
    deephit: { seeds: 10, ctd: 0.5278, ctdSd: 0.0124, ibs: 0.2078, ibsSd: 0.0011, inbll: 0.6065, inbllSd: 0.0031, msLoaded: 304.9, msUncontended: 133.9 },
    logistichazard: { seeds: 10, ctd: 0.5435, ctdSd: 0.0127, ibs: 0.1956, ibsSd: 0.0011, inbll: 0.5792, inbllSd: 0.0023, msLoaded: 96.1, msUncontended: 59.7 },
  },
};

/**
 * pycox 0.3.0's further discrete-time families (PMF, MTLR, PCHazard, BCESurv) with the same protocol
 * (10 equidistant cuts; PCHazard: LabTransPCHazard(10) and sub = 10), fixed splits, seeds offset 0–4
 * (test/fixtures/generators/pycox_train_reference.py --models pmf,mtlr,pchazard,bcesurv --seed-offset k),
 * torch 1.13 single thread on the shared 2-core machine; ms/epoch is the median over seeds of each run's median.
 */
export const PYCOX_ZOO: Record<'metabric' | 'support', Record<'pmf' | 'mtlr' | 'pchazard' | 'bcesurv', PycoxRow>> = {
  metabric: {
    pmf: { seeds: 5, ctd: 0.6649, ctdSd: 0.0048, ibs: 0.1612, ibsSd: 0.0021, inbll: 0.4818, inbllSd: 0.0059, msLoaded: 16.4 },
    mtlr: { seeds: 5, ctd: 0.6623, ctdSd: 0.0096, ibs: 0.1633, ibsSd: 0.0027, inbll: 0.4884, inbllSd: 0.0093, msLoaded: 28.4 },
    pchazard: { seeds: 5, ctd: 0.6643, ctdSd: 0.0032, ibs: 0.16, ibsSd: 0.0035, inbll: 0.4771, inbllSd: 0.0096, msLoaded: 16.2 },
    bcesurv: { seeds: 5, ctd: 0.659, ctdSd: 0.0117, ibs: 0.1825, ibsSd: 0.0013, inbll: 0.5903, inbllSd: 0.005, msLoaded: 19.2 },
  },
  support: {
    pmf: { seeds: 5, ctd: 0.5229, ctdSd: 0.0086, ibs: 0.1954, ibsSd: 0.0012, inbll: 0.5779, inbllSd: 0.0029, msLoaded: 108.0 },
    mtlr: { seeds: 5, ctd: 0.5235, ctdSd: 0.0042, ibs: 0.1947, ibsSd: 0.0013, inbll: 0.5767, inbllSd: 0.0031, msLoaded: 110.1 },
    pchazard: { seeds: 5, ctd: 0.3376, ctdSd: 0.0017, ibs: 0.1919, ibsSd: 0.0007, inbll: 0.568, inbllSd: 0.0015, msLoaded: 133.1 },
    bcesurv: { seeds: 5, ctd: 0.525, ctdSd: 0.0078, ibs: 0.219, ibsSd: 0.0006, inbll: 0.7591, inbllSd: 0.014, msLoaded: 99.2 },
  },
};

/** pycox with 10 quantile cuts (second run, 5 seeds). */
export const PYCOX_QUANTILES: Record<'metabric' | 'support', Record<'deephit' | 'logistichazard', PycoxRow>> = {
  metabric: {
    deephit: { seeds: 5, ctd: 0.6709, ctdSd: 0.009, ibs: 0.1671, ibsSd: 0.0006, inbll: 0.5011, inbllSd: 0.0028, msLoaded: 27.5 },
    logistichazard: { seeds: 5, ctd: 0.663, ctdSd: 0.0065, ibs: 0.1635, ibsSd: 0.0029, inbll: 0.4916, inbllSd: 0.0091, msLoaded: 13.4 },
  },
  support: {
    deephit: { seeds: 5, ctd: 0.6217, ctdSd: 0.0038, ibs: 0.2103, ibsSd: 0.0009, inbll: 0.6134, inbllSd: 0.0028, msLoaded: 171.7 },
    logistichazard: { seeds: 5, ctd: 0.6185, ctdSd: 0.0056, ibs: 0.2027, ibsSd: 0.0007, inbll: 0.6031, inbllSd: 0.0026, msLoaded: 50.5 },
  },
};

/** The acceptance criteria: mean C_td ≥ pycox − 0.01 and mean IBS ≤ pycox + 0.005. */
export function passes(ctd: number, ibs: number, ref: PycoxRow): boolean {
  return ctd >= ref.ctd - 0.01 && ibs <= ref.ibs + 0.005;
}

/**
 * pycox on GBSG and WHAS, measured side by side with survkit
 * (bench/pycox-side-by-side.ts, 2026-12-06; pycox 0.3.0 and torchtuples 0.2.2
 * from their repositories, PyTorch 1.13 (Debian), one thread; the same fixed
 * splits and protocol; seeds 0–9 on WHAS, 0–4 on GBSG: numpy 1234 + seed,
 * torch 123 + seed). Only DeepHit and LogisticHazard were run; `msLoaded` is
 * the median ms per epoch under that run's load (17–22).
 */
export const PYCOX_SIDE_BY_SIDE: Record<'gbsg' | 'whas', Partial<Record<Family, PycoxRow>>> = {
  gbsg: {
    deephit: { seeds: 5, ctd: 0.6655, ctdSd: 0.003, ibs: 0.1925, ibsSd: 0.0021, inbll: NaN, inbllSd: NaN, msLoaded: 208.9 },
    logistichazard: { seeds: 5, ctd: 0.6785, ctdSd: 0.0048, ibs: 0.1666, ibsSd: 0.0027, inbll: NaN, inbllSd: NaN, msLoaded: 113.5 },
  },
  whas: {
    deephit: { seeds: 10, ctd: 0.7931, ctdSd: 0.0166, ibs: 0.1442, ibsSd: 0.0031, inbll: NaN, inbllSd: NaN, msLoaded: 163.4 },
    logistichazard: { seeds: 10, ctd: 0.8073, ctdSd: 0.018, ibs: 0.1158, ibsSd: 0.0035, inbll: NaN, inbllSd: NaN, msLoaded: 72.6 },
  },
};

/** pycox's reference row for a data set and family, or undefined where none was measured. */
export function pycoxRow(dataset: string, family: Family): PycoxRow | undefined {
  if (dataset === 'metabric' || dataset === 'support') return PYCOX[dataset][family];
  if (dataset === 'gbsg' || dataset === 'whas') return PYCOX_SIDE_BY_SIDE[dataset][family];
  return undefined;
}
