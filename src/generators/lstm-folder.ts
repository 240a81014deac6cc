/**
 * An LSTM model as a model folder's contents (see engine/model-folder.ts).
 *
 * The architecture goes into musegen.json as `hyper.lstm`; model.json holds
 * the equivalent stock Keras model (LSTM layers with return_sequences, a
 * dense softmax or sigmoid output; the input one-hot vectors or features), so
 * `tf.loadLayersModel` in a browser gives the same predictions from the same
 * weights.
 *
 *   save: LstmModel weights ──► Keras names + topology ──► contents
 *   load: folder ──► hyper.lstm checked ──► weights checked ──► config + weights
 */
import * as tf from '@tensorflow/tfjs';
import { requireWeights, type ModelFolder } from '../engine/index.js';
import { MusegenError, errorMessage } from '../errors.js';
import { checkLstmConfig, layerName, weightShapes, type LstmModelConfig } from './lstm-model.js';

/** The configuration and weights of a folder holding an LSTM model. Throws MusegenError('BAD_MODEL'). */
export function readLstmFolder(folder: ModelFolder): { config: LstmModelConfig; weights: Map<string, Float32Array> } {
  const raw = folder.meta.hyper.lstm as LstmModelConfig | undefined;
  if (typeof raw !== 'object' || raw === null) {
    throw new MusegenError('BAD_MODEL', `not an LSTM model (musegen.json: kind '${folder.meta.kind}', no hyper.lstm)`, folder.location);
  }
  let config: LstmModelConfig;
  try {
    config = checkLstmConfig(raw, 'BAD_MODEL');
  } catch (e) {
    throw new MusegenError('BAD_MODEL', `hyper.lstm in musegen.json: ${errorMessage(e).replace(/^LSTM model: /, '')}`, folder.location);
  }
  return { config, weights: requireWeights(folder, weightShapes(config)) };
}

/** The Keras Sequential model equivalent to an LSTM model, as model.json's modelTopology. */
export function kerasTopology(config: LstmModelConfig): object {
  const json = tf.tidy(() => {
    const model = tf.sequential({ name: 'musegen_lstm' });
    for (let l = 0; l < config.layers; l++) {
      model.add(tf.layers.lstm({
        name: layerName(l),
        units: config.units,
        returnSequences: true,
        activation: 'tanh',
        recurrentActivation: 'sigmoid',
        kernelInitializer: 'zeros',
        recurrentInitializer: 'zeros',
        ...(l === 0 ? { inputShape: [null, config.inputSize + (config.featureSize ?? 0)] } : {}),
      }));
    }
    model.add(tf.layers.dense({ name: 'output', units: config.outputSize, activation: config.output, kernelInitializer: 'zeros' }));
    const topology = JSON.stringify(model.toJSON(null, false));
    model.dispose();
    return topology;
  });
  return JSON.parse(json) as object;
}
