import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { SurvkitError } from '../../src/core/errors.js';
import { messages } from '../../src/core/messages.js';
import { CoxPH, CoxTime, DeepHit, LogisticHazard, SurvivalModel } from '../../src/models/index.js';
import { StateReader } from '../../src/models/survival/family-state.js';
import { synthetic } from './synthetic.js';

const LOAD = 'SurvivalModel.load';
const data = synthetic(120, 3, 5);
const labels = { time: data.time, event: data.event };
let root = '';

beforeAll(async () => {
  await initBackend();
  root = mkdtempSync(join(tmpdir(), 'survkit-family-state-'));
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Saves a fitted model, lets `edit` change its survkit.json state, and loads it again. */
async function reload(model: SurvivalModel, name: string, edit: (state: Record<string, unknown>) => void): Promise<SurvivalModel> {
  const dir = join(root, name);
  await model.save(dir);
  const file = join(dir, 'survkit.json');
  const json = JSON.parse(readFileSync(file, 'utf8')) as { state: Record<string, unknown> };
  edit(json.state);
  writeFileSync(file, JSON.stringify(json));
  return SurvivalModel.load(dir);
}

async function loadError(p: Promise<unknown>): Promise<SurvkitError> {
  const err: unknown = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SurvkitError);
  return err as SurvkitError;
}

describe('typed family state in survkit.json', () => {
  it('StateReader names the field, what it must be and what came', () => {
    const s = new StateReader('CoxPH', { ties: 'exactish', n: 1.5, baseline: { times: [1, 1], hazard: [0.1, 0.2], cumulativeHazard: [0.1, 0.3] } });
    expect(() => s.choice('ties', ['efron', 'breslow'])).toThrow(messages.modelState(LOAD, 'CoxPH', 'state.ties', 'one of "efron", "breslow"', 'exactish'));
    expect(() => s.number('n', { integer: true, min: 1 })).toThrow(messages.modelState(LOAD, 'CoxPH', 'state.n', 'a finite integer ≥ 1', 1.5));
    expect(() => s.number('missing')).toThrow(messages.modelState(LOAD, 'CoxPH', 'state.missing', 'a finite number', undefined));
    expect(() => s.baseline()).toThrow(/'state\.baseline' must be null or \{ times, hazard, cumulativeHazard \}/); // times not ascending
    expect(() => new StateReader('CoxPH', null)).toThrow(messages.modelState(LOAD, 'CoxPH', 'state', 'an object', null));
    expect(() => new StateReader('CoxPH', [])).toThrow(messages.modelState(LOAD, 'CoxPH', 'state', 'an object', []));
  });

  it('a saved state with a wrong field is refused for every family, naming the field', async () => {
    const x = data.x;
    const cox = new CoxPH({ inputDim: 3, hidden: [4], seed: 1 });
    await cox.fit(x, labels, { epochs: 1, batchSize: 120, verbose: false });
    const err = await loadError(reload(cox, 'coxph', (s) => (s.ties = 'exactish')));
    expect(err.code).toBe('modelDir'); // the loader names the folder; the message keeps the field
    expect(err.message).toContain("'state.ties'");
    const base = await loadError(reload(cox, 'coxph-baseline', (s) => ((s.baseline as { hazard: number[] }).hazard = [1])));
    expect(base.message).toContain("'state.baseline'");

    const ct = new CoxTime({ inputDim: 3, hidden: [4], seed: 1 });
    await ct.fit(x, labels, { epochs: 1, batchSize: 120, verbose: false });
    expect((await loadError(reload(ct, 'coxtime', (s) => delete s.timeScaler))).message).toContain(
      '\'state.timeScaler\' must be an object with type "TimeScaler"',
    );
    expect((await loadError(reload(ct, 'coxtime-n', (s) => (s.nControls = 0)))).message).toContain("'state.nControls' must be a finite integer ≥ 1");

    const dh = new DeepHit({ inputDim: 3, hidden: [4], cuts: 5, seed: 1 });
    await dh.fit(x, labels, { epochs: 1, batchSize: 120, verbose: false });
    expect((await loadError(reload(dh, 'deephit', (s) => ((s.loss as Record<string, unknown>).alpha = 'big')))).message).toContain(
      "'state.loss.alpha' must be a number",
    );
    expect((await loadError(reload(dh, 'deephit-causes', (s) => delete s.causes))).message).toContain("'state.causes'");

    const lh = new LogisticHazard({ inputDim: 3, hidden: [4], cuts: 5, seed: 1 });
    await lh.fit(x, labels, { epochs: 1, batchSize: 120, verbose: false });
    expect((await loadError(reload(lh, 'lh', (s) => (s.labelTransform = 3)))).message).toContain("'state.labelTransform'");
    // and the untouched state loads with identical predictions
    const again = await reload(lh, 'lh-ok', () => undefined);
    expect(Array.from((await again.predictSurvival(x)).values)).toEqual(Array.from((await lh.predictSurvival(x)).values));
    for (const m of [cox, ct, dh, lh, again]) m.dispose();
  }, 240_000);
});
