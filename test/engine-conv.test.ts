/**
 * The convolution that trains on wasm (engine/conv.ts) and the residual
 * stack built on it (engine/conv-net.ts).
 *
 * Values and gradients are checked against an independent computation: the
 * cpu backend's own tf.conv2d and its autodiff (Conv2DBackpropInput and
 * Conv2DBackpropFilter), on odd shapes. Tolerance: 1e-4 absolute, for values
 * of order 1 summed over at most a few hundred products in float32 (the
 * differences seen are ~4e-6).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ConvNet, MusegenError, Trainer, batchNormTraining, conv2d, conv2dFilterGradient, createRng, initBackend, jsKernels, kernels, softmaxCrossEntropy, useKernels,
  type FilterGradientMethod, type NamedArrays, type StoredArray,
} from '../src/index.js';

const TOLERANCE = 1e-4;

/** Random values in ±scale from a seeded stream. */
const values = (n: number, seed: number, scale = 1) => {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => (2 * rng.next() - 1) * scale);
};

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

/** Run `f` on the cpu backend (plain arrays in and out), then come back to wasm. */
async function onCpu<T>(f: () => T): Promise<T> {
  await initBackend({ backend: 'cpu' });
  try {
    return f();
  } finally {
    await initBackend({ backend: 'wasm' });
  }
}

interface ConvCase {
  B: number; H: number; W: number; cin: number; cout: number; kh: number; kw: number;
}

/** y, then dL/dx, dL/dK, dL/db for L = Σ y · r (r fixed and random), by `conv` and autodiff. */
function convAndGrads(c: ConvCase, conv: (x: tf.Tensor4D, k: tf.Tensor4D, b: tf.Tensor1D) => tf.Tensor4D): Float32Array[] {
  const { B, H, W, cin, cout, kh, kw } = c;
  return tf.tidy(() => {
    const x = tf.tensor4d(values(B * H * W * cin, 1), [B, H, W, cin]);
    const k = tf.tensor4d(values(kh * kw * cin * cout, 2), [kh, kw, cin, cout]);
    const b = tf.tensor1d(values(cout, 3));
    const r = tf.tensor4d(values(B * H * W * cout, 4), [B, H, W, cout]);
    const loss = (xs: tf.Tensor, ks: tf.Tensor, bs: tf.Tensor) => tf.sum(tf.mul(conv(xs as tf.Tensor4D, ks as tf.Tensor4D, bs as tf.Tensor1D), r));
    const grads = tf.grads(loss)([x, k, b]);
    return [conv(x, k, b), ...grads].map((t) => t.dataSync() as Float32Array).map((a) => Float32Array.from(a));
  });
}

/** The reference: the cpu backend's tf.conv2d and its own gradients. */
const stockConv = (x: tf.Tensor4D, k: tf.Tensor4D, b: tf.Tensor1D) => tf.add(tf.conv2d(x, k, 1, 'same'), b) as tf.Tensor4D;

const CASES: ConvCase[] = [
  { B: 2, H: 5, W: 7, cin: 3, cout: 4, kh: 3, kw: 3 },
  { B: 2, H: 5, W: 7, cin: 3, cout: 4, kh: 5, kw: 5 },
  { B: 3, H: 4, W: 6, cin: 5, cout: 2, kh: 3, kw: 5 },
  { B: 1, H: 2, W: 1, cin: 2, cout: 3, kh: 5, kw: 3 },
  { B: 2, H: 3, W: 3, cin: 4, cout: 4, kh: 1, kw: 1 },
];
const label = (c: ConvCase) => `[${c.B}, ${c.H}, ${c.W}, ${c.cin}] * ${c.kh}×${c.kw}×${c.cout}`;

describe('conv2d', () => {
  const reference = new Map<ConvCase, Float32Array[]>();
  beforeAll(async () => {
    await onCpu(() => {
      for (const c of CASES) reference.set(c, convAndGrads(c, stockConv));
    });
  });

  // With the native addon built, wasm convolves natively (native/conv.cc); without, by XNNPACK: both, where both exist.
  it.each(CASES.map((c) => [label(c), c] as const))('on wasm: values and gradients (x, kernel, bias) match the cpu backend\'s tf.conv2d, %s', (_, c) => {
    expect(tf.getBackend()).toBe('wasm');
    const installed = kernels();
    for (const set of new Set([installed, jsKernels])) {
      useKernels(set);
      try {
        const [y, dx, dk, db] = convAndGrads(c, conv2d);
        const [ry, rdx, rdk, rdb] = reference.get(c)!;
        expect(maxDiff(y, ry)).toBeLessThan(TOLERANCE);
        expect(maxDiff(dx, rdx)).toBeLessThan(TOLERANCE);
        expect(maxDiff(dk, rdk)).toBeLessThan(TOLERANCE);
        expect(maxDiff(db, rdb)).toBeLessThan(TOLERANCE);
        // the gradients are not all zero by accident
        expect(Math.max(...dk.map(Math.abs))).toBeGreaterThan(0.1);
      } finally {
        useKernels(installed);
      }
    }
  });

  it('every filter-gradient method gives the reference on wasm (heap copies, tf ops) and on cpu (tf ops, its own kernel)', async () => {
    const c = CASES[2]!;
    const run = (method: FilterGradientMethod) => tf.tidy(() => {
      const x = tf.tensor4d(values(c.B * c.H * c.W * c.cin, 1), [c.B, c.H, c.W, c.cin]);
      const r = tf.tensor4d(values(c.B * c.H * c.W * c.cout, 4), [c.B, c.H, c.W, c.cout]);
      return Float32Array.from(conv2dFilterGradient(x, r, [c.kh, c.kw], method).dataSync());
    });
    const rdk = reference.get(c)![2]!;
    for (const method of ['heap', 'ops'] as const) expect(maxDiff(run(method), rdk)).toBeLessThan(TOLERANCE);
    const onCpuBackend = await onCpu(() => [run('ops'), run('kernel'), convAndGrads(c, conv2d)[2]!]);
    for (const dk of onCpuBackend) expect(maxDiff(dk, rdk)).toBeLessThan(TOLERANCE);
  });

  it('on wasm\'s own matMul the filter gradient runs in chunks of the grid; the sum of the chunks is the reference', async () => {
    const c = { B: 2, H: 40, W: 41, cin: 3, cout: 2, kh: 3, kw: 3 }; // 2 × 42 × 43 = 3,612 grid points: 2 chunks
    const run = () => tf.tidy(() => {
      const x = tf.tensor4d(values(c.B * c.H * c.W * c.cin, 1), [c.B, c.H, c.W, c.cin]);
      const r = tf.tensor4d(values(c.B * c.H * c.W * c.cout, 4), [c.B, c.H, c.W, c.cout]);
      return Float32Array.from(conv2dFilterGradient(x, r, [c.kh, c.kw]).dataSync());
    });
    const expected = await onCpu(run);
    const installed = useKernels(jsKernels);
    try {
      expect(maxDiff(run(), expected)).toBeLessThan(TOLERANCE * 10); // sums of 3,280 products
    } finally {
      useKernels(installed);
    }
  });

  it('works without a bias, and refuses shapes it cannot convolve', () => {
    const x = tf.tensor4d(values(2 * 4 * 4 * 3, 5), [2, 4, 4, 3]);
    const k = tf.tensor4d(values(3 * 3 * 3 * 2, 6), [3, 3, 3, 2]);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(conv2d(x, k), tf.conv2d(x, k, 1, 'same')))).dataSync()[0]!);
    expect(diff).toBeLessThan(TOLERANCE);
    expect(() => conv2d(x, tf.zeros([2, 2, 3, 2]) as tf.Tensor4D)).toThrow(/kernel sizes must be odd/);
    expect(() => conv2d(x, tf.zeros([3, 3, 4, 2]) as tf.Tensor4D)).toThrow(/kernel reads 4 channels, input has 3/);
    expect(() => conv2d(x, k, tf.zeros([3]) as tf.Tensor1D)).toThrow(/bias must be \[2\]/);
    tf.dispose([x, k]);
  });
});

describe('batch normalisation (training)', () => {
  it('matches autodiff of the textbook formula, values and gradients', async () => {
    const [B, H, W, C] = [3, 4, 5, 6];
    const run = (ours: boolean) => tf.tidy(() => {
      const x = tf.add(tf.tensor4d(values(B * H * W * C, 7, 2), [B, H, W, C]), 0.5);
      const g = tf.tensor1d(values(C, 8));
      const b = tf.tensor1d(values(C, 9));
      const r = tf.tensor4d(values(B * H * W * C, 10), [B, H, W, C]);
      const bn = (xs: tf.Tensor, gs: tf.Tensor, bs: tf.Tensor) => {
        if (ours) return batchNormTraining(xs as tf.Tensor4D, gs as tf.Tensor1D, bs as tf.Tensor1D, 1e-3);
        const { mean, variance } = tf.moments(xs, [0, 1, 2]);
        return tf.add(tf.mul(tf.div(tf.sub(xs, mean), tf.sqrt(tf.add(variance, 1e-3))), gs), bs);
      };
      const grads = tf.grads((xs: tf.Tensor, gs: tf.Tensor, bs: tf.Tensor) => tf.sum(tf.mul(bn(xs, gs, bs), r)))([x, g, b]);
      return [bn(x, g, b), ...grads].map((t) => Float32Array.from(t.dataSync()));
    });
    const reference = await onCpu(() => run(false));
    for (const got of [run(true), await onCpu(() => run(true))]) {
      got.forEach((a, i) => expect(maxDiff(a, reference[i]!)).toBeLessThan(TOLERANCE));
    }
  });
});

describe('ConvNet', () => {
  const small = { inputChannels: 5, outputChannels: 3, filters: 8, layers: 5, kernel: 3 };
  const [B, H, W] = [2, 6, 7];
  const input = () => tf.tensor4d(values(B * H * W * small.inputChannels, 11).map((v) => (v > 0 ? 1 : 0)), [B, H, W, small.inputChannels]);
  const classes = (() => {
    const rng = createRng(12);
    return Int32Array.from({ length: B * H * small.outputChannels }, () => rng.int(W));
  })();
  /** Softmax cross-entropy over the width axis for every (piece, row, output channel), as the harmoniser's loss over pitches. */
  const loss = (net: ConvNet, x: tf.Tensor4D) => tf.tidy(() => {
    const logits = net.apply(x, { training: true });
    return tf.mean(softmaxCrossEntropy(tf.reshape(tf.transpose(logits, [0, 1, 3, 2]), [-1, W]) as tf.Tensor2D, classes)) as tf.Scalar;
  });

  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('maps [batch, height, width, in] to logits [batch, height, width, out]; the same seed gives the same weights', () => {
    const net = ConvNet.create(small, { seed: 3 });
    const x = input();
    const y = net.apply(x);
    expect(y.shape).toEqual([B, H, W, small.outputChannels]);
    expect(net.trainableVariables.length).toBe(small.layers + 2 * (small.layers - 1) + 1);
    const again = ConvNet.create(small, { seed: 3 });
    const other = ConvNet.create(small, { seed: 4 });
    const k = (n: ConvNet) => n.weights().get('conv_1/kernel')!.values;
    expect(k(again)).toEqual(k(net));
    expect(k(other)).not.toEqual(k(net));
    expect([...net.weights().keys()]).toEqual([
      'conv_0/kernel', 'batch_norm_0/gamma', 'batch_norm_0/beta', 'batch_norm_0/moving_mean', 'batch_norm_0/moving_variance',
      'conv_1/kernel', 'batch_norm_1/gamma', 'batch_norm_1/beta', 'batch_norm_1/moving_mean', 'batch_norm_1/moving_variance',
      'conv_2/kernel', 'batch_norm_2/gamma', 'batch_norm_2/beta', 'batch_norm_2/moving_mean', 'batch_norm_2/moving_variance',
      'conv_3/kernel', 'batch_norm_3/gamma', 'batch_norm_3/beta', 'batch_norm_3/moving_mean', 'batch_norm_3/moving_variance',
      'conv_4/kernel', 'conv_4/bias',
    ]);
    expect(net.weights().get('conv_0/kernel')!.shape).toEqual([3, 3, 5, 8]);
    expect(net.weights().get('conv_4/kernel')!.shape).toEqual([3, 3, 8, 3]);
    tf.dispose([x, y]);
    for (const n of [net, again, other]) n.dispose();
  });

  it('computes what Keras would with its weights: conv, batch norm, ReLU, a residual into every even hidden layer (checked on cpu by tf ops)', async () => {
    const net = ConvNet.create(small, { seed: 5 });
    const x = input();
    // Moving statistics away from 0 and 1, so that inference checks them.
    for (let i = 0; i < 2; i++) {
      loss(net, x).dispose();
      net.updateMovingStats();
    }
    const weights = net.weights();
    const ours = [false, true].map((training) => tf.tidy(() => Float32Array.from(net.apply(x, { training }).dataSync())));
    const xs = Float32Array.from(x.dataSync());
    const expected = await onCpu(() => [false, true].map((training) => tf.tidy(() => {
      const w = (name: string) => tf.tensor(weights.get(name)!.values, weights.get(name)!.shape);
      let h = tf.tensor4d(xs, [B, H, W, small.inputChannels]);
      const outputs: tf.Tensor4D[] = [];
      for (let l = 0; l < small.layers; l++) {
        const z = tf.conv2d(h, w(`conv_${l}/kernel`) as tf.Tensor4D, 1, 'same');
        if (l === small.layers - 1) return Float32Array.from(tf.add(z, w(`conv_${l}/bias`)).dataSync());
        const p = `batch_norm_${l}`;
        const stats = training ? tf.moments(z, [0, 1, 2]) : { mean: w(`${p}/moving_mean`), variance: w(`${p}/moving_variance`) };
        let y = tf.batchNorm(z, stats.mean, stats.variance, w(`${p}/beta`), w(`${p}/gamma`), 1e-3);
        if (l >= 2 && l % 2 === 0) y = tf.add(y, outputs[l - 2]!);
        h = tf.relu(y) as tf.Tensor4D;
        outputs.push(h);
      }
      throw new Error('unreachable');
    })));
    expect(maxDiff(ours[0]!, expected[0]!)).toBeLessThan(TOLERANCE);
    expect(maxDiff(ours[1]!, expected[1]!)).toBeLessThan(TOLERANCE);
    x.dispose();
    net.dispose();
  });

  it('trains on cpu too: the same loss and gradients as on wasm', async () => {
    const weights = (() => {
      const net = ConvNet.create(small, { seed: 12 });
      const w = net.weights();
      net.dispose();
      return w;
    })();
    const xs = tf.tidy(() => Float32Array.from(input().dataSync()));
    const run = () => {
      const net = ConvNet.fromWeights(small, weights);
      const result = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => loss(net, tf.tensor4d(xs, [B, H, W, small.inputChannels])), net.trainableVariables);
        return [Float32Array.of(value.dataSync()[0]!), ...net.trainableVariables.map((v) => Float32Array.from(grads[v.name]!.dataSync()))];
      });
      net.updateMovingStats();
      net.dispose();
      return result;
    };
    const onWasm = run();
    const cpu = await onCpu(run);
    expect(cpu.length).toBe(onWasm.length);
    cpu.forEach((a, i) => expect(maxDiff(a, onWasm[i]!)).toBeLessThan(TOLERANCE));
  });

  it('a few Adam steps lower the loss on a fixed batch', () => {
    const net = ConvNet.create(small, { seed: 6 });
    const trainer = new Trainer(net.trainableVariables, { learningRate: 1e-2 });
    const x = input();
    const losses: number[] = [];
    for (let i = 0; i < 15; i++) {
      losses.push(trainer.step(() => loss(net, x)).loss);
      net.updateMovingStats();
    }
    expect(losses[losses.length - 1]).toBeLessThan(0.7 * losses[0]!);
    x.dispose();
    trainer.dispose();
    net.dispose();
  });

  it('training uses the batch statistics, inference the moving ones, which move only on updateMovingStats', () => {
    const net = ConvNet.create({ ...small, momentum: 0.9 }, { seed: 7 });
    const x = input();
    const logits = (training: boolean) => tf.tidy(() => Float32Array.from(net.apply(x, { training }).dataSync()));
    const stats = () => [...net.weights()].filter(([n]) => n.includes('moving')).map(([, w]) => Array.from(w.values));
    const before = stats();
    expect(maxDiff(logits(true), logits(false))).toBeGreaterThan(1e-2);
    expect(stats()).toEqual(before); // applying alone changes nothing
    const inference = logits(false);
    logits(true);
    net.updateMovingStats();
    const after = stats();
    after.forEach((s, i) => expect(maxDiff(s, before[i]!)).toBeGreaterThan(1e-3));
    expect(maxDiff(logits(false), inference)).toBeGreaterThan(1e-4);
    // moving ← 0.9 · moving + 0.1 · batch: the first layer's mean moves a tenth of the way to the batch mean
    const batchMean = tf.tidy(() => Float32Array.from(tf.moments(tf.conv2d(x, tf.tensor4d(net.weights().get('conv_0/kernel')!.values, [3, 3, 5, 8]), 1, 'same'), [0, 1, 2]).mean.dataSync()));
    expect(maxDiff(after[0]!, Array.from(batchMean, (m) => 0.1 * m))).toBeLessThan(TOLERANCE);
    net.updateMovingStats(); // nothing pending: no change
    expect(stats()).toEqual(after);
    x.dispose();
    net.dispose();
  });

  it('weights round-trip through fromWeights to identical logits', () => {
    const net = ConvNet.create(small, { seed: 8 });
    const trainer = new Trainer(net.trainableVariables);
    const x = input();
    trainer.step(() => loss(net, x));
    net.updateMovingStats();
    const copy = ConvNet.fromWeights(small, net.weights());
    for (const training of [false, true]) {
      const [a, b] = [net, copy].map((n) => tf.tidy(() => Array.from(n.apply(x, { training }).dataSync())));
      expect(b).toEqual(a);
    }
    x.dispose();
    trainer.dispose();
    net.dispose();
    copy.dispose();
  });

  it('refuses weights that do not fit, naming the weight', () => {
    const net = ConvNet.create(small, { seed: 9 });
    const good = net.weights();
    net.dispose();
    const changed = (name: string, w: StoredArray | null): NamedArrays => {
      const copy: NamedArrays = new Map(good);
      if (w === null) copy.delete(name);
      else copy.set(name, w);
      return copy;
    };
    const refuse = (weights: NamedArrays, message: RegExp, options: Partial<typeof small> = {}) => {
      let error: unknown;
      try {
        ConvNet.fromWeights({ ...small, ...options }, weights).dispose();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(MusegenError);
      expect((error as MusegenError).code).toBe('BAD_MODEL');
      expect((error as MusegenError).message).toMatch(message);
    };
    refuse(changed('conv_2/kernel', { shape: [3, 3, 8, 7], values: new Float32Array(3 * 3 * 8 * 7) }), /weight conv_2\/kernel is \[3, 3, 8, 7\], expected \[3, 3, 8, 8\]/);
    refuse(changed('batch_norm_1/gamma', null), /weight batch_norm_1\/gamma is missing/);
    refuse(changed('conv_4/bias', { shape: [3], values: new Int32Array(3) }), /conv_4\/bias holds integers/);
    refuse(good, /weight conv_0\/kernel is \[3, 3, 5, 8\], expected \[3, 3, 6, 8\]/, { inputChannels: 6 });
    refuse(good, /weight conv_2\/kernel is \[3, 3, 8, 8\], expected \[3, 3, 8, 3\]/, { layers: 3 });
    refuse(new Map([...good, ['conv_5/kernel', good.get('conv_4/kernel')!]]), /weight conv_5\/kernel is not part of a 5-layer convolutional network/);
    // arrays of others beside the network's (a checkpoint's optimizer state) are no concern of it
    ConvNet.fromWeights(small, new Map([...good, ['optimizer/iterations', { shape: [], values: new Float32Array(1) }]])).dispose();
    refuse(good, /filters must be a whole number/, { filters: 0 });
    expect(() => ConvNet.create({ ...small, layers: 1 })).toThrow(/layers must be at least 2/);
    expect(() => ConvNet.create({ ...small, kernel: 4 })).toThrow(/kernel must be odd/);
  });

  it('refuses an input with the wrong channels', () => {
    const net = ConvNet.create(small, { seed: 10 });
    expect(() => net.apply(tf.zeros([1, 4, 4, 4]) as tf.Tensor4D)).toThrow(/input must be \[batch, height, width, 5\], got \[1, 4, 4, 4\]/);
    net.dispose();
  });

  it('leaks no tensor across training steps and inference', () => {
    const start = tf.memory().numTensors;
    const net = ConvNet.create(small, { seed: 11 });
    const trainer = new Trainer(net.trainableVariables);
    const x = input();
    const step = () => {
      trainer.step(() => loss(net, x));
      net.updateMovingStats();
      tf.tidy(() => net.apply(x).dataSync());
    };
    step(); // Adam's moments are made on the first step
    const before = tf.memory().numTensors;
    for (let i = 0; i < 4; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    // Statistics of a training pass not yet folded in are held until the next update or dispose.
    loss(net, x).dispose();
    expect(tf.memory().numTensors).toBe(before + 2 * (small.layers - 1));
    x.dispose();
    trainer.dispose();
    net.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
