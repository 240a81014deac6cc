/**
 * @node-only The optional native kernels: musegen's Node-API addon on
 * OpenBLAS (native/, built by `npm run build:native`), loaded from
 * native/build/musegen_native.node under the package root and installed
 * behind the kernel boundary (kernels.ts). Where it is absent or does not
 * load, the JavaScript/WebAssembly kernels stay and `nativeKernelsReport()`
 * says why. `MUSEGEN_NATIVE=0` keeps the addon out (tests of the pure path).
 *
 *   lstm.forward  ──► addon.lstmForward   whole sequence: input product in one sgemm, h·U per step
 *   lstm.backward ──► addon.lstmBackward  through time; dU, dW, dX in one sgemm each
 *   conv          ──► addon.convForward / convBackward   (native-conv.ts, on wasm: AVX-512 loops or one sgemm per tap)
 *   batchNorm     ──► addon.batchNormForward / Backward  (native-batch-norm.ts, on wasm)
 *   tf.matMul on wasm ──► addon.sgemm     (native-matmul.ts: the output layer and its gradients,
 *                                          while the native set is in use)
 *
 * The addon reads the weights in place (the wasm heap, see float-buffers.ts)
 * and writes into arrays made here, so nothing is copied twice.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { errorMessage } from '../errors.js';
import { give, readFloats, take } from './float-buffers.js';
import { jsKernels, kernels, useKernels, type Kernels, type LstmDims, type LstmKernel } from './kernels.js';
import { nativeBatchNormKernel, type NativeBatchNorm } from './native-batch-norm.js';
import { nativeConvKernel, type NativeConv } from './native-conv.js';
import { installNativeMatMul, type Sgemm } from './native-matmul.js';
import { packageRoot } from './package-root.js';

type F32 = Float32Array;

/** The addon's functions (native/addon.cc); `?` arguments take null. */
interface Addon extends NativeConv, NativeBatchNorm {
  lstmForward(
    dims: Int32Array, indices: Int32Array | null, x: F32 | null, kernel: F32, recurrent: F32, bias: F32, h0: F32 | null, c0: F32 | null,
    gates: F32, cells: F32, cellTanh: F32, outputs: F32,
  ): void;
  lstmBackward(
    dims: Int32Array, indices: Int32Array | null, x: F32 | null, kernel: F32, recurrent: F32, h0: F32 | null, c0: F32 | null,
    gates: F32, cells: F32, cellTanh: F32, outputs: F32, dy: F32,
    dx: F32 | null, dKernel: F32, dRecurrent: F32, dBias: F32, dh0: F32 | null, dc0: F32 | null,
  ): void;
  sgemm: Sgemm;
  setThreads(n: number): void;
  threads(): number;
  blas(): string;
}

/** What the native forward pass keeps for the backward pass. */
interface NativeLstmTrace {
  outputs: F32;
  gates: F32;
  cells: F32;
  cellTanh: F32;
  /** The dense input ([steps·batch, inCols]; null for one-hot only). */
  x: F32 | null;
  inCols: number;
  h0: F32 | null;
  c0: F32 | null;
}

/** Whether the native kernels are in use, and how they loaded or why not, in one line. */
export interface NativeKernelsReport {
  available: boolean;
  detail: string;
}

export interface NativeKernelsOptions {
  /** OpenBLAS threads (default: every core). */
  threads?: number;
}

const ADDON_PATH = join('native', 'build', 'musegen_native.node');
let addon: Addon | null = null;
let report: NativeKernelsReport | null = null;
/** The native set last installed. */
let nativeSet: Kernels | null = null;

function dimsOf(d: LstmDims, inCols: number): Int32Array {
  return Int32Array.of(d.steps, d.batch, d.units, d.inputSize, inCols);
}

function lstmKernel(native: Addon): LstmKernel<NativeLstmTrace> {
  return {
    name: 'native (OpenBLAS)',
    forward(d, indices, x, kernel, recurrent, bias, h0, c0) {
      const rows = d.steps * d.batch;
      const H = d.units;
      const trace: NativeLstmTrace = {
        outputs: new Float32Array(rows * H),
        gates: take(rows * 4 * H),
        cells: take(rows * H),
        cellTanh: take(rows * H),
        x: x ? (x.dataSync() as F32) : null,
        inCols: x ? x.shape[1] : 0,
        h0: h0 ? (h0.dataSync() as F32) : null,
        c0: c0 ? (c0.dataSync() as F32) : null,
      };
      const { outputs, gates, cells, cellTanh } = trace;
      // readFloats' views stay valid until the next tensor is made: read them last.
      native.lstmForward(dimsOf(d, trace.inCols), indices, trace.x, readFloats(kernel), readFloats(recurrent), readFloats(bias), trace.h0, trace.c0, gates, cells, cellTanh, outputs);
      return trace;
    },
    backward(d, trace, dy, indices, kernel, recurrent) {
      const { steps, batch, units: H, inputSize } = d;
      const rows = steps * batch;
      const G = 4 * H;
      const { inCols } = trace;
      const dx = inCols > 0 ? new Float32Array(rows * inCols) : null;
      const dKernel = new Float32Array(inputSize * G);
      const dRecurrent = new Float32Array(H * G);
      const dBias = new Float32Array(G);
      const dh0 = trace.h0 ? new Float32Array(batch * H) : null;
      const dc0 = trace.h0 ? new Float32Array(batch * H) : null;
      const { gates, cells, cellTanh, outputs } = trace;
      native.lstmBackward(
        dimsOf(d, inCols), indices, trace.x, readFloats(kernel), readFloats(recurrent), trace.h0, trace.c0,
        gates, cells, cellTanh, outputs, readFloats(dy), dx, dKernel, dRecurrent, dBias, dh0, dc0,
      );
      give(gates, cells, cellTanh);
      const grads: tf.Tensor[] = [];
      if (dx) grads.push(tf.tensor2d(dx, [rows, inCols]));
      grads.push(tf.tensor2d(dKernel, [inputSize, G]), tf.tensor2d(dRecurrent, [H, G]), tf.tensor1d(dBias));
      if (dh0 && dc0) grads.push(tf.tensor2d(dh0, [batch, H]), tf.tensor2d(dc0, [batch, H]));
      return grads;
    },
  };
}

/**
 * OpenBLAS up to 0.3.21 takes AMD's AVX-512 CPUs (Zen 4, Zen 5) for Haswell
 * and runs its AVX2 kernels there; its SkylakeX kernels run 2–3× faster on
 * them (sgemm at the conv bench's shapes, measured here on a Zen 5). Asked
 * for through OPENBLAS_CORETYPE, which OpenBLAS reads when it loads: so only
 * while the addon loads (`load` runs then; the variable is removed after, so
 * that programs this process starts are not touched), and never over the
 * user's own choice.
 */
function withBlasCore<T>(load: () => T): T {
  if (process.env.OPENBLAS_CORETYPE || process.platform !== 'linux' || process.arch !== 'x64') return load();
  let cpu = '';
  try {
    cpu = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return load();
  }
  const flags = new Set(/^flags\s*:(.*)$/m.exec(cpu)?.[1]?.trim().split(/\s+/) ?? []);
  const avx512 = ['avx512f', 'avx512cd', 'avx512bw', 'avx512dq', 'avx512vl'].every((f) => flags.has(f));
  if (!avx512 || !/^vendor_id\s*:\s*AuthenticAMD$/m.test(cpu)) return load();
  process.env.OPENBLAS_CORETYPE = 'SkylakeX';
  try {
    return load();
  } finally {
    delete process.env.OPENBLAS_CORETYPE;
  }
}

function loadAddon(): Addon {
  const root = packageRoot();
  if (!root) throw new Error('the musegen package root was not found');
  const path = join(root, ADDON_PATH);
  try {
    return withBlasCore(() => createRequire(import.meta.url)(path) as Addon);
  } catch (e) {
    const missing = (e as { code?: string }).code === 'MODULE_NOT_FOUND';
    throw new Error(missing ? `not built: ${path} is absent (npm run build:native needs a C++ compiler and libopenblas-dev)` : `${path} does not load: ${errorMessage(e)}`);
  }
}

/**
 * Load the addon (once) and install its kernels for the process, with
 * `threads` OpenBLAS threads; where it does not load, the kernels in use
 * stay. Returns what happened.
 */
export function installNativeKernels(options: NativeKernelsOptions = {}): NativeKernelsReport {
  if (!report) {
    try {
      if (process.env.MUSEGEN_NATIVE === '0') throw new Error('turned off by MUSEGEN_NATIVE=0');
      addon = loadAddon();
      report = { available: true, detail: '' };
    } catch (e) {
      report = { available: false, detail: errorMessage(e) };
    }
  }
  if (!addon) return report;
  addon.setThreads(options.threads ?? availableParallelism());
  report.detail = `${ADDON_PATH}, ${blasName(addon.blas())}, ${addon.threads()} thread${addon.threads() === 1 ? '' : 's'}`;
  nativeSet = nativeKernels(addon);
  useKernels(nativeSet);
  installNativeMatMul(addon.sgemm, () => kernels() === nativeSet);
  return report;
}

/** 'OpenBLAS 0.3.21 (SkylakeX kernels)' from OpenBLAS' configuration line ('OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64'). */
function blasName(config: string): string {
  const words = config.split(' ');
  const core = words.slice(2).find((w) => !/^(NO_|USE_|DYNAMIC_ARCH|SMP|MAX_)/.test(w) && !w.includes('='));
  return `${words.slice(0, 2).join(' ')}${core ? ` (${core} kernels)` : ''}`;
}

/** The native kernel set: the addon's LSTM, convolution and batch normalisation, the WebAssembly SIMD mat-vec for batch-1 sampling (faster at that size). */
function nativeKernels(native: Addon): Kernels {
  return { ...jsKernels, name: 'native (OpenBLAS) + webassembly mat-vec', lstm: lstmKernel(native), conv: nativeConvKernel(native), batchNorm: nativeBatchNormKernel(native) };
}

/** How the native kernels stand: not tried yet, in use, or why not. */
export function nativeKernelsReport(): NativeKernelsReport {
  return report ?? { available: false, detail: 'not tried (no backend started)' };
}
