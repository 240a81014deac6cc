/**
 * engine — TensorFlow.js for musegen: choose the backend, fast layers and
 * kernel fixes, training steps, and models on disk. Knows nothing of music.
 *
 *   initBackend() ─► LstmModel.create() ─► Trainer.step(() => model.loss(batch, targets))
 *                                     └─► saveLstmModel(dir) ─► loadLstmStepper(dir) ─► stepper.step(token) → logits
 *
 * Sequences cross this room as typed arrays (class indices, targets) or
 * tensors (features); models cross it as folders (model.json + weights.bin +
 * musegen.json).
 */
export * from './backend.js';
export * from './random.js';
export { lstmSequence, type LayerInput, type LstmSequenceOptions, type LstmWeights } from './lstm-layer.js';
export * from './lstm-model.js';
export * from './lstm-stepper.js';
export * from './optimizer.js';
export * from './model-folder.js';
export * from './lstm-io.js';
export * from './layers-io.js';
