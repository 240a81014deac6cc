/**
 * What musegen's own wasm-backend kernels read of
 * @tensorflow/tfjs-backend-wasm's internals (4.22): `makeOutput`,
 * `dataIdMap` and `wasm.HEAPF32`, so that a kernel reads its inputs and
 * writes its outputs in place in the wasm heap. `hasWasmHeap` says whether
 * they are there as known (callers with another way fall back);
 * `wasmHeap` throws, naming the TensorFlow.js version, when they are not.
 */
import * as tf from '@tensorflow/tfjs';

interface WasmInternals {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  dataIdMap: { get(id: object): { memoryOffset: number } | undefined };
  wasm: { HEAPF32: Float32Array };
}

/** A wasm backend's tensors as floats in its heap. */
export interface WasmHeap {
  /** A new float32 output tensor (it may grow the heap: take views after making every output). */
  output(shape: number[]): tf.TensorInfo;
  /** The floats of t in place, valid until the next output is made. */
  floats(t: tf.TensorInfo): Float32Array;
  /** Where t's floats start in `heap()`. */
  offset(t: tf.TensorInfo): number;
  /** The whole heap as floats, valid until the next output is made. */
  heap(): Float32Array;
}

/** Whether `backend` is a wasm backend whose internals are the ones this file knows. */
export function hasWasmHeap(backend: unknown): boolean {
  const b = backend as Partial<WasmInternals> | undefined;
  return typeof b?.makeOutput === 'function' && typeof b.dataIdMap?.get === 'function' && b.wasm?.HEAPF32 instanceof Float32Array;
}

/** The heap of a wasm backend; throws, saying `who` needs it, if its internals changed. */
export function wasmHeap(backend: unknown, who: string): WasmHeap {
  if (!hasWasmHeap(backend)) {
    throw new Error(`${who}: the wasm backend's internals changed (TensorFlow.js ${tf.version_core}; written for 4.22); run with MUSEGEN_NATIVE=0`);
  }
  const b = backend as WasmInternals;
  const offset = (t: tf.TensorInfo): number => b.dataIdMap.get(t.dataId)!.memoryOffset / 4;
  return {
    output: (shape) => b.makeOutput(shape, 'float32'),
    floats: (t) => b.wasm.HEAPF32.subarray(offset(t), offset(t) + t.shape.reduce((x, y) => x * y, 1)),
    offset,
    heap: () => b.wasm.HEAPF32,
  };
}
