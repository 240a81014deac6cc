/**
 * Saving and loading stock tf.layers models (convolutional, VAE, …) as model
 * folders (see model-folder.ts): the model's own topology and weights, with
 * musegen.json beside them.
 */
import * as tf from '@tensorflow/tfjs';
import { MusegenError, errorMessage } from '../errors.js';
import { readModelFolder, writeModelFolder, type ModelMeta, type ModelMetaInput } from './model-folder.js';

/** Save a tf.layers model and its metadata as a model folder. */
export async function saveLayersModel(dir: string, model: tf.LayersModel, meta: ModelMetaInput): Promise<void> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const data = tf.io.CompositeArrayBuffer.join(artifacts!.weightData!);
  const tensors = tf.io.decodeWeights(data, artifacts!.weightSpecs!);
  try {
    await writeModelFolder(dir, {
      meta,
      topology: artifacts!.modelTopology as object,
      weights: Object.entries(tensors).map(([name, tensor]) => ({ name, tensor })),
    });
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/** Load a model folder written by saveLayersModel. */
export async function loadLayersModel(dir: string): Promise<{ model: tf.LayersModel; meta: ModelMeta }> {
  const folder = await readModelFolder(dir);
  if (!folder.artifacts.modelTopology) throw new MusegenError('BAD_MODEL', 'model.json has no model topology', dir);
  try {
    return { model: await tf.loadLayersModel(tf.io.fromMemory(folder.artifacts)), meta: folder.meta };
  } catch (e) {
    throw new MusegenError('BAD_MODEL', `model.json does not build a model: ${errorMessage(e)}`, dir);
  }
}
