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
import { MusegenError, errorMessage } from '../errors.js';
import { LstmModel, checkLstmConfig, layerName, weightShapes, type LstmModelConfig, type NamedWeight } from './lstm-model.js';
import { LstmStepper } from './lstm-stepper.js';
import { decodeWeightArrays, readModelFolder, writeModelFolder, type ModelMeta, type ModelMetaInput, type WriteFolderOptions } from './model-folder.js';
import type { Seed } from './random.js';

/**
 * Save a model; `meta.hyper` is stored with the architecture added as
 * `hyper.lstm`. `extraWeights` are stored beside the model's (e.g. optimizer
 * state in a checkpoint); `options.extra` writes more files into the folder.
 */
export async function saveLstmModel(
  dir: string, model: LstmModel, meta: ModelMetaInput,
  options: WriteFolderOptions & { extraWeights?: NamedWeight[] } = {},
): Promise<void> {
  await writeModelFolder(dir, {
    meta: { ...meta, hyper: { ...meta.hyper, lstm: model.config } },
    topology: kerasTopology(model.config),
    weights: [...model.namedWeights(), ...(options.extraWeights ?? [])],
  }, options);
}

/** A stored weight that is not the model's (saved with `extraWeights`). */
export type StoredArray = { shape: number[]; values: Float32Array };

/** Load a saved LSTM model for training or evaluation, with any extra weights stored beside it. */
export async function loadLstmModel(
  dir: string, options: { seed?: Seed } = {},
): Promise<{ model: LstmModel; meta: ModelMeta; extraWeights: Map<string, StoredArray> }> {
  const { config, weights, meta, extraWeights } = await readLstmFolder(dir);
  return { model: LstmModel.fromWeights(config, weights, options), meta, extraWeights };
}

/** Load a saved LSTM model straight into a sampling stepper (no tensors kept). */
export async function loadLstmStepper(dir: string): Promise<{ stepper: LstmStepper; meta: ModelMeta }> {
  const { config, weights, meta } = await readLstmFolder(dir);
  return { stepper: new LstmStepper(config, weights), meta };
}

async function readLstmFolder(dir: string): Promise<{
  config: LstmModelConfig; weights: Map<string, Float32Array>; meta: ModelMeta; extraWeights: Map<string, StoredArray>;
}> {
  const folder = await readModelFolder(dir);
  const raw = folder.meta.hyper.lstm as LstmModelConfig | undefined;
  if (typeof raw !== 'object' || raw === null) {
    throw new MusegenError('BAD_MODEL', `not an LSTM model (musegen.json: kind '${folder.meta.kind}', no hyper.lstm)`, dir);
  }
  let config: LstmModelConfig;
  try {
    config = checkLstmConfig(raw, 'BAD_MODEL');
  } catch (e) {
    throw new MusegenError('BAD_MODEL', `hyper.lstm in musegen.json: ${errorMessage(e).replace(/^LSTM model: /, '')}`, dir);
  }
  const arrays = decodeWeightArrays(folder, dir);
  const weights = new Map<string, Float32Array>();
  for (const { name, shape } of weightShapes(config)) {
    const w = arrays.get(name);
    if (!w) throw new MusegenError('BAD_MODEL', `weight ${name} is missing from model.json`, dir);
    if (w.shape.join(',') !== shape.join(',')) {
      throw new MusegenError('BAD_MODEL', `weight ${name} is [${w.shape}] but the hyper-parameters in musegen.json need [${shape}]`, dir);
    }
    weights.set(name, w.values);
    arrays.delete(name);
  }
  return { config, weights, meta: folder.meta, extraWeights: arrays };
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
