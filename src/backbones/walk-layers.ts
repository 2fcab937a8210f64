import * as tf from '@tensorflow/tfjs';

/**
 * Every layer of `model` in layer order, the layers of nested models
 * included (each nested model is listed, then its layers): the one
 * layer walk survkit's layer helpers share.
 *
 * @example
 * walkLayers(net).filter((l) => l.getClassName() === 'BatchNormalization');
 */
export function walkLayers(model: tf.LayersModel): tf.layers.Layer[] {
  const out: tf.layers.Layer[] = [];
  for (const l of model.layers) {
    out.push(l);
    if (l instanceof tf.LayersModel) out.push(...walkLayers(l));
  }
  return out;
}
