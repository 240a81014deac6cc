/**
 * The kernel set for the native TensorFlow backends (tfjs-node,
 * tfjs-node-gpu), where tensors may live on a GPU: every layer runs as the
 * backend's own TensorFlow ops and is differentiated by TensorFlow.js, so no
 * value is read back to JavaScript during a training step (the JavaScript
 * gate arithmetic of the portable LSTM kernel would read every step's gates
 * back). Tested on the cpu backend, its stand-in here.
 *
 *   lstmSequence ─► lstmByOps: x·W for every step in one product (a gather for
 *                   one-hot classes), then per step z = xW_t + h·U, gates by
 *                   tf.sigmoid/tf.tanh, concatenated outputs; gradients by autodiff
 *   conv2d       ─► tf.conv2d; dx by tf.conv2dTranspose, dK by the backend's
 *                   Conv2DBackpropFilter, db by tf.sum
 *   batch norm   ─► the portable kernel (TensorFlow.js ops throughout)
 */
import * as tf from '@tensorflow/tfjs';
import { jsBatchNormKernel } from './batch-norm-kernel-js.js';
import { channelSums, conv2dFilterGradient } from './conv-kernel-js.js';
import type { ConvKernel, Kernels } from './kernels.js';
import type { LayerInput, LstmSequenceOptions, LstmWeights } from './lstm-layer.js';
import { createMatvecMemory } from './simd-matvec.js';

/** The convolution as the backend's own ops. */
export const opsConvKernel: ConvKernel = {
  name: 'tensorflow ops',
  forward(x, kernel, bias) {
    const y = tf.conv2d(x, kernel, 1, 'same');
    return { y: bias ? tf.add<tf.Tensor4D>(y, bias) : y, saved: [x, kernel] };
  },
  backward(saved, dy, withBias) {
    const [x, kernel] = saved as [tf.Tensor4D, tf.Tensor4D];
    const [kh, kw] = kernel.shape;
    const dx = tf.conv2dTranspose(dy, kernel, x.shape, 1, 'same');
    return [dx, conv2dFilterGradient(x, dy, [kh, kw]), ...(withBias ? [channelSums(dy)] : [])];
  },
};

/**
 * One LSTM layer over a sequence (lstm-layer.ts' contract: time-major
 * [steps·batch, units] out, Keras' layout and gate order) as TensorFlow ops
 * only, differentiable by TensorFlow.js itself.
 */
export function lstmByOps(input: LayerInput, w: LstmWeights, options: LstmSequenceOptions): tf.Tensor2D {
  const { steps, batch, initialState } = options;
  const units = w.recurrentKernel.shape[0];
  const gates = 4 * units;
  return tf.tidy(() => {
    const inputSize = w.kernel.shape[0];
    const dense = 'x' in input ? input.x : null;
    const classes = inputSize - (dense ? dense.shape[1] : 0);
    const parts: tf.Tensor2D[] = [];
    if ('indices' in input) parts.push(tf.gather(tf.slice(w.kernel, [0, 0], [classes, gates]), tf.tensor1d(input.indices, 'int32')));
    if (dense) parts.push(tf.matMul(dense, classes > 0 ? tf.slice(w.kernel, [classes, 0], [dense.shape[1], gates]) : w.kernel));
    const projected = tf.add<tf.Tensor2D>(parts.length === 1 ? parts[0]! : tf.add(parts[0]!, parts[1]!), w.bias);
    let h: tf.Tensor2D = initialState?.h ?? tf.zeros([batch, units]);
    let c: tf.Tensor2D = initialState?.c ?? tf.zeros([batch, units]);
    const outputs: tf.Tensor2D[] = [];
    for (let t = 0; t < steps; t++) {
      const z = tf.add(tf.slice(projected, [t * batch, 0], [batch, gates]), tf.matMul(h, w.recurrentKernel));
      const [i, f, g, o] = tf.split(z, 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
      h = tf.mul(tf.sigmoid(o), tf.tanh(c));
      outputs.push(h);
    }
    return tf.concat(outputs, 0);
  });
}

/** Every layer as the backend's own ops (the LSTM layer: lstmByOps); the WebAssembly mat-vec for batch-1 sampling, which reads the weights once. */
export const tensorOpsKernels: Kernels = {
  name: 'tensorflow ops',
  lstm: null,
  conv: opsConvKernel,
  batchNorm: jsBatchNormKernel, // TensorFlow.js ops already
  matvecMemory: createMatvecMemory,
};
