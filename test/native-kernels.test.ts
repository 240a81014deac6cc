/**
 * The native kernels (native/, on OpenBLAS) against the JavaScript ones on
 * random inputs: the LSTM layer's outputs and every gradient (input, kernel,
 * recurrent kernel, bias, initial state) over odd shapes, batch 1, sequence
 * length 1, one-hot, dense and one-hot ⊕ feature inputs, with and without an
 * initial state; then whole training steps of LstmModel on each set.
 *
 * Tolerance: every value within 1e-4 of the reference, relative to the
 * reference tensor's largest magnitude (at least 1) — float32 sums taken in
 * another order differ by ~1e-6 here.
 *
 * CI builds the addon, so these tests fail when it is absent; they are
 * skipped, saying why, only where MUSEGEN_NATIVE=0 says the pure path is
 * under test.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  LstmModel, Trainer, initBackend, jsKernels, kernels, lstmSequence, nativeKernelsReport, useKernels,
  type Kernels, type LayerInput, type LstmWeights,
} from '../src/index.js';
import { rng } from './helpers/random.js';

const TOLERANCE = 1e-4;
const off = process.env.MUSEGEN_NATIVE === '0';
let native: Kernels;

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  const report = nativeKernelsReport();
  if (off) return;
  if (!report.available) throw new Error(`native kernels did not load: ${report.detail} (run npm run build:native; MUSEGEN_NATIVE=0 skips these tests)`);
  native = kernels();
});
afterEach(() => {
  if (native) useKernels(native);
});

/** Within TOLERANCE of `expected`, relative to its largest magnitude (at least 1). */
function expectClose(actual: Float32Array | number[], expected: Float32Array | number[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  let scale = 1;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst / scale, `${what}: largest difference ${worst} (scale ${scale})`).toBeLessThanOrEqual(TOLERANCE);
}

interface Case {
  steps: number;
  batch: number;
  units: number;
  /** One-hot classes (0: dense input only). */
  classes: number;
  /** Dense columns (alone, or beside the classes). */
  dense: number;
  initialState: boolean;
}

/** The layer's outputs and the gradients of Σ outputs·R with respect to every input, on the kernel set installed. */
function layerRun(c: Case, seed: number): Float32Array[] {
  const next = rng(seed);
  const uniform = (n: number, scale = 1): Float32Array => Float32Array.from({ length: n }, () => (next() * 2 - 1) * scale);
  const { steps, batch, units: H } = c;
  const rows = steps * batch;
  const inputSize = c.classes + c.dense;
  const indices = c.classes > 0 ? Int32Array.from({ length: rows }, () => Math.floor(next() * c.classes)) : null;
  const x = c.dense > 0 ? tf.tensor2d(uniform(rows * c.dense), [rows, c.dense]) : null;
  const kernel = tf.tensor2d(uniform(inputSize * 4 * H, 0.6), [inputSize, 4 * H]);
  const recurrent = tf.tensor2d(uniform(H * 4 * H, 0.6), [H, 4 * H]);
  const bias = tf.tensor1d(uniform(4 * H, 0.5));
  const h0 = c.initialState ? tf.tensor2d(uniform(batch * H), [batch, H]) : null;
  const c0 = c.initialState ? tf.tensor2d(uniform(batch * H), [batch, H]) : null;
  const r = tf.tensor2d(uniform(rows * H), [rows, H]);
  const args = [x, kernel, recurrent, bias, h0, c0].filter((t): t is tf.Tensor2D => t !== null);
  const f = (...ts: tf.Tensor[]): tf.Scalar => {
    const list = [...ts];
    const xt = x ? (list.shift() as tf.Tensor2D) : null;
    const [k, u, b, h, cc] = list as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D?, tf.Tensor2D?];
    const input = (indices && xt ? { indices, x: xt } : indices ? { indices } : { x: xt! }) as LayerInput;
    const w: LstmWeights = { kernel: k, recurrentKernel: u, bias: b };
    const out = lstmSequence(input, w, { steps, batch, initialState: h && cc ? { h, c: cc } : undefined });
    return tf.sum(tf.mul(out, r));
  };
  const { value, grads } = tf.valueAndGrads(f)(args);
  const input = (indices && x ? { indices, x } : indices ? { indices } : { x: x! }) as LayerInput;
  const outputs = tf.tidy(() => lstmSequence(input, { kernel, recurrentKernel: recurrent, bias }, { steps, batch, initialState: h0 && c0 ? { h: h0, c: c0 } : undefined }));
  const result = [outputs, value, ...grads].map((t) => t.dataSync() as Float32Array);
  tf.dispose([outputs, value, ...grads, ...args, r]);
  return result;
}

const NAMES = (c: Case): string[] => [
  'outputs', 'loss', ...(c.dense > 0 ? ['dx'] : []), 'dKernel', 'dRecurrent', 'dBias', ...(c.initialState ? ['dh0', 'dc0'] : []),
];

const CASES: [string, Case][] = [
  ['one-hot, odd shapes', { steps: 7, batch: 3, units: 5, classes: 11, dense: 0, initialState: false }],
  ['one-hot, batch 1', { steps: 9, batch: 1, units: 6, classes: 7, dense: 0, initialState: false }],
  ['one-hot, sequence length 1', { steps: 1, batch: 4, units: 3, classes: 5, dense: 0, initialState: false }],
  ['dense', { steps: 6, batch: 5, units: 7, classes: 0, dense: 9, initialState: false }],
  ['dense, batch 1, with an initial state', { steps: 5, batch: 1, units: 4, classes: 0, dense: 3, initialState: true }],
  ['one-hot ⊕ features', { steps: 8, batch: 2, units: 9, classes: 13, dense: 4, initialState: false }],
  ['one-hot ⊕ features, with an initial state', { steps: 4, batch: 3, units: 6, classes: 6, dense: 2, initialState: true }],
  ['one-hot, sequence length 1, with an initial state', { steps: 1, batch: 2, units: 5, classes: 4, dense: 0, initialState: true }],
  ['dense, larger (blocked products)', { steps: 12, batch: 17, units: 33, classes: 0, dense: 70, initialState: true }],
];

describe.skipIf(off)('native LSTM kernel against the JavaScript one', () => {
  it('is the kernel installed at start, with OpenBLAS', () => {
    expect(native.lstm?.name).toMatch(/native/);
    expect(native.conv.name).toMatch(/native/);
    expect(nativeKernelsReport().detail).toMatch(/OpenBLAS/);
  });

  it.each(CASES)('%s: outputs and gradients agree', (_, c) => {
    useKernels(jsKernels);
    const expected = layerRun(c, 11);
    useKernels(native);
    const actual = layerRun(c, 11);
    const names = NAMES(c);
    expect(actual.length).toBe(names.length);
    names.forEach((name, i) => expectClose(actual[i]!, expected[i]!, name));
  });

  it('does not leak tensors', () => {
    const before = tf.memory().numTensors;
    layerRun(CASES[6]![1], 3);
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** Three training steps of LstmModel (one-hot ⊕ features, 2 layers): the losses and the final output bias. */
function train(): number[] {
  const config = { inputSize: 10, featureSize: 3, outputSize: 10, units: 16, layers: 2 };
  const [B, T] = [4, 6];
  const next = rng(5);
  const indices = Int32Array.from({ length: B * T }, () => Math.floor(next() * 10));
  const classes = Int32Array.from({ length: B * T }, () => Math.floor(next() * 10));
  const features = tf.tensor3d(Float32Array.from({ length: B * T * 3 }, () => next()), [B, T, 3]);
  const model = LstmModel.create(config, { seed: 9 });
  const trainer = new Trainer(model.variables, { learningRate: 0.01 });
  const losses = [0, 1, 2].map(() => trainer.step(() => model.loss({ batch: B, steps: T, indices, features }, { classes })).loss);
  const weights = model.variables.map((v) => Array.from(v.dataSync())).flat();
  trainer.dispose();
  model.dispose();
  features.dispose();
  return [...losses, ...weights];
}

describe.skipIf(off)('training through LstmModel', () => {
  it('gives the same losses and weights on native and JavaScript kernels', () => {
    useKernels(jsKernels);
    const expected = train();
    useKernels(native);
    expectClose(train(), expected, 'losses and weights after 3 steps');
  });
});

describe.runIf(off)('without the native kernels (MUSEGEN_NATIVE=0)', () => {
  it('keeps the JavaScript kernels and says why', () => {
    console.warn('native-kernels tests skipped: MUSEGEN_NATIVE=0 tests the pure WebAssembly path');
    expect(kernels()).toBe(jsKernels);
    expect(nativeKernelsReport()).toEqual({ available: false, detail: 'turned off by MUSEGEN_NATIVE=0' });
  });
});
