import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  LstmModel, LstmStepper, Trainer, checkLstmConfig, createRng, glorotUniform, initBackend, lstmSequence, orthogonal, toTimeMajor,
  type LstmModelConfig, type LstmWeights,
} from '../src/index.js';
import { createMatvecMemory } from '../src/engine/simd-matvec.js';

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

/** Random values in ±scale from a seeded stream. */
const values = (n: number, seed: number, scale = 0.5) => {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => (2 * rng.next() - 1) * scale);
};

/** The textbook LSTM from tf ops (autodiff gives its gradients); x time-major [T·B, in]. */
function referenceLstm(x: tf.Tensor2D, w: LstmWeights, T: number, B: number, h0?: tf.Tensor2D, c0?: tf.Tensor2D): tf.Tensor2D {
  const H = w.recurrentKernel.shape[0];
  let h = h0 ?? (tf.zeros([B, H]) as tf.Tensor2D);
  let c = c0 ?? (tf.zeros([B, H]) as tf.Tensor2D);
  const outs: tf.Tensor2D[] = [];
  for (let t = 0; t < T; t++) {
    const z = tf.add(tf.add(tf.matMul(tf.slice(x, [t * B, 0], [B, -1]), w.kernel), tf.matMul(h, w.recurrentKernel)), w.bias);
    const [i, f, g, o] = tf.split(z, 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
    h = tf.mul(tf.sigmoid(o), tf.tanh(c));
    outs.push(h);
  }
  return tf.concat(outs, 0);
}

function randomWeights(inputSize: number, H: number, seed: number): LstmWeights {
  return {
    kernel: tf.variable(tf.tensor2d(values(inputSize * 4 * H, seed), [inputSize, 4 * H])),
    recurrentKernel: tf.variable(tf.tensor2d(values(H * 4 * H, seed + 1), [H, 4 * H])),
    bias: tf.variable(tf.tensor1d(values(4 * H, seed + 2))),
  };
}

describe.each(['cpu', 'wasm'] as const)('LSTM layer on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });
  const [T, B, I, H] = [5, 3, 7, 4];

  it('matches a stock tf.layers.lstm with the same weights', () => {
    const w = randomWeights(I, H, 1);
    const xBatchMajor = values(B * T * I, 9, 1);
    const stock = tf.layers.lstm({ units: H, returnSequences: true, recurrentActivation: 'sigmoid', kernelInitializer: 'zeros', recurrentInitializer: 'zeros' });
    const expected = tf.tidy(() => {
      stock.apply(tf.zeros([B, T, I]));
      stock.setWeights([w.kernel, w.recurrentKernel, w.bias]);
      return toTimeMajor((stock.apply(tf.tensor3d(xBatchMajor, [B, T, I])) as tf.Tensor).dataSync() as Float32Array, B, T, H);
    });
    const ours = lstmSequence({ x: tf.tensor2d(toTimeMajor(xBatchMajor, B, T, I), [T * B, I]) }, w, { steps: T, batch: B });
    expect(maxDiff(ours.dataSync(), expected)).toBeLessThan(1e-4);
    stock.dispose();
    tf.dispose([ours, w.kernel, w.recurrentKernel, w.bias]);
  });

  it('gives the autodiff gradients of the textbook LSTM (dense input, initial state)', () => {
    const w = randomWeights(I, H, 11);
    const x = tf.tensor2d(values(T * B * I, 12, 1), [T * B, I]);
    const h0 = tf.tensor2d(values(B * H, 13), [B, H]);
    const c0 = tf.tensor2d(values(B * H, 14), [B, H]);
    const probe = tf.tensor2d(values(T * B * H, 15), [T * B, H]);
    const wrt = [x, h0, c0, w.kernel, w.recurrentKernel, w.bias];
    const ours = tf.grads((...a: tf.Tensor[]) =>
      tf.sum(tf.mul(lstmSequence({ x: a[0] as tf.Tensor2D }, { kernel: a[3] as tf.Tensor2D, recurrentKernel: a[4] as tf.Tensor2D, bias: a[5] as tf.Tensor1D },
        { steps: T, batch: B, initialState: { h: a[1] as tf.Tensor2D, c: a[2] as tf.Tensor2D } }), probe)))(wrt);
    const ref = tf.grads((...a: tf.Tensor[]) =>
      tf.sum(tf.mul(referenceLstm(a[0] as tf.Tensor2D, { kernel: a[3] as tf.Tensor2D, recurrentKernel: a[4] as tf.Tensor2D, bias: a[5] as tf.Tensor1D },
        T, B, a[1] as tf.Tensor2D, a[2] as tf.Tensor2D), probe)))(wrt);
    ours.forEach((g, i) => expect(maxDiff(g.dataSync(), ref[i]!.dataSync())).toBeLessThan(1e-4));
    tf.dispose([...ours, ...ref, ...wrt, probe]);
  });

  it('gives the autodiff gradients for one-hot input (kernel rows gathered)', () => {
    const w = randomWeights(I, H, 21);
    const indices = Int32Array.from({ length: T * B }, (_, i) => (i * 5 + 2) % I);
    const probe = tf.tensor2d(values(T * B * H, 22), [T * B, H]);
    const vars = [w.kernel, w.recurrentKernel, w.bias] as tf.Variable[];
    const ours = tf.variableGrads(() => tf.sum(tf.mul(lstmSequence({ indices }, w, { steps: T, batch: B }), probe)) as tf.Scalar, vars);
    const oneHot = tf.oneHot(tf.tensor1d(indices, 'int32'), I).toFloat() as tf.Tensor2D;
    const ref = tf.variableGrads(() => tf.sum(tf.mul(referenceLstm(oneHot, w, T, B), probe)) as tf.Scalar, vars);
    expect(Math.abs(ours.value.dataSync()[0]! - ref.value.dataSync()[0]!)).toBeLessThan(1e-4);
    for (const v of vars) expect(maxDiff(ours.grads[v.name]!.dataSync(), ref.grads[v.name]!.dataSync())).toBeLessThan(1e-4);
    tf.dispose([ours.value, ref.value, ...Object.values(ours.grads), ...Object.values(ref.grads), ...vars, probe, oneHot]);
  });

  it('gives the autodiff gradients for one-hot input with feature columns beside it', () => {
    const F = 3;
    const w = randomWeights(I + F, H, 41);
    const indices = Int32Array.from({ length: T * B }, (_, i) => (i * 3 + 1) % I);
    const x = tf.tensor2d(values(T * B * F, 42, 1), [T * B, F]);
    const probe = tf.tensor2d(values(T * B * H, 43), [T * B, H]);
    const vars = [w.kernel, w.recurrentKernel, w.bias] as tf.Variable[];
    const ours = tf.variableGrads(() => tf.sum(tf.mul(lstmSequence({ indices, x }, w, { steps: T, batch: B }), probe)) as tf.Scalar, vars);
    const joined = tf.concat([tf.oneHot(tf.tensor1d(indices, 'int32'), I).toFloat(), x], 1) as tf.Tensor2D;
    const ref = tf.variableGrads(() => tf.sum(tf.mul(referenceLstm(joined, w, T, B), probe)) as tf.Scalar, vars);
    expect(Math.abs(ours.value.dataSync()[0]! - ref.value.dataSync()[0]!)).toBeLessThan(1e-4);
    for (const v of vars) expect(maxDiff(ours.grads[v.name]!.dataSync(), ref.grads[v.name]!.dataSync())).toBeLessThan(1e-4);
    expect(() => lstmSequence({ indices: Int32Array.of(I, 0, 0), x: tf.zeros([3, F]) as tf.Tensor2D }, w, { steps: 1, batch: 3 })).toThrow(/outside 0\.\.6/);
    tf.dispose([ours.value, ref.value, ...Object.values(ours.grads), ...Object.values(ref.grads), ...vars, probe, joined, x]);
  });

  it('computes transposed matMuls right (the wasm kernel fix)', () => {
    const a = tf.tensor3d(values(2 * 6 * 4, 31), [2, 6, 4]);
    const b = tf.tensor3d(values(2 * 6 * 5, 32), [2, 6, 5]);
    const d = tf.tensor3d(values(2 * 3 * 4, 33), [2, 3, 4]);
    const t = (x: tf.Tensor3D) => tf.transpose(x, [0, 2, 1]);
    expect(maxDiff(tf.matMul(a, b, true, false).dataSync(), tf.matMul(t(a), b).dataSync())).toBeLessThan(1e-6);
    expect(maxDiff(tf.matMul(a, d, false, true).dataSync(), tf.matMul(a, t(d)).dataSync())).toBeLessThan(1e-6);
    const e = tf.tensor3d(values(2 * 4 * 6, 34), [2, 4, 6]);
    expect(maxDiff(tf.matMul(b, e, true, true).dataSync(), tf.matMul(t(b), t(e)).dataSync())).toBeLessThan(1e-6);
    const fused = tf.fused.matMul({ a, b: d, transposeB: true, bias: tf.ones([3]), activation: 'relu' }).dataSync();
    expect(maxDiff(fused, tf.relu(tf.add(tf.matMul(a, t(d)), 1)).dataSync())).toBeLessThan(1e-6);
    tf.dispose([a, b, d, e]);
  });
});

describe('LSTM model', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });
  const B = 3;
  const T = 6;
  const small = { inputSize: 9, outputSize: 9, units: 8, layers: 2 };
  const indices = Int32Array.from({ length: B * T }, (_, i) => (i * 4 + 1) % 9);
  const classes = Int32Array.from({ length: B * T }, (_, i) => (i * 4 + 5) % 9);

  it('steps one token at a time to the same logits as the full forward pass', () => {
    const model = LstmModel.create(small, { seed: 5 });
    const logits = model.logits({ batch: B, steps: T, indices });
    const full = logits.dataSync();
    const stepper = LstmStepper.fromModel(model);
    for (let b = 0; b < B; b++) {
      stepper.reset();
      for (let t = 0; t < T; t++) {
        const got = stepper.step(indices[b * T + t]!);
        expect(maxDiff(got, full.subarray((t * B + b) * 9, (t * B + b + 1) * 9))).toBeLessThan(1e-5);
      }
    }
    logits.dispose();
    model.dispose();
  });

  it('steps a dense-input model with state save and restore', () => {
    const model = LstmModel.create({ ...small, input: 'dense', inputSize: 5, units: 6, layers: 3 }, { seed: 6 });
    const feats = values(B * T * 5, 40, 1);
    const logits = model.logits({ batch: B, steps: T, features: tf.tensor3d(feats, [B, T, 5]) });
    const full = logits.dataSync();
    const stepper = LstmStepper.fromModel(model);
    const row = (b: number, t: number) => full.subarray((t * B + b) * 9, (t * B + b + 1) * 9);
    stepper.step(feats.subarray(0, 5));
    const saved = stepper.getState();
    const second = stepper.step(feats.subarray(5, 10));
    expect(maxDiff(second, row(0, 1))).toBeLessThan(1e-5);
    stepper.setState(saved);
    expect(maxDiff(stepper.step(feats.subarray(5, 10)), second)).toBe(0);
    logits.dispose();
    model.dispose();
  });

  it('steps a one-hot model with feature columns to the same logits as the full pass', () => {
    const F = 4;
    const model = LstmModel.create({ ...small, featureSize: F }, { seed: 12 });
    expect(model.namedWeights()[0]!.tensor.shape).toEqual([9 + F, 32]);
    const feats = values(B * T * F, 44, 1);
    const logits = model.logits({ batch: B, steps: T, indices, features: tf.tensor3d(feats, [B, T, F]) });
    const full = logits.dataSync();
    const stepper = LstmStepper.fromModel(model);
    for (let b = 0; b < B; b++) {
      stepper.reset();
      for (let t = 0; t < T; t++) {
        const got = stepper.step(indices[b * T + t]!, feats.subarray((b * T + t) * F, (b * T + t + 1) * F));
        expect(maxDiff(got, full.subarray((t * B + b) * 9, (t * B + b + 1) * 9))).toBeLessThan(1e-5);
      }
    }
    expect(() => stepper.step(1)).toThrow(/Float32Array of 4 values/);
    expect(() => model.logits({ batch: B, steps: T, indices })).toThrow(/4 feature columns/);
    expect(() => LstmModel.create({ ...small, input: 'dense', featureSize: 2 })).toThrow(/featureSize is for one-hot input/);
    logits.dispose();
    model.dispose();
  });

  it('changes the learning rate of a running trainer and reseeds dropout', () => {
    const run = (rate: number | null) => {
      const model = LstmModel.create({ ...small, dropout: 0.5 }, { seed: 13 });
      const trainer = new Trainer(model.variables, { learningRate: 0.01 });
      const losses: number[] = [];
      for (let i = 0; i < 4; i++) {
        if (i === 2 && rate !== null) trainer.learningRate = rate;
        model.setDropoutSeed(100 + i);
        losses.push(trainer.step(() => model.loss({ batch: B, steps: T, indices }, { classes }, { training: true })).loss);
      }
      const lr = trainer.learningRate;
      trainer.dispose();
      model.dispose();
      return { losses, lr };
    };
    const [same, again, changed] = [run(null), run(null), run(0.5)];
    expect(again.losses).toEqual(same.losses);
    expect(changed.losses.slice(0, 3)).toEqual(same.losses.slice(0, 3));
    expect(changed.losses[3]).not.toBe(same.losses[3]);
    expect(changed.lr).toBe(0.5);
    expect(() => {
      new Trainer([]).learningRate = 0;
    }).toThrow(/must be positive/);
  });

  it('input dropout masks the dense input columns while training only; older configs load without it', () => {
    const dense = { inputSize: 6, outputSize: 3, units: 8, layers: 1, input: 'dense' as const, output: 'sigmoid' as const };
    const x = tf.tensor3d(Float32Array.from({ length: B * T * 6 }, (_, i) => ((i * 7) % 5) / 4), [B, T, 6]);
    const plain = LstmModel.create(dense, { seed: 4 });
    const dropped = LstmModel.create({ ...dense, inputDropout: 0.5 }, { seed: 4 });
    expect(plain.config.inputDropout).toBe(0);
    const logits = (m: LstmModel, training: boolean) => {
      m.setDropoutSeed(9);
      const l = m.logits({ batch: B, steps: T, features: x }, { training });
      const v = l.dataSync().slice();
      l.dispose();
      return v;
    };
    expect(maxDiff(logits(dropped, false), logits(plain, false))).toBe(0); // the same weights; no mask when sampling
    expect(maxDiff(logits(dropped, true), logits(plain, true))).toBeGreaterThan(1e-4);
    expect(maxDiff(logits(dropped, true), logits(dropped, true))).toBe(0); // the mask follows the dropout seed
    const { inputDropout: _, ...older } = dropped.config;
    expect(checkLstmConfig(older as LstmModelConfig).inputDropout).toBe(0);
    expect(() => LstmModel.create({ ...dense, inputDropout: 1 })).toThrow(/inputDropout must be in \[0, 1\)/);
    plain.dispose();
    dropped.dispose();
    x.dispose();
  });

  it('keeps the tensor count flat across training steps (dropout on)', () => {
    const model = LstmModel.create({ ...small, dropout: 0.3 }, { seed: 7 });
    const trainer = new Trainer(model.variables, { learningRate: 0.01 });
    const step = () => trainer.step(() => model.loss({ batch: B, steps: T, indices }, { classes }, { training: true }));
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
    model.dispose();
  });

  it('gives back every tensor it made when disposed (made and loaded alike)', () => {
    const before = tf.memory().numTensors;
    const model = LstmModel.create(small, { seed: 3 });
    const loaded = LstmModel.fromWeights(model.config, new Map(model.namedWeights().map(({ name, tensor }) => [name, Float32Array.from(tensor.dataSync())])));
    model.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('learns a sequence, reproducibly from a seed', () => {
    const run = () => {
      const model = LstmModel.create({ ...small, dropout: 0.1 }, { seed: 8 });
      const trainer = new Trainer(model.variables, { learningRate: 0.05 });
      const losses: number[] = [];
      for (let i = 0; i < 30; i++) losses.push(trainer.step(() => model.loss({ batch: B, steps: T, indices }, { classes }, { training: true })).loss);
      const weights = model.variables[0]!.dataSync().slice();
      trainer.dispose();
      model.dispose();
      return { losses, weights };
    };
    const a = run();
    const b = run();
    expect(a.losses).toEqual(b.losses);
    expect(maxDiff(a.weights, b.weights)).toBe(0);
    expect(a.losses[29]!).toBeLessThan(a.losses[0]! * 0.5);
  });

  it('resumes training from saved weights and optimizer state as if never stopped', async () => {
    const model = LstmModel.create(small, { seed: 11 });
    const trainer = new Trainer(model.variables, { learningRate: 0.02 });
    const step = (m: LstmModel, t: Trainer) => t.step(() => m.loss({ batch: B, steps: T, indices }, { classes })).loss;
    for (let i = 0; i < 40; i++) step(model, trainer); // enough steps for float32 β^t products to drift from pow(β, t)
    const weights = new Map(model.namedWeights().map(({ name, tensor }) => [name, Float32Array.from(tensor.dataSync())]));
    const state = await trainer.getState();
    expect(state.map((s) => s.name).slice(0, 3)).toEqual(['iterations', 'm/0', 'm/1']);
    const resumed = LstmModel.fromWeights(model.config, weights);
    const resumedTrainer = new Trainer(resumed.variables, { learningRate: 0.02 });
    await resumedTrainer.setState(state);
    tf.dispose(state.map((s) => s.tensor));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) expect(step(resumed, resumedTrainer)).toBe(step(model, trainer));
    resumed.variables.forEach((v, i) => expect(maxDiff(v.dataSync(), model.variables[i]!.dataSync())).toBe(0));
    expect(tf.memory().numTensors).toBe(before);
    for (const d of [trainer, resumedTrainer, model, resumed]) d.dispose();
  });

  it('masks steps by weight and computes sigmoid cross-entropy', () => {
    const model = LstmModel.create({ ...small, output: 'sigmoid' }, { seed: 9 });
    const multiHot = Float32Array.from({ length: B * T * 9 }, (_, i) => (i % 4 === 0 ? 1 : 0));
    const input = { batch: B, steps: T, indices };
    const logits = model.logits(input);
    const y = tf.tensor2d(toTimeMajor(multiHot, B, T, 9), [T * B, 9]);
    const expected = tf.losses.sigmoidCrossEntropy(y, logits).dataSync()[0]!;
    expect(Math.abs(model.loss(input, { multiHot }).dataSync()[0]! - expected)).toBeLessThan(1e-5);
    // Weight only piece 0: the loss is the mean over its steps alone.
    const weights = Float32Array.from({ length: B * T }, (_, i) => (i < T ? 1 : 0));
    const perRow = tf.mean(tf.add(tf.sub(tf.relu(logits), tf.mul(logits, y)), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))), 1).dataSync();
    let piece0 = 0;
    for (let t = 0; t < T; t++) piece0 += perRow[t * B]! / T;
    expect(Math.abs(model.loss(input, { multiHot, weights }).dataSync()[0]! - piece0)).toBeLessThan(1e-5);
    tf.dispose([logits, y]);
    model.dispose();
  });

  it('rejects bad inputs with a clear error', () => {
    const model = LstmModel.create(small, { seed: 10 });
    expect(() => model.logits({ batch: B, steps: T, indices: new Int32Array(3) })).toThrow(/expected 18 input indices/);
    expect(() => model.logits({ batch: 1, steps: 1, indices: Int32Array.of(9) })).toThrow(/outside 0\.\.8/);
    expect(() => model.loss({ batch: B, steps: T, indices }, {})).toThrow(/target classes/);
    expect(() => LstmModel.create({ ...small, units: 0 })).toThrow(/units must be a positive integer/);
    expect(() => LstmStepper.fromModel(model).step(42)).toThrow(/class index in 0\.\.8/);
    model.dispose();
  });
});

describe('initializers and kernels', () => {
  it('makes orthonormal rows and bounded Glorot values', () => {
    const rng = createRng(1);
    const [r, c] = [8, 32];
    const q = orthogonal(r, c, rng);
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < r; j++) {
        let dot = 0;
        for (let k = 0; k < c; k++) dot += q[i * c + k]! * q[j * c + k]!;
        expect(Math.abs(dot - (i === j ? 1 : 0))).toBeLessThan(1e-5);
      }
    }
    const g = glorotUniform(10, 30, rng);
    const limit = Math.sqrt(6 / 40);
    expect(Math.max(...g.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...g.map(Math.abs))).toBeGreaterThan(limit * 0.8);
    expect(createRng(3).next()).toBe(createRng(3).next());
    expect(createRng(3).next()).not.toBe(createRng(4).next());
  });

  it('computes matrix–vector products in WebAssembly SIMD like plain loops', () => {
    const mem = createMatvecMemory(64 * 12 + 64 + 12);
    expect(mem.simd).toBe(true);
    const [rows, cols] = [64, 12];
    const m = mem.alloc(rows * cols);
    const v = mem.alloc(rows);
    const y = mem.alloc(cols);
    mem.f32.set(values(rows * cols, 50), m);
    mem.f32.set(values(rows, 51), v);
    mem.f32.fill(1, y, y + cols);
    mem.matvec(v, m, y, rows, cols);
    const expected = Array.from({ length: cols }, (_, j) => {
      let s = 1;
      for (let k = 0; k < rows; k++) s += mem.f32[v + k]! * mem.f32[m + k * cols + j]!;
      return s;
    });
    expect(maxDiff(mem.f32.subarray(y, y + cols), expected)).toBeLessThan(1e-5);
  });
});
