/**
 * The Float32Arrays the LSTM kernels work in: a pool of the big per-call
 * arrays (megabytes each), reused from call to call so that training does
 * not spend its time in the allocator and the garbage collector, and a
 * tensor's values read in place where the backend allows.
 *
 * Arrays handed to tensors are never pooled (the cpu backend keeps them as
 * the tensor's storage); taken arrays hold old values until written.
 */
import * as tf from '@tensorflow/tfjs';

const pool = new Map<number, Float32Array[]>();
const POOL_PER_SIZE = 4;

/** An array of n floats, from the pool when one is there (its values are stale). */
export function take(n: number): Float32Array {
  return pool.get(n)?.pop() ?? new Float32Array(n);
}

/** Return arrays to the pool (nulls are skipped); the caller no longer uses them. */
export function give(...arrays: (Float32Array | null)[]): void {
  for (const a of arrays) {
    if (!a) continue;
    const list = pool.get(a.length) ?? [];
    if (list.length < POOL_PER_SIZE) list.push(a);
    pool.set(a.length, list);
  }
}

/**
 * A tensor's values, read in place from the wasm heap where the backend is
 * wasm (valid until the next tensor is made), else copied out by dataSync.
 */
export function readFloats(t: tf.Tensor): Float32Array {
  const backend = tf.backend() as unknown as {
    wasm?: { HEAPF32?: Float32Array };
    dataIdMap?: { get(id: object): { memoryOffset?: number } | undefined };
  };
  const offset = backend.dataIdMap?.get(t.dataId)?.memoryOffset;
  const heap = backend.wasm?.HEAPF32;
  if (heap && offset !== undefined && t.dtype === 'float32') return heap.subarray(offset / 4, offset / 4 + t.size);
  return t.dataSync() as Float32Array;
}
