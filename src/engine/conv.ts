/**
 * A 2-D convolution that trains on every backend: stride 1, 'same' zero
 * padding, odd kernel sizes, NHWC: x [B, H, W, Cin], kernel [kh, kw, Cin,
 * Cout] (Keras' layout), bias [Cout]. This file is the op — shapes checked,
 * the gradient wired through tf.customGrad; the arithmetic runs in the
 * kernel set in use (kernels.ts): the portable one (conv-kernel-js.ts), the
 * native one on OpenBLAS where the addon is built (native-conv.ts), or the
 * backend's own ops (tensor-ops-kernels.ts).
 *
 * @example
 *   const y = conv2d(x, kernel, bias);            // differentiable: tf.variableGrads, Trainer.step
 */
import * as tf from '@tensorflow/tfjs';
import { MusegenError } from '../errors.js';
import { kernels } from './kernels.js';

/**
 * Convolve x [B, H, W, Cin] with kernel [kh, kw, Cin, Cout] (stride 1, 'same'
 * zero padding, odd kh and kw), plus bias [Cout] when given: y [B, H, W, Cout].
 * Differentiable in x, kernel and bias on every backend.
 */
export function conv2d(x: tf.Tensor4D, kernel: tf.Tensor4D, bias?: tf.Tensor1D): tf.Tensor4D {
  checkShapes(x, kernel, bias);
  const impl = kernels().conv;
  const op = tf.customGrad((...args) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [xIn, kIn, bIn] = args.slice(0, -1) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D?];
    const { y, saved } = impl.forward(xIn, kIn, bIn);
    // Inputs may be intermediate tensors, disposed before the backward pass unless saved.
    save(saved);
    return { value: y, gradFunc: (dy: tf.Tensor, kept: tf.Tensor[]) => impl.backward(kept, dy as tf.Tensor4D, bIn !== undefined) };
  });
  return (bias ? op(x, kernel, bias) : op(x, kernel)) as tf.Tensor4D;
}

function checkShapes(x: tf.Tensor, kernel: tf.Tensor, bias?: tf.Tensor): void {
  const fail = (what: string): never => {
    throw new MusegenError('BAD_ARGUMENT', `conv2d: ${what}`);
  };
  if (x.rank !== 4) fail(`input must be [batch, height, width, channels], got [${x.shape}]`);
  if (kernel.rank !== 4) fail(`kernel must be [height, width, in, out], got [${kernel.shape}]`);
  const [kh, kw, cin, cout] = kernel.shape as [number, number, number, number];
  if (kh % 2 === 0 || kw % 2 === 0) fail(`kernel sizes must be odd for 'same' padding, got ${kh}×${kw}`);
  if (cin !== x.shape[3]) fail(`kernel reads ${cin} channels, input has ${x.shape[3]}`);
  if (bias && (bias.rank !== 1 || bias.shape[0] !== cout)) fail(`bias must be [${cout}], got [${bias.shape}]`);
  if (x.dtype !== 'float32' || kernel.dtype !== 'float32') fail('input and kernel must be float32');
}
