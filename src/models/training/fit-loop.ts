import * as tf from '@tensorflow/tfjs';
import { assertChoice, assertNumberOption } from '../../core/assert.js';
import { survkitError, type SurvkitError } from '../../core/errors.js';
import { DataParallelTrainer, outputLoss } from './data-parallel.js';
import { OnnxTrainer } from './onnx-trainer.js';
import { EarlyStopping } from './early-stopping.js';
import { FusedAdam } from './fused-adam.js';
import { DenseEngine } from './dense-engine.js';
import { Progress, type ProgressStream } from './progress.js';
import type { FitCallbacks, FitOptions, History } from './fit-types.js';

/** One optimisation step: `loss` runs the forward pass (training mode) and returns the batch loss. */
export interface TrainStep {
  loss: () => tf.Scalar;
  /** Rows in the batch (for callbacks). */
  size: number;
  /** Frees the batch's tensors (called after the step). */
  release: () => void;
  /** The batch's network inputs, where `loss` runs the network once on exactly them (needed to train on worker threads). */
  inputs?: tf.Tensor[];
  /** The batch's loss on the host from the network output (the dense engine then runs without TF.js); optional. */
  host?: HostLoss;
}

/** A batch loss on host arrays: `inputs` feed the network; `loss` maps its output `[rows, width]` to the value and ∂/∂output. */
export interface HostLoss {
  inputs: tf.Tensor[];
  /** The same inputs as host arrays, where the plan has them (then `inputs` is not read). */
  arrays?: () => Float32Array[];
  loss: (out: Float32Array) => { value: number; gradient: ArrayLike<number> };
}

/** The network's inference forward on a batch's inputs, as host arrays (valid until the next call). */
export interface HostForward {
  (inputs: tf.Tensor[]): Float32Array;
  /** The same forward on host arrays (`rows` rows each, row-major). */
  arrays: (inputs: Float32Array[], rows: number) => Float32Array;
}

/** What a model family gives the loop: the steps of an epoch and a validation loss. */
export interface TrainingPlan {
  epoch: (epoch: number) => AsyncIterable<TrainStep> | Iterable<TrainStep>;
  /** Number of steps per epoch when known (for the progress bar). */
  stepsPerEpoch?: number;
  /** Mean validation loss (inference mode), or undefined without validation data. */
  validate?: () => Promise<number>;
  /**
   * The same validation loss from the host losses, given the network's inference forward on host arrays (the
   * output, row-major; read before the next call); the dense engine uses it instead of `validate` where present.
   */
  validateHost?: (forward: HostForward) => Promise<number>;
  /** True when a step does more than one forward pass on the network's own weights (e.g. a momentum target pass): TF.js only. */
  tfjsOnly?: boolean;
}

/** Options the loop itself uses, resolved with defaults. */
export interface LoopOptions {
  epochs: number;
  earlyStopping: EarlyStopping | undefined;
  callbacks: FitCallbacks[];
  verbose: boolean | 'auto';
  learningRate: number;
  optimizer: FitOptions['optimizer'];
  /** 'auto': the host dense engine where the network is eligible; 'tfjs': always TF.js; 'onnxruntime': native steps (`OnnxTrainer`). */
  engine: 'auto' | 'tfjs' | 'onnxruntime';
  /** onnxruntime's kernel threads (engine 'onnxruntime'; default: the machine's cores). */
  threads?: number;
  /** Seed of the dropout masks drawn by onnxruntime (engine 'onnxruntime'; default 0). */
  seed?: number;
  progressStream?: ProgressStream;
  /** Worker threads of data-parallel training (default 1: the calling thread). */
  workers?: number;
  /** Longest wait for a training worker, ms. */
  workerTimeoutMs?: number;
}

/** Resolves the loop options of {@link FitOptions}. */
export function loopOptions(fn: string, opts: FitOptions, hasValidation: boolean): LoopOptions {
  const epochs = assertNumberOption(fn, 'epochs', opts.epochs ?? 100, { min: 1, integer: true });
  let earlyStopping: EarlyStopping | undefined;
  if (opts.earlyStopping !== undefined && opts.earlyStopping !== false) {
    if (!hasValidation)
      throw survkitError('optionRange', fn, 'earlyStopping', "used with 'validation' data (it monitors the validation loss)", opts.earlyStopping);
    earlyStopping = new EarlyStopping(opts.earlyStopping === true ? {} : opts.earlyStopping, fn);
  }
  const callbacks = opts.callbacks === undefined ? [] : Array.isArray(opts.callbacks) ? opts.callbacks : [opts.callbacks];
  const verbose = opts.verbose ?? 'auto';
  if (verbose !== 'auto' && typeof verbose !== 'boolean') throw survkitError('optionRange', fn, 'verbose', "true, false or 'auto'", verbose);
  const learningRate = assertNumberOption(fn, 'learningRate', opts.learningRate ?? 1e-3, { min: 0, minExclusive: true });
  if (opts.optimizer !== undefined && !isOptimizer(opts.optimizer)) {
    assertChoice(fn, 'optimizer', opts.optimizer, ['adam', 'sgd', 'rmsprop'] as const);
  }
  const workers = assertNumberOption(fn, 'workers', opts.workers ?? 1, { min: 1, integer: true });
  const timeout = opts.workerTimeoutMs === undefined ? {} : { workerTimeoutMs: assertNumberOption(fn, 'workerTimeoutMs', opts.workerTimeoutMs, { min: 1 }) };
  const engine = assertChoice(fn, 'engine', opts.engine ?? 'auto', ['auto', 'tfjs', 'onnxruntime'] as const);
  const native: Pick<LoopOptions, 'threads' | 'seed'> = {};
  if (opts.threads !== undefined) {
    if (engine !== 'onnxruntime')
      throw survkitError('optionRange', fn, 'threads', "used with engine 'onnxruntime' (it sets onnxruntime's kernel threads)", opts.threads);
    if (workers > 1)
      throw survkitError('optionRange', fn, 'threads', "left out when 'workers' > 1 (it applies to training on the calling thread)", opts.threads);
    native.threads = assertNumberOption(fn, 'threads', opts.threads, { min: 1, integer: true });
  }
  if (engine === 'onnxruntime' && opts.seed !== undefined) native.seed = opts.seed;
  return { epochs, earlyStopping, callbacks, verbose, learningRate, optimizer: opts.optimizer, engine, workers, ...timeout, ...native };
}

/** What the loop needs of a trainer that runs the steps off TF.js's own kernels ({@link DataParallelTrainer}, {@link OnnxTrainer}). */
type StepTrainer = Pick<DataParallelTrainer, 'step' | 'weightsChanged' | 'close'> & { sync?: () => void };

/** Starts the trainer of `o` (worker threads, onnxruntime, or both), or undefined for TF.js on the calling thread. */
async function startTrainer(net: tf.LayersModel, o: LoopOptions): Promise<StepTrainer | undefined> {
  const workers = o.workers ?? 1;
  if (workers > 1)
    return DataParallelTrainer.create(net, {
      workers,
      ...(o.engine === 'onnxruntime' ? { engine: 'onnxruntime' as const } : {}),
      ...(o.workerTimeoutMs === undefined ? {} : { timeoutMs: o.workerTimeoutMs }),
    });
  if (o.engine === 'onnxruntime')
    return OnnxTrainer.create(net, { ...(o.threads === undefined ? {} : { threads: o.threads }), ...(o.seed === undefined ? {} : { seed: o.seed }) });
  return undefined;
}

/** The error for a model family whose loss runs the network more than once per batch, naming the option that asked for a trainer. */
function onceOnly(o: LoopOptions): SurvkitError {
  return (o.workers ?? 1) > 1
    ? survkitError('optionRange', 'fit', 'workers', '1 for this model family (it runs the network more than once per batch)', o.workers)
    : survkitError('optionRange', 'fit', 'engine', "'auto' or 'tfjs' for this model family (it runs the network more than once per batch)", o.engine);
}

function isOptimizer(x: unknown): x is tf.Optimizer {
  return typeof x === 'object' && x !== null && x instanceof tf.Optimizer;
}

function makeOptimizer(o: LoopOptions): { optimizer: tf.Optimizer; owned: boolean } {
  if (isOptimizer(o.optimizer)) return { optimizer: o.optimizer, owned: false };
  switch (o.optimizer ?? 'adam') {
    case 'sgd':
      return { optimizer: tf.train.sgd(o.learningRate), owned: true };
    case 'rmsprop':
      return { optimizer: tf.train.rmsprop(o.learningRate), owned: true };
    default:
      // tf.train.adam's arithmetic on all variables at once (fewer kernel calls per step; see FusedAdam)
      return { optimizer: new FusedAdam(o.learningRate, 0.9, 0.999, 1e-8), owned: true };
  }
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? (s[h] as number) : ((s[h - 1] as number) + (s[h] as number)) / 2;
}

/** Ends an epoch in the history: mean training loss (NaN without steps), validation loss, wall and CPU time, progress. */
async function recordEpoch(
  history: History,
  plan: TrainingPlan,
  progress: Progress,
  epoch: number,
  meanLoss: number,
  t0: number,
  cpu0: NodeJS.CpuUsage,
): Promise<{ loss: number; valLoss: number; ms: number }> {
  const loss = meanLoss;
  const valLoss = plan.validate ? await plan.validate() : NaN;
  const ms = performance.now() - t0;
  history.loss.push(loss);
  if (plan.validate) history.valLoss.push(valLoss);
  history.epochMs.push(ms);
  const cpu = process.cpuUsage(cpu0);
  history.epochCpuMs?.push((cpu.user + cpu.system) / 1000);
  history.epochs = epoch + 1;
  progress.epoch(epoch, { loss, valLoss, ms });
  return { loss, valLoss, ms };
}

/**
 * The custom training loop shared by every survival model: for each epoch,
 * one optimiser step per batch of the plan (`optimizer.minimize` on the
 * trainable weights of `net`), the mean batch loss, the validation loss, early
 * stopping with a snapshot of the best weights (all weights, batch-norm
 * statistics included), callbacks and progress. Tensors it creates (optimiser
 * state, snapshots) are disposed before it returns, so `tf.memory().numTensors`
 * is unchanged by a fit.
 *
 * @example
 * const plan: TrainingPlan = { epoch: function* () { yield { loss: () => myLoss(), size: 32, release: () => {} }; } };
 * const history = await runFitLoop(net, plan, loopOptions('myFit', { epochs: 5 }, false));
 * @returns the training {@link History}
 * @throws whatever the plan's loss throws (the optimiser state is disposed first)
 */
export async function runFitLoop(net: tf.LayersModel, plan: TrainingPlan, o: LoopOptions): Promise<History> {
  const engine = plan.tfjsOnly === true || (o.workers ?? 1) > 1 ? undefined : engineFor(net, o);
  if (engine) return runEngineLoop(net, plan, o, engine);
  const { optimizer, owned } = makeOptimizer(o);
  let trainer: StepTrainer | undefined;
  const progress = new Progress(o.verbose, o.epochs, o.progressStream);
  const history = newHistory(o.engine === 'onnxruntime' ? 'onnxruntime' : 'tfjs');
  let best: tf.Tensor[] | undefined;
  const dropBest = (): void => {
    if (best) for (const t of best) t.dispose();
    best = undefined;
  };
  try {
    trainer = await startTrainer(net, o);
    // With engine 'onnxruntime' on the calling thread, a loss that runs the network twice names the option 'engine'.
    const refuse = (o.workers ?? 1) > 1 ? undefined : (): SurvkitError => onceOnly(o);
    for (const cb of o.callbacks) await cb.onTrainBegin?.();
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const vars = net.trainableWeights.map((w) => w.read() as tf.Variable);
      let sum = 0;
      let count = 0;
      for await (const step of plan.epoch(epoch)) {
        let value: number;
        try {
          if (trainer !== undefined) {
            if (step.inputs === undefined) throw onceOnly(o);
            value = await trainer.step(step.inputs, outputLoss(net, step.loss, refuse), optimizer);
          } else {
            const cost = optimizer.minimize(step.loss, true, vars);
            value = cost === null ? NaN : ((await cost.data())[0] as number);
            cost?.dispose();
          }
        } finally {
          step.release();
        }
        sum += value;
        count++;
        progress.batch(epoch, count - 1, plan.stepsPerEpoch ?? 0, sum / count);
        for (const cb of o.callbacks) await cb.onBatchEnd?.(count - 1, { loss: value, size: step.size });
      }
      trainer?.sync?.(); // weights an onnxruntime trainer holds reach the network before validation, snapshots and callbacks
      const { loss, valLoss, ms } = await recordEpoch(history, plan, progress, epoch, count > 0 ? sum / count : NaN, t0, cpu0);
      let stop = false;
      if (o.earlyStopping) {
        const r = o.earlyStopping.update(valLoss);
        if (r.improved && o.earlyStopping.restoreBest) {
          dropBest();
          best = net.getWeights().map((w) => w.clone());
        }
        stop = r.stop;
        if (stop) history.stoppedEarly = true;
      }
      for (const cb of o.callbacks) if ((await cb.onEpochEnd?.(epoch, { loss, valLoss, ms })) === true) stop = true;
      if (stop) break;
    }
    if (o.earlyStopping && best) {
      net.setWeights(best);
      trainer?.weightsChanged();
    }
    return await finishHistory(history, plan, o, progress);
  } finally {
    await trainer?.close();
    dropBest();
    if (owned) optimizer.dispose();
  }
}

function newHistory(engine: History['engine']): History {
  return { loss: [], valLoss: [], bestEpoch: -1, epochs: 0, msPerEpoch: NaN, epochMs: [], epochCpuMs: [], stoppedEarly: false, engine };
}

async function finishHistory(history: History, plan: TrainingPlan, o: LoopOptions, progress: Progress): Promise<History> {
  history.bestEpoch = o.earlyStopping
    ? Math.max(0, o.earlyStopping.bestEpoch)
    : plan.validate
      ? history.valLoss.reduce((bi, v, i, a) => (v < (a[bi] as number) ? i : bi), 0)
      : history.epochs - 1;
  history.msPerEpoch = median(history.epochMs);
  progress.done(history.stoppedEarly ? `stopped early; best epoch ${history.bestEpoch + 1}` : '');
  for (const cb of o.callbacks) await cb.onTrainEnd?.(history);
  return history;
}

/** The host dense engine when `engine` is 'auto' (never with 'tfjs' or 'onnxruntime'), the optimiser is the built-in Adam and the network a dense stack. */
function engineFor(net: tf.LayersModel, o: LoopOptions): DenseEngine | undefined {
  if (o.engine !== 'auto' || (o.optimizer !== undefined && o.optimizer !== 'adam')) return undefined;
  const e = DenseEngine.of(net, { learningRate: o.learningRate, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
  return typeof e === 'string' ? undefined : e;
}

type Apply = tf.LayersModel['apply'];

/**
 * The loop of {@link runFitLoop} on the host dense engine: while it runs, the
 * network's `apply` is the engine's (a training call records the engine's
 * forward and returns the output as a leaf of the loss's gradient; an
 * inference call, of any size, runs the engine with the moving statistics),
 * the loss's gradient with respect to the output is taken once per step, and
 * the engine's backward and Adam step follow. The engine's weights go into the
 * tf.layers model at the end (the best epoch's with early stopping), before
 * each epoch's callbacks, and if the loss throws.
 */
async function runEngineLoop(net: tf.LayersModel, plan: TrainingPlan, o: LoopOptions, engine: DenseEngine): Promise<History> {
  const progress = new Progress(o.verbose, o.epochs, o.progressStream);
  const history = newHistory('dense');
  const width = engine.spec.outWidth;
  const anchor = tf.scalar(0);
  let best: Float32Array[] | undefined;
  let recording = false;
  let cache: ReturnType<DenseEngine['forwardTrain']>['cache'] | undefined;
  let dOut: Float32Array | undefined;
  const engineApply = (inputs: tf.Tensor | tf.SymbolicTensor | (tf.Tensor | tf.SymbolicTensor)[], kwargs?: { training?: boolean }): tf.Tensor => {
    const xs = (Array.isArray(inputs) ? inputs : [inputs]) as tf.Tensor[];
    const rows = xs[0]?.shape[0] as number;
    if (kwargs?.training === true && recording) {
      const arrays = xs.map((t) => t.dataSync() as Float32Array);
      if (cache !== undefined) throw new Error('runFitLoop: the dense engine runs one training forward per step');
      const r = engine.forwardTrain(arrays, rows);
      cache = r.cache;
      const op = tf.customGrad((a: unknown) => ({
        value: tf.tensor2d(r.out.slice(), [rows, width]),
        gradFunc: (dy: tf.Tensor) => {
          dOut = dy.dataSync() as Float32Array;
          return tf.zerosLike(a as tf.Tensor);
        },
      }));
      return op(anchor);
    }
    // inference (validation) of any size on the engine: with the SIMD products it is faster than TF.js's kernels at every batch size measured
    return tf.tensor2d(
      engine
        .predict(
          xs.map((t) => t.dataSync() as Float32Array),
          rows,
        )
        .slice(),
      [rows, width],
    );
  };
  const forward: HostForward = Object.assign(
    (xs: tf.Tensor[]): Float32Array =>
      engine.predict(
        xs.map((t) => t.dataSync() as Float32Array),
        xs[0]?.shape[0] as number,
      ),
    { arrays: (inputs: Float32Array[], rows: number): Float32Array => engine.predict(inputs, rows) },
  );
  // the validation loss from the host losses where the plan has them (the network runs as the engine either way)
  const validateHost = plan.validateHost;
  const epochPlan: TrainingPlan = validateHost === undefined ? plan : { ...plan, validate: () => validateHost(forward) };
  const own = net as unknown as { apply: Apply };
  const hadOwn = Object.prototype.hasOwnProperty.call(net, 'apply');
  const previous = own.apply;
  own.apply = engineApply;
  try {
    for (const cb of o.callbacks) await cb.onTrainBegin?.();
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      let sum = 0;
      let count = 0;
      for await (const step of plan.epoch(epoch)) {
        let value: number;
        try {
          if (step.host) {
            // host arrays (one row per subject) where the plan has them; else the input tensors (case-control: cases and controls)
            const arrays = step.host.arrays?.();
            const xs = step.host.inputs;
            const r =
              arrays === undefined
                ? engine.forwardTrain(
                    xs.map((t) => t.dataSync() as Float32Array),
                    xs[0]?.shape[0] as number,
                  )
                : engine.forwardTrain(arrays, step.size);
            const l = step.host.loss(r.out);
            value = Math.fround(l.value);
            engine.backward(r.cache, Float32Array.from(l.gradient));
          } else {
            cache = undefined;
            dOut = undefined;
            recording = true;
            const { value: v, grad } = tf.valueAndGrad((_a: tf.Tensor) => step.loss())(anchor);
            recording = false;
            value = v.dataSync()[0] as number;
            tf.dispose([v, grad]);
            if (cache === undefined || dOut === undefined) throw new Error('runFitLoop: the loss did not use the network output');
            engine.backward(cache, dOut);
          }
          engine.adamStep();
        } finally {
          recording = false;
          cache = undefined;
          step.release();
        }
        sum += value;
        count++;
        progress.batch(epoch, count - 1, plan.stepsPerEpoch ?? 0, sum / count);
        for (const cb of o.callbacks) await cb.onBatchEnd?.(count - 1, { loss: value, size: step.size });
      }
      const { loss, valLoss, ms } = await recordEpoch(history, epochPlan, progress, epoch, count > 0 ? sum / count : NaN, t0, cpu0);
      let stop = false;
      if (o.earlyStopping) {
        const r = o.earlyStopping.update(valLoss);
        if (r.improved && o.earlyStopping.restoreBest) best = engine.snapshot();
        stop = r.stop;
        if (stop) history.stoppedEarly = true;
      }
      if (o.callbacks.some((cb) => cb.onEpochEnd)) engine.writeBack();
      for (const cb of o.callbacks) if ((await cb.onEpochEnd?.(epoch, { loss, valLoss, ms })) === true) stop = true;
      if (stop) break;
    }
    if (o.earlyStopping && best) engine.restore(best);
  } finally {
    if (hadOwn) own.apply = previous;
    else delete (net as unknown as { apply?: Apply }).apply;
    engine.writeBack();
    anchor.dispose();
  }
  return finishHistory(history, plan, o, progress);
}
