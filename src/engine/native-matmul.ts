/**
 * @node-only The wasm backend's BatchMatMul on the native addon's sgemm
 * (OpenBLAS, ~3× wasm's XNNPACK on one core, transposed operands at full
 * speed): every tf.matMul the models make outside the LSTM layer — the
 * output layer and its gradients — runs natively while the native kernel
 * set is the one in use (`useKernels(jsKernels)` brings back wasm's own).
 *
 * The operands are read, and the product written, in place in the wasm heap
 * (wasm-heap.ts); if the backend's internals change, the kernel throws saying
 * so rather than compute garbage. Products it does not cover
 * (other dtypes, broadcasts between unequal batch shapes) go to the original.
 */
import * as tf from '@tensorflow/tfjs';
import { wasmHeap } from './wasm-heap.js';

/** The addon's product: c[m, n] = op(a)·op(b), row-major. */
export type Sgemm = (transA: number, transB: number, m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array) => void;

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Info = tf.TensorInfo;

let installed = false;

/**
 * Route the wasm backend's BatchMatMul through `sgemm` whenever `active()`
 * says so (idempotent: the first call's functions stay; nothing happens where
 * wasm is not registered).
 */
export function installNativeMatMul(sgemm: Sgemm, active: () => boolean): void {
  if (installed) return;
  const original = tf.getKernel('BatchMatMul', 'wasm');
  if (!original) return;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...original, kernelFunc: (args) => (active() ? nativeMatMul(sgemm, args) : null) ?? original.kernelFunc(args) });
  installed = true;
}

function nativeMatMul(sgemm: Sgemm, args: KernelArgs): Info | null {
  const { a, b } = args.inputs as { a: Info; b: Info };
  const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = outerA.reduce((x, y) => x * y, 1);
  const batchB = outerB.reduce((x, y) => x * y, 1);
  // One batch shape, or one side a single matrix: anything else to the original.
  const sameOuter = outerA.length === outerB.length && outerA.every((d, i) => d === outerB[i]);
  if (!sameOuter && batchA !== 1 && batchB !== 1) return null;
  const [ra, ca] = a.shape.slice(-2) as [number, number];
  const [rb, cb] = b.shape.slice(-2) as [number, number];
  const [m, k] = transposeA ? [ca, ra] : [ra, ca];
  const n = transposeB ? rb : cb;
  if ((transposeB ? cb : rb) !== k) return null; // the original says what is wrong
  const outer = batchA >= batchB && outerA.length >= outerB.length ? outerA : outerB;
  const wasm = wasmHeap(args.backend, 'native matMul');
  const out = wasm.output([...outer, m, n]); // may grow the heap: views after
  const heap = wasm.heap();
  const [oa, ob, oc] = [wasm.offset(a), wasm.offset(b), wasm.offset(out)];
  const batch = Math.max(batchA, batchB);
  for (let i = 0; i < batch; i++) {
    const pa = oa + (batchA > 1 ? i * m * k : 0);
    const pb = ob + (batchB > 1 ? i * k * n : 0);
    const pc = oc + i * m * n;
    sgemm(+transposeA, +transposeB, m, n, k, heap.subarray(pa, pa + m * k), heap.subarray(pb, pb + k * n), heap.subarray(pc, pc + m * n));
  }
  return out;
}
