/**
 * engine — TensorFlow.js for musegen, knowing nothing of music: fast layers
 * and the kernel boundary they call through, the optimizer, initialisers,
 * shared losses, seeded streams, and model folders as bytes.
 *
 *   lstmSequence ─► kernels() (JavaScript + tf.matMul / WebAssembly SIMD mat-vec; native where installed)
 *   Trainer.step(() => loss) ─► clipped Adam
 *   model ─ encodeModelFolder ─► files;  ModelSource (folder, HTTP) ─ readModelFolder ─► meta + weights
 *
 * This index is browser-safe (no node:*); engine/node.ts adds what needs
 * Node: choosing the backend (native packages, wasm files on disk) and
 * model folders on disk.
 */
export * from './random.js';
export * from './activations.js';
export { lstmSequence, type LayerInput, type LstmSequenceOptions, type LstmWeights } from './lstm-layer.js';
export * from './kernels.js';
export { pad4, type MatvecMemory } from './simd-matvec.js';
export * from './losses.js';
export * from './optimizer.js';
export * from './model-folder.js';
export * from './http-source.js';
