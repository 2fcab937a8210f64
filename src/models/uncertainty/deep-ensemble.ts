/**
 * Deep ensembles (Lakshminarayanan et al. 2017): M classifiers of the same
 * architecture trained from different random seeds, their probabilities averaged.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assertChoice, assertNumberOption } from '../../core/assert.js';
import { survkitError } from '../../core/errors.js';
import type { ClassPrediction } from '../../uncertainty/class-prediction.js';
import type { ClassIndexInput } from '../classifiers/class-training.js';
import { Classifier, type ClassifierPredictOptions } from '../classifiers/classifier.js';
import type { History, ModelInput } from '../training/fit-types.js';
import { combineSamples, SAMPLE_SCORES, type SampleScore } from '../../uncertainty/sample-stats.js';

/** Options of {@link DeepEnsemble}. */
export interface DeepEnsembleOptions<M extends Classifier> {
  /** Builds a fresh, untrained member from its seed (use it as the weight-initialisation seed). */
  build: (seed: number, index: number) => M;
  /** Number of members M (default 5). */
  members?: number;
  /** Member k gets seed `seed + k` for its initialisation and its fit's shuffling (default 0). */
  seed?: number;
  /** Which score becomes `uncertainty`: 'entropy' (default), 'mutual-information' or 'variance'. */
  score?: SampleScore;
}

/**
 * A deep ensemble of M classifiers (any survkit {@link Classifier}:
 * softmax, or evidential) that differ only in their random seeds. `fit`
 * trains each member with the same options and its own seed; `predict` has
 * the classifiers' output shape: probs = mean of the members' probabilities
 * p̄, `uncertainty` = H(p̄) (entropy of the mean, default), the mutual
 * information H(p̄) − mean_m H(p⁽ᵐ⁾), or the summed variance Σ_k Var_m(p_k)
 * (all three returned; see `combineSamples`).
 *
 * @example
 * const ens = new DeepEnsemble({ members: 5, seed: 10, build: (seed) => new SoftmaxClassifier({ inputDim: 2, classes: 3, seed }) });
 * await ens.fit(x, y, { epochs: 30 });
 * const pred = await ens.predict(xTest);
 * @throws {SurvkitError} for fewer than 1 member, an unknown score, or members with different numbers of classes
 * @see Lakshminarayanan, Pritzel & Blundell (2017), Simple and Scalable Predictive Uncertainty Estimation using Deep Ensembles, NeurIPS
 */
export class DeepEnsemble<M extends Classifier = Classifier> {
  readonly members: M[];
  /** The members' seeds. */
  readonly seeds: number[];
  score: SampleScore;

  constructor(opts: DeepEnsembleOptions<M>) {
    const fn = 'DeepEnsemble';
    if (typeof opts?.build !== 'function') throw survkitError('optionRange', fn, 'build', 'a function (seed, index) => classifier', opts?.build);
    const m = assertNumberOption(fn, 'members', opts.members ?? 5, { min: 1, integer: true });
    const seed = assertNumberOption(fn, 'seed', opts.seed ?? 0, { integer: true });
    this.score = assertChoice(fn, 'score', opts.score ?? 'entropy', SAMPLE_SCORES);
    this.seeds = Array.from({ length: m }, (_, k) => seed + k);
    this.members = this.seeds.map((s, k) => opts.build(s, k));
    checkMembers(fn, this.members);
  }

  /**
   * An ensemble of already trained classifiers (their seeds recorded as `seed + k`, default 0 + k).
   *
   * @example
   * const ens = DeepEnsemble.of([a, b, c], { score: 'variance' });
   * @throws {SurvkitError} for an empty list or members with different numbers of classes
   */
  static of<M extends Classifier>(models: readonly M[], opts: { score?: SampleScore; seed?: number } = {}): DeepEnsemble<M> {
    const list = [...models];
    if (list.length === 0) throw survkitError('empty', 'DeepEnsemble.of', 'models');
    let k = 0;
    return new DeepEnsemble<M>({
      members: list.length,
      build: () => list[k++] as M,
      ...(opts.score ? { score: opts.score } : {}),
      ...(opts.seed === undefined ? {} : { seed: opts.seed }),
    });
  }

  /** Number of classes K. */
  get classes(): number {
    return (this.members[0] as M).classes;
  }

  /**
   * Trains every member in turn with `opts`, member k with `seed` = its own
   * seed (so batches are shuffled differently too). Returns the histories.
   *
   * @throws {SurvkitError} as the members' `fit`
   */
  async fit(x: ModelInput, y: ClassIndexInput, opts: Parameters<M['fit']>[2] = {}): Promise<History[]> {
    const out: History[] = [];
    for (const [k, m] of this.members.entries()) {
      out.push(await m.fit(x, y, { ...opts, seed: this.seeds[k] as number }));
    }
    return out;
  }

  /** Mean probabilities and the ensemble's uncertainty (see the class). */
  async predict(x: ModelInput, opts: ClassifierPredictOptions = {}): Promise<ClassPrediction> {
    const probs: Float64Array[] = [];
    let n = 0;
    for (const m of this.members) {
      const out = await m.predictOutputs(x, opts);
      n = out.n;
      probs.push(m.probsFromOutputs(out.values, out.n));
    }
    return combineSamples(probs, n, this.classes, this.score);
  }

  /**
   * Saves every member to `dir/member-<k>` and `dir/ensemble.json`.
   *
   * @example
   * await ens.save('out/ensemble');
   * const again = await DeepEnsemble.load('out/ensemble');
   */
  async save(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    for (const [k, m] of this.members.entries()) await m.save(join(dir, `member-${k}`));
    const meta = { format: 'survkit-ensemble', formatVersion: 1, members: this.members.length, seeds: this.seeds, score: this.score };
    await writeFile(join(dir, 'ensemble.json'), `${JSON.stringify(meta, null, 1)}\n`);
  }

  /**
   * Loads an ensemble written by {@link DeepEnsemble.save}.
   *
   * @throws {SurvkitError} when `ensemble.json` or a member is missing or invalid
   */
  static async load(dir: string): Promise<DeepEnsemble> {
    const fn = 'DeepEnsemble.load';
    let meta: { format?: string; members?: number; score?: SampleScore; seeds?: number[] };
    try {
      meta = JSON.parse(await readFile(join(dir, 'ensemble.json'), 'utf8')) as typeof meta;
    } catch {
      throw survkitError('modelDir', fn, dir, 'ensemble.json is missing or not valid JSON');
    }
    if (meta.format !== 'survkit-ensemble' || !Number.isInteger(meta.members))
      throw survkitError('modelDir', fn, dir, "ensemble.json is not a survkit ensemble file (format 'survkit-ensemble')");
    const models: Classifier[] = [];
    for (let k = 0; k < (meta.members as number); k++) models.push(await Classifier.load(join(dir, `member-${k}`)));
    return DeepEnsemble.of(models, {
      ...(meta.score ? { score: meta.score } : {}),
      ...(Number.isInteger(meta.seeds?.[0]) ? { seed: meta.seeds?.[0] as number } : {}),
    });
  }

  /** Frees every member's weights. */
  dispose(): void {
    for (const m of this.members) m.dispose();
  }
}

function checkMembers(fn: string, members: readonly Classifier[]): void {
  members.forEach((m, k) => {
    if (!(m instanceof Classifier)) throw survkitError('optionRange', fn, 'build', 'a function returning survkit classifiers', m);
    if (m.classes !== (members[0] as Classifier).classes) {
      throw survkitError('ensembleClasses', fn, `members[${k}]`, (members[0] as Classifier).classes, m.classes);
    }
  });
}
