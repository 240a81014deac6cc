/**
 * Saving and loading LSTM models as model folders (see model-folder.ts).
 *
 * The architecture goes into musegen.json as `hyper.lstm`; model.json holds
 * the equivalent stock Keras model (LSTM layers with return_sequences, a
 * dense softmax or sigmoid output; the input one-hot vectors or features), so
 * `tf.loadLayersModel` in a browser gives the same predictions from the same
 * weights.
 *
 *   save: LstmModel ──► Keras names + topology ──► folder
 *   load: folder ──► checks ──► LstmModel (training) or LstmStepper (sampling)
 */
import * as tf from '@tensorflow/tfjs';
import { MusegenError } from '../errors.js';
import { LstmModel, layerName, weightShapes, type LstmModelConfig } from './lstm-model.js';
import { LstmStepper } from './lstm-stepper.js';
import { decodeWeightArrays, readModelFolder, writeModelFolder, type ModelMeta, type ModelMetaInput } from './model-folder.js';
import type { Seed } from './random.js';

/** Save a model; `meta.hyper` is stored with the architecture added as `hyper.lstm`. */
export async function saveLstmModel(dir: string, model: LstmModel, meta: ModelMetaInput): Promise<void> {
  await writeModelFolder(dir, {
    meta: { ...meta, hyper: { ...meta.hyper, lstm: model.config } },
    topology: kerasTopology(model.config),
    weights: model.namedWeights().map(({ name, tensor }) => ({ name, tensor })),
  });
}

/** Load a saved LSTM model for training or evaluation. */
export async function loadLstmModel(dir: string, options: { seed?: Seed } = {}): Promise<{ model: LstmModel; meta: ModelMeta }> {
  const { config, weights, meta } = await readLstmFolder(dir);
  return { model: LstmModel.fromWeights(config, weights, options), meta };
}

/** Load a saved LSTM model straight into a sampling stepper (no tensors kept). */
export async function loadLstmStepper(dir: string): Promise<{ stepper: LstmStepper; meta: ModelMeta }> {
  const { config, weights, meta } = await readLstmFolder(dir);
  return { stepper: new LstmStepper(config, weights), meta };
}

async function readLstmFolder(dir: string): Promise<{ config: LstmModelConfig; weights: Map<string, Float32Array>; meta: ModelMeta }> {
  const folder = await readModelFolder(dir);
  const config = folder.meta.hyper.lstm as LstmModelConfig | undefined;
  if (typeof config !== 'object' || config === null) {
    throw new MusegenError('BAD_MODEL', `not an LSTM model (musegen.json: kind '${folder.meta.kind}', no hyper.lstm)`, dir);
  }
  const arrays = decodeWeightArrays(folder, dir);
  const weights = new Map<string, Float32Array>();
  try {
    for (const { name, shape } of weightShapes(config)) {
      const w = arrays.get(name);
      if (!w) throw new MusegenError('BAD_MODEL', `weight ${name} is missing from model.json`, dir);
      if (w.shape.join(',') !== shape.join(',')) {
        throw new MusegenError('BAD_MODEL', `weight ${name} is [${w.shape}] but the hyper-parameters in musegen.json need [${shape}]`, dir);
      }
      weights.set(name, w.values);
    }
  } catch (e) {
    if (e instanceof MusegenError) throw e;
    throw new MusegenError('BAD_MODEL', `hyper.lstm in musegen.json is not a valid LSTM architecture`, dir);
  }
  return { config, weights, meta: folder.meta };
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
        ...(l === 0 ? { inputShape: [null, config.inputSize] } : {}),
      }));
    }
    model.add(tf.layers.dense({ name: 'output', units: config.outputSize, activation: config.output, kernelInitializer: 'zeros' }));
    const topology = JSON.stringify(model.toJSON(null, false));
    model.dispose();
    return topology;
  });
  return JSON.parse(json) as object;
}
