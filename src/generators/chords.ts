/**
 * The chord accompaniment model as a generator of its own kind, 'chords': it
 * reads a whole melody and writes one chord class per beat (ChordWriter), and
 * trains through the common trainer on the chord layout (encoding's
 * chord-layout.ts) — batches of beat slots, the true chords as targets.
 *
 *   melody ─ encoder ─ ChordLayout.read ─ slot inputs ─ ChordModel.encode (both directions, once)
 *          ─ session: logits(slot s | chords before) ─ the sampler's choice ─ push ─ …
 *
 * Registered options: `units` (per LSTM) and `dropout`.
 *
 * @example
 *   const gen = ChordsGenerator.create(new MelodyEncoder({ features: [] }), { units: 64, dropout: 0.2 }, { seed: 1 });
 *   const session = gen.chords.session(gen.encoder.encode(tune) as EncodedEvents);
 *   while (session.position < session.slots.length) session.push(argmax(session.logits()));
 */
import * as tf from '@tensorflow/tfjs';
import {
  CHORD_CLASSES, CHORD_SCHEME, CHORD_START, ChordLayout, SLOT_WIDTH, chordLayoutUnsupported,
  type AnyEncoder, type ChordBatch, type EncodedEvents,
} from '../encoding/index.js';
import { requireWeights, type ModelFolder, type NamedArrays, type Seed } from '../engine/index.js';
import { adamLearner } from './adam-learner.js';
import { MusegenError, errorMessage, shownValue } from '../errors.js';
import type { ChordSession, ChordWriter, Generator, LearnStep, Learner, LearnerOptions, Trainable } from './generator.js';
import { ChordModel, ChordStepper, chordWeightShapes, checkChordConfig, type ChordModelConfig } from './chords-model.js';
import { registerKind, type KindOptions, type ModelKind } from './registry.js';

export interface ChordsOptions {
  /** Units of each LSTM (each encoder direction, and the decoder). */
  units: number;
  dropout: number;
}

export const CHORDS_DEFAULTS: Readonly<ChordsOptions> = { units: 128, dropout: 0.3 };

export class ChordsGenerator implements Generator, ChordWriter {
  readonly kind = 'chords';
  readonly chords: ChordWriter = this;
  readonly classes = CHORD_CLASSES;
  readonly layout: ChordLayout;
  readonly trainable?: Trainable<ChordBatch>;

  private constructor(
    readonly encoder: AnyEncoder,
    readonly config: ChordModelConfig,
    private readonly model: ChordModel,
    train: boolean,
  ) {
    const why = chordLayoutUnsupported(encoder);
    if (why) throw new MusegenError('BAD_MODEL', why);
    if (config.inputSize !== SLOT_WIDTH || config.classes !== CHORD_CLASSES) {
      throw new MusegenError('BAD_MODEL', `the chord model reads ${config.inputSize} columns and writes ${config.classes} classes; this musegen's chord layout has ${SLOT_WIDTH} and ${CHORD_CLASSES}`);
    }
    this.layout = new ChordLayout(encoder);
    if (train) this.trainable = new ChordsTraining(model, this.hyper);
  }

  static create(encoder: AnyEncoder, options: Partial<ChordsOptions> = {}, init: { seed: Seed }): ChordsGenerator & { trainable: Trainable<ChordBatch> } {
    const { units, dropout } = { ...CHORDS_DEFAULTS, ...options };
    const model = ChordModel.create({ inputSize: SLOT_WIDTH, classes: CHORD_CLASSES, units, dropout }, init);
    return new ChordsGenerator(encoder, model.config, model, true) as ChordsGenerator & { trainable: Trainable<ChordBatch> };
  }

  static fromFolder(folder: ModelFolder, encoder: AnyEncoder, init: { train: boolean; seed?: Seed }): ChordsGenerator {
    const hyper = folder.meta.hyper;
    if (hyper.sequence !== CHORD_SCHEME) {
      throw new MusegenError('BAD_MODEL', `the model's layout is ${shownValue(hyper.sequence ?? null)}, not ${CHORD_SCHEME}: it was made by another version of musegen`, folder.location);
    }
    let model: ChordModel | undefined;
    try {
      const config = checkChordConfig(hyper.chords as Partial<ChordModelConfig>, 'BAD_MODEL');
      const weights = requireWeights(folder, chordWeightShapes(config));
      model = ChordModel.fromWeights(config, weights, { seed: init.seed ?? 0 });
      return new ChordsGenerator(encoder, config, model, init.train);
    } catch (e) {
      model?.dispose();
      throw e instanceof MusegenError && e.file ? e : new MusegenError('BAD_MODEL', errorMessage(e), folder.location);
    }
  }

  get hyper(): Record<string, unknown> {
    return { sequence: CHORD_SCHEME, units: this.config.units, dropout: this.config.dropout };
  }

  session(melody: EncodedEvents): ChordSession {
    if (melody.kind !== 'events' || melody.tracks !== 1) throw new MusegenError('BAD_ARGUMENT', 'a chord session reads one melody, encoded by the model\'s own encoder');
    const { slots, inputs } = this.layout.read(melody);
    const n = slots.length;
    const H = this.config.units;
    const encoded = n === 0 ? new Float32Array(0) : tf.tidy(() => {
      const out = this.model.encode({ batch: 1, steps: n, inputs, lengths: Int32Array.of(n), previous: new Int32Array(n) });
      return out.dataSync() as Float32Array;
    });
    const stepper = new ChordStepper(this.config, this.model.weights(), Float32Array.from(encoded.subarray(0, n * 2 * H)), n);
    let previous = CHORD_START;
    let cached: Float32Array | null = null;
    return {
      slots,
      get position() {
        return stepper.position - (cached ? 1 : 0);
      },
      logits() {
        cached ??= stepper.step(previous);
        return Float32Array.from(cached);
      },
      push(chordClass: number) {
        if (!(Number.isInteger(chordClass) && chordClass >= 0 && chordClass < CHORD_CLASSES)) throw new MusegenError('BAD_ARGUMENT', `chord class ${chordClass} outside 0..${CHORD_CLASSES - 1}`);
        cached ??= stepper.step(previous);
        previous = chordClass;
        cached = null;
      },
    };
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** The chord model as the trainer sees it. */
class ChordsTraining implements Trainable<ChordBatch> {
  readonly title: string;

  constructor(
    private readonly model: ChordModel,
    private readonly hyper: Record<string, unknown>,
  ) {
    this.title = `chords: bidirectional LSTM 2×${model.config.units} + decoder ${model.config.units}`;
  }

  private lossTensor(batch: ChordBatch, training: boolean): tf.Scalar {
    return this.model.loss(batch, batch.classes, batch.weights, training);
  }

  loss(batch: ChordBatch): number {
    if (batch.targets === 0) return 0;
    const loss = tf.tidy(() => this.lossTensor(batch, false));
    const value = loss.dataSync()[0]!;
    loss.dispose();
    return value;
  }

  learner(options: LearnerOptions): Learner<ChordBatch> {
    const model = this.model;
    const learner = adamLearner({
      variables: model.variables,
      loss: (batch: ChordBatch, step: LearnStep) => {
        model.setDropoutSeed(step.seed);
        return this.lossTensor(batch, true);
      },
    }, options);
    const step = learner.step.bind(learner);
    learner.step = (batch, s) => (batch.targets === 0 ? 0 : step(batch, s)); // a batch of pieces without chords teaches nothing
    return learner;
  }

  weights(): NamedArrays {
    const shapes = new Map(chordWeightShapes(this.model.config).map((w) => [w.name, w.shape]));
    return new Map([...this.model.weights()].map(([name, values]) => [name, { shape: shapes.get(name)!, values }]));
  }

  contents(weights: NamedArrays = this.weights()): { topology: null; weights: NamedArrays; hyper: Record<string, unknown> } {
    return { topology: null, weights, hyper: { ...this.hyper, chords: this.model.config } };
  }
}

const CHORDS_KIND: ModelKind = {
  name: 'chords',
  description: 'chord accompaniment: a bidirectional LSTM reads a whole melody, an LSTM decoder writes one chord symbol per beat (musegen accompany --style chords)',
  options: [
    { name: 'units', description: 'units per LSTM layer', type: 'whole', default: CHORDS_DEFAULTS.units, min: 1, max: 4096 },
    { name: 'dropout', description: 'dropout after each LSTM layer', type: 'decimal', default: CHORDS_DEFAULTS.dropout, min: 0, max: 0.95 },
  ],
  encoder: { encoding: 'melody', features: [] },
  unsupported: chordLayoutUnsupported,
  layout: (encoder) => new ChordLayout(encoder),
  create: (encoder, options: KindOptions, init) => ChordsGenerator.create(encoder, options as Partial<ChordsOptions>, init) as ReturnType<ModelKind['create']>,
  load: (folder, encoder, init) => ChordsGenerator.fromFolder(folder, encoder, init),
  describe(hyper) {
    const c = hyper.chords as Partial<ChordModelConfig> | undefined;
    return c ? `chords: bidirectional LSTM 2×${c.units} + decoder ${c.units}` : 'chords';
  },
};

registerKind(CHORDS_KIND);
