/**
 * ConvNet: Coconet's deep residual stack of convolutions, knowing nothing of
 * music — images of any height and width in, a map of logits of the same
 * height and width out (NHWC).
 *
 *   x [B, H, W, in]
 *    ─► conv_0 (in→F) ─► BN ─► ReLU ─────────────► h0
 *    ─► conv_1 (F→F)  ─► BN ─► ReLU
 *    ─► conv_2 (F→F)  ─► BN ─► (+ h0) ─► ReLU ───► h2
 *    ─► conv_3 (F→F)  ─► BN ─► ReLU
 *    ─► conv_4 (F→F)  ─► BN ─► (+ h2) ─► ReLU ───► h4  …
 *    ─► conv_last (F→out) + bias ─► logits [B, H, W, out]
 *
 * The first convolution maps the input channels to F filters, the hidden
 * ones F to F, each followed by batch normalisation and ReLU; from layer 2
 * on, every even hidden layer adds the output of two layers back before its
 * ReLU (Coconet's "residual connections from every second layer", as its
 * code places them); the last convolution maps F to the output channels and
 * gives the logits, with a bias and no normalisation. Convolutions followed
 * by batch normalisation have no bias (its β takes that part), as in Coconet.
 *
 * Batch normalisation uses the batch's statistics while training and the
 * moving mean and variance otherwise; `updateMovingStats()` folds the last
 * training batch's statistics into them (Keras' rule: moving ← momentum ·
 * moving + (1 − momentum) · batch), after each training step.
 *
 * Weights are stored as Keras stores them, under Keras-like names:
 * `conv_<i>/kernel` [k, k, in, out], `conv_<last>/bias`, and
 * `batch_norm_<i>/gamma|beta|moving_mean|moving_variance` [F], so the network
 * rebuilds as Conv2D(use_bias=False) + BatchNormalization layers in Keras.
 *
 * @example
 *   const net = ConvNet.create({ inputChannels: 8, outputChannels: 4, filters: 64, layers: 16 }, { seed: 1 });
 *   const trainer = new Trainer(net.trainableVariables);
 *   trainer.step(() => lossOf(net.apply(x, { training: true })));
 *   net.updateMovingStats();
 *   const logits = net.apply(x);                  // inference: moving statistics
 *   net.dispose();
 */
import * as tf from '@tensorflow/tfjs';
import { MusegenError, type ErrorCode } from '../errors.js';
import { conv2d } from './conv.js';
import { kernels } from './kernels.js';
import type { NamedArrays } from './model-folder.js';
import { createRng, randomSeed, type Rng, type Seed } from './random.js';
import { variableOf } from './variables.js';

export interface ConvNetOptions {
  /** Channels of the input image. */
  inputChannels: number;
  /** Channels of the output (logits). */
  outputChannels: number;
  /** Channels of every hidden layer. */
  filters: number;
  /** Convolutions in all, first and last included (at least 2). */
  layers: number;
  /** Kernel height and width (odd). */
  kernel: number;
  /** Batch normalisation: the moving statistics keep this share of their value at each update (default 0.99). */
  momentum?: number;
  /** Batch normalisation: added to the variance before its square root (default 1e-3). */
  epsilon?: number;
}

/** Options with every default filled in. */
export type ConvNetConfig = Required<ConvNetOptions>;

/** What `create` and `fromWeights` need: the channels; the rest defaults (`ConvNet.getDefaults()`). */
export type ConvNetInit = Partial<ConvNetOptions> & Pick<ConvNetOptions, 'inputChannels' | 'outputChannels'>;

export interface ConvApplyOptions {
  /** Batch statistics (and remember them for updateMovingStats) instead of the moving ones. Default false. */
  training?: boolean;
}

/** A weight's name and shape, in the order `weights()` gives them. */
export interface WeightShape {
  name: string;
  shape: number[];
}

interface ConvLayer {
  kernel: tf.Variable<tf.Rank.R4>;
  /** The last layer only. */
  bias?: tf.Variable<tf.Rank.R1>;
  norm?: BatchNorm;
}

interface BatchNorm {
  gamma: tf.Variable<tf.Rank.R1>;
  beta: tf.Variable<tf.Rank.R1>;
  movingMean: tf.Variable<tf.Rank.R1>;
  movingVariance: tf.Variable<tf.Rank.R1>;
  /** The last training batch's mean and variance, until updateMovingStats. */
  pending?: { mean: tf.Tensor1D; variance: tf.Tensor1D };
}

export class ConvNet {
  private readonly layers: ConvLayer[];

  private constructor(
    readonly options: ConvNetConfig,
    values: Map<string, Float32Array>,
  ) {
    const shapes = new Map(weightShapes(options).map((w) => [w.name, w.shape]));
    const v = <R extends tf.Rank>(name: string, trainable: boolean) => variableOf(values.get(name)!, shapes.get(name)!, trainable) as unknown as tf.Variable<R>;
    this.layers = [];
    for (let l = 0; l < options.layers; l++) {
      const last = l === options.layers - 1;
      const layer: ConvLayer = { kernel: v(`conv_${l}/kernel`, true) };
      if (last) layer.bias = v(`conv_${l}/bias`, true);
      else {
        const p = `batch_norm_${l}`;
        layer.norm = {
          gamma: v(`${p}/gamma`, true),
          beta: v(`${p}/beta`, true),
          movingMean: v(`${p}/moving_mean`, false),
          movingVariance: v(`${p}/moving_variance`, false),
        };
      }
      this.layers.push(layer);
    }
  }

  /** The options every network starts from. */
  static getDefaults(): Omit<ConvNetConfig, 'inputChannels' | 'outputChannels'> {
    return { filters: 64, layers: 16, kernel: 3, momentum: 0.99, epsilon: 1e-3 };
  }

  /**
   * A new network: He-normal kernels (deviation √(2 / fan-in), as Coconet),
   * γ 1, β 0, bias 0, moving mean 0 and variance 1. The same seed gives the
   * same weights.
   */
  static create(options: ConvNetInit, init: { seed?: Seed } = {}): ConvNet {
    const full = resolve(options, 'BAD_ARGUMENT');
    const rng = createRng(init.seed ?? randomSeed());
    const values = new Map<string, Float32Array>();
    for (const { name, shape } of weightShapes(full)) {
      const size = shape.reduce((a, b) => a * b, 1);
      const kind = name.slice(name.indexOf('/') + 1);
      if (kind === 'kernel') values.set(name, heNormal(shape, rng));
      else values.set(name, new Float32Array(size).fill(kind === 'gamma' || kind === 'moving_variance' ? 1 : 0));
    }
    return new ConvNet(full, values);
  }

  /**
   * A network from stored weights (names and shapes as `weights()` gives
   * them; arrays under other names, such as a checkpoint's optimizer state,
   * are left alone). Throws MusegenError('BAD_MODEL') naming the first weight
   * that is missing, misshapen, not float32, or a layer's that a network of
   * these options does not have.
   */
  static fromWeights(options: ConvNetInit, weights: NamedArrays): ConvNet {
    const full = resolve(options, 'BAD_MODEL');
    const expected = weightShapes(full);
    const values = new Map<string, Float32Array>();
    for (const { name, shape } of expected) {
      const w = weights.get(name);
      if (!w) throw new MusegenError('BAD_MODEL', `weight ${name} is missing (a ${full.layers}-layer convolutional network needs it)`);
      if (w.shape.length !== shape.length || w.shape.some((d, i) => d !== shape[i])) {
        throw new MusegenError('BAD_MODEL', `weight ${name} is [${w.shape.join(', ')}], expected [${shape.join(', ')}] for the hyper-parameters saved with it`);
      }
      if (!(w.values instanceof Float32Array)) throw new MusegenError('BAD_MODEL', `weight ${name} holds integers, expected float32 values`);
      if (w.values.length !== shape.reduce((a, b) => a * b, 1)) throw new MusegenError('BAD_MODEL', `weight ${name} has ${w.values.length} values for its shape [${shape.join(', ')}]`);
      values.set(name, w.values);
    }
    // Other arrays may sit beside the network's (a checkpoint's optimizer/…); a layer's weight beyond these options may not.
    const known = new Set(expected.map((w) => w.name));
    for (const name of weights.keys()) {
      if (/^(conv|batch_norm)_\d+\//.test(name) && !known.has(name)) {
        throw new MusegenError('BAD_MODEL', `weight ${name} is not part of a ${full.layers}-layer convolutional network (do the hyper-parameters match the weights?)`);
      }
    }
    return new ConvNet(full, values);
  }

  /** The variables training changes, in the order of `weights()` (moving statistics left out). */
  get trainableVariables(): tf.Variable[] {
    return this.layers.flatMap((l) => [l.kernel, ...(l.bias ? [l.bias] : []), ...(l.norm ? [l.norm.gamma, l.norm.beta] : [])] as tf.Variable[]);
  }

  /** Logits [B, H, W, outputChannels] for x [B, H, W, inputChannels]. */
  apply(x: tf.Tensor4D, options: ConvApplyOptions = {}): tf.Tensor4D {
    const { inputChannels } = this.options;
    if (x.rank !== 4 || x.shape[3] !== inputChannels) {
      throw new MusegenError('BAD_ARGUMENT', `convolutional network: input must be [batch, height, width, ${inputChannels}], got [${x.shape.join(', ')}]`);
    }
    const training = options.training ?? false;
    return tf.tidy(() => {
      let h: tf.Tensor4D = x;
      let skip: tf.Tensor4D | null = null;
      const last = this.layers.length - 1;
      this.layers.forEach((layer, l) => {
        if (l === last) {
          h = conv2d(h, layer.kernel, layer.bias);
          return;
        }
        if (l % 2 === 1) skip = h; // the input of an odd layer returns after the next one
        let y = this.normalise(conv2d(h, layer.kernel), layer.norm!, training);
        if (l >= 2 && l % 2 === 0 && skip) y = tf.add(y, skip);
        h = tf.relu(y);
      });
      return h;
    });
  }

  /**
   * Fold the statistics of the last training batch (each layer's, from the
   * latest `apply(x, { training: true })`) into the moving mean and variance;
   * nothing when there was none since the last update.
   */
  updateMovingStats(): void {
    const m = this.options.momentum;
    for (const { norm } of this.layers) {
      if (!norm?.pending) continue;
      const { mean, variance } = norm.pending;
      tf.tidy(() => {
        norm.movingMean.assign(tf.add(tf.mul(norm.movingMean, m), tf.mul(mean, 1 - m)));
        norm.movingVariance.assign(tf.add(tf.mul(norm.movingVariance, m), tf.mul(variance, 1 - m)));
      });
      tf.dispose([mean, variance]);
      norm.pending = undefined;
    }
  }

  /** Copies of every weight, Keras' names and layout, layer by layer (kernel, bias, γ, β, moving mean, moving variance). */
  weights(): NamedArrays {
    const out: NamedArrays = new Map();
    this.layers.forEach((layer, l) => {
      const put = (name: string, t: tf.Tensor) => out.set(name, { shape: [...t.shape], values: Float32Array.from(t.dataSync() as Float32Array) });
      put(`conv_${l}/kernel`, layer.kernel);
      if (layer.bias) put(`conv_${l}/bias`, layer.bias);
      if (layer.norm) {
        const p = `batch_norm_${l}`;
        put(`${p}/gamma`, layer.norm.gamma);
        put(`${p}/beta`, layer.norm.beta);
        put(`${p}/moving_mean`, layer.norm.movingMean);
        put(`${p}/moving_variance`, layer.norm.movingVariance);
      }
    });
    return out;
  }

  /** Free the variables and any statistics not yet folded in. */
  dispose(): void {
    for (const { kernel, bias, norm } of this.layers) {
      tf.dispose([kernel, ...(bias ? [bias] : [])]);
      if (norm) {
        tf.dispose([norm.gamma, norm.beta, norm.movingMean, norm.movingVariance]);
        if (norm.pending) tf.dispose([norm.pending.mean, norm.pending.variance]);
        norm.pending = undefined;
      }
    }
  }

  private normalise(x: tf.Tensor4D, norm: BatchNorm, training: boolean): tf.Tensor4D {
    const { epsilon } = this.options;
    if (!training) {
      const scale = tf.mul(norm.gamma, tf.rsqrt(tf.add(norm.movingVariance, epsilon)));
      return tf.add(tf.mul(x, scale), tf.sub(norm.beta, tf.mul(norm.movingMean, scale)));
    }
    return batchNormTraining(x, norm.gamma, norm.beta, epsilon, (mean, variance) => {
      if (norm.pending) tf.dispose([norm.pending.mean, norm.pending.variance]);
      norm.pending = { mean: tf.keep(tf.clone(mean)), variance: tf.keep(tf.clone(variance)) };
    });
  }
}

/** The weights of a network with these options: names and shapes, in the order `weights()` gives them. */
export function convNetWeightShapes(options: ConvNetInit): WeightShape[] {
  return weightShapes(resolve(options, 'BAD_ARGUMENT'));
}

function weightShapes(o: ConvNetConfig): WeightShape[] {
  const out: WeightShape[] = [];
  for (let l = 0; l < o.layers; l++) {
    const last = l === o.layers - 1;
    const cin = l === 0 ? o.inputChannels : o.filters;
    const cout = last ? o.outputChannels : o.filters;
    out.push({ name: `conv_${l}/kernel`, shape: [o.kernel, o.kernel, cin, cout] });
    if (last) out.push({ name: `conv_${l}/bias`, shape: [cout] });
    else for (const w of ['gamma', 'beta', 'moving_mean', 'moving_variance']) out.push({ name: `batch_norm_${l}/${w}`, shape: [cout] });
  }
  return out;
}

/** The options with defaults for what is absent (or undefined), checked; `code` for the error. */
function resolve(options: ConvNetInit, code: ErrorCode): ConvNetConfig {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return checkOptions({ ...ConvNet.getDefaults(), ...given } as ConvNetConfig, code);
}

function checkOptions(o: ConvNetConfig, code: ErrorCode): ConvNetConfig {
  const fail = (what: string): never => {
    throw new MusegenError(code, `convolutional network: ${what}`);
  };
  for (const key of ['inputChannels', 'outputChannels', 'filters', 'layers', 'kernel'] as const) {
    if (!(Number.isInteger(o[key]) && o[key] >= 1)) fail(`${key} must be a whole number of at least 1, not ${o[key]}`);
  }
  if (o.layers < 2) fail(`layers must be at least 2 (a first and a last convolution), not ${o.layers}`);
  if (o.kernel % 2 === 0) fail(`kernel must be odd ('same' padding), not ${o.kernel}`);
  if (!(o.momentum >= 0 && o.momentum < 1)) fail(`momentum must be in [0, 1), not ${o.momentum}`);
  if (!(o.epsilon > 0)) fail(`epsilon must be positive, not ${o.epsilon}`);
  return o;
}

/** [k, k, in, out] normal with deviation √(2 / (k·k·in)) (He; Coconet's initialiser). */
function heNormal(shape: number[], rng: Rng): Float32Array {
  const fanIn = shape[0]! * shape[1]! * shape[2]!;
  const std = Math.sqrt(2 / fanIn);
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) out[i] = rng.normal() * std;
  return out;
}

/**
 * Batch normalisation over [B, H, W] with the batch's own statistics, as one
 * differentiable op whose arithmetic runs in the kernel set in use
 * (kernels().batchNorm: closed-form gradient, fewer passes over the
 * activations than autodiff of the moments). `stats` receives the batch
 * mean and (biased) variance.
 */
export function batchNormTraining(
  x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number,
  stats?: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void,
): tf.Tensor4D {
  const impl = kernels().batchNorm;
  const op = tf.customGrad((...args) => {
    const [xIn, g, b, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const { y, mean, variance, saved } = impl.forward(xIn, g, b, epsilon);
    stats?.(mean, variance);
    save(saved);
    return { value: y, gradFunc: (dy: tf.Tensor, kept: tf.Tensor[]) => impl.backward(kept, dy as tf.Tensor4D) };
  });
  return op(x, gamma, beta) as tf.Tensor4D;
}
