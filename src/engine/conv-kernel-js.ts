/**
 * The portable convolution kernel (ConvKernel, kernels.ts), for 'same'
 * zero padding, stride 1, odd kernel sizes, NHWC: x [B, H, W, Cin], kernel
 * [kh, kw, Cin, Cout] (Keras' layout), bias [Cout]. It trains on every
 * backend, the wasm one included (which has no Conv2DBackpropFilter kernel,
 * and whose Conv2DBackpropInput is a plain loop ten times slower than its
 * XNNPACK convolution):
 *
 *   forward   y  = x ⊛ K (+ b)                              the backend's convolution (XNNPACK on wasm)
 *   backward  dx = dy ⊛ K rotated half a turn, in ⇄ out
 *             dK = columns(x) · dy                         tf.matMul, in chunks of the grid on wasm
 *             db = Σ dy
 *
 * Backends with their own Conv2DBackpropFilter (cpu, tfjs-node, webgl) use
 * it for dK. On wasm, columns: x transposed and zero-padded to
 * [Cin, B·Hp·Wp] (P points of the padded grid, flattened), then once per
 * kernel tap (i, j) shifted by i·Wp + j, stacked: [kh·kw·Cin, P]. With dy
 * padded at the bottom and right onto the same grid ([P, Cout], zeros off
 * the image),
 *
 *   dK[i, j] = Σ_q x[:, q + i·Wp + j] · dy[q, :]
 *
 * is a matMul whose big operand is on the left, untransposed: the fast form
 * of wasm's matMul. Each shifted copy is one contiguous run of memory, so on
 * wasm they are memmoves inside the heap, by a kernel registered here
 * (MusegenShiftedCopies); elsewhere, or should wasm's internals change,
 * tf.slice and tf.concat do it.
 */
import * as tf from '@tensorflow/tfjs';
import { MusegenError } from '../errors.js';
import type { ConvKernel } from './kernels.js';
import { hasWasmHeap, wasmHeap } from './wasm-heap.js';

/** How the filter gradient is computed: the backend's kernel, shifted copies in the wasm heap, or tf ops. */
export type FilterGradientMethod = 'kernel' | 'heap' | 'ops';

/** The portable kernel: the backend's convolution forward, the gradients above. */
export const jsConvKernel: ConvKernel = {
  name: 'javascript/webassembly',
  forward(x, kernel, bias) {
    const y = bias ? tf.fused.conv2d({ x, filter: kernel, strides: 1, pad: 'same', bias }) : tf.conv2d(x, kernel, 1, 'same');
    return { y, saved: [x, kernel] };
  },
  backward(saved, dy, withBias) {
    const [x, kernel] = saved as [tf.Tensor4D, tf.Tensor4D];
    const [kh, kw] = kernel.shape;
    return [conv2dInputGradient(dy, kernel), conv2dFilterGradient(x, dy, [kh, kw]), ...(withBias ? [channelSums(dy)] : [])];
  },
};

/**
 * Σ over batch, height and width: [C] for x [B, H, W, C]. wasm's Sum over
 * leading axes transposes its input first (3–25 ms for 1.5 M values); its
 * XNNPACK average pooling over the whole image reads it once (~0.2 ms).
 */
export function channelSums(x: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => {
    if (tf.getBackend() !== 'wasm') return tf.sum<tf.Tensor1D>(x, [0, 1, 2]);
    const [B, H, W, C] = x.shape;
    const mean = tf.avgPool(tf.reshape<tf.Rank.R4>(x, [1, B * H, W, C]), [B * H, W], 1, 'valid');
    return tf.mul<tf.Tensor1D>(tf.reshape(mean, [C]), B * H * W);
  });
}

/** dL/dx of a 'same' stride-1 convolution: dy convolved with the kernel rotated half a turn, its in and out swapped. */
export function conv2dInputGradient(dy: tf.Tensor4D, kernel: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.conv2d(dy, flipped(kernel), 1, 'same'));
}

/** [kh, kw, in, out] → [kh, kw, out, in], taps in reverse order: the kernel of the input gradient. */
function flipped(kernel: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, C, F] = kernel.shape;
  if (tf.getBackend() !== 'wasm' && tf.getBackend() !== 'cpu') return tf.transpose(tf.reverse(kernel, [0, 1]), [0, 1, 3, 2]);
  // A few thousand values: in JavaScript, ten times faster than wasm's Reverse kernel.
  const src = kernel.dataSync();
  const out = new Float32Array(src.length);
  const taps = kh * kw;
  for (let s = 0; s < taps; s++) {
    const from = s * C * F;
    const to = (taps - 1 - s) * C * F;
    for (let c = 0; c < C; c++) for (let f = 0; f < F; f++) out[to + f * C + c] = src[from + c * F + f]!;
  }
  return tf.tensor4d(out, [kh, kw, F, C]);
}

/**
 * dL/dkernel [kh, kw, Cin, Cout] of a 'same' stride-1 convolution of x
 * [B, H, W, Cin] whose output gradient is dy [B, H, W, Cout]. `method`
 * (default: the fastest the backend has) is for tests and benchmarks.
 */
export function conv2dFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, size: [number, number], method: FilterGradientMethod = bestMethod()): tf.Tensor4D {
  const [kh, kw] = size;
  const [C, F] = [x.shape[3], dy.shape[3]];
  if (method === 'kernel') {
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [kh, kw, C, F] };
    return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
  }
  if (method === 'heap' && !heapCopiesAvailable()) method = 'ops';
  return tf.tidy(() => {
    const grid = gridOf(x.shape, kh, kw);
    return gridFilterGradient(channelMajor(x, grid), dy, grid, kh, kw, method as 'heap' | 'ops');
  });
}

/** The filter gradient from x channel-major on the grid (xt [C, P]): columns · dy on the grid. */
function gridFilterGradient(xt: tf.Tensor2D, dy: tf.Tensor4D, grid: Grid, kh: number, kw: number, method: 'heap' | 'ops'): tf.Tensor4D {
  const C = xt.shape[0];
  const F = dy.shape[3];
  return tf.tidy(() => {
    // dy on the same grid: row q = (b·Hp + h)·Wp + w, zero where (h, w) is off the image.
    const dyGrid = tf.reshape(tf.pad(dy, [[0, 0], [0, kh - 1], [0, kw - 1], [0, 0]]), [grid.P, F]) as tf.Tensor2D;
    if (method === 'ops') return tf.reshape(tf.matMul(opsShiftedCopies(xt, grid.offsets), dyGrid), [kh, kw, C, F]);
    // XNNPACK's matMul runs the whole depth of the product for each tile of its result, and a depth of
    // tens of thousands of points streams from memory: in chunks of ~2k points it stays in cache
    // (~20 % faster at the benchmark's shape).
    const chunks = Math.max(1, Math.round(grid.P / DEPTH_CHUNK));
    const length = Math.ceil(grid.P / chunks);
    const parts: tf.Tensor2D[] = [];
    for (let start = 0; start < grid.P; start += length) {
      const n = Math.min(length, grid.P - start);
      const dyPart = chunks === 1 ? dyGrid : tf.reshape(heapWindows(tf.reshape(dyGrid, [1, grid.P * F]), [0], start * F, n * F), [n, F]) as tf.Tensor2D;
      parts.push(tf.matMul(heapWindows(xt, grid.offsets, start, n), dyPart));
    }
    return tf.reshape(parts.length === 1 ? parts[0]! : tf.addN(parts), [kh, kw, C, F]);
  });
}

/** Grid points per product in the filter gradient on wasm's own matMul. */
const DEPTH_CHUNK = 2048;

/** The zero-padded grid of a 'same' convolution: sizes, and each kernel tap's shift in the flattened grid. */
interface Grid {
  B: number;
  H: number;
  W: number;
  Hp: number;
  Wp: number;
  /** Points of the grid, B·Hp·Wp. */
  P: number;
  /** Tap (i, j) at i·kw + j: i·Wp + j. */
  offsets: number[];
}

function gridOf(shape: number[], kh: number, kw: number): Grid {
  const [B, H, W] = shape as [number, number, number];
  const [Hp, Wp] = [H + kh - 1, W + kw - 1];
  const offsets: number[] = [];
  for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) offsets.push(i * Wp + j);
  return { B, H, W, Hp, Wp, P: B * Hp * Wp, offsets };
}

/** x [B, H, W, C] channel-major over the zero-padded grid: [C, P]. */
function channelMajor(x: tf.Tensor4D, grid: Grid): tf.Tensor2D {
  const [ph, pw] = [(grid.Hp - grid.H) / 2, (grid.Wp - grid.W) / 2];
  return tf.reshape(tf.pad(tf.transpose(x, [3, 0, 1, 2]), [[0, 0], [0, 0], [ph, ph], [pw, pw]]), [x.shape[3], grid.P]) as tf.Tensor2D;
}

/** The backend's Conv2DBackpropFilter where it has one; else shifted copies in the wasm heap, or by tf ops. */
function bestMethod(): FilterGradientMethod {
  const backend = tf.getBackend();
  if (tf.getKernel('Conv2DBackpropFilter', backend)) return 'kernel';
  return backend === 'wasm' ? 'heap' : 'ops';
}

/** [offsets.length·rows, cols]: block s, row r = x's values from flat index r·cols + offsets[s] on (zero past the end). */
function opsShiftedCopies(x: tf.Tensor2D, offsets: number[]): tf.Tensor2D {
  const [rows, cols] = x.shape;
  const n = rows * cols;
  const flat = tf.pad(tf.reshape(x, [n]), [[0, Math.max(...offsets)]]);
  return tf.reshape(tf.concat(offsets.map((o) => tf.slice(flat, [o], [n])), 0), [offsets.length * rows, cols]);
}

// ── The wasm kernel: shifted copies as memmoves inside the heap ─────────────

const SHIFTED_COPIES = 'MusegenShiftedCopies';

let registered = false;

/** Whether the wasm backend is in use and its internals are the ones the kernel knows (registering the kernel once). */
function heapCopiesAvailable(): boolean {
  if (tf.getBackend() !== 'wasm' || !hasWasmHeap(tf.backend())) return false;
  if (!registered) {
    // (another copy of this module in the process may have registered them: theirs serve as well)
    if (!tf.getKernel(SHIFTED_COPIES, 'wasm')) tf.registerKernel({ kernelName: SHIFTED_COPIES, backendName: 'wasm', kernelFunc: shiftedCopiesKernel });
    registered = true;
  }
  return true;
}

/**
 * [offsets.length·R, length] from x [R, N]: block s, row r holds x's values from flat index
 * r·N + start + offsets[s] on (zero past the end of x): the columns of the grid points
 * start … start + length − 1, once per kernel tap. One memmove per row and tap.
 */
function heapWindows(x: tf.Tensor2D, offsets: number[], start: number, length: number): tf.Tensor2D {
  return tf.engine().runKernel(SHIFTED_COPIES, { x }, { offsets, start, length } as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}

function shiftedCopiesKernel(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { offsets, start, length } = args.attrs as unknown as { offsets: number[]; start: number; length: number };
  const wasm = wasmHeap(args.backend, 'conv2d');
  if (x.dtype !== 'float32') throw new MusegenError('INTERNAL', `conv2d: shifted copies of ${x.dtype} values`);
  const [rows, cols] = x.shape as [number, number];
  const n = rows * cols;
  const out = wasm.output([offsets.length * rows, length]); // may grow the heap: views after
  const heap = wasm.heap();
  const src = wasm.offset(x);
  let at = wasm.offset(out);
  for (const o of offsets) {
    for (let r = 0; r < rows; r++, at += length) {
      const from = r * cols + start + o;
      const m = Math.max(0, Math.min(length, n - from));
      heap.copyWithin(at, src + from, src + from + m);
      if (m < length) heap.fill(0, at + m, at + length);
    }
  }
  return out;
}
