/**
 * The network of the latent melody model (MusicVAE's flat 2-bar melody model,
 * smaller): a bidirectional LSTM reads a window of melody tokens to a
 * Gaussian q(z | x); an LSTM decoder whose initial state and every input
 * carry z writes the tokens back, one step after another.
 *
 *   tokens x_t (one-hot) ─► encoder_forward  (t = 0 … T−1) ─► h_f(T−1) ─┐
 *   tokens x_t (one-hot) ─► encoder_backward (t = T−1 … 0) ─► h_b(0)   ─┴─ [h_f | h_b] ─┬─ mu (dense)          ─► μ
 *                                                                                     └─ sigma (dense, softplus) ─► σ
 *   z = μ + σ·ε  (reparameterisation; ε ~ N(0, I))
 *   z ─ initial_state (dense, tanh) ─► [h0 | c0] of the decoder
 *   [token t−1 (START at t = 0) one-hot | z] ─► decoder ─► output (dense) ─► logits of token t
 *
 * Loss per token (MusicVAE's, divided by the window's T steps):
 *   Σ_t −log p(x_t | x_<t, z) / T  +  β(step) · max(KL(q(z|x) ‖ N(0, I)) − free bits·ln 2, 0) / T
 * with β(step) = β_max · (1 − rate^step) (annealed), averaged over the batch.
 * Scheduled sampling (optional, `sampling` = k of the inverse-sigmoid
 * schedule): the decoder's input at step t is its own sample for step t−1
 * with probability 1 − k / (k + e^(step/k)); the samples come from a
 * teacher-forced pass without gradient (parallel scheduled sampling).
 *
 * Weights in Keras' layout and names: `encoder_forward/kernel` [V, 4H],
 * `…/recurrent_kernel` [H, 4H], `…/bias` [4H] (gates i, f, c, o), the same for
 * `encoder_backward`; `mu/kernel` [2H, Z], `sigma/kernel` [2H, Z],
 * `initial_state/kernel` [Z, 2H] (h0 columns, then c0), `decoder/kernel`
 * [V + 1 + Z, 4H] (the tokens' rows, START's, then z's), `output/kernel`
 * [H, V]; each dense layer with its `bias`.
 */
import * as tf from '@tensorflow/tfjs';
import {
  createRng, denseOf, glorotUniform, lstmCellStep, lstmSequence, orthogonal, softmaxCrossEntropy, variableOf, type LstmWeights, type Rng, type Seed,
} from '../engine/index.js';
import { MusegenError } from '../errors.js';

export interface VaeModelConfig {
  /** Token classes (the decoder reads one more: START). */
  vocab: number;
  /** Steps of a window. */
  steps: number;
  /** Units of each LSTM (each encoder direction, and the decoder). */
  units: number;
  /** Size of z. */
  latent: number;
  /** β at the end of annealing. */
  beta: number;
  /** β(step) = beta · (1 − betaRate^step). */
  betaRate: number;
  /** KL allowed free per window, in bits. */
  freeBits: number;
  /** k of the inverse-sigmoid scheduled-sampling schedule; 0: teacher forcing only. */
  sampling: number;
}

/** What the loss of a batch is made of, per token. */
export interface VaeLossParts {
  /** Mean −log p(x_t | …) per token. */
  reconstruction: number;
  /** Mean KL per window (nats). */
  kl: number;
  /** β used. */
  beta: number;
  /** The objective per token. */
  loss: number;
}

const LSTMS = ['encoder_forward', 'encoder_backward', 'decoder'] as const;
const DENSES = ['mu', 'sigma', 'initial_state', 'output'] as const;

/** Every weight's name and shape, in order. */
export function vaeWeightShapes(c: VaeModelConfig): { name: string; shape: number[] }[] {
  const H = c.units;
  const Z = c.latent;
  const V = c.vocab;
  const inputs: Record<(typeof LSTMS)[number], number> = { encoder_forward: V, encoder_backward: V, decoder: V + 1 + Z };
  const dense: Record<(typeof DENSES)[number], [number, number]> = { mu: [2 * H, Z], sigma: [2 * H, Z], initial_state: [Z, 2 * H], output: [H, V] };
  return [
    ...LSTMS.flatMap((l) => [
      { name: `${l}/kernel`, shape: [inputs[l], 4 * H] },
      { name: `${l}/recurrent_kernel`, shape: [H, 4 * H] },
      { name: `${l}/bias`, shape: [4 * H] },
    ]),
    ...DENSES.flatMap((d) => [
      { name: `${d}/kernel`, shape: dense[d] },
      { name: `${d}/bias`, shape: [dense[d][1]] },
    ]),
  ];
}

/** Check a configuration (from a caller or musegen.json); throws MusegenError(code). */
export function checkVaeConfig(c: Partial<VaeModelConfig>, code: 'BAD_ARGUMENT' | 'BAD_MODEL' = 'BAD_ARGUMENT'): VaeModelConfig {
  const positive = (n: unknown): boolean => Number.isInteger(n) && (n as number) > 0;
  for (const k of ['vocab', 'steps', 'units', 'latent'] as const) {
    if (!positive(c[k])) throw new MusegenError(code, `VAE: ${k} must be a positive integer, not ${String(c[k])}`);
  }
  const num = (k: 'beta' | 'betaRate' | 'freeBits' | 'sampling', ok: (x: number) => boolean, what: string): number => {
    const x = c[k];
    if (!(typeof x === 'number' && ok(x))) throw new MusegenError(code, `VAE: ${k} must be ${what}, not ${String(x)}`);
    return x;
  };
  return {
    vocab: c.vocab!, steps: c.steps!, units: c.units!, latent: c.latent!,
    beta: num('beta', (x) => x >= 0 && x <= 10, 'from 0 to 10'),
    betaRate: num('betaRate', (x) => x >= 0 && x < 1, 'in [0, 1)'),
    freeBits: num('freeBits', (x) => x >= 0, 'at least 0'),
    sampling: num('sampling', (x) => x >= 0, 'at least 0'),
  };
}

/** β after `step` training steps. */
export function betaAt(c: Pick<VaeModelConfig, 'beta' | 'betaRate'>, step: number): number {
  return c.beta * (1 - c.betaRate ** step);
}

/** Probability that the decoder reads its own sample rather than the truth, after `step` steps (inverse-sigmoid schedule). */
export function samplingProbability(k: number, step: number): number {
  if (k <= 0) return 0;
  return 1 - k / (k + Math.exp(Math.min(step / k, 80)));
}

type Lstm = LstmWeights & { kernel: tf.Variable; recurrentKernel: tf.Variable; bias: tf.Variable };
type Dense = { kernel: tf.Variable<tf.Rank.R2>; bias: tf.Variable<tf.Rank.R1> };

export class VaeModel {
  private readonly lstm: Record<(typeof LSTMS)[number], Lstm>;
  private readonly dense: Record<(typeof DENSES)[number], Dense>;

  private constructor(readonly config: VaeModelConfig, weights: Map<string, Float32Array>, private rng: Rng) {
    const shapes = new Map(vaeWeightShapes(config).map((w) => [w.name, w.shape]));
    const v = (name: string): tf.Variable => variableOf(weights.get(name)!, shapes.get(name)!);
    const layer = (l: string): Lstm => ({ kernel: v(`${l}/kernel`), recurrentKernel: v(`${l}/recurrent_kernel`), bias: v(`${l}/bias`) }) as Lstm;
    const dense = (d: string): Dense => ({ kernel: v(`${d}/kernel`) as tf.Variable<tf.Rank.R2>, bias: v(`${d}/bias`) as tf.Variable<tf.Rank.R1> });
    this.lstm = { encoder_forward: layer('encoder_forward'), encoder_backward: layer('encoder_backward'), decoder: layer('decoder') };
    this.dense = { mu: dense('mu'), sigma: dense('sigma'), initial_state: dense('initial_state'), output: dense('output') };
  }

  /** A new model: Glorot kernels, orthogonal recurrent kernels, forget-gate bias 1, zero dense biases. */
  static create(config: VaeModelConfig, options: { seed: Seed }): VaeModel {
    const c = checkVaeConfig(config);
    const rng = createRng(options.seed);
    const weights = new Map<string, Float32Array>();
    for (const { name, shape } of vaeWeightShapes(c)) {
      if (name.endsWith('/recurrent_kernel')) weights.set(name, orthogonal(shape[0]!, shape[1]!, rng));
      else if (name.endsWith('/kernel')) weights.set(name, glorotUniform(shape[0]!, shape[1]!, rng));
      else if (LSTMS.some((l) => name === `${l}/bias`)) weights.set(name, new Float32Array(shape[0]!).fill(1, c.units, 2 * c.units));
      else weights.set(name, new Float32Array(shape[0]!));
    }
    return new VaeModel(c, weights, rng.fork());
  }

  /** A model from saved weights; throws MusegenError('BAD_MODEL') naming a missing or misshapen one. */
  static fromWeights(config: VaeModelConfig, weights: Map<string, Float32Array>, options: { seed: Seed }): VaeModel {
    const c = checkVaeConfig(config, 'BAD_MODEL');
    for (const { name, shape } of vaeWeightShapes(c)) {
      const w = weights.get(name);
      const size = shape.reduce((a, b) => a * b, 1);
      if (!w) throw new MusegenError('BAD_MODEL', `weight ${name} is missing`);
      if (w.length !== size) throw new MusegenError('BAD_MODEL', `weight ${name} has ${w.length} values, expected [${shape}] = ${size} for the hyper-parameters saved with it`);
    }
    return new VaeModel(c, weights, createRng(options.seed));
  }

  /** Draw ε and scheduled samples from a fresh stream (the trainer reseeds per step, so a resumed run draws the same). */
  setSeed(seed: Seed): void {
    this.rng = createRng(seed);
  }

  get variables(): tf.Variable[] {
    return [
      ...LSTMS.flatMap((l) => [this.lstm[l].kernel, this.lstm[l].recurrentKernel, this.lstm[l].bias]),
      ...DENSES.flatMap((d) => [this.dense[d].kernel, this.dense[d].bias]),
    ];
  }

  /** The weights by name, copied out. */
  weights(): Map<string, Float32Array> {
    const vars = this.variables;
    return new Map(vaeWeightShapes(this.config).map(({ name }, i) => [name, Float32Array.from(vars[i]!.dataSync() as Float32Array)]));
  }

  private checkTokens(tokens: Int32Array, batch: number): void {
    const { steps, vocab } = this.config;
    if (tokens.length !== batch * steps) throw new MusegenError('BAD_ARGUMENT', `VAE: ${tokens.length} tokens, expected ${batch}·${steps}`);
    for (const t of tokens) if (!(t >= 0 && t < vocab)) throw new MusegenError('BAD_ARGUMENT', `VAE: token ${t} outside 0..${vocab - 1}`);
  }

  /** μ and σ of q(z | x) for windows of tokens (batch-major [batch·steps]), as tensors [batch, Z]. */
  posterior(tokens: Int32Array, batch: number): { mu: tf.Tensor2D; sigma: tf.Tensor2D } {
    this.checkTokens(tokens, batch);
    const T = this.config.steps;
    const H = this.config.units;
    const forward = new Int32Array(batch * T);
    const backward = new Int32Array(batch * T);
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < T; t++) {
        forward[t * batch + b] = tokens[b * T + t]!;
        backward[t * batch + b] = tokens[b * T + T - 1 - t]!;
      }
    }
    const hf = lstmSequence({ indices: forward }, this.lstm.encoder_forward, { steps: T, batch });
    const hb = lstmSequence({ indices: backward }, this.lstm.encoder_backward, { steps: T, batch });
    const last = tf.concat([tf.slice(hf, [(T - 1) * batch, 0], [batch, H]), tf.slice(hb, [(T - 1) * batch, 0], [batch, H])], 1);
    const mu = tf.add(tf.matMul(last, this.dense.mu.kernel), this.dense.mu.bias) as tf.Tensor2D;
    const sigma = tf.softplus(tf.add(tf.matMul(last, this.dense.sigma.kernel), this.dense.sigma.bias)) as tf.Tensor2D;
    return { mu, sigma };
  }

  /** Decoder logits, time-major [steps·batch, V], from z [batch, Z] and the decoder's input tokens (batch-major; START at step 0 is added). */
  decoderLogits(z: tf.Tensor2D, inputs: Int32Array, batch: number): tf.Tensor2D {
    const { steps: T, units: H, vocab: V } = this.config;
    const init = tf.tanh(tf.add(tf.matMul(z, this.dense.initial_state.kernel), this.dense.initial_state.bias));
    const h0 = tf.slice(init, [0, 0], [batch, H]) as tf.Tensor2D;
    const c0 = tf.slice(init, [0, H], [batch, H]) as tf.Tensor2D;
    const indices = new Int32Array(T * batch);
    for (let b = 0; b < batch; b++) {
      indices[b] = V; // START
      for (let t = 1; t < T; t++) indices[t * batch + b] = inputs[b * T + t - 1]!;
    }
    const zRows = tf.tile(z, [T, 1]) as tf.Tensor2D; // row t·batch + b = z_b
    const h = lstmSequence({ indices, x: zRows }, this.lstm.decoder, { steps: T, batch, initialState: { h: h0, c: c0 } });
    return tf.add(tf.matMul(h, this.dense.output.kernel), this.dense.output.bias) as tf.Tensor2D;
  }

  /** KL(N(μ, σ²) ‖ N(0, I)) per window, [batch]. */
  static kl(mu: tf.Tensor2D, sigma: tf.Tensor2D): tf.Tensor1D {
    return tf.sum(tf.sub(tf.mul(0.5, tf.add(tf.square(mu), tf.sub(tf.square(sigma), 1))), tf.log(tf.add(sigma, 1e-8))), 1) as tf.Tensor1D;
  }

  /**
   * The objective of a batch of whole windows (batch-major tokens, weights 1
   * for real windows' steps), and its parts. `step`: the training step (β's
   * annealing and the sampling schedule); `sample`: draw z (training) or use μ.
   */
  loss(tokens: Int32Array, weights: Float32Array, batch: number, options: { step: number; sample: boolean; scheduled?: boolean }): { loss: tf.Scalar; parts: () => VaeLossParts } {
    const { steps: T, latent: Z, vocab: V } = this.config;
    const { mu, sigma } = this.posterior(tokens, batch);
    let z: tf.Tensor2D = mu;
    if (options.sample) {
      const eps = new Float32Array(batch * Z);
      for (let i = 0; i < eps.length; i++) eps[i] = this.rng.normal();
      z = tf.add(mu, tf.mul(sigma, tf.tensor2d(eps, [batch, Z])));
    }
    let inputs = tokens;
    const p = options.scheduled ? samplingProbability(this.config.sampling, options.step) : 0;
    if (p > 0) {
      const guessed = tf.tidy(() => this.decoderLogits(z, tokens, batch));
      const guess = guessed.dataSync() as Float32Array;
      guessed.dispose();
      inputs = Int32Array.from(tokens);
      for (let b = 0; b < batch; b++) {
        for (let t = 0; t < T - 1; t++) {
          if (this.rng.next() >= p) continue;
          inputs[b * T + t] = sampleRow(guess, (t * batch + b) * V, V, this.rng);
        }
      }
    }
    const logits = this.decoderLogits(z, inputs, batch);
    const classes = new Int32Array(T * batch);
    const w = new Float32Array(T * batch);
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < T; t++) {
        classes[t * batch + b] = tokens[b * T + t]!;
        w[t * batch + b] = weights[b * T + t]!;
      }
    }
    const real = w.reduce((a, x) => a + x, 0);
    const windows = new Float32Array(batch);
    for (let b = 0; b < batch; b++) windows[b] = weights[b * T]! > 0 ? 1 : 0;
    const nWindows = Math.max(1, windows.reduce((a, x) => a + x, 0));
    const ce = softmaxCrossEntropy(logits, classes);
    const reconstruction = tf.div(tf.sum(tf.mul(ce, tf.tensor1d(w))), Math.max(1, real));
    const klPer = VaeModel.kl(mu, sigma);
    const windowMask = tf.tensor1d(windows);
    const kl = tf.div(tf.sum(tf.mul(klPer, windowMask)), nWindows);
    const free = this.config.freeBits * Math.LN2;
    const klCost = tf.div(tf.sum(tf.mul(tf.relu(tf.sub(klPer, free)), windowMask)), nWindows);
    const beta = betaAt(this.config, options.step);
    const loss = tf.add(reconstruction, tf.mul(beta / T, klCost)) as tf.Scalar;
    return {
      loss,
      parts: () => ({ reconstruction: reconstruction.dataSync()[0]!, kl: kl.dataSync()[0]!, beta, loss: loss.dataSync()[0]! }),
    };
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}

/** A class drawn from softmax(logits[offset … offset + n)). */
function sampleRow(logits: Float32Array, offset: number, n: number, rng: Rng): number {
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, logits[offset + i]!);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp(logits[offset + i]! - max);
  let u = rng.next() * sum;
  for (let i = 0; i < n; i++) {
    u -= Math.exp(logits[offset + i]! - max);
    if (u <= 0) return i;
  }
  return n - 1;
}

/**
 * The decoder one step at a time, in plain JavaScript (batch 1), for one z:
 * z's share of the gates (z·W_z + b) is computed once.
 */
export class VaeDecoderStepper {
  private readonly H: number;
  private readonly h: Float64Array;
  private readonly c: Float64Array;
  private readonly base: Float64Array;
  private readonly zs: Float64Array;
  private t = 0;

  constructor(
    private readonly config: VaeModelConfig,
    private readonly weights: Map<string, Float32Array>,
    z: Float32Array,
  ) {
    const H = (this.H = config.units);
    const V = config.vocab;
    const Z = config.latent;
    if (z.length !== Z) throw new MusegenError('BAD_ARGUMENT', `z has ${z.length} values; this model's latent space has ${Z}`);
    const G = 4 * H;
    const kernel = weights.get('decoder/kernel')!;
    const bias = weights.get('decoder/bias')!;
    this.base = new Float64Array(G);
    for (let j = 0; j < G; j++) this.base[j] = bias[j]!;
    for (let i = 0; i < Z; i++) {
      const zi = z[i]!;
      const row = (V + 1 + i) * G;
      for (let j = 0; j < G; j++) this.base[j] += zi * kernel[row + j]!;
    }
    const ik = weights.get('initial_state/kernel')!;
    const ib = weights.get('initial_state/bias')!;
    this.h = new Float64Array(H);
    this.c = new Float64Array(H);
    for (let j = 0; j < 2 * H; j++) {
      let s = ib[j]!;
      for (let i = 0; i < Z; i++) s += z[i]! * ik[i * 2 * H + j]!;
      if (j < H) this.h[j] = Math.tanh(s);
      else this.c[j - H] = Math.tanh(s);
    }
    this.zs = new Float64Array(G);
  }

  get position(): number {
    return this.t;
  }

  /** Feed the token of the step before (START = vocab at the first) and get the logits of the next step. */
  step(previous: number): Float32Array {
    if (this.t >= this.config.steps) throw new MusegenError('BAD_ARGUMENT', `the window's ${this.config.steps} steps are all decoded`);
    const { H } = this;
    const G = 4 * H;
    const kernel = this.weights.get('decoder/kernel')!;
    const recurrent = this.weights.get('decoder/recurrent_kernel')!;
    const z = this.zs;
    for (let j = 0; j < G; j++) z[j] = this.base[j]! + kernel[previous * G + j]!;
    lstmCellStep(z, this.h, this.c, recurrent);
    this.t++;
    return denseOf(this.h, this.weights.get('output/kernel')!, this.weights.get('output/bias')!);
  }
}
