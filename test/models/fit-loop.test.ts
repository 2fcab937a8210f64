import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { messages } from '../../src/core/messages.js';
import { EarlyStopping } from '../../src/models/training/early-stopping.js';
import { loopOptions, runFitLoop, type TrainingPlan } from '../../src/models/training/fit-loop.js';
import { Progress } from '../../src/models/training/progress.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** Reference: torchtuples' rule written as a direct scan. */
function stopIndex(losses: number[], patience: number, minDelta: number): number {
  let best = Infinity;
  let since = 0;
  for (let i = 0; i < losses.length; i++) {
    if ((losses[i] as number) < best - minDelta) {
      best = losses[i] as number;
      since = 0;
    } else if (++since >= patience) return i;
  }
  return -1;
}

describe('EarlyStopping', () => {
  it('stops after `patience` epochs without improvement (named case)', () => {
    const es = new EarlyStopping({ patience: 2 });
    const out = [1.0, 0.9, 0.95, 0.91, 0.8].map((v) => es.update(v));
    expect(out.map((o) => o.improved)).toEqual([true, true, false, false, true]);
    expect(out.map((o) => o.stop)).toEqual([false, false, false, true, false]);
    expect([es.best, es.bestEpoch]).toEqual([0.8, 4]);
  });

  it('needs an improvement larger than minDelta; NaN never improves', () => {
    const es = new EarlyStopping({ patience: 1, minDelta: 0.1 });
    expect(es.update(1).improved).toBe(true);
    expect(es.update(0.95)).toEqual({ improved: false, stop: true });
    const nan = new EarlyStopping({ patience: 3 });
    expect(nan.update(NaN).improved).toBe(false);
    expect(() => new EarlyStopping({ patience: -1 })).toThrow(messages.optionRange('fit', 'earlyStopping.patience', 'an integer >= 0', -1));
  });

  it('property: stops exactly where the direct scan of the rule does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 2, noNaN: true }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom(0, 0.01, 0.2),
        (losses, patience, minDelta) => {
          const es = new EarlyStopping({ patience, minDelta });
          const got = losses.findIndex((v) => es.update(v).stop);
          expect(got).toBe(stopIndex(losses, patience, minDelta));
        },
      ),
    );
  });
});

describe('Progress', () => {
  const sink = (isTTY: boolean) => {
    const out: string[] = [];
    return { out, stream: { isTTY, columns: 100, write: (s: string) => out.push(s) } };
  };
  it('draws a bar on a TTY, lines only when verbose without a TTY, nothing otherwise', () => {
    const tty = sink(true);
    const p = new Progress('auto', 3, tty.stream);
    p.batch(0, 0, 2, 1.5);
    p.epoch(0, { loss: 1.5, valLoss: 1.6, ms: 10 });
    p.done();
    expect(tty.out[0]).toMatch(/^\repoch 1\/3 \[=+ +\] loss 1\.5000/);
    expect(tty.out.at(-1)).toBe('\n');
    const pipe = sink(false);
    new Progress('auto', 3, pipe.stream).epoch(0, { loss: 1, valLoss: NaN, ms: 1 });
    expect(pipe.out).toEqual([]);
    const lines = sink(false);
    new Progress(true, 3, lines.stream).epoch(1, { loss: 1, valLoss: 2, ms: 4 });
    expect(lines.out).toEqual(['epoch 2/3 loss 1.0000 val_loss 2.0000 4 ms\n']);
    const quiet = sink(true);
    new Progress(false, 3, quiet.stream).batch(0, 0, 1, 1);
    expect(quiet.out).toEqual([]);
  });
});

describe('runFitLoop', () => {
  /** A one-weight network y = w·x and a plan with scripted validation losses. */
  function toy(valLosses: number[]) {
    const input = tf.input({ shape: [1] });
    const net = tf.model({
      inputs: input,
      outputs: tf.layers.dense({ units: 1, useBias: false, kernelInitializer: 'zeros' }).apply(input) as tf.SymbolicTensor,
    });
    const x = tf.ones([4, 1]);
    let epoch = -1;
    const seen: number[] = [];
    const plan: TrainingPlan = {
      epoch: function* () {
        epoch++;
        yield { loss: () => tf.mean<tf.Scalar>(tf.square(tf.sub(net.apply(x) as tf.Tensor, 10))), size: 4, release: () => undefined };
      },
      validate: () => {
        seen.push(net.getWeights()[0]?.dataSync()[0] as number);
        return Promise.resolve(valLosses[epoch] as number);
      },
    };
    return { net, plan, seen, x };
  }

  it('restores the weights of the best validation epoch, keeps the user optimiser, and frees its own tensors', async () => {
    const { net, plan, seen, x } = toy([5, 3, 4, 4, 4, 4]);
    const before = tf.memory().numTensors;
    const opts = loopOptions('fit', { epochs: 6, earlyStopping: { patience: 2 }, learningRate: 0.5, optimizer: 'sgd', verbose: false }, true);
    const h = await runFitLoop(net, plan, opts);
    expect([h.epochs, h.bestEpoch, h.stoppedEarly]).toEqual([4, 1, true]);
    expect(net.getWeights()[0]?.dataSync()[0]).toBe(seen[1]);
    expect(tf.memory().numTensors).toBe(before);
    expect(h.loss.length).toBe(4);
    expect(h.epochMs.length).toBe(4);
    const own = tf.train.adam(0.1);
    const t2 = toy([1]);
    await runFitLoop(t2.net, t2.plan, loopOptions('fit', { epochs: 1, optimizer: own, verbose: false }, false));
    expect(() => own.minimize(() => tf.sum<tf.Scalar>(tf.square(t2.net.apply(x) as tf.Tensor)))).not.toThrow();
  });

  it('runs the callbacks in order and stops when onEpochEnd returns true', async () => {
    const { net, plan } = toy([3, 2, 1, 0]);
    const calls: string[] = [];
    const o = loopOptions(
      'fit',
      {
        epochs: 4,
        verbose: false,
        callbacks: {
          onTrainBegin: () => void calls.push('begin'),
          onBatchEnd: (b) => void calls.push(`batch${b}`),
          onEpochEnd: (e, logs) => {
            calls.push(`epoch${e}:${logs.valLoss}`);
            return e === 1;
          },
          onTrainEnd: (h) => void calls.push(`end${h.epochs}`),
        },
      },
      true,
    );
    const h = await runFitLoop(net, plan, o);
    expect(calls).toEqual(['begin', 'batch0', 'epoch0:3', 'batch0', 'epoch1:2', 'end2']);
    expect(h.bestEpoch).toBe(1);
  });

  it('rejects bad options', () => {
    expect(() => loopOptions('fit', { epochs: 0 }, false)).toThrow(messages.optionRange('fit', 'epochs', 'an integer >= 1', 0));
    expect(() => loopOptions('fit', { optimizer: 'lbfgs' as 'sgd' }, false)).toThrow(/fit: option 'optimizer' must be one of 'adam', 'sgd', 'rmsprop'/);
    expect(() => loopOptions('fit', { verbose: 'yes' as 'auto' }, false)).toThrow(/option 'verbose' must be true, false or 'auto'/);
  });
});
