/**
 * @node-only The convolution kernel on the native addon (native/conv.cc:
 * one OpenBLAS sgemm per kernel tap over the zero-padded grid, no columns
 * matrix), for the wasm backend: two kernels registered with it
 * (MusegenNativeConvForward, MusegenNativeConvBackward) read their inputs
 * and write their outputs in place in the wasm heap (wasm-heap.ts). The
 * forward pass keeps x padded onto the grid, as a tensor, for the backward
 * pass, which makes dx, dKernel and dBias in one call. On other backends
 * the portable kernel (conv-kernel-js.ts) runs.
 */
import * as tf from '@tensorflow/tfjs';
import { jsConvKernel } from './conv-kernel-js.js';
import type { ConvKernel } from './kernels.js';
import { hasWasmHeap, wasmHeap } from './wasm-heap.js';

type F32 = Float32Array;

/** The addon's convolution (native/addon.cc); dims [batch, height, width, in, out, kh, kw]. */
export interface NativeConv {
  convForward(dims: Int32Array, x: F32, kernel: F32, bias: F32 | null, y: F32, grid: F32): void;
  convBackward(dims: Int32Array, grid: F32, dy: F32, kernel: F32, dx: F32 | null, dKernel: F32, dBias: F32 | null): void;
}

const FORWARD = 'MusegenNativeConvForward';
const BACKWARD = 'MusegenNativeConvBackward';

type Info = tf.TensorInfo;
type Dims = [number, number, number, number, number, number, number];

/** [B, H, W, in, out, kh, kw] of x and kernel. */
function dimsOf(x: Info, kernel: Info): Dims {
  const [B, H, W, C] = x.shape as [number, number, number, number];
  const [kh, kw, , F] = kernel.shape as [number, number, number, number];
  return [B, H, W, C, F, kh, kw];
}

/** Register the two wasm kernels on `addon` (once: the first addon loaded serves). */
function register(addon: NativeConv): void {
  if (tf.getKernel(FORWARD, 'wasm')) return;
  tf.registerKernel({
    kernelName: FORWARD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const { x, kernel, bias } = inputs as { x: Info; kernel: Info; bias?: Info };
      const d = dimsOf(x, kernel);
      const [B, H, W, C, F, kh, kw] = d;
      const heap = wasmHeap(backend, 'native conv2d');
      const y = heap.output([B, H, W, F]);
      const grid = heap.output([B * (H + kh - 1) * (W + kw - 1), C]);
      addon.convForward(Int32Array.from(d), heap.floats(x), heap.floats(kernel), bias ? heap.floats(bias) : null, heap.floats(y), heap.floats(grid));
      return [y, grid];
    },
  });
  tf.registerKernel({
    kernelName: BACKWARD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { grid, dy, kernel } = inputs as { grid: Info; dy: Info; kernel: Info };
      const { withBias } = attrs as unknown as { withBias: boolean };
      const [B, H, W, F] = dy.shape as [number, number, number, number];
      const [kh, kw, C] = kernel.shape as [number, number, number, number];
      const heap = wasmHeap(backend, 'native conv2d');
      const outputs = [heap.output([B, H, W, C]), heap.output([kh, kw, C, F]), ...(withBias ? [heap.output([F])] : [])];
      const [dx, dKernel, dBias] = outputs;
      addon.convBackward(
        Int32Array.of(B, H, W, C, F, kh, kw), heap.floats(grid), heap.floats(dy), heap.floats(kernel),
        heap.floats(dx!), heap.floats(dKernel!), dBias ? heap.floats(dBias) : null,
      );
      return outputs;
    },
  });
}

/** Whether the native kernels can run here: the wasm backend, its internals as known. */
function onWasm(): boolean {
  return tf.getBackend() === 'wasm' && hasWasmHeap(tf.backend());
}

/** The convolution kernel on `addon` (wasm), the portable one elsewhere. */
export function nativeConvKernel(addon: NativeConv): ConvKernel {
  register(addon);
  return {
    name: 'native (OpenBLAS)',
    forward(x, kernel, bias) {
      if (!onWasm()) return jsConvKernel.forward(x, kernel, bias);
      const [y, grid] = tf.engine().runKernel(FORWARD, bias ? { x, kernel, bias } : { x, kernel }, {}) as unknown as [tf.Tensor4D, tf.Tensor2D];
      return { y, saved: [grid, kernel] };
    },
    backward(saved, dy, withBias) {
      if (saved[0]!.rank === 4) return jsConvKernel.backward(saved, dy, withBias); // saved by the portable forward pass
      const [grid, kernel] = saved as [tf.Tensor2D, tf.Tensor4D];
      return tf.engine().runKernel(BACKWARD, { grid, dy, kernel }, { withBias } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
    },
  };
}
