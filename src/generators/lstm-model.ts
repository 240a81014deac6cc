/**
 * A stacked LSTM language model: input → LSTM × layers → dense → logits.
 *
 *   indices [batch·steps] ─┐                     (one-hot input: a gather of kernel rows)
 *   features [b, s, in] ───┴─► (input dropout) ─► lstm_1 ─► dropout ─► lstm_2 … ─► dropout ─► output (dense) ─► logits
 *
 * A one-hot model may also read `featureSize` dense columns beside the class
 * (one-hot ⊕ features, e.g. the beat of the step to predict): its first
 * kernel is [inputSize + featureSize, 4H], the class rows gathered and the
 * feature rows multiplied — the same as a Keras LSTM over the concatenation.
 *
 * Functional style: plain tf.Variables and the fused `lstmSequence` op, no
 * tf.layers, so training pays for none of tf.layers.lstm's slow paths. The
 * weights keep Keras' names and layout (`lstm_1/kernel`, …, `output/bias`),
 * so a saved model rebuilds as a stock Keras / tf.layers model.
 *
 * Inputs and targets are batch-major (piece b, step t at b·steps + t); the
 * logits come back time-major ([steps·batch, outputSize], row t·batch + b),
 * the layout the layers work in; `batchMajor()` reorders them.
 *
 * @example
 *   const model = LstmModel.create({ inputSize: 130, outputSize: 130 }, { seed: 1 });
 *   const loss = model.loss({ batch: 64, steps: 64, indices }, { classes });
 *   model.dispose();
 */
import * as tf from '@tensorflow/tfjs';
import {
  createRng, glorotUniform, lstmSequence, orthogonal, randomSeed, sigmoidCrossEntropy, softmaxCrossEntropy, variableOf, weightedMean,
  type LayerInput, type LstmWeights, type Rng, type Seed,
} from '../engine/index.js';
import { MusegenError } from '../errors.js';

export interface LstmModelConfig {
  /** 'one-hot': inputs are class indices below inputSize; 'dense': feature vectors of inputSize. */
  input: 'one-hot' | 'dense';
  inputSize: number;
  /** One-hot input only: dense feature columns read beside the class (0: none). */
  featureSize: number;
  /** Units per LSTM layer. */
  units: number;
  layers: number;
  outputSize: number;
  /** 'softmax': one class per step; 'sigmoid': independent on/off per output (piano rolls). */
  output: 'softmax' | 'sigmoid';
  /** Dropout rate after each LSTM layer while training. */
  dropout: number;
  /** Dropout rate on the dense input columns while training (a roll's previous row and feature columns; a one-hot model's feature columns). */
  inputDropout: number;
}

export const LSTM_MODEL_DEFAULTS: Omit<LstmModelConfig, 'inputSize' | 'outputSize'> = {
  input: 'one-hot',
  featureSize: 0,
  units: 256,
  layers: 2,
  output: 'softmax',
  dropout: 0,
  inputDropout: 0,
};

/** A batch of input sequences, batch-major. */
export interface SequenceInput {
  batch: number;
  steps: number;
  /** One-hot input: the class at each step, [batch·steps]. */
  indices?: Int32Array;
  /** Dense input: [batch, steps, inputSize]; one-hot input with features: [batch, steps, featureSize]. */
  features?: tf.Tensor3D;
}

/** What the model should predict at each step, batch-major. */
export interface SequenceTargets {
  /** Softmax output: the class at each step, [batch·steps]. */
  classes?: Int32Array;
  /** Sigmoid output: 0/1 per output per step, [batch·steps·outputSize]. */
  multiHot?: Float32Array;
  /** Weight of each step in the mean loss (0 masks padding), [batch·steps]; default all 1. */
  weights?: Float32Array;
}

export interface ForwardOptions {
  /** Apply dropout (training). Default false. */
  training?: boolean;
}

/** One named weight in Keras' layout. */
export interface NamedWeight {
  name: string;
  tensor: tf.Tensor;
}

export class LstmModel {
  /** LSTM layers' weights, then the output layer's. */
  private readonly lstm: LstmWeights[];
  private readonly dense: { kernel: tf.Variable<tf.Rank.R2>; bias: tf.Variable<tf.Rank.R1> };

  private constructor(
    readonly config: LstmModelConfig,
    weights: Map<string, Float32Array>,
    /** Draws the dropout masks. */
    private rng: Rng,
  ) {
    const { units: H, outputSize } = config;
    const v2 = (name: string, shape: [number, number]) => variableOf(weights.get(name)!, shape) as tf.Variable<tf.Rank.R2>;
    this.lstm = [];
    for (let l = 0; l < config.layers; l++) {
      const p = layerName(l);
      this.lstm.push({
        kernel: v2(`${p}/kernel`, [layerInputSize(config, l), 4 * H]),
        recurrentKernel: v2(`${p}/recurrent_kernel`, [H, 4 * H]),
        bias: variableOf(weights.get(`${p}/bias`)!, [4 * H]) as tf.Variable<tf.Rank.R1>,
      });
    }
    this.dense = {
      kernel: v2('output/kernel', [H, outputSize]),
      bias: variableOf(weights.get('output/bias')!, [outputSize]) as tf.Variable<tf.Rank.R1>,
    };
  }

  /** A new model with Keras' initialisation (Glorot kernels, orthogonal recurrent kernels, forget bias 1). */
  static create(
    config: Partial<LstmModelConfig> & Pick<LstmModelConfig, 'inputSize' | 'outputSize'>,
    options: { seed?: Seed } = {},
  ): LstmModel {
    const full = checkLstmConfig({ ...LSTM_MODEL_DEFAULTS, ...config });
    const seed = options.seed ?? randomSeed();
    const rng = createRng(seed);
    const H = full.units;
    const weights = new Map<string, Float32Array>();
    for (let l = 0; l < full.layers; l++) {
      const p = layerName(l);
      weights.set(`${p}/kernel`, glorotUniform(layerInputSize(full, l), 4 * H, rng));
      weights.set(`${p}/recurrent_kernel`, orthogonal(H, 4 * H, rng));
      weights.set(`${p}/bias`, new Float32Array(4 * H).fill(1, H, 2 * H));
    }
    weights.set('output/kernel', glorotUniform(H, full.outputSize, rng));
    weights.set('output/bias', new Float32Array(full.outputSize));
    return new LstmModel(full, weights, rng.fork());
  }

  /**
   * A model from saved weights (Keras names and shapes). Throws
   * MusegenError('BAD_MODEL') naming the first missing or misshapen weight.
   */
  static fromWeights(config: LstmModelConfig, weights: Map<string, Float32Array>, options: { seed?: Seed } = {}): LstmModel {
    const full = checkLstmConfig(config, 'BAD_MODEL');
    for (const { name, shape } of weightShapes(full)) {
      const w = weights.get(name);
      const size = shape.reduce((a, b) => a * b, 1);
      if (!w) throw new MusegenError('BAD_MODEL', `weight ${name} is missing`);
      if (w.length !== size) {
        throw new MusegenError('BAD_MODEL', `weight ${name} has ${w.length} values, expected [${shape}] = ${size} for the hyper-parameters saved with it`);
      }
    }
    return new LstmModel(full, weights, createRng(options.seed ?? randomSeed()));
  }

  /**
   * Draw the dropout masks from a fresh stream seeded with `seed` from now on
   * (a training loop reseeds per step so that a resumed run draws the same masks).
   */
  setDropoutSeed(seed: Seed): void {
    this.rng = createRng(seed);
  }

  /** The trainable variables, in the order of `namedWeights()`. */
  get variables(): tf.Variable[] {
    return [...this.lstm.flatMap((l) => [l.kernel, l.recurrentKernel, l.bias] as tf.Variable[]), this.dense.kernel, this.dense.bias];
  }

  /** The weights with their Keras names, in Keras' order. */
  namedWeights(): NamedWeight[] {
    const vars = this.variables;
    return weightShapes(this.config).map(({ name }, i) => ({ name, tensor: vars[i] }));
  }

  /** Logits, time-major [steps·batch, outputSize]. */
  logits(input: SequenceInput, options: ForwardOptions = {}): tf.Tensor2D {
    const { batch, steps } = input;
    const rows = batch * steps;
    const dropout = options.training ? this.config.dropout : 0;
    return tf.tidy(() => {
      let layerInput: LayerInput = this.timeMajor(input);
      const { inputDropout } = this.config;
      if (options.training && inputDropout > 0 && 'x' in layerInput) {
        const { x } = layerInput;
        layerInput = { ...layerInput, x: tf.mul<tf.Tensor2D>(x, this.dropoutMask(x.shape[0], x.shape[1], inputDropout)) };
      }
      let h: tf.Tensor2D | null = null;
      for (const weights of this.lstm) {
        h = lstmSequence(layerInput, weights, { steps, batch });
        if (dropout > 0) h = tf.mul<tf.Tensor2D>(h, this.dropoutMask(rows, this.config.units, dropout));
        layerInput = { x: h };
      }
      return tf.add(tf.matMul(h!, this.dense.kernel), this.dense.bias);
    });
  }

  /** Mean cross-entropy of the targets (weighted by targets.weights), a scalar. */
  loss(input: SequenceInput, targets: SequenceTargets, options: ForwardOptions = {}): tf.Scalar {
    const { batch, steps } = input;
    const C = this.config.outputSize;
    return tf.tidy(() => {
      const logits = this.logits(input, options);
      let perStep: tf.Tensor1D;
      if (this.config.output === 'softmax') {
        if (!targets.classes) throw new MusegenError('BAD_ARGUMENT', `loss: expected ${batch * steps} target classes, got 0`);
        perStep = softmaxCrossEntropy(logits, toTimeMajor(targets.classes, batch, steps, 1));
      } else {
        if (!targets.multiHot) throw new MusegenError('BAD_ARGUMENT', `loss: expected ${batch * steps * C} multi-hot targets, got 0`);
        perStep = sigmoidCrossEntropy(logits, toTimeMajor(targets.multiHot, batch, steps, C));
      }
      return weightedMean(perStep, targets.weights && toTimeMajor(targets.weights, batch, steps, 1));
    });
  }

  /** Free the variables. */
  dispose(): void {
    tf.dispose(this.variables);
  }

  private timeMajor(input: SequenceInput): LayerInput {
    const { batch, steps, indices, features } = input;
    const { featureSize } = this.config;
    const denseColumns = this.config.input === 'one-hot' ? featureSize : this.config.inputSize;
    let x: tf.Tensor2D | undefined;
    if (denseColumns > 0) {
      if (!features) throw new MusegenError('BAD_ARGUMENT', `this model reads ${denseColumns} feature columns per step; got none`);
      const [b, s, f] = features.shape;
      if (b !== batch || s !== steps || f !== denseColumns) {
        throw new MusegenError('BAD_ARGUMENT', `features are [${features.shape}], expected [${batch}, ${steps}, ${denseColumns}]`);
      }
      x = tf.reshape(tf.transpose(features, [1, 0, 2]), [steps * batch, f]);
    }
    if (this.config.input === 'dense') return { x: x! };
    if (!indices) throw new MusegenError('BAD_ARGUMENT', 'this model reads class indices (one-hot input); got none');
    if (indices.length !== batch * steps) throw new MusegenError('BAD_ARGUMENT', `expected ${batch * steps} input indices, got ${indices.length}`);
    const timeMajorIndices = toTimeMajor(indices, batch, steps, 1);
    return x ? { indices: timeMajorIndices, x } : { indices: timeMajorIndices };
  }

  private dropoutMask(rows: number, cols: number, rate: number): tf.Tensor2D {
    const keep = 1 / (1 - rate);
    const mask = new Float32Array(rows * cols);
    for (let i = 0; i < mask.length; i++) mask[i] = this.rng.next() < rate ? 0 : keep;
    return tf.tensor2d(mask, [rows, cols]);
  }
}

/** Reorder [batch, steps, width] (batch-major) to [steps, batch, width] (time-major). */
export function toTimeMajor<A extends Int32Array | Float32Array>(data: A, batch: number, steps: number, width: number): A {
  const out = new (data.constructor as { new (n: number): A })(data.length);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < steps; t++) {
      out.set(data.subarray((b * steps + t) * width, (b * steps + t + 1) * width), (t * batch + b) * width);
    }
  }
  return out;
}

/** Time-major [steps·batch, width] logits (or any rows) as batch-major [batch, steps, width]. */
export function batchMajor(rows: tf.Tensor2D, batch: number, steps: number): tf.Tensor3D {
  return tf.tidy(() => tf.transpose(tf.reshape(rows, [steps, batch, rows.shape[1]]), [1, 0, 2]));
}

/** Keras layer name of LSTM layer l (0-based). */
export function layerName(l: number): string {
  return `lstm_${l + 1}`;
}

/** Every weight's Keras name and shape, in order. */
export function weightShapes(config: LstmModelConfig): { name: string; shape: number[] }[] {
  const H = config.units;
  const out: { name: string; shape: number[] }[] = [];
  for (let l = 0; l < config.layers; l++) {
    const p = layerName(l);
    out.push(
      { name: `${p}/kernel`, shape: [layerInputSize(config, l), 4 * H] },
      { name: `${p}/recurrent_kernel`, shape: [H, 4 * H] },
      { name: `${p}/bias`, shape: [4 * H] },
    );
  }
  out.push({ name: 'output/kernel', shape: [H, config.outputSize] }, { name: 'output/bias', shape: [config.outputSize] });
  return out;
}

function layerInputSize(config: LstmModelConfig, l: number): number {
  return l === 0 ? config.inputSize + (config.featureSize ?? 0) : config.units;
}

/** Check a configuration (from a caller or a model file) and fill in what older files lack; throws MusegenError(code). */
export function checkLstmConfig(c: LstmModelConfig, code: 'BAD_ARGUMENT' | 'BAD_MODEL' = 'BAD_ARGUMENT'): LstmModelConfig {
  const positive = (n: unknown) => Number.isInteger(n) && (n as number) > 0;
  const bad = (what: string): never => {
    throw new MusegenError(code, `LSTM model: ${what}`);
  };
  if (c.input !== 'one-hot' && c.input !== 'dense') bad(`input must be 'one-hot' or 'dense', not ${String(c.input)}`);
  if (c.output !== 'softmax' && c.output !== 'sigmoid') bad(`output must be 'softmax' or 'sigmoid', not ${String(c.output)}`);
  for (const k of ['inputSize', 'units', 'layers', 'outputSize'] as const) if (!positive(c[k])) bad(`${k} must be a positive integer, not ${String(c[k])}`);
  if (!(c.dropout >= 0 && c.dropout < 1)) bad(`dropout must be in [0, 1), not ${String(c.dropout)}`);
  const inputDropout = c.inputDropout ?? 0; // models saved before input dropout existed
  if (!(inputDropout >= 0 && inputDropout < 1)) bad(`inputDropout must be in [0, 1), not ${String(inputDropout)}`);
  const featureSize = c.featureSize ?? 0; // models saved before feature columns existed
  if (!(Number.isInteger(featureSize) && featureSize >= 0)) bad(`featureSize must be a whole number ≥ 0, not ${String(featureSize)}`);
  if (c.input === 'dense' && featureSize > 0) bad('featureSize is for one-hot input; a dense input holds its features in inputSize');
  return {
    input: c.input, inputSize: c.inputSize, featureSize, units: c.units, layers: c.layers, outputSize: c.outputSize, output: c.output, dropout: c.dropout, inputDropout,
  };
}
