import type { ClassPrediction } from '../../uncertainty/class-prediction.js';
import type { ClassIndexInput } from '../../data/class-labels.js';
import { predictionFromProbs, softmaxRows } from '../../uncertainty/class-prediction.js';
import { fitTemperature, type FitTemperatureOptions, type TemperatureFit } from '../../uncertainty/temperature-scaling.js';
import type { ClassifierPredictOptions } from '../classifiers/classifier.js';
import type { SoftmaxClassifier } from '../classifiers/softmax-classifier.js';
import type { ModelInput } from '../training/fit-types.js';

/**
 * A trained {@link SoftmaxClassifier} with a temperature fitted on
 * validation data (Guo et al. 2017). `predict` has the classifier's output
 * shape: probs = softmax(z/T), uncertainty = 1 − max p, entropy, predicted
 * class (unchanged by T). The network is shared, not copied.
 *
 * @example
 * const ts = new TemperatureScaling(softmaxModel);
 * await ts.fit(xVal, yVal); // ts.temperature
 * const pred = await ts.predict(xTest);
 * @see Guo et al. (2017) ICML
 */
export class TemperatureScaling {
  /** The fitted temperature (1 before `fit`). */
  temperature = 1;
  /** The last fit's details. */
  fitResult: TemperatureFit | null = null;

  constructor(readonly model: SoftmaxClassifier) {}

  /**
   * Fits T on validation inputs and labels (see {@link fitTemperature}).
   *
   * @throws {SurvkitError} for inputs that do not match the network or bad labels
   */
  async fit(x: ModelInput, y: ClassIndexInput, opts: Omit<FitTemperatureOptions, 'classes'> = {}): Promise<TemperatureFit> {
    const out = await this.model.predictLogits(x);
    const r = fitTemperature(out.values, y, { ...opts, classes: this.model.classes });
    this.temperature = r.temperature;
    this.fitResult = r;
    return r;
  }

  /** Temperature-scaled predictions (see the class). */
  async predict(x: ModelInput, opts: ClassifierPredictOptions = {}): Promise<ClassPrediction> {
    const out = await this.model.predictLogits(x, opts);
    return predictionFromProbs(softmaxRows(out.values, out.n, this.model.classes, this.temperature), out.n, this.model.classes);
  }
}
