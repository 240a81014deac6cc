/**
 * engine — TensorFlow.js for musegen, knowing nothing of music: fast layers
 * and the kernel boundary they call through, the optimizer, initialisers,
 * shared losses, seeded streams, and model folders as bytes.
 *
 *   lstmSequence ─► kernels() (JavaScript + tf.matMul / WebAssembly SIMD mat-vec; native where installed)
 *   ConvNet.apply ─► conv2d ─► kernels() (XNNPACK convolutions + filter gradient by tf.matMul; native where installed)
 *   Trainer.step(() => loss) ─► clipped Adam
 *   model ─ encodeModelFolder ─► files;  ModelSource (folder, HTTP) ─ readModelFolder ─► meta + weights
 *
 * This index is browser-safe (no node:*); engine/node.ts adds what needs
 * Node: choosing the backend (native packages, wasm files on disk) and
 * model folders on disk.
 */
export * from './random.js';
export * from './activations.js';
export * from './variables.js';
export * from './lstm-cell.js';
export { lstmSequence, type LayerInput, type LstmSequenceOptions, type LstmWeights } from './lstm-layer.js';
export * from './kernels.js';
export { lstmByOps, opsConvKernel, tensorOpsKernels } from './tensor-ops-kernels.js';
export { pad4, type MatvecMemory } from './simd-matvec.js';
export * from './losses.js';
export { conv2d } from './conv.js';
export { channelSums, conv2dFilterGradient, conv2dInputGradient, jsConvKernel, type FilterGradientMethod } from './conv-kernel-js.js';
export { ConvNet, batchNormTraining, convNetWeightShapes, type ConvApplyOptions, type ConvNetConfig, type ConvNetInit, type ConvNetOptions, type WeightShape } from './conv-net.js';
export * from './optimizer.js';
export * from './model-folder.js';
export * from './http-source.js';
