import * as tf from '@tensorflow/tfjs';
import { mixSeed } from '../../core/seed.js';

/** Class names of the layers {@link withInferenceDropout} switches on. */
export const MC_DROPOUT_CLASSES: readonly string[] = ['Dropout', 'survkit>SeededDropout'];

interface DropoutLike {
  layer: tf.layers.Layer;
  rate: number;
}

/** The dropout layers (rate > 0) of `net`, nested models included, in layer order. */
export function dropoutLayers(net: tf.LayersModel): tf.layers.Layer[] {
  return collect(net).map((d) => d.layer);
}

function collect(net: tf.LayersModel, out: DropoutLike[] = []): DropoutLike[] {
  for (const layer of net.layers) {
    if (layer instanceof tf.LayersModel) {
      collect(layer, out);
      continue;
    }
    const cls = (layer.constructor as { className?: string }).className ?? layer.getClassName();
    const rate = (layer as unknown as { rate?: unknown }).rate;
    if (MC_DROPOUT_CLASSES.includes(cls) && typeof rate === 'number' && rate > 0) out.push({ layer, rate });
  }
  return out;
}

function mix(seed: number, k: number): number {
  return mixSeed(seed, k + 0x7f4a7c15);
}

/**
 * Runs `body` with the dropout layers of `net` (tf.layers `Dropout` and
 * survkit's `SeededDropout`, also inside nested models) active at inference:
 * the hook behind MC dropout. While `body` runs, every call of such a layer,
 * in training or inference mode, multiplies its input by ONE fixed inverted-
 * dropout mask per layer, drawn from (`seed`, layer ordinal) with noise shape
 * `[1, …features]`, i.e. shared by all rows and by every forward pass. So the
 * network inside `body` is one sampled sub-network W·diag(z) (Gal &
 * Ghahramani 2016): predictions of different batches, of the training data
 * (e.g. a Breslow baseline) and of new data all come from the same sample.
 * Batch normalisation keeps its inference mode (moving statistics); nothing in
 * the network is changed afterwards (the layers' own `call` is put back, also
 * when `body` throws).
 *
 * This is a hook for the survival MC-dropout wrapper in `src/uncertainty`; it
 * does not train, and training inside `body` would train the sampled network.
 *
 * @param net a network (e.g. `model.net`)
 * @param seed integer seed of this pass's masks (same seed → same sub-network)
 * @param body what to run with the sampled sub-network
 * @returns what `body` returns, and the number of dropout layers switched on
 * @example
 * const curves = await withInferenceDropout(model.net, 3, () => model.predictSurvival(x));
 * @see Gal & Ghahramani (2016), Dropout as a Bayesian approximation, ICML
 */
export async function withInferenceDropout<T>(net: tf.LayersModel, seed: number, body: () => Promise<T>): Promise<{ value: T; layers: number }> {
  const found = collect(net);
  const own = found.map(({ layer }) => Object.getOwnPropertyDescriptor(layer, 'call'));
  found.forEach(({ layer, rate }, k) => {
    const maskSeed = mix(seed, k);
    layer.call = (inputs: tf.Tensor | tf.Tensor[]): tf.Tensor =>
      tf.tidy(() => {
        const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor;
        return tf.dropout(x, rate, [1, ...x.shape.slice(1)], maskSeed);
      });
  });
  try {
    return { value: await body(), layers: found.length };
  } finally {
    found.forEach(({ layer }, k) => {
      const d = own[k];
      if (d === undefined) delete (layer as { call?: unknown }).call;
      else Object.defineProperty(layer, 'call', d);
    });
  }
}
