import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { messages } from '../../src/core/messages.js';
import { survivalFromPmfLogits } from '../../src/estimators/discrete-time.js';
import { survivalFromBceLogits, survivalFromMtlrLogits, survivalFromPcHazardLogits } from '../../src/estimators/discrete-families.js';
import { interpolateCurves } from '../../src/estimators/interpolate-curves.js';
import { survivalScore } from '../../src/explain/survival-score.js';
import { BCESurv, MTLR, PCHazard, PMF, SurvivalModel, type DiscreteBase } from '../../src/models/index.js';
import { synthetic } from './synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'survkit-zoo-'));
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const data = synthetic(120, 4, 41);
const labels = { time: data.time, event: data.event };
const FAMILIES = {
  pmf: () => new PMF({ inputDim: 4, hidden: [8], cuts: 6, seed: 2 }),
  mtlr: () => new MTLR({ inputDim: 4, hidden: [8], cuts: 6, seed: 2 }),
  pchazard: () => new PCHazard({ inputDim: 4, hidden: [8], cuts: 6, seed: 2 }),
  bcesurv: () => new BCESurv({ inputDim: 4, hidden: [8], cuts: 6, scheme: 'quantiles', seed: 2 }),
} as const;

/** The curves each family's predictSurvival must equal (the float64 functions of its logits). */
function curvesOf(family: keyof typeof FAMILIES, logits: Float64Array, cuts: Float64Array, sub: number) {
  if (family === 'pchazard') return survivalFromPcHazardLogits(logits, cuts, sub);
  const c =
    family === 'pmf' ? survivalFromPmfLogits(logits, cuts) : family === 'mtlr' ? survivalFromMtlrLogits(logits, cuts) : survivalFromBceLogits(logits, cuts);
  return interpolateCurves(c, sub);
}

describe('PMF, MTLR, PCHazard, BCESurv models', () => {
  for (const family of Object.keys(FAMILIES) as (keyof typeof FAMILIES)[]) {
    it(`${family}: fits (tiny), curves equal the functions of its logits, survivalScore agrees, saves and loads bit-identically, no tensor leak`, async () => {
      const m: DiscreteBase = FAMILIES[family]();
      await m.fit(data.x, labels, { epochs: 2, batchSize: 40, validation: 0.25, earlyStopping: true, seed: 3, verbose: false });
      const cuts = m.transform.cuts;
      const width = family === 'pchazard' ? cuts.length - 1 : cuts.length;
      expect(cuts.length).toBe(family === 'pchazard' ? 7 : 6); // pycox: LabTransPCHazard(6) has 7 cuts
      expect(m.net.outputs[0]?.shape).toEqual([null, width]);
      const before = tf.memory().numTensors;
      const logits = (await m.predictLogits(data.x)).values;
      const curves = await m.predictSurvival(data.x, { interpolation: 3 });
      expect(Array.from(curves.values)).toEqual(Array.from(curvesOf(family, logits, cuts, 3).values));
      expect(tf.memory().numTensors).toBe(before);
      const onCuts = await m.predictSurvival(data.x);
      const t = ((cuts[2] as number) + (cuts[3] as number)) / 2;
      const score = tf.tidy(() => Array.from(survivalScore(m, t)(data.x as tf.Tensor).dataSync()));
      for (let i = 0; i < 10; i++) expect(Math.abs((score[i] as number) - onCuts.get(i, 2))).toBeLessThan(2e-6);
      await m.save(join(dir, family));
      const loaded = (await SurvivalModel.load(join(dir, family))) as DiscreteBase;
      expect(loaded.family).toBe(family);
      expect(Array.from(loaded.transform.cuts)).toEqual(Array.from(cuts));
      const again = await loaded.predictSurvival(data.x, { interpolation: 3 });
      expect(Array.from(again.values)).toEqual(Array.from(curves.values));
      loaded.dispose();
      m.dispose();
    }, 120_000);
  }

  it('refuses competing-risk labels', async () => {
    const cr = synthetic(40, 4, 5, { causes: 2 });
    const i = Array.from(cr.event).findIndex((e) => e > 1);
    for (const [name, make] of Object.entries(FAMILIES)) {
      const m = make();
      const cls = { pmf: 'PMF', mtlr: 'MTLR', pchazard: 'PCHazard', bcesurv: 'BCESurv' }[name] as string;
      await expect(m.fit(cr.x, cr, { epochs: 1, verbose: false })).rejects.toThrow(
        messages.notBinaryEvent(`${cls}.fit`, 'labels.event', i, cr.event[i] as number),
      );
    }
  });

  it('BCESurv.predictProbabilities gives pycox raw sigmoid values', async () => {
    const m = new BCESurv({ inputDim: 4, hidden: [4], cuts: [0, 1, 2, 3], seed: 1 });
    const logits = (await m.predictLogits(data.x)).values;
    const p = await m.predictProbabilities(data.x);
    expect(Array.from(p)).toEqual(Array.from(logits, (v) => 1 / (1 + Math.exp(-v))));
    m.dispose();
  });
});
