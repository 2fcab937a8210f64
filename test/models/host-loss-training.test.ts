/**
 * The dense engine trains DeepHit (single and competing risks), PMF, MTLR,
 * PC-Hazard, BCESurv, Cox-CC and Cox-Time with their host losses
 * (src/losses/host.ts): no training step runs the family's TF.js loss, and one fit
 * ends with the weights, losses and predictions of the same fit with
 * `engine: 'tfjs'` (tf.valueAndGrad of the TF.js loss), within the float32
 * tolerance of the engine parity tests (test/models/dense-engine.test.ts: 1e-4
 * of the tensor's scale after 4 epochs of 2 steps).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { BCESurv, CoxCC, CoxTime, DeepHit, MTLR, PCHazard, PMF, type SurvivalModel } from '../../src/index.js';
import { synthetic } from './synthetic.js';

beforeAll(async () => {
  await initBackend();
});

/** The method that computes the family's TF.js loss, called with `training` as its last argument. */
type Make = () => { model: SurvivalModel; lossMethod: 'batchLoss' | 'caseControlLoss' };
/** `invariant`: a Cox-type loss without dropout or shrinkage, invariant to a constant shift of every output. */
const FAMILIES: Record<string, { make: Make; causes?: number; invariant?: boolean }> = {
  deephit: { make: () => ({ model: new DeepHit({ inputDim: 4, hidden: [8, 6], dropout: 0.1, cuts: 6, seed: 3 }), lossMethod: 'batchLoss' }) },
  deephitPaper: {
    make: () => ({ model: new DeepHit({ inputDim: 4, hidden: [8], cuts: 5, convention: 'paper', alpha: 0.5, beta: 2, seed: 3 }), lossMethod: 'batchLoss' }),
  },
  deephitCompeting: {
    make: () => ({ model: new DeepHit({ inputDim: 4, hidden: [8], dropout: 0.1, cuts: 5, causes: 2, seed: 3 }), lossMethod: 'batchLoss' }),
    causes: 2,
  },
  pmf: { make: () => ({ model: new PMF({ inputDim: 4, hidden: [8], dropout: 0.1, cuts: 6, seed: 3 }), lossMethod: 'batchLoss' }) },
  mtlr: { make: () => ({ model: new MTLR({ inputDim: 4, hidden: [8], cuts: 6, seed: 3 }), lossMethod: 'batchLoss' }) },
  pchazard: { make: () => ({ model: new PCHazard({ inputDim: 4, hidden: [8], dropout: 0.1, cuts: 6, seed: 3 }), lossMethod: 'batchLoss' }) },
  bcesurv: { make: () => ({ model: new BCESurv({ inputDim: 4, hidden: [8], cuts: 6, scheme: 'quantiles', seed: 3 }), lossMethod: 'batchLoss' }) },
  coxcc: { make: () => ({ model: new CoxCC({ inputDim: 4, hidden: [8, 6], dropout: 0.1, seed: 3 }), lossMethod: 'caseControlLoss' }) },
  coxccShrink: { make: () => ({ model: new CoxCC({ inputDim: 4, hidden: [8], nControls: 3, shrink: 0.05, seed: 3 }), lossMethod: 'caseControlLoss' }) },
  coxtime: { make: () => ({ model: new CoxTime({ inputDim: 4, hidden: [8, 6], dropout: 0.1, seed: 3 }), lossMethod: 'caseControlLoss' }) },
  coxtimeControls: {
    make: () => ({ model: new CoxTime({ inputDim: 4, hidden: [8], nControls: 2, seed: 3 }), lossMethod: 'caseControlLoss' }),
    invariant: true,
  },
};

/** max |a − b| over max |a|, |b| (as dense-engine.test.ts). */
function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(a[i] as number), Math.abs(b[i] as number));
  }
  return scale === 0 ? worst : worst / scale;
}

async function train(name: string, engine: 'auto' | 'tfjs') {
  const f = FAMILIES[name]!;
  const data = synthetic(150, 4, 11, { round: 1, ...(f.causes ? { causes: f.causes } : {}) });
  const { model, lossMethod } = f.make();
  const spied = model as unknown as Record<string, (...args: unknown[]) => unknown>;
  const original = spied[lossMethod]!.bind(model);
  let trainingCalls = 0;
  spied[lossMethod] = (...args: unknown[]) => {
    if (args[args.length - 1] === true) trainingCalls++;
    return original(...args);
  };
  const validation = { x: data.x.slice([0, 0], [40, 4]), labels: { time: data.time.subarray(0, 40), event: data.event.subarray(0, 40) } };
  const history = await model.fit(
    data.x,
    { time: data.time, event: data.event },
    { seed: 5, validation, engine, epochs: 4, batchSize: 64, learningRate: 0.01 },
  );
  const weights = model.net.getWeights().map((w) => Float32Array.from(w.dataSync()));
  const names = model.net.weights.map((w) => w.originalName.replace(/_\d+\//, '/'));
  const risk = await model.predictRisk(data.x);
  model.dispose();
  validation.x.dispose();
  return { history, weights, names, risk, trainingCalls };
}

function centred(a: Float64Array): Float64Array {
  const m = a.reduce((s, v) => s + v, 0) / a.length;
  return a.map((v) => v - m);
}

describe('dense engine with the host losses', () => {
  for (const name of Object.keys(FAMILIES)) {
    it(`${name}: no TF.js loss in the training steps; weights, losses and risks as with engine 'tfjs'`, async () => {
      const a = await train(name, 'tfjs');
      const b = await train(name, 'auto');
      expect(a.history.engine).toBe('tfjs');
      expect(b.history.engine).toBe('dense');
      expect(a.trainingCalls).toBeGreaterThan(0);
      expect(b.trainingCalls).toBe(0);
      expect(b.names).toEqual(a.names);
      // a shift-invariant loss without dropout gives the last batch-norm offset a zero gradient up to rounding, which Adam
      // turns into lr-sized steps on either path: that offset and the risks' level are not compared (as dense-engine.test.ts)
      const cox = FAMILIES[name]!.invariant === true;
      const lastBeta = a.names.map((n) => n.endsWith('/beta')).lastIndexOf(true);
      a.weights.forEach((w, k) => {
        if (cox && k === lastBeta) return;
        expect(maxRelDiff(w, b.weights[k] as Float32Array), a.names[k]).toBeLessThan(1e-4);
      });
      expect(maxRelDiff(a.history.loss, b.history.loss)).toBeLessThan(1e-4);
      expect(maxRelDiff(a.history.valLoss, b.history.valLoss)).toBeLessThan(1e-4);
      expect(maxRelDiff(cox ? centred(a.risk) : a.risk, cox ? centred(b.risk) : b.risk)).toBeLessThan(1e-4);
    }, 120_000);
  }
});
