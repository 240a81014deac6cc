/**
 * The tensor-ops kernel set (tensor-ops-kernels.ts), what the native
 * TensorFlow backends (tfjs-node, tfjs-node-gpu) train with, tested on the
 * cpu backend as their stand-in: the LSTM layer and the convolution as
 * TensorFlow ops give the values and gradients of the portable kernels, and
 * a training step's forward and backward passes read nothing back from the
 * backend (the portable LSTM kernel, whose gate arithmetic runs in
 * JavaScript, does — checked too, so the count can fail).
 *
 * Tolerance: 1e-4 relative to the reference's largest magnitude (at least 1).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ConvNet, LstmModel, conv2d, initBackend, jsKernels, kernels, lstmSequence, runsOnTensorOps, softmaxCrossEntropy, tensorOpsKernels, useKernels,
  type Kernels, type LayerInput,
} from '../src/index.js';
import { rng } from './helpers/random.js';

const TOLERANCE = 1e-4;
let installed: Kernels;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  installed = kernels();
});
afterEach(() => {
  useKernels(installed);
});
afterAll(async () => {
  await initBackend({ backend: 'wasm' });
});

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  let scale = 1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst / scale, `${what}: largest difference ${worst} (scale ${scale})`).toBeLessThanOrEqual(TOLERANCE);
}

const randoms = (n: number, seed: number, scale = 1): Float32Array => {
  const next = rng(seed);
  return Float32Array.from({ length: n }, () => (2 * next() - 1) * scale);
};

const READS = ['dataSync', 'data', 'arraySync', 'array', 'bufferSync', 'buffer'] as const;

/**
 * Tensor values brought back to JavaScript while `f` runs: calls of a
 * tensor's dataSync, data, arraySync, array, bufferSync or buffer (what
 * model code reads through; a backend's kernels read their own memory
 * otherwise).
 */
function readsDuring(f: () => void): number {
  const proto = tf.Tensor.prototype as unknown as Record<(typeof READS)[number], (...a: unknown[]) => unknown>;
  const original = Object.fromEntries(READS.map((name) => [name, proto[name]]));
  let reads = 0;
  for (const name of READS) {
    proto[name] = function (this: unknown, ...a: unknown[]) {
      reads++;
      return original[name]!.apply(this, a);
    };
  }
  try {
    f();
  } finally {
    Object.assign(proto, original);
  }
  return reads;
}

interface LstmCase { steps: number; batch: number; units: number; classes: number; dense: number; state: boolean }

/** Outputs, then the gradients of Σ outputs·R with respect to the dense input (if any), the three weights and the initial state (if any). */
function lstmRun(c: LstmCase): Float32Array[] {
  return tf.tidy(() => {
    const rows = c.steps * c.batch;
    const G = 4 * c.units;
    const next = rng(3);
    const indices = c.classes > 0 ? Int32Array.from({ length: rows }, () => Math.floor(next() * c.classes)) : null;
    const x = c.dense > 0 ? tf.tensor2d(randoms(rows * c.dense, 4), [rows, c.dense]) : null;
    const kernel = tf.tensor2d(randoms((c.classes + c.dense) * G, 5, 0.5), [c.classes + c.dense, G]);
    const recurrent = tf.tensor2d(randoms(c.units * G, 6, 0.5), [c.units, G]);
    const bias = tf.tensor1d(randoms(G, 7, 0.5));
    const h0 = tf.tensor2d(randoms(c.batch * c.units, 8), [c.batch, c.units]);
    const c0 = tf.tensor2d(randoms(c.batch * c.units, 9), [c.batch, c.units]);
    const r = tf.tensor2d(randoms(rows * c.units, 10), [rows, c.units]);
    const wrt = [...(x ? [x] : []), kernel, recurrent, bias, ...(c.state ? [h0, c0] : [])];
    const f = (...t: tf.Tensor[]): tf.Tensor2D => {
      const [xs, k, u, b, h, cs] = x ? t : [null, ...t];
      const input = (indices && xs ? { indices, x: xs } : indices ? { indices } : { x: xs }) as LayerInput;
      const options = { steps: c.steps, batch: c.batch, ...(c.state ? { initialState: { h: h as tf.Tensor2D, c: cs as tf.Tensor2D } } : {}) };
      return lstmSequence(input, { kernel: k as tf.Tensor2D, recurrentKernel: u as tf.Tensor2D, bias: b as tf.Tensor1D }, options);
    };
    const grads = tf.grads((...t: tf.Tensor[]) => tf.sum(tf.mul(f(...t), r)))(wrt);
    return [f(...wrt), ...grads].map((t) => Float32Array.from(t.dataSync()));
  });
}

const LSTM_CASES: [string, LstmCase][] = [
  ['one-hot', { steps: 5, batch: 3, units: 4, classes: 6, dense: 0, state: false }],
  ['dense, with an initial state', { steps: 4, batch: 2, units: 3, classes: 0, dense: 5, state: true }],
  ['one-hot ⊕ features, batch 1', { steps: 6, batch: 1, units: 5, classes: 4, dense: 2, state: true }],
  ['sequence length 1', { steps: 1, batch: 3, units: 2, classes: 3, dense: 0, state: true }],
];

describe('the tensor-ops kernel set (cpu backend as the native TensorFlow backends\' stand-in)', () => {
  it('is the set the native TensorFlow backends use, and only they', () => {
    expect(runsOnTensorOps('node')).toBe(true);
    expect(runsOnTensorOps('node-gpu')).toBe(true);
    expect(runsOnTensorOps('wasm')).toBe(false);
    expect(runsOnTensorOps('cpu')).toBe(false);
    expect(tensorOpsKernels.lstm).toBeNull(); // the layer as ops, by autodiff
  });

  it.each(LSTM_CASES)('LSTM layer, %s: outputs and gradients match the portable kernel', (_, c) => {
    useKernels(jsKernels);
    const expected = lstmRun(c);
    useKernels(tensorOpsKernels);
    const actual = lstmRun(c);
    expect(actual.length).toBe(expected.length);
    actual.forEach((a, i) => expectClose(a, expected[i]!, `output ${i}`));
  });

  it('convolution: values and gradients match the portable kernel, odd shapes', () => {
    for (const [B, H, W, cin, cout, kh, kw] of [[1, 3, 5, 1, 2, 3, 3], [2, 4, 3, 3, 1, 5, 3], [1, 1, 1, 1, 1, 1, 1]] as const) {
      const run = (): Float32Array[] => tf.tidy(() => {
        const x = tf.tensor4d(randoms(B * H * W * cin, 1), [B, H, W, cin]);
        const k = tf.tensor4d(randoms(kh * kw * cin * cout, 2), [kh, kw, cin, cout]);
        const b = tf.tensor1d(randoms(cout, 3));
        const r = tf.tensor4d(randoms(B * H * W * cout, 4), [B, H, W, cout]);
        const f = (xs: tf.Tensor, ks: tf.Tensor, bs: tf.Tensor) => conv2d(xs as tf.Tensor4D, ks as tf.Tensor4D, bs as tf.Tensor1D);
        return [f(x, k, b), ...tf.grads((xs: tf.Tensor, ks: tf.Tensor, bs: tf.Tensor) => tf.sum(tf.mul(f(xs, ks, bs), r)))([x, k, b])]
          .map((t) => Float32Array.from(t.dataSync()));
      });
      useKernels(jsKernels);
      const expected = run();
      useKernels(tensorOpsKernels);
      run().forEach((a, i) => expectClose(a, expected[i]!, `[${B}, ${H}, ${W}, ${cin}] ⊛ ${kh}×${kw}×${cout}: output ${i}`));
    }
  });

  it('an LSTM model\'s training step reads nothing back on tensor ops (the portable kernel reads every call)', () => {
    const config = { inputSize: 10, featureSize: 3, outputSize: 10, units: 8, layers: 2 };
    const [B, T] = [3, 5];
    const next = rng(5);
    const indices = Int32Array.from({ length: B * T }, () => Math.floor(next() * 10));
    const classes = Int32Array.from({ length: B * T }, () => Math.floor(next() * 10));
    const features = tf.tensor3d(Float32Array.from({ length: B * T * 3 }, () => next()), [B, T, 3]);
    const model = LstmModel.create(config, { seed: 9 });
    const step = (): tf.Tensor[] => {
      const { value, grads } = tf.variableGrads(() => model.loss({ batch: B, steps: T, indices, features }, { classes }) as tf.Scalar, model.variables);
      return [value, ...Object.values(grads)];
    };
    const results: number[][] = [];
    for (const set of [tensorOpsKernels, jsKernels]) {
      useKernels(set);
      let out: tf.Tensor[] = [];
      const reads = readsDuring(() => {
        out = step();
      });
      if (set === tensorOpsKernels) expect(reads).toBe(0);
      else expect(reads).toBeGreaterThan(0);
      results.push(out.flatMap((t) => Array.from(t.dataSync())));
      tf.dispose(out);
    }
    expectClose(results[0]!, results[1]!, 'loss and gradients');
    model.dispose();
    features.dispose();
  });

  it('a ConvNet\'s training step reads nothing back on tensor ops', () => {
    const [B, H, W, C, out] = [2, 5, 6, 3, 2];
    const next = rng(2);
    const x = tf.tensor4d(Float32Array.from({ length: B * H * W * C }, () => next()), [B, H, W, C]);
    const classes = Int32Array.from({ length: B * H * W }, () => Math.floor(next() * out));
    const net = ConvNet.create({ inputChannels: C, outputChannels: out, filters: 4, layers: 4, kernel: 3 }, { seed: 1 });
    useKernels(tensorOpsKernels);
    let grads: tf.Tensor[] = [];
    const reads = readsDuring(() => {
      const r = tf.variableGrads(() => tf.mean<tf.Scalar>(softmaxCrossEntropy(tf.reshape(net.apply(x, { training: true }), [B * H * W, out]), classes)), net.trainableVariables);
      grads = [r.value, ...Object.values(r.grads)];
    });
    expect(reads).toBe(0);
    expect(grads.every((g) => g.dataSync().every(Number.isFinite))).toBe(true);
    tf.dispose(grads);
    net.dispose();
    x.dispose();
  });
});
