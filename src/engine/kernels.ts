/**
 * The kernel boundary: the few hot loops every model spends its time in,
 * behind one interface, so that a faster implementation (a native addon on
 * OpenBLAS, where it builds) is swapped in here and no model changes.
 *
 *   lstmSequence (lstm-layer.ts) ──► kernels().lstm.forward / backward   whole-sequence LSTM layer, training
 *   conv2d (conv.ts)             ──► kernels().conv.forward / backward   'same' 2-D convolution, training
 *   batchNormTraining (conv-net.ts) ──► kernels().batchNorm               batch statistics, training
 *   a stepper (batch 1, sampling) ──► kernels().matvecMemory(n).matvec    y += vᵀ·M in one linear memory
 *
 * `jsKernels` run everywhere: JavaScript gate maths around TensorFlow.js
 * matrix products, the backend's convolution with gradients that wasm lacks
 * (conv-kernel-js.ts), and a WebAssembly SIMD mat-vec. In Node, where the
 * optional addon is built, starting a CPU backend installs the native set
 * (native-kernels.ts: the LSTM layer and the convolution on OpenBLAS, the
 * same mat-vec, which beats OpenBLAS at batch 1); on the native TensorFlow
 * backends, the tensor-ops set (tensor-ops-kernels.ts: every layer as the
 * backend's own ops, nothing read back). `useKernels` installs another set
 * for the whole process (and returns the one it replaces).
 *
 * @example
 *   const previous = useKernels({ ...kernels(), name: 'native', lstm: nativeLstm });
 */
import type * as tf from '@tensorflow/tfjs';
import { jsBatchNormKernel } from './batch-norm-kernel-js.js';
import { jsConvKernel } from './conv-kernel-js.js';
import { jsLstmKernel } from './lstm-kernel-js.js';
import { createMatvecMemory, type MatvecMemory } from './simd-matvec.js';

/** The sizes of one LSTM layer's call: time-major rows t·batch + b. */
export interface LstmDims {
  steps: number;
  batch: number;
  units: number;
  /** Rows of the kernel (one-hot classes + dense columns). */
  inputSize: number;
}

/**
 * One LSTM layer over a whole sequence (Keras layout, gates i, f, c, o).
 * `forward` returns a trace holding at least the outputs h_t
 * ([steps·batch, units], time-major); `backward` takes that trace and dL/dh
 * and returns the gradients as tensors, in this order: dx (when the input has
 * dense columns), dKernel, dRecurrentKernel, dBias, then dh0 and dc0 (when an
 * initial state was given).
 */
export interface LstmKernel<Trace extends { outputs: Float32Array } = { outputs: Float32Array }> {
  readonly name: string;
  forward(
    dims: LstmDims, indices: Int32Array | null, x: tf.Tensor2D | null,
    kernel: tf.Tensor2D, recurrent: tf.Tensor2D, bias: tf.Tensor1D, h0?: tf.Tensor2D, c0?: tf.Tensor2D,
  ): Trace;
  backward(dims: LstmDims, trace: Trace, dy: tf.Tensor2D, indices: Int32Array | null, kernel: tf.Tensor2D, recurrent: tf.Tensor2D): tf.Tensor[];
}

/**
 * A 'same' zero-padded, stride-1 convolution with odd kernel sizes, NHWC:
 * x [B, H, W, in], kernel [kh, kw, in, out] (Keras' layout), bias [out].
 * `forward` returns y and the tensors its backward pass reads (the op keeps
 * them until then); `backward` returns dx, dKernel, then dBias when the
 * forward pass had a bias.
 */
export interface ConvKernel {
  readonly name: string;
  forward(x: tf.Tensor4D, kernel: tf.Tensor4D, bias?: tf.Tensor1D): { y: tf.Tensor4D; saved: tf.Tensor[] };
  backward(saved: tf.Tensor[], dy: tf.Tensor4D, withBias: boolean): tf.Tensor[];
}

/**
 * Batch normalisation of x [B, H, W, C] with the batch's own statistics
 * (training). `forward` returns y, the batch mean and biased variance [C],
 * and the tensors its backward pass reads; `backward` returns dx, dGamma,
 * dBeta.
 */
export interface BatchNormKernel {
  readonly name: string;
  forward(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): { y: tf.Tensor4D; mean: tf.Tensor1D; variance: tf.Tensor1D; saved: tf.Tensor[] };
  backward(saved: tf.Tensor[], dy: tf.Tensor4D): tf.Tensor[];
}

/** Every kernel a model calls, as one set. */
export interface Kernels {
  /** Said by `musegen doctor` and in benchmarks. */
  readonly name: string;
  /** The LSTM layer's kernel; null: the layer as the backend's own ops, differentiated by TensorFlow.js (tensor-ops-kernels.ts). */
  readonly lstm: LstmKernel | null;
  readonly conv: ConvKernel;
  readonly batchNorm: BatchNormKernel;
  /** Linear memory of `floats` floats with a mat-vec product over it. */
  matvecMemory(floats: number): MatvecMemory;
}

/** The kernels that run everywhere: JavaScript + TensorFlow.js, WebAssembly SIMD mat-vec. */
export const jsKernels: Kernels = {
  name: 'javascript/webassembly',
  lstm: jsLstmKernel,
  conv: jsConvKernel,
  batchNorm: jsBatchNormKernel,
  matvecMemory: createMatvecMemory,
};

let current: Kernels = jsKernels;

/** The kernels in use. */
export function kernels(): Kernels {
  return current;
}

/** Use `next` from now on; returns the set it replaces. */
export function useKernels(next: Kernels): Kernels {
  const previous = current;
  current = next;
  return previous;
}
