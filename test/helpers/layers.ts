/** Test helpers for TF.js layers: save/load round trip through JSON text, tensor values. */
import * as tf from '@tensorflow/tfjs';

/** Saves `model` through `tf.io.withSaveHandler` and loads it back with `tf.io.fromMemory`, the topology through JSON text as a file on disk would be. */
export async function roundTripArtifacts(model: tf.LayersModel): Promise<{ loaded: tf.LayersModel; artifacts: tf.io.ModelArtifacts }> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler((a) => {
      saved = a;
      return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } });
    }),
  );
  const a = saved as tf.io.ModelArtifacts;
  const topology = JSON.parse(JSON.stringify(a.modelTopology)) as object;
  const loaded = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: topology, weightSpecs: a.weightSpecs, weightData: a.weightData }));
  return { loaded, artifacts: a };
}

/** {@link roundTripArtifacts}, the loaded model only. */
export async function roundTrip(model: tf.LayersModel): Promise<tf.LayersModel> {
  return (await roundTripArtifacts(model)).loaded;
}

/** The values of a tensor (the first of a list), which is then disposed. */
export function values(t: tf.Tensor | tf.Tensor[]): Float32Array {
  const x = Array.isArray(t) ? (t[0] as tf.Tensor) : t;
  const v = x.dataSync() as Float32Array;
  x.dispose();
  return v;
}
