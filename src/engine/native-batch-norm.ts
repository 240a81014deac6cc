/**
 * @node-only Batch normalisation (training) on the native addon
 * (native/batch-norm.cc: two sweeps over the activations a pass), for the
 * wasm backend: two kernels registered with it
 * (MusegenNativeBatchNorm, MusegenNativeBatchNormGrad) read their inputs
 * and write their outputs in place in the wasm heap (wasm-heap.ts). The
 * forward pass keeps x̂ [B·H·W, C] and 1/σ for the backward pass. On other
 * backends the portable kernel runs.
 */
import * as tf from '@tensorflow/tfjs';
import { jsBatchNormKernel } from './batch-norm-kernel-js.js';
import type { BatchNormKernel } from './kernels.js';
import { hasWasmHeap, wasmHeap } from './wasm-heap.js';

type F32 = Float32Array;

/** The addon's batch normalisation (native/addon.cc). */
export interface NativeBatchNorm {
  batchNormForward(n: number, channels: number, x: F32, gamma: F32, beta: F32, epsilon: number, y: F32, xhat: F32, mean: F32, variance: F32, invStd: F32): void;
  batchNormBackward(n: number, channels: number, dy: F32, xhat: F32, gamma: F32, invStd: F32, dx: F32, dGamma: F32, dBeta: F32): void;
}

const FORWARD = 'MusegenNativeBatchNorm';
const BACKWARD = 'MusegenNativeBatchNormGrad';
type Info = tf.TensorInfo;

function register(addon: NativeBatchNorm): void {
  if (tf.getKernel(FORWARD, 'wasm')) return;
  tf.registerKernel({
    kernelName: FORWARD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, gamma, beta } = inputs as { x: Info; gamma: Info; beta: Info };
      const { epsilon } = attrs as unknown as { epsilon: number };
      const C = x.shape[3]!;
      const n = x.shape.reduce((a, b) => a * b, 1) / C;
      const heap = wasmHeap(backend, 'native batch norm');
      const outputs = [heap.output(x.shape), heap.output([n, C]), heap.output([C]), heap.output([C]), heap.output([C])];
      const [y, xhat, mean, variance, invStd] = outputs.map((t) => heap.floats(t)) as [F32, F32, F32, F32, F32];
      addon.batchNormForward(n, C, heap.floats(x), heap.floats(gamma), heap.floats(beta), epsilon, y, xhat, mean, variance, invStd);
      return outputs;
    },
  });
  tf.registerKernel({
    kernelName: BACKWARD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const { dy, xhat, gamma, invStd } = inputs as { dy: Info; xhat: Info; gamma: Info; invStd: Info };
      const [n, C] = xhat.shape as [number, number];
      const heap = wasmHeap(backend, 'native batch norm');
      const outputs = [heap.output(dy.shape), heap.output([C]), heap.output([C])];
      const [dx, dGamma, dBeta] = outputs.map((t) => heap.floats(t)) as [F32, F32, F32];
      addon.batchNormBackward(n, C, heap.floats(dy), heap.floats(xhat), heap.floats(gamma), heap.floats(invStd), dx, dGamma, dBeta);
      return outputs;
    },
  });
}

/** Batch normalisation on `addon` (wasm), the portable kernel elsewhere. */
export function nativeBatchNormKernel(addon: NativeBatchNorm): BatchNormKernel {
  register(addon);
  return {
    name: 'native (addon)',
    forward(x, gamma, beta, epsilon) {
      if (tf.getBackend() !== 'wasm' || !hasWasmHeap(tf.backend()) || x.dtype !== 'float32') return jsBatchNormKernel.forward(x, gamma, beta, epsilon);
      const [y, xhat, mean, variance, invStd] = tf.engine().runKernel(FORWARD, { x, gamma, beta }, { epsilon } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
      return { y: y as tf.Tensor4D, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D, saved: [xhat!, gamma, invStd!] };
    },
    backward(saved, dy) {
      if (saved[0]!.rank === 4) return jsBatchNormKernel.backward(saved, dy); // saved by the portable forward pass
      const [xhat, gamma, invStd] = saved;
      return tf.engine().runKernel(BACKWARD, { dy, xhat: xhat!, gamma: gamma!, invStd: invStd! }) as unknown as tf.Tensor[];
    },
  };
}
