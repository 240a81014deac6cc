/**
 * The latent melody model as a generator of its own kind, 'vae' (MusicVAE's
 * flat melody model): windows of whole bars of one meter encode to a
 * Gaussian latent z and decode back (Latent), and it trains through the
 * common trainer on the latent layout (encoding's latent-layout.ts).
 *
 *   window tokens ─ encode ─► μ, σ of q(z | x)          (the bidirectional encoder, batched)
 *   z ─ decode ─► tokens, one step after another         (plain JavaScript at batch 1; temperature 0: the likeliest)
 *   z ─ decodeLogits(window) ─► teacher-forced logits     (evaluation)
 *
 * Attribute vectors (note density, pitch range, syncopation… fitted on a
 * corpus by sampling's `fitAttributes`) are kept in musegen.json
 * (`hyper.attributes`) and read back on load.
 *
 * Registered options: units, latent, bars, beats and unit (the meter: 4 and 4
 * for 4/4), beta (β at the end of annealing), anneal (β's rate per step),
 * freebits (KL free per window, in bits), sampling (k of the inverse-sigmoid
 * scheduled-sampling schedule; 0: teacher forcing only).
 */
import * as tf from '@tensorflow/tfjs';
import {
  LATENT_SCHEME, LatentLayout, latentLayoutUnsupported, windowSteps,
  type AnyEncoder, type LatentBatch, type LatentWindowSpec,
} from '../encoding/index.js';
import { createRng, requireWeights, type ModelFolder, type NamedArrays, type Seed } from '../engine/index.js';
import { MusegenError, errorMessage } from '../errors.js';
import { adamLearner } from './adam-learner.js';
import type { Generator, Latent, LatentCode, LearnStep, Learner, LearnerOptions, Trainable } from './generator.js';
import { registerKind, type KindOptions, type ModelKind } from './registry.js';
import { VaeDecoderStepper, VaeModel, checkVaeConfig, vaeWeightShapes, type VaeLossParts, type VaeModelConfig } from './vae-model.js';

export interface VaeOptions {
  units: number;
  latent: number;
  bars: number;
  beats: number;
  unit: number;
  beta: number;
  anneal: number;
  freebits: number;
  sampling: number;
}

export const VAE_DEFAULTS: Readonly<VaeOptions> = {
  units: 256, latent: 64, bars: 2, beats: 4, unit: 4, beta: 0.2, anneal: 0.999, freebits: 0, sampling: 0,
};

/** Windows encoded per batch of the encoder (memory bounded). */
const ENCODE_BATCH = 256;

export class VaeGenerator implements Generator, Latent {
  readonly kind = 'vae';
  readonly latent: Latent = this;
  readonly size: number;
  readonly window: LatentWindowSpec & { steps: number };
  readonly vocab: number;
  readonly layout: LatentLayout;
  readonly trainable?: Trainable<LatentBatch>;
  private readonly attributeVectors: Map<string, Float32Array>;
  private cachedWeights: Map<string, Float32Array> | null = null;

  private constructor(
    readonly encoder: AnyEncoder,
    readonly config: VaeModelConfig,
    spec: LatentWindowSpec,
    private readonly model: VaeModel,
    train: boolean,
    attributes: Record<string, number[]> = {},
  ) {
    const why = latentLayoutUnsupported(encoder);
    if (why) throw new MusegenError('BAD_MODEL', why);
    this.layout = new LatentLayout(encoder, spec);
    this.window = { ...spec, steps: this.layout.steps };
    this.size = config.latent;
    this.vocab = config.vocab;
    if (config.vocab !== encoder.vocabulary.size) throw new MusegenError('BAD_MODEL', `the model writes ${config.vocab} tokens; its encoder has ${encoder.vocabulary.size}`);
    if (config.steps !== this.layout.steps) throw new MusegenError('BAD_MODEL', `the model's windows are ${config.steps} steps; ${spec.bars} bars of ${spec.meter.numerator}/${spec.meter.denominator} are ${this.layout.steps}`);
    this.attributeVectors = new Map(Object.entries(attributes).map(([k, v]) => {
      if (!Array.isArray(v) || v.length !== config.latent || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw new MusegenError('BAD_MODEL', `musegen.json: attribute vector '${k}' must be ${config.latent} numbers`);
      }
      return [k, Float32Array.from(v)];
    }));
    if (train) this.trainable = new VaeTraining(model, () => this.hyper, () => { this.cachedWeights = null; });
  }

  static windowSpec(encoder: AnyEncoder, o: Pick<VaeOptions, 'bars' | 'beats' | 'unit'>): LatentWindowSpec {
    return { bars: o.bars, meter: { numerator: o.beats, denominator: o.unit }, stepsPerQuarter: encoder.spec.stepsPerQuarter };
  }

  static create(encoder: AnyEncoder, options: Partial<VaeOptions> = {}, init: { seed: Seed }): VaeGenerator & { trainable: Trainable<LatentBatch> } {
    const why = latentLayoutUnsupported(encoder);
    if (why) throw new MusegenError('BAD_ARGUMENT', why);
    const o = { ...VAE_DEFAULTS, ...options };
    if (![1, 2, 4, 8, 16, 32].includes(o.unit)) throw new MusegenError('BAD_ARGUMENT', `unit (the meter's lower number) must be 1, 2, 4, 8, 16 or 32, not ${o.unit}`);
    const spec = VaeGenerator.windowSpec(encoder, o);
    const config: VaeModelConfig = {
      vocab: encoder.vocabulary.size, steps: windowSteps(spec), units: o.units, latent: o.latent,
      beta: o.beta, betaRate: o.anneal, freeBits: o.freebits, sampling: o.sampling,
    };
    const model = VaeModel.create(config, init);
    return new VaeGenerator(encoder, model.config, spec, model, true) as VaeGenerator & { trainable: Trainable<LatentBatch> };
  }

  static fromFolder(folder: ModelFolder, encoder: AnyEncoder, init: { train: boolean; seed?: Seed }): VaeGenerator {
    const hyper = folder.meta.hyper;
    if (hyper.sequence !== LATENT_SCHEME) {
      throw new MusegenError('INCOMPATIBLE_MODEL', `trained on sequences '${String(hyper.sequence)}'; this musegen reads '${LATENT_SCHEME}' — retrain or upgrade`, folder.location);
    }
    let model: VaeModel | undefined;
    try {
      const config = checkVaeConfig(hyper.vae as Partial<VaeModelConfig>, 'BAD_MODEL');
      const w = hyper.window as Partial<LatentWindowSpec> | undefined;
      if (!w || !Number.isInteger(w.bars) || !w.meter || !Number.isInteger(w.meter.numerator) || !Number.isInteger(w.meter.denominator)) {
        throw new MusegenError('BAD_MODEL', 'musegen.json: a VAE needs hyper.window { bars, meter: { numerator, denominator } }');
      }
      const spec: LatentWindowSpec = { bars: w.bars!, meter: { numerator: w.meter.numerator, denominator: w.meter.denominator }, stepsPerQuarter: encoder.spec.stepsPerQuarter };
      const weights = requireWeights(folder, vaeWeightShapes(config));
      model = VaeModel.fromWeights(config, weights, { seed: init.seed ?? 0 });
      return new VaeGenerator(encoder, config, spec, model, init.train, (hyper.attributes ?? {}) as Record<string, number[]>);
    } catch (e) {
      model?.dispose();
      throw e instanceof MusegenError && e.file ? e : new MusegenError('BAD_MODEL', errorMessage(e), folder.location);
    }
  }

  get hyper(): Record<string, unknown> {
    const { bars, meter } = this.window;
    return {
      sequence: LATENT_SCHEME, window: { bars, meter }, vae: this.config,
      ...(this.attributeVectors.size > 0 ? { attributes: Object.fromEntries([...this.attributeVectors].map(([k, v]) => [k, [...v]])) } : {}),
    };
  }

  get attributes(): ReadonlyMap<string, Float32Array> {
    return this.attributeVectors;
  }

  setAttributes(vectors: ReadonlyMap<string, Float32Array>): void {
    for (const [k, v] of vectors) {
      if (v.length !== this.size) throw new MusegenError('BAD_ARGUMENT', `attribute vector '${k}' has ${v.length} values; z has ${this.size}`);
    }
    this.attributeVectors.clear();
    for (const [k, v] of vectors) this.attributeVectors.set(k, Float32Array.from(v));
  }

  private weightsNow(): Map<string, Float32Array> {
    this.cachedWeights ??= this.model.weights();
    return this.cachedWeights;
  }

  private checkWindow(w: Int32Array): void {
    if (w.length !== this.window.steps) throw new MusegenError('BAD_ARGUMENT', `a window of this model is ${this.window.steps} steps, not ${w.length}`);
  }

  encode(windows: readonly Int32Array[]): LatentCode[] {
    const out: LatentCode[] = [];
    const T = this.window.steps;
    const Z = this.size;
    for (let from = 0; from < windows.length; from += ENCODE_BATCH) {
      const part = windows.slice(from, from + ENCODE_BATCH);
      const tokens = new Int32Array(part.length * T);
      part.forEach((w, b) => {
        this.checkWindow(w);
        tokens.set(w, b * T);
      });
      const [mu, sigma] = tf.tidy(() => {
        const p = this.model.posterior(tokens, part.length);
        return [p.mu, p.sigma];
      });
      const m = mu!.dataSync() as Float32Array;
      const s = sigma!.dataSync() as Float32Array;
      tf.dispose([mu!, sigma!]);
      part.forEach((_, b) => out.push({ mu: m.slice(b * Z, (b + 1) * Z), sigma: s.slice(b * Z, (b + 1) * Z) }));
    }
    return out;
  }

  decode(z: Float32Array, options: { temperature?: number; seed?: Seed } = {}): Int32Array {
    const temperature = options.temperature ?? 1;
    if (!(temperature >= 0 && Number.isFinite(temperature))) throw new MusegenError('BAD_ARGUMENT', `temperature must be 0 or more, not ${temperature}`);
    const rng = createRng(options.seed ?? 0);
    const stepper = new VaeDecoderStepper(this.config, this.weightsNow(), z);
    const out = new Int32Array(this.window.steps);
    let previous = this.vocab; // START
    for (let t = 0; t < out.length; t++) {
      const logits = stepper.step(previous);
      previous = choose(logits, temperature, rng);
      out[t] = previous;
    }
    return out;
  }

  decodeLogits(zs: readonly Float32Array[], windows: readonly Int32Array[]): Float32Array[] {
    if (zs.length !== windows.length) throw new MusegenError('BAD_ARGUMENT', `${zs.length} latents for ${windows.length} windows`);
    const T = this.window.steps;
    const V = this.vocab;
    const Z = this.size;
    const out: Float32Array[] = [];
    for (let from = 0; from < windows.length; from += ENCODE_BATCH) {
      const part = windows.slice(from, from + ENCODE_BATCH);
      const B = part.length;
      const tokens = new Int32Array(B * T);
      const z = new Float32Array(B * Z);
      part.forEach((w, b) => {
        this.checkWindow(w);
        tokens.set(w, b * T);
        z.set(zs[from + b]!, b * Z);
      });
      const logits = tf.tidy(() => this.model.decoderLogits(tf.tensor2d(z, [B, Z]), tokens, B));
      const values = logits.dataSync() as Float32Array;
      logits.dispose();
      for (let b = 0; b < B; b++) {
        const rows = new Float32Array(T * V);
        for (let t = 0; t < T; t++) rows.set(values.subarray((t * B + b) * V, (t * B + b + 1) * V), t * V);
        out.push(rows);
      }
    }
    return out;
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** argmax at temperature 0, else a draw from softmax(logits / temperature). */
function choose(logits: Float32Array, temperature: number, rng: { next(): number }): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  if (temperature === 0) return best;
  const max = logits[best]!;
  const p = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += p[i] = Math.exp((logits[i]! - max) / temperature);
  let u = rng.next() * sum;
  for (let i = 0; i < p.length; i++) {
    u -= p[i]!;
    if (u <= 0) return i;
  }
  return p.length - 1;
}

/** The VAE as the trainer sees it: the step count drives β's annealing and the sampling schedule. */
class VaeTraining implements Trainable<LatentBatch> {
  readonly title: string;
  /** Training steps taken (restored from Adam's iteration count on resume). */
  private steps = 0;
  last: VaeLossParts | null = null;

  constructor(
    private readonly model: VaeModel,
    private readonly hyper: () => Record<string, unknown>,
    private readonly changed: () => void,
  ) {
    const c = model.config;
    this.title = `VAE: bidirectional LSTM 2×${c.units} → z ${c.latent} → LSTM ${c.units}`;
  }

  /** Validation: the objective at full β (the end of annealing), z = μ, no scheduled sampling. */
  loss(batch: LatentBatch): number {
    if (batch.targets === 0) return 0;
    return tf.tidy(() => this.model.loss(batch.tokens, batch.weights, batch.batch, { step: Infinity, sample: false }).loss.dataSync()[0]!);
  }

  learner(options: LearnerOptions): Learner<LatentBatch> {
    const model = this.model;
    const learner = adamLearner({
      variables: model.variables,
      loss: (batch: LatentBatch, step: LearnStep) => {
        model.setSeed(step.seed);
        return model.loss(batch.tokens, batch.weights, batch.batch, { step: this.steps, sample: true, scheduled: true }).loss;
      },
    }, options);
    const step = learner.step.bind(learner);
    learner.step = (batch, s) => {
      const loss = step(batch, s);
      this.steps++;
      this.changed();
      return loss;
    };
    const restore = learner.restore.bind(learner);
    learner.restore = async (state) => {
      await restore(state);
      const iterations = state.get('iterations');
      if (iterations) this.steps = Number(iterations.values[0]);
    };
    return learner;
  }

  weights(): NamedArrays {
    const shapes = new Map(vaeWeightShapes(this.model.config).map((w) => [w.name, w.shape]));
    return new Map([...this.model.weights()].map(([name, values]) => [name, { shape: shapes.get(name)!, values }]));
  }

  contents(weights: NamedArrays = this.weights()): { topology: null; weights: NamedArrays; hyper: Record<string, unknown> } {
    return { topology: null, weights, hyper: this.hyper() };
  }
}

const VAE_KIND: ModelKind = {
  name: 'vae',
  description: 'latent melody model (MusicVAE-like): windows of whole bars encode to z and decode back (musegen interpolate, sample from the prior)',
  options: [
    { name: 'units', description: 'units per LSTM layer', type: 'whole', default: VAE_DEFAULTS.units, min: 1, max: 4096 },
    { name: 'latent', description: 'size of the latent vector z', type: 'whole', default: VAE_DEFAULTS.latent, min: 1, max: 4096 },
    { name: 'bars', description: 'bars per window', type: 'whole', default: VAE_DEFAULTS.bars, min: 1, max: 64 },
    { name: 'beats', description: 'the meter\'s upper number (4 for 4/4)', type: 'whole', default: VAE_DEFAULTS.beats, min: 1, max: 32 },
    { name: 'unit', description: 'the meter\'s lower number (4 for 4/4)', type: 'whole', default: VAE_DEFAULTS.unit, min: 1, max: 32 },
    { name: 'beta', description: 'weight of the KL term at the end of annealing', type: 'decimal', default: VAE_DEFAULTS.beta, min: 0, max: 10 },
    { name: 'anneal', description: 'β after n steps = beta × (1 − anneal^n)', type: 'decimal', default: VAE_DEFAULTS.anneal, min: 0, max: 0.9999999 },
    { name: 'freebits', description: 'KL per window left free (bits)', type: 'decimal', default: VAE_DEFAULTS.freebits, min: 0, max: 100000 },
    { name: 'sampling', description: 'scheduled sampling: k of the inverse-sigmoid schedule (0: teacher forcing only)', type: 'decimal', default: VAE_DEFAULTS.sampling, min: 0, max: 1e9 },
  ],
  encoder: { encoding: 'melody', features: [] },
  unsupported: latentLayoutUnsupported,
  layout: (encoder, options) => new LatentLayout(encoder, VaeGenerator.windowSpec(encoder, { ...VAE_DEFAULTS, ...(options as Partial<VaeOptions> | undefined) })),
  create: (encoder, options: KindOptions, init) => VaeGenerator.create(encoder, options as Partial<VaeOptions>, init) as ReturnType<ModelKind['create']>,
  load: (folder, encoder, init) => VaeGenerator.fromFolder(folder, encoder, init),
  describe(hyper) {
    const c = hyper.vae as Partial<VaeModelConfig> | undefined;
    const w = hyper.window as Partial<LatentWindowSpec> | undefined;
    return c ? `VAE: ${w?.bars ?? '?'} bars of ${w?.meter?.numerator ?? '?'}/${w?.meter?.denominator ?? '?'}, bidirectional LSTM 2×${c.units} → z ${c.latent} → LSTM ${c.units}` : 'vae';
  },
};

registerKind(VAE_KIND);
