/**
 * tf.matMul on the wasm backend once the native kernels are installed
 * (src/engine/native-matmul.ts: OpenBLAS sgemm in the wasm heap) against a
 * plain JavaScript product on random inputs: every transpose combination,
 * odd shapes, vectors (m or k = 1), batches of matrices, a single matrix
 * against a batch, and the gradients. Tolerance: 1e-5 relative to the
 * reference's largest magnitude (float32 sums in another order).
 *
 * Fails where the addon is not built; skipped only with MUSEGEN_NATIVE=0.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, nativeKernelsReport } from '../src/index.js';
import { rng } from './helpers/random.js';

const TOLERANCE = 1e-5;
const off = process.env.MUSEGEN_NATIVE === '0';
const next = rng(17);

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  const report = nativeKernelsReport();
  if (!off && !report.available) throw new Error(`native kernels did not load: ${report.detail} (run npm run build:native; MUSEGEN_NATIVE=0 skips these tests)`);
});

function random(shape: number[]): tf.Tensor {
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => next() * 2 - 1), shape);
}

/** op(a)·op(b) in JavaScript, batched as tf.matMul is (a single matrix broadcast over the other's batch). */
function reference(a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean): { values: Float32Array; shape: number[] } {
  const [av, bv] = [a.dataSync(), b.dataSync()];
  const [ra, ca] = a.shape.slice(-2) as [number, number];
  const [rb, cb] = b.shape.slice(-2) as [number, number];
  const [m, k] = ta ? [ca, ra] : [ra, ca];
  const n = tb ? rb : cb;
  const batchA = av.length / (ra * ca);
  const batchB = bv.length / (rb * cb);
  const batch = Math.max(batchA, batchB);
  const out = new Float32Array(batch * m * n);
  for (let p = 0; p < batch; p++) {
    const oa = batchA > 1 ? p * m * k : 0;
    const ob = batchB > 1 ? p * k * n : 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) s += av[oa + (ta ? q * m + i : i * k + q)]! * bv[ob + (tb ? j * k + q : q * n + j)]!;
        out[p * m * n + i * n + j] = s;
      }
    }
  }
  const outer = a.shape.length >= b.shape.length ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
  return { values: out, shape: [...(batchA >= batchB ? outer : b.shape.slice(0, -2)), m, n] };
}

function expectClose(actual: Float32Array, expected: Float32Array, what: string): void {
  let scale = 1;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(actual.length, what).toBe(expected.length);
  expect(worst / scale, `${what}: largest difference ${worst}`).toBeLessThanOrEqual(TOLERANCE);
}

/** [a's shape, b's shape] as stored; each is tried with the transposes that fit. */
const SHAPES: [string, number[], number[]][] = [
  ['odd matrices', [7, 5], [5, 11]],
  ['a row vector', [1, 9], [9, 4]],
  ['inner size 1', [6, 1], [1, 3]],
  ['batch of matrices', [3, 4, 6], [3, 6, 5]],
  ['one matrix against a batch', [4, 6], [2, 6, 5]],
  ['a batch against one matrix', [2, 4, 6], [6, 5]],
  ['the output layer', [130, 67], [67, 130]],
];

describe.skipIf(off)('native matMul on the wasm backend', () => {
  for (const [what, sa, sb] of SHAPES) {
    it.each([[false, false], [true, false], [false, true], [true, true]])(`${what}, transposeA %s, transposeB %s`, (ta, tb) => {
      const swap = (s: number[], t: boolean) => (t ? [...s.slice(0, -2), s[s.length - 1]!, s[s.length - 2]!] : s);
      const a = random(swap(sa, ta));
      const b = random(swap(sb, tb));
      const expected = reference(a, b, ta, tb);
      const product = tf.matMul(a, b, ta, tb);
      expect(product.shape).toEqual(expected.shape);
      expectClose(product.dataSync() as Float32Array, expected.values, what);
      tf.dispose([a, b, product]);
    });
  }

  it('gives the gradients of a dense layer', () => {
    const [x, w, r] = [random([9, 7]), random([7, 5]), random([9, 5])];
    const [dx, dw] = tf.grads((xt: tf.Tensor, wt: tf.Tensor) => tf.sum(tf.mul(tf.matMul(xt, wt), r)))([x, w]);
    expectClose(dx!.dataSync() as Float32Array, reference(r, w, false, true).values, 'dx = r·wᵀ');
    expectClose(dw!.dataSync() as Float32Array, reference(x, r, true, false).values, 'dw = xᵀ·r');
    tf.dispose([x, w, r, dx!, dw!]);
  });
});
