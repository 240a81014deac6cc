/**
 * The chord model's network: a bidirectional LSTM reads the whole melody,
 * slot by slot (a slot is a beat), and an LSTM decoder writes one chord class
 * per slot, left to right, from what the encoder read at that slot and the
 * chord before.
 *
 *   slot inputs x_s ─► encoder_forward  (s = 0 … n−1) ─► hf_s ─┐
 *   slot inputs x_s ─► encoder_backward (s = n−1 … 0) ─► hb_s ─┴─ [hf_s | hb_s] ─ dropout ─┐
 *   chord class of slot s − 1 (one-hot; START at s = 0) ─────────────────────────────────┴─► decoder ─ dropout ─► output (dense) ─► logits of slot s
 *
 * Training reads whole windows with the true chords as the decoder's input
 * (teacher forcing); generating runs the encoder once over the melody and the
 * decoder one slot at a time (`ChordStepper`, plain JavaScript at batch 1).
 * The backward encoder reads each window from its own last real slot: its
 * input is reversed per window on the CPU, its output put back in order by a
 * row permutation whose gradient is the same permutation.
 *
 * Weights in Keras' layout and names: `encoder_forward/kernel` [in, 4H],
 * `…/recurrent_kernel` [H, 4H], `…/bias` [4H] (gates i, f, c, o), the same for
 * `encoder_backward` and `decoder` (its kernel's first rows are the chord
 * classes', then the encoder's 2H columns), `output/kernel` [H, classes],
 * `output/bias`.
 */
import * as tf from '@tensorflow/tfjs';
import {
  createRng, denseOf, glorotUniform, lstmCellStep, lstmSequence, orthogonal, softmaxCrossEntropy, variableOf, weightedMean, type LstmWeights, type Rng, type Seed,
} from '../engine/index.js';
import { MusegenError } from '../errors.js';

export interface ChordModelConfig {
  /** Columns of a slot's input row. */
  inputSize: number;
  /** Chord classes (the decoder reads one more: START). */
  classes: number;
  /** Units of each LSTM (each encoder direction, and the decoder). */
  units: number;
  /** Dropout on the encoder's output and the decoder's, while training. */
  dropout: number;
}

/** What a batch gives the network, batch-major. */
export interface ChordInput {
  batch: number;
  steps: number;
  /** [batch·steps·inputSize] */
  inputs: Float32Array;
  /** Real slots per window, [batch]. */
  lengths: Int32Array;
  /** The decoder's input class per slot, [batch·steps]. */
  previous: Int32Array;
}

const LSTMS = ['encoder_forward', 'encoder_backward', 'decoder'] as const;

/** Every weight's name and shape, in order. */
export function chordWeightShapes(c: ChordModelConfig): { name: string; shape: number[] }[] {
  const H = c.units;
  const inputs: Record<(typeof LSTMS)[number], number> = { encoder_forward: c.inputSize, encoder_backward: c.inputSize, decoder: c.classes + 1 + 2 * H };
  return [
    ...LSTMS.flatMap((l) => [
      { name: `${l}/kernel`, shape: [inputs[l], 4 * H] },
      { name: `${l}/recurrent_kernel`, shape: [H, 4 * H] },
      { name: `${l}/bias`, shape: [4 * H] },
    ]),
    { name: 'output/kernel', shape: [H, c.classes] },
    { name: 'output/bias', shape: [c.classes] },
  ];
}

/** Check a configuration (from a caller or musegen.json); throws MusegenError(code). */
export function checkChordConfig(c: Partial<ChordModelConfig>, code: 'BAD_ARGUMENT' | 'BAD_MODEL' = 'BAD_ARGUMENT'): ChordModelConfig {
  const positive = (n: unknown): boolean => Number.isInteger(n) && (n as number) > 0;
  for (const k of ['inputSize', 'classes', 'units'] as const) {
    if (!positive(c[k])) throw new MusegenError(code, `chord model: ${k} must be a positive integer, not ${String(c[k])}`);
  }
  if (!(typeof c.dropout === 'number' && c.dropout >= 0 && c.dropout < 1)) throw new MusegenError(code, `chord model: dropout must be in [0, 1), not ${String(c.dropout)}`);
  return { inputSize: c.inputSize!, classes: c.classes!, units: c.units!, dropout: c.dropout };
}

/** Batch-major [batch, steps, width] as time-major rows (t·batch + b); with `reverse`, each window's real slots in reverse order. */
function timeMajor(data: Float32Array, batch: number, steps: number, width: number, lengths?: Int32Array): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < batch; b++) {
    const n = lengths ? lengths[b]! : steps;
    for (let t = 0; t < steps; t++) {
      const from = lengths && t < n ? n - 1 - t : t;
      out.set(data.subarray((b * steps + from) * width, (b * steps + from + 1) * width), (t * batch + b) * width);
    }
  }
  return out;
}

/** Row i ↔ row reversedRow(i): each window's first `length` time-major rows reversed (an involution). */
function reversalOrder(batch: number, steps: number, lengths: Int32Array): Int32Array {
  const order = new Int32Array(batch * steps);
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < batch; b++) {
      const n = lengths[b]!;
      order[t * batch + b] = (t < n ? n - 1 - t : t) * batch + b;
    }
  }
  return order;
}

function permuteRows(values: Float32Array, order: Int32Array, width: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < order.length; r++) out.set(values.subarray(order[r]! * width, (order[r]! + 1) * width), r * width);
  return out;
}

/** Rows of x in `order` — an involution, so the gradient is dy in the same order. */
function permute(x: tf.Tensor2D, order: Int32Array): tf.Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor;
    const [rows, width] = input.shape as [number, number];
    return {
      value: tf.tensor2d(permuteRows(input.dataSync() as Float32Array, order, width), [rows, width]),
      gradFunc: (dy: tf.Tensor) => tf.tensor2d(permuteRows(dy.dataSync() as Float32Array, order, width), [rows, width]),
    };
  });
  return op(x) as tf.Tensor2D;
}

export class ChordModel {
  private readonly lstm: Record<(typeof LSTMS)[number], LstmWeights & { kernel: tf.Variable; recurrentKernel: tf.Variable; bias: tf.Variable }>;
  private readonly dense: { kernel: tf.Variable<tf.Rank.R2>; bias: tf.Variable<tf.Rank.R1> };

  private constructor(readonly config: ChordModelConfig, weights: Map<string, Float32Array>, private rng: Rng) {
    const shapes = new Map(chordWeightShapes(config).map((w) => [w.name, w.shape]));
    const v = (name: string): tf.Variable => variableOf(weights.get(name)!, shapes.get(name)!);
    const layer = (l: string) => ({ kernel: v(`${l}/kernel`), recurrentKernel: v(`${l}/recurrent_kernel`), bias: v(`${l}/bias`) });
    this.lstm = { encoder_forward: layer('encoder_forward'), encoder_backward: layer('encoder_backward'), decoder: layer('decoder') } as ChordModel['lstm'];
    this.dense = { kernel: v('output/kernel') as tf.Variable<tf.Rank.R2>, bias: v('output/bias') as tf.Variable<tf.Rank.R1> };
  }

  /** A new model: Glorot kernels, orthogonal recurrent kernels, forget-gate bias 1 (Keras' initialisation). */
  static create(config: ChordModelConfig, options: { seed: Seed }): ChordModel {
    const c = checkChordConfig(config);
    const rng = createRng(options.seed);
    const weights = new Map<string, Float32Array>();
    for (const { name, shape } of chordWeightShapes(c)) {
      if (name.endsWith('/recurrent_kernel')) weights.set(name, orthogonal(shape[0]!, shape[1]!, rng));
      else if (name.endsWith('/kernel')) weights.set(name, glorotUniform(shape[0]!, shape[1]!, rng));
      else if (name === 'output/bias') weights.set(name, new Float32Array(shape[0]!));
      else weights.set(name, new Float32Array(shape[0]!).fill(1, c.units, 2 * c.units));
    }
    return new ChordModel(c, weights, rng.fork());
  }

  /** A model from saved weights; throws MusegenError('BAD_MODEL') naming a missing or misshapen one. */
  static fromWeights(config: ChordModelConfig, weights: Map<string, Float32Array>, options: { seed: Seed }): ChordModel {
    const c = checkChordConfig(config, 'BAD_MODEL');
    checkChordWeights(c, weights);
    return new ChordModel(c, weights, createRng(options.seed));
  }

  /** Draw dropout masks from a fresh stream (the trainer reseeds per step, so a resumed run draws the same). */
  setDropoutSeed(seed: Seed): void {
    this.rng = createRng(seed);
  }

  get variables(): tf.Variable[] {
    return [...LSTMS.flatMap((l) => [this.lstm[l].kernel, this.lstm[l].recurrentKernel, this.lstm[l].bias]), this.dense.kernel, this.dense.bias];
  }

  /** The weights by name, copied out. */
  weights(): Map<string, Float32Array> {
    const vars = this.variables;
    return new Map(chordWeightShapes(this.config).map(({ name }, i) => [name, Float32Array.from(vars[i]!.dataSync() as Float32Array)]));
  }

  /** The encoder's output [hf | hb], time-major [steps·batch, 2H]. */
  encode(input: ChordInput, training = false): tf.Tensor2D {
    const { batch, steps, inputs, lengths } = input;
    const F = this.config.inputSize;
    if (inputs.length !== batch * steps * F) throw new MusegenError('BAD_ARGUMENT', `chord model: ${inputs.length} input values, expected ${batch}·${steps}·${F}`);
    return tf.tidy(() => {
      const forward = tf.tensor2d(timeMajor(inputs, batch, steps, F), [steps * batch, F]);
      const backward = tf.tensor2d(timeMajor(inputs, batch, steps, F, lengths), [steps * batch, F]);
      const hf = lstmSequence({ x: forward }, this.lstm.encoder_forward, { steps, batch });
      const hbReversed = lstmSequence({ x: backward }, this.lstm.encoder_backward, { steps, batch });
      const hb = permute(hbReversed, reversalOrder(batch, steps, lengths));
      const both = tf.concat([hf, hb], 1);
      return training ? this.dropout(both) : both;
    });
  }

  /** Logits, time-major [steps·batch, classes], with the true previous chords as the decoder's input. */
  logits(input: ChordInput, training = false): tf.Tensor2D {
    const { batch, steps, previous } = input;
    return tf.tidy(() => {
      const encoded = this.encode(input, training);
      const indices = new Int32Array(batch * steps);
      for (let b = 0; b < batch; b++) for (let t = 0; t < steps; t++) indices[t * batch + b] = previous[b * steps + t]!;
      let h = lstmSequence({ indices, x: encoded }, this.lstm.decoder, { steps, batch });
      if (training) h = this.dropout(h);
      return tf.add(tf.matMul(h, this.dense.kernel), this.dense.bias);
    });
  }

  /** Mean cross-entropy of the weighted slots (batch-major classes and weights). */
  loss(input: ChordInput, classes: Int32Array, weights: Float32Array, training = false): tf.Scalar {
    const { batch, steps } = input;
    return tf.tidy(() => {
      const tmClasses = new Int32Array(batch * steps);
      const tmWeights = new Float32Array(batch * steps);
      for (let b = 0; b < batch; b++) {
        for (let t = 0; t < steps; t++) {
          tmClasses[t * batch + b] = classes[b * steps + t]!;
          tmWeights[t * batch + b] = weights[b * steps + t]!;
        }
      }
      return weightedMean(softmaxCrossEntropy(this.logits(input, training), tmClasses), tmWeights);
    });
  }

  dispose(): void {
    tf.dispose(this.variables);
  }

  private dropout(x: tf.Tensor2D): tf.Tensor2D {
    const rate = this.config.dropout;
    if (rate === 0) return x;
    const keep = 1 / (1 - rate);
    const mask = new Float32Array(x.size);
    for (let i = 0; i < mask.length; i++) mask[i] = this.rng.next() < rate ? 0 : keep;
    return tf.mul(x, tf.tensor2d(mask, x.shape));
  }
}

/** Throws MusegenError('BAD_MODEL') unless every weight is there with its shape. */
export function checkChordWeights(config: ChordModelConfig, weights: Map<string, Float32Array>): void {
  for (const { name, shape } of chordWeightShapes(config)) {
    const w = weights.get(name);
    const size = shape.reduce((a, b) => a * b, 1);
    if (!w) throw new MusegenError('BAD_MODEL', `weight ${name} is missing`);
    if (w.length !== size) throw new MusegenError('BAD_MODEL', `weight ${name} has ${w.length} values, expected [${shape}] = ${size} for the hyper-parameters saved with it`);
  }
}

/**
 * The decoder one slot at a time, in plain JavaScript (batch 1): the
 * encoder's output for the whole melody comes in once; each step takes the
 * chord chosen for the slot before and gives the logits of the next.
 */
export class ChordStepper {
  private readonly H: number;
  private readonly C: number;
  private readonly h: Float64Array;
  private readonly c: Float64Array;
  private readonly z: Float64Array;
  private slot = 0;

  constructor(
    config: ChordModelConfig,
    private readonly weights: Map<string, Float32Array>,
    /** [slots, 2H], in slot order. */
    private readonly encoded: Float32Array,
    readonly slots: number,
  ) {
    this.H = config.units;
    this.C = config.classes;
    this.h = new Float64Array(this.H);
    this.c = new Float64Array(this.H);
    this.z = new Float64Array(4 * this.H);
  }

  get position(): number {
    return this.slot;
  }

  /** Feed the chord of the slot before (START at the first) and get the logits of the next slot. */
  step(previous: number): Float32Array {
    if (this.slot >= this.slots) throw new MusegenError('BAD_ARGUMENT', `every one of the ${this.slots} slots has its chord`);
    const { H, C } = this;
    const G = 4 * H;
    const kernel = this.weights.get('decoder/kernel')!;
    const recurrent = this.weights.get('decoder/recurrent_kernel')!;
    const bias = this.weights.get('decoder/bias')!;
    const z = this.z;
    for (let j = 0; j < G; j++) z[j] = bias[j]! + kernel[previous * G + j]!;
    const x = this.encoded.subarray(this.slot * 2 * H, (this.slot + 1) * 2 * H);
    const classRows = C + 1;
    for (let i = 0; i < 2 * H; i++) {
      const xi = x[i]!;
      if (xi === 0) continue;
      const row = (classRows + i) * G;
      for (let j = 0; j < G; j++) z[j] += xi * kernel[row + j]!;
    }
    lstmCellStep(z, this.h, this.c, recurrent);
    this.slot++;
    return denseOf(this.h, this.weights.get('output/kernel')!, this.weights.get('output/bias')!);
  }
}
