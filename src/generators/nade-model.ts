/**
 * The LSTM-NADE network (Boulanger-Lewandowski et al. 2012's RNN-NADE, its
 * RNN an LSTM): an LSTM reads the rows before t and gives the biases of a
 * NADE over the keys of row t, which models the row's notes jointly.
 *
 *   rows 1..t−1 ─► LSTM × layers ─► h_t ─► output (dense) ─► [ b_v(t) | b_h(t) ]      (b + W_vh·h_t, b + W_hh·h_t: one dense layer)
 *
 *   p(v_i = 1 | v_<i) = σ( b_v(t)_i + V_:,i · σ( b_h(t) + Σ_{k<i} W_:,k v_k ) )     keys i = 0 … K−1 in order
 *
 * `NadeRows` walks the conditionals one key at a time in plain JavaScript:
 * a row's chain (sampling, evaluation), and, row after row, the fused op
 * training runs (`nadeConditionals`, a tf.customGrad): the forward pass gives
 * every key's logit given the true keys before it; the backward pass runs
 * back over the keys, the gradient of the hidden pre-activations summed from
 * the last key down (the adjoint of the exclusive cumulative sum
 * Σ_{k<i} W_:,k v_k). σ is taken only where a key is on (h is constant
 * between them), so both ways cost O(rows · keys · hidden) multiply-adds —
 * far cheaper than the same maths as TensorFlow.js ops over a
 * [rows, hidden, keys] tensor (tested against them).
 *
 * Weights: the conditioning LSTM's in Keras' names and layout (`lstm_1/…`,
 * `output/kernel` [units, keys + hidden], `output/bias` = [b_v | b_h]), and
 * `nade/W`, `nade/V`, both [hidden, keys] (column k: key k's weights).
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, glorotUniform, randomSeed, sigmoid, sigmoidCrossEntropy, variableOf, weightedMean, type Seed } from '../engine/index.js';
import { MusegenError } from '../errors.js';
import { LstmModel, checkLstmConfig, toTimeMajor, weightShapes, type LstmModelConfig, type NamedWeight } from './lstm-model.js';
import { checkIndex, type RowChain } from './row-chain.js';

export interface NadeModelConfig {
  /** The conditioning LSTM: dense input (the roll layout's input row), outputSize = keys + hidden. */
  lstm: LstmModelConfig;
  /** Values per row (88 keys for the benchmarks). */
  keys: number;
  /** The NADE's hidden units. */
  hidden: number;
}

/** A batch as the NADE learns from it, batch-major (piece b, step t at b·steps + t). */
export interface NadeBatch {
  batch: number;
  steps: number;
  /** The LSTM's input rows, [batch, steps, lstm.inputSize]. */
  inputs: Float32Array;
  /** The rows to predict, [batch·steps·keys]. */
  rows: Float32Array;
  /** 1 for a real step, 0 for padding, [batch·steps]. */
  weights: Float32Array;
}

/** Every weight's name and shape, in order: the LSTM's, then the NADE's. */
export function nadeWeightShapes(config: NadeModelConfig): { name: string; shape: number[] }[] {
  return [...weightShapes(config.lstm), { name: 'nade/W', shape: [config.hidden, config.keys] }, { name: 'nade/V', shape: [config.hidden, config.keys] }];
}

/** Check a configuration (from a caller or musegen.json); throws MusegenError(code). */
export function checkNadeConfig(c: Partial<NadeModelConfig> | undefined, code: 'BAD_ARGUMENT' | 'BAD_MODEL' = 'BAD_ARGUMENT'): NadeModelConfig {
  const bad = (what: string): never => {
    throw new MusegenError(code, `NADE model: ${what}`);
  };
  if (typeof c !== 'object' || c === null) return bad('no configuration (hyper.nade)');
  const positive = (n: unknown) => Number.isInteger(n) && (n as number) > 0;
  if (!positive(c.keys) || !positive(c.hidden)) bad(`keys and hidden must be positive integers, not ${String(c.keys)} and ${String(c.hidden)}`);
  if (typeof c.lstm !== 'object' || c.lstm === null) bad('no LSTM configuration');
  const lstm = checkLstmConfig(c.lstm!, code);
  if (lstm.input !== 'dense' || lstm.outputSize !== c.keys! + c.hidden!) bad(`the LSTM must read dense rows and give keys + hidden = ${c.keys! + c.hidden!} biases, not ${lstm.outputSize}`);
  return { lstm, keys: c.keys!, hidden: c.hidden! };
}

export class NadeModel {
  private constructor(
    readonly config: NadeModelConfig,
    /** The conditioning LSTM (its dense output: [b_v(t) | b_h(t)]). */
    readonly lstm: LstmModel,
    private readonly W: tf.Variable<tf.Rank.R2>,
    private readonly V: tf.Variable<tf.Rank.R2>,
  ) {}

  /** A new model: the LSTM as LstmModel makes it, W and V Glorot-uniform. */
  static create(
    config: Omit<NadeModelConfig, 'lstm'> & { lstm: Omit<LstmModelConfig, 'outputSize' | 'output' | 'input' | 'featureSize' | 'inputDropout'> & Partial<Pick<LstmModelConfig, 'inputDropout'>> },
    options: { seed?: Seed } = {},
  ): NadeModel {
    const seed = options.seed ?? randomSeed();
    const full = checkNadeConfig({ ...config, lstm: { inputDropout: 0, ...config.lstm, input: 'dense', featureSize: 0, output: 'sigmoid', outputSize: config.keys + config.hidden } });
    const lstm = LstmModel.create(full.lstm, { seed });
    const rng = createRng(seed ^ 0x5eed);
    const { hidden: Hn, keys: K } = full;
    return new NadeModel(full, lstm, variableOf(glorotUniform(Hn, K, rng), [Hn, K]) as tf.Variable<tf.Rank.R2>, variableOf(glorotUniform(Hn, K, rng), [Hn, K]) as tf.Variable<tf.Rank.R2>);
  }

  /** A model from saved weights (names and sizes checked by the caller: `requireWeights` with `nadeWeightShapes`). */
  static fromWeights(config: NadeModelConfig, weights: Map<string, Float32Array>, options: { seed?: Seed } = {}): NadeModel {
    const full = checkNadeConfig(config, 'BAD_MODEL');
    const { hidden: Hn, keys: K } = full;
    const lstm = LstmModel.fromWeights(full.lstm, weights, options);
    return new NadeModel(full, lstm, variableOf(weights.get('nade/W')!, [Hn, K]) as tf.Variable<tf.Rank.R2>, variableOf(weights.get('nade/V')!, [Hn, K]) as tf.Variable<tf.Rank.R2>);
  }

  /** Trainable variables, in the order of `namedWeights()`. */
  get variables(): tf.Variable[] {
    return [...this.lstm.variables, this.W, this.V];
  }

  namedWeights(): NamedWeight[] {
    return [...this.lstm.namedWeights(), { name: 'nade/W', tensor: this.W }, { name: 'nade/V', tensor: this.V }];
  }

  /**
   * The conditional logits of every key of every row, time-major
   * [steps·batch, keys]: key i's logit given the keys before it as `rows` holds them.
   */
  conditionalLogits(batch: NadeBatch, options: { training?: boolean } = {}): tf.Tensor2D {
    const { batch: b, steps } = batch;
    const { keys: K } = this.config;
    const N = b * steps;
    if (batch.rows.length !== N * K) throw new MusegenError('BAD_ARGUMENT', `NADE: expected ${N * K} row values, got ${batch.rows.length}`);
    return tf.tidy(() => {
      const x = tf.tensor3d(batch.inputs, [b, steps, this.config.lstm.inputSize]);
      const biases = this.lstm.logits({ batch: b, steps, features: x }, options);
      return nadeConditionals(biases, this.W, this.V, toTimeMajor(batch.rows, b, steps, K), this.config);
    });
  }

  /** Mean over the real rows of −ln p(row), divided by the keys (nats per roll value, as the independent LSTM's loss is counted). */
  loss(batch: NadeBatch, options: { training?: boolean } = {}): tf.Scalar {
    const { batch: b, steps } = batch;
    return tf.tidy(() => {
      const logits = this.conditionalLogits(batch, options);
      const perRow = sigmoidCrossEntropy(logits, toTimeMajor(batch.rows, b, steps, this.config.keys));
      return weightedMean(perRow, toTimeMajor(batch.weights, b, steps, 1));
    });
  }

  dispose(): void {
    this.lstm.dispose();
    tf.dispose([this.W, this.V]);
  }
}

/**
 * The NADE of a row in plain JavaScript, key after key: given the LSTM's
 * output for the row ([b_v | b_h]), a RowChain whose logits are the
 * conditionals above. Each key costs O(hidden).
 */
export class NadeRows {
  /** W and V transposed, [keys, hidden]: key k's column as a contiguous run. */
  readonly wByKey: Float32Array;
  readonly vByKey: Float32Array;

  constructor(
    readonly keys: number,
    readonly hidden: number,
    W: Float32Array,
    V: Float32Array,
  ) {
    this.wByKey = transpose(W, hidden, keys);
    this.vByKey = transpose(V, hidden, keys);
  }

  /** h = σ(a), into `h` from `at`. The hidden units change only after a key that is on. */
  hiddenOf(a: Float64Array, h: Float32Array, at = 0): void {
    for (let j = 0; j < this.hidden; j++) h[at + j] = sigmoid(a[j]!);
  }

  /** Key i's logit b_v,i + V_:,i · h, h read from `at`. */
  logitOf(i: number, bv: number, h: Float32Array, at = 0): number {
    const Hn = this.hidden;
    const v = this.vByKey;
    let s = bv;
    for (let j = 0, o = i * Hn; j < Hn; j++) s += v[o + j]! * h[at + j]!;
    return s;
  }

  /** Key i is on: a += W_:,i. */
  addKey(i: number, a: Float64Array): void {
    const Hn = this.hidden;
    const w = this.wByKey;
    for (let j = 0, o = i * Hn; j < Hn; j++) a[j] = a[j]! + w[o + j]!;
  }

  /** The chain of a row whose biases (the LSTM's output) are `biases` = [b_v (keys) | b_h (hidden)]. */
  chain(biases: Float32Array): RowChain {
    const K = this.keys;
    if (biases.length !== K + this.hidden) throw new MusegenError('INTERNAL', `NADE: expected ${K + this.hidden} biases, got ${biases.length}`);
    const a = Float64Array.from(biases.subarray(K));
    const h = new Float32Array(this.hidden);
    this.hiddenOf(a, h);
    let index = 0;
    let logit: number | null = null;
    return {
      width: K,
      get index() {
        return index;
      },
      logit: () => (logit ??= this.logitOf(checkIndex(index, K), biases[index]!, h)),
      set: (value: number) => {
        const i = checkIndex(index, K);
        if (value !== 0 && value !== 1) throw new MusegenError('BAD_ARGUMENT', `a roll value is 0 or 1, not ${String(value)}`);
        if (value === 1) {
          this.addKey(i, a);
          this.hiddenOf(a, h);
        }
        index++;
        logit = null;
      },
    };
  }
}

/**
 * The fused NADE op: from the LSTM's output [rows, keys + hidden] = [b_v | b_h],
 * W and V [hidden, keys], and the true rows (time-major, [rows·keys]), every
 * key's conditional logit [rows, keys]; gradients for the biases, W and V.
 *
 * A row's hidden units change only after a key that is on, so a row is a few
 * segments of keys sharing one h = σ(a): σ is taken once per segment, and the
 * backward pass runs down the keys gathering, per segment, Σ g_i V_:,i, whose
 * product with h(1 − h) is the segment's ∂loss/∂a; ∂loss/∂W_:,k of a key that
 * is on sums those of the segments after it, ∂loss/∂b_h those of all.
 */
export function nadeConditionals(biases: tf.Tensor2D, W: tf.Tensor2D, V: tf.Tensor2D, rows: Float32Array, config: Pick<NadeModelConfig, 'keys' | 'hidden'>): tf.Tensor2D {
  const { keys: K, hidden: Hn } = config;
  const N = biases.shape[0];
  const C = K + Hn;
  if (biases.shape[1] !== C || rows.length !== N * K) throw new MusegenError('INTERNAL', `NADE op: biases [${biases.shape}] and ${rows.length} row values do not fit ${K} keys, ${Hn} hidden`);
  const op = tf.customGrad((...inputs) => {
    const [b, w, v] = inputs as tf.Tensor[];
    const B = b!.dataSync() as Float32Array;
    const nade = new NadeRows(K, Hn, w!.dataSync() as Float32Array, v!.dataSync() as Float32Array);
    const a = new Float64Array(Hn);
    /** h of each segment of a row: at most keys + 1. */
    const hs = new Float32Array((K + 1) * Hn);
    /** Walk row n with its true keys: h per segment into hs, each key's logit to `logits` when given; the number of keys on. */
    const walk = (n: number, logits?: Float32Array): number => {
      a.set(B.subarray(n * C + K, (n + 1) * C));
      nade.hiddenOf(a, hs);
      let seg = 0;
      for (let i = 0; i < K; i++) {
        if (logits) logits[n * K + i] = nade.logitOf(i, B[n * C + i]!, hs, seg * Hn);
        if (rows[n * K + i] === 1) {
          nade.addKey(i, a);
          nade.hiddenOf(a, hs, ++seg * Hn);
        }
      }
      return seg;
    };
    const logits = new Float32Array(N * K);
    for (let n = 0; n < N; n++) walk(n, logits);
    return {
      value: tf.tensor2d(logits, [N, K]),
      gradFunc: (dy: tf.Tensor) => {
        const G = dy.dataSync() as Float32Array;
        const dB = new Float32Array(N * C);
        const dW = new Float64Array(K * Hn);
        const dV = new Float64Array(K * Hn);
        const acc = new Float64Array(Hn); // Σ of ∂loss/∂a over the segments after the key
        const u = new Float64Array(Hn); // Σ g_i V_:,i over the keys of the segment so far
        const vk = nade.vByKey;
        const close = (seg: number): void => {
          for (let j = 0, o = seg * Hn; j < Hn; j++) {
            const hj = hs[o + j]!;
            acc[j] = acc[j]! + u[j]! * hj * (1 - hj);
          }
          u.fill(0);
        };
        for (let n = 0; n < N; n++) {
          let seg = walk(n);
          acc.fill(0);
          u.fill(0);
          for (let i = K - 1; i >= 0; i--) {
            const o = i * Hn;
            if (rows[n * K + i] === 1) {
              close(seg--);
              for (let j = 0; j < Hn; j++) dW[o + j] = dW[o + j]! + acc[j]!;
            }
            const g = G[n * K + i]!;
            dB[n * C + i] = g;
            if (g === 0) continue;
            for (let j = 0, so = seg * Hn; j < Hn; j++) {
              dV[o + j] = dV[o + j]! + g * hs[so + j]!;
              u[j] = u[j]! + g * vk[o + j]!;
            }
          }
          close(0);
          for (let j = 0; j < Hn; j++) dB[n * C + K + j] = acc[j]!;
        }
        return [tf.tensor2d(dB, [N, C]), tf.tensor2d(transpose(dW, K, Hn), [Hn, K]), tf.tensor2d(transpose(dV, K, Hn), [Hn, K])];
      },
    };
  });
  return op(biases, W, V) as tf.Tensor2D;
}

/** A [rows, cols] matrix as [cols, rows], in float32. */
function transpose(m: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c]!;
  return out;
}
