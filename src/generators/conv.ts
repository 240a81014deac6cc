/**
 * The convolutional harmoniser (Coconet-like), registered as the kind
 * 'conv': it fills cells. Given a piece of voice cells of which some are
 * known, it gives a distribution over rest and every pitch for every cell at
 * once; Gibbs sampling (sampling/gibbs.ts) turns that into harmonisations,
 * infilling and chorales from nothing.
 *
 *   cells + mask + features ─ conv-planes ─► [1, steps, values, 2V+F] ─ ConvNet (residual 3×3 convs, batch norm)
 *     ─► logits [1, steps, values, V] ─ softmax over values (÷ temperature) ─► [V, steps, values]
 *
 * Training (through the common trainer, batches from encoding's CellLayout):
 * each example hides a random set of cells (conv-masks.ts) and the loss is
 * the cross-entropy of the hidden cells, averaged per example over how many
 * it hides, then over the batch — Coconet's rescaled loss.
 *
 * @example
 *   const gen = ConvGenerator.create(new PianoRollEncoder(CONV_ENCODER), { filters: 32, layers: 8 }, { seed: 1 });
 *   const p = gen.distributions({ piece, context, mask });   // Float32Array [tracks, steps, values]
 */
import * as tf from '@tensorflow/tfjs';
import {
  CellLayout, SEQUENCE_SCHEMES, cellEncoder, featureRows,
  type AnyEncoder, type CellBatch, type EncoderSpec, type PianoRollEncoder,
} from '../encoding/index.js';
import { ConvNet, createRng, type ConvNetOptions, type ModelFolder, type NamedArrays, type Seed } from '../engine/index.js';
import { MusegenError, errorMessage, shownValue } from '../errors.js';
import { adamLearner } from './adam-learner.js';
import { trainingMask } from './conv-masks.js';
import { inputChannels, writeInput, type PlaneShape } from './conv-planes.js';
import type { Generator, Infill, InfillRequest, LearnStep, Learner, LearnerOptions, Trainable } from './generator.js';
import { registerKind, type KindOptions, type ModelKind } from './registry.js';
import { checkSequence } from './session.js';

/** The architecture a user chooses. */
export interface ConvOptions {
  /** Filters per hidden convolution. */
  filters: number;
  /** Convolutions in all (the first and last included). */
  layers: number;
}

export const CONV_DEFAULTS: Readonly<ConvOptions> = { filters: 64, layers: 16 };

/** The encoder a conv model starts from: four voices at sixteenths over the chorales' range, beat and fermata. */
export const CONV_ENCODER = {
  encoding: 'pianoroll', parts: [0, 1, 2, 3], lowest: 36, highest: 81, onsets: false, stepsPerQuarter: 4, features: ['beat', 'fermata'],
} as const;

const SATB = ['soprano', 'alto', 'tenor', 'bass'];
/** Seed of the masks validation scores under (the same every epoch). */
const VALIDATION_MASKS = 0x5eed;

/** The names of a model's voices, highest first. */
export function voiceNames(tracks: number): string[] {
  return tracks === SATB.length ? [...SATB] : Array.from({ length: tracks }, (_, i) => `voice ${i + 1}`);
}

export class ConvGenerator implements Generator, Infill {
  readonly kind = 'conv';
  readonly layout: CellLayout;
  readonly infill: Infill = this;
  readonly trainable?: Trainable<CellBatch>;
  readonly voices: readonly string[];
  readonly lowest: number;
  readonly values: number;

  private constructor(
    readonly encoder: AnyEncoder,
    readonly options: ConvOptions,
    /** The network (its variables train in place). */
    readonly net: ConvNet,
    train: boolean,
  ) {
    const roll = encoder as unknown as PianoRollEncoder;
    this.layout = new CellLayout(roll);
    this.voices = voiceNames(this.layout.tracks);
    this.lowest = roll.spec.lowest;
    this.values = roll.rollShape.pitches + 1;
    if (train) this.trainable = new ConvTraining(this);
  }

  /** The ConvNet's shape for an encoder and the options. */
  static netOptions(encoder: AnyEncoder, options: ConvOptions): ConvNetOptions {
    const tracks = encoder.tracks;
    return { ...ConvNet.getDefaults(), inputChannels: inputChannels({ tracks, featureWidth: encoder.featureLayout.width }), outputChannels: tracks, filters: options.filters, layers: options.layers };
  }

  /** A new, untrained generator. */
  static create(encoder: AnyEncoder, options: Partial<ConvOptions> = {}, init: { seed?: Seed } = {}): ConvGenerator & { trainable: Trainable<CellBatch> } {
    const why = unsupported(encoder);
    if (why) throw new MusegenError('BAD_ARGUMENT', why);
    const full = { ...CONV_DEFAULTS, ...options };
    const net = ConvNet.create(ConvGenerator.netOptions(encoder, full), { seed: init.seed ?? 0 });
    return new ConvGenerator(encoder, full, net, true) as ConvGenerator & { trainable: Trainable<CellBatch> };
  }

  /** From a model folder. Throws MusegenError('BAD_MODEL' | 'INCOMPATIBLE_MODEL'). */
  static fromFolder(folder: ModelFolder, encoder: AnyEncoder, init: { train: boolean }): ConvGenerator {
    const why = unsupported(encoder);
    if (why) throw new MusegenError('BAD_MODEL', `its encoder does not fit a conv model: ${why}`, folder.location);
    checkSequence(folder.meta.hyper, { output: 'cells' }, folder.location);
    const raw = folder.meta.hyper as Partial<ConvOptions>;
    const whole = (x: unknown, min: number): x is number => typeof x === 'number' && Number.isInteger(x) && x >= min;
    if (!whole(raw.filters, 1) || !whole(raw.layers, 2)) {
      throw new MusegenError('BAD_MODEL', `musegen.json: a conv model needs hyper.filters (≥ 1) and hyper.layers (≥ 2), not ${shownValue({ filters: raw.filters, layers: raw.layers })}`, folder.location);
    }
    const options = { filters: raw.filters, layers: raw.layers };
    try {
      return new ConvGenerator(encoder, options, ConvNet.fromWeights(ConvGenerator.netOptions(encoder, options), folder.weights), init.train);
    } catch (e) {
      throw e instanceof MusegenError && e.file ? e : new MusegenError('BAD_MODEL', errorMessage(e), folder.location);
    }
  }

  get hyper(): Record<string, unknown> {
    return { sequence: SEQUENCE_SCHEMES.cells, ...this.options, voices: this.voices };
  }

  /** The image's shape for a piece of `steps` steps. */
  planeShape(steps: number): PlaneShape {
    return { tracks: this.layout.tracks, steps, values: this.values, featureWidth: this.layout.featureWidth };
  }

  /** Logits [batch, steps, values, tracks] for input images [batch, steps, values, channels]. */
  logits(input: tf.Tensor4D, training: boolean): tf.Tensor4D {
    return this.net.apply(input, { training });
  }

  distributions(request: InfillRequest, options: { temperature?: number } = {}): Float32Array {
    const { piece, context, mask } = request;
    const { tracks, steps, cells } = piece;
    if (tracks !== this.layout.tracks) {
      throw new MusegenError('BAD_ARGUMENT', `the model writes ${this.layout.tracks} voices; the piece has ${tracks}`);
    }
    if (cells.length !== tracks * steps || mask.length !== tracks * steps) throw new MusegenError('INTERNAL', 'cells and mask must be [tracks, steps]');
    const wrong = cells.findIndex((v, c) => !mask[c] && !(Number.isInteger(v) && v >= 0 && v < this.values));
    if (wrong >= 0) throw new MusegenError('BAD_ARGUMENT', `cell value ${cells[wrong]} is outside the model's 0..${this.values - 1} (rest and MIDI ${this.lowest}–${this.lowest + this.values - 2})`);
    const temperature = options.temperature ?? 1;
    if (!(temperature > 0)) throw new MusegenError('BAD_ARGUMENT', `temperature must be above 0, not ${temperature}`);
    const shape = this.planeShape(steps);
    const channels = inputChannels(shape);
    const image = new Float32Array(steps * this.values * channels);
    const spec = this.encoder.spec as EncoderSpec;
    writeInput(image, 0, shape, cells, mask, featureRows(spec.features, this.encoder.featureLayout, context, 0, steps));
    const logits = tf.tidy(() => this.logits(tf.tensor4d(image, [1, steps, this.values, channels]), false));
    const raw = logits.dataSync() as Float32Array; // [steps, values, tracks]
    logits.dispose();
    const out = new Float32Array(tracks * steps * this.values);
    const V = this.values;
    for (let t = 0; t < tracks; t++) {
      for (let s = 0; s < steps; s++) {
        const c = t * steps + s;
        const at = c * V;
        if (!mask[c]) {
          out[at + cells[c]!] = 1;
          continue;
        }
        let max = -Infinity;
        for (let v = 0; v < V; v++) max = Math.max(max, raw[(s * V + v) * tracks + t]!);
        let sum = 0;
        for (let v = 0; v < V; v++) {
          const e = Math.exp((raw[(s * V + v) * tracks + t]! - max) / temperature);
          out[at + v] = e;
          sum += e;
        }
        for (let v = 0; v < V; v++) out[at + v]! /= sum;
      }
    }
    return out;
  }

  dispose(): void {
    this.net.dispose();
  }
}

/** The conv model as the trainer sees it: masked cross-entropy, Adam over the net's variables. */
class ConvTraining implements Trainable<CellBatch> {
  readonly title: string;

  constructor(private readonly gen: ConvGenerator) {
    this.title = `conv ${gen.options.layers}×${gen.options.filters}`;
  }

  /** Coconet's loss of a batch under masks drawn from `seed`. */
  private lossTensor(batch: CellBatch, seed: Seed, training: boolean): tf.Scalar {
    const { batch: n, steps, tracks } = batch;
    const gen = this.gen;
    const V = gen.values;
    const shape = gen.planeShape(steps);
    const channels = inputChannels(shape);
    const image = new Float32Array(n * steps * V * channels);
    const targets = new Float32Array(n * steps * tracks * V); // [batch, steps, tracks, values]: 1/hidden at the true value of a hidden cell
    const rng = createRng(seed);
    let examples = 0;
    for (let b = 0; b < n; b++) {
      const real = batch.real.subarray(b * steps, (b + 1) * steps);
      const cells = batch.cells.subarray(b * tracks * steps, (b + 1) * tracks * steps);
      const mask = trainingMask(rng, tracks, steps, real);
      writeInput(image, b * steps * V * channels, shape, cells, mask, batch.features.subarray(b * steps * batch.featureWidth, (b + 1) * steps * batch.featureWidth), real);
      let hidden = 0;
      for (const m of mask) hidden += m;
      if (hidden === 0) continue;
      examples++;
      for (let t = 0; t < tracks; t++) {
        for (let s = 0; s < steps; s++) if (mask[t * steps + s]) targets[((b * steps + s) * tracks + t) * V + cells[t * steps + s]!] = 1 / hidden;
      }
    }
    const logits = gen.logits(tf.tensor4d(image, [n, steps, V, channels]), training);
    const logp = tf.logSoftmax(tf.transpose(logits, [0, 1, 3, 2]));
    return tf.div(tf.neg(tf.sum(tf.mul(logp, tf.tensor4d(targets, [n, steps, tracks, V])))), Math.max(1, examples));
  }

  loss(batch: CellBatch): number {
    const loss = tf.tidy(() => this.lossTensor(batch, VALIDATION_MASKS, false));
    const value = loss.dataSync()[0]!;
    loss.dispose();
    return value;
  }

  learner(options: LearnerOptions): Learner<CellBatch> {
    const net = this.gen.net;
    return adamLearner({
      variables: net.trainableVariables,
      loss: (batch: CellBatch, step: LearnStep) => this.lossTensor(batch, step.seed, true),
      after: () => net.updateMovingStats(),
    }, options);
  }

  weights(): NamedArrays {
    return this.gen.net.weights();
  }

  contents(weights: NamedArrays = this.weights()): { topology: object | null; weights: NamedArrays; hyper: Record<string, unknown> } {
    return { topology: null, weights, hyper: this.gen.hyper };
  }
}

/** Why a conv model cannot be made over `encoder`, or null. */
function unsupported(encoder: AnyEncoder): string | null {
  const why = cellEncoder(encoder);
  if (why) return `conv models fill voice cells: ${why} (the default encoder for --kind conv does)`;
  const described = (encoder.spec as EncoderSpec).features.find((f) => f.name === 'spelling' || f.name === 'lookback');
  if (described) return `conv models cannot read the ${described.name} feature (it describes the cells they predict)`;
  return null;
}

const CONV_KIND: ModelKind = {
  name: 'conv',
  description: 'convolutional harmoniser (Coconet-like): fills any voices and steps of a four-part piece by Gibbs sampling',
  options: [
    { name: 'filters', description: 'filters per convolution', type: 'whole', default: CONV_DEFAULTS.filters, min: 1, max: 1024 },
    { name: 'layers', description: 'convolutions (3×3, batch norm, residual every second)', type: 'whole', default: CONV_DEFAULTS.layers, min: 2, max: 128 },
  ],
  encoder: CONV_ENCODER,
  unsupported,
  layout: (encoder) => new CellLayout(encoder as unknown as PianoRollEncoder),
  create: (encoder, options: KindOptions, init) => ConvGenerator.create(encoder, options as Partial<ConvOptions>, init),
  load: (folder, encoder, init) => ConvGenerator.fromFolder(folder, encoder, init),
  describe(hyper) {
    return typeof hyper.layers === 'number' ? `conv ${hyper.layers}×${String(hyper.filters)}` : 'conv';
  },
};

registerKind(CONV_KIND);
