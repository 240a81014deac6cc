/**
 * The LSTM-NADE generator, kind 'nade': piano rolls whose rows are modelled
 * jointly (Boulanger-Lewandowski et al. 2012's RNN-NADE, its RNN an LSTM;
 * nade-model.ts). Left to right over the roll layout the LSTM kind uses
 * (previous row ⊕ features ⊕ start flag in, the row out), trainable by
 * gradients through the common trainer.
 *
 *   input row of t ─► LSTM (LstmStepper, batch 1) ─► [b_v | b_h] ─► NadeRows.chain ─► key by key: logit ⇄ value
 *
 * A session's row() is that chain: sampling draws the keys in order,
 * evaluation walks it with the truth and gets the exact −ln p(row).
 *
 * Registered options: units, layers, dropout (the LSTM's, as for --kind
 * lstm) and hidden (the NADE's hidden units).
 *
 * @example
 *   const gen = NadeGenerator.create(new PianoRollEncoder({ lowest: 21, highest: 108, onsets: false }), { hidden: 100 }, { seed: 1 });
 *   const session = gen.leftToRight.session(createStepContext());
 *   const nll = rowNll(session.row(), truth);   // exact, in nats
 */
import { SEQUENCE_SCHEMES, layoutFor, type AnyEncoder, type RollLayout, type SequenceBatch, type StepContext } from '../encoding/index.js';
import { requireWeights, type ModelFolder, type NamedArrays, type Seed } from '../engine/index.js';
import { MusegenError, errorMessage } from '../errors.js';
import { adamLearner } from './adam-learner.js';
import type { GenerationSession, Generator, LearnStep, Learner, LearnerOptions, LeftToRight, Trainable } from './generator.js';
import { LstmStepper } from './lstm-stepper.js';
import { NadeModel, NadeRows, checkNadeConfig, nadeWeightShapes, type NadeBatch, type NadeModelConfig } from './nade-model.js';
import { registerKind, type KindOptions, type ModelKind } from './registry.js';
import { checkSequence, layoutSession } from './session.js';

/** The architecture a user chooses. */
export interface NadeOptions {
  /** Units per LSTM layer. */
  units: number;
  layers: number;
  /** Dropout after each LSTM layer while training. */
  dropout: number;
  /** The NADE's hidden units. */
  hidden: number;
}

export const NADE_DEFAULTS: Readonly<NadeOptions> = { units: 256, layers: 1, dropout: 0.3, hidden: 150 };

/** The encoder a NADE starts from: the benchmarks' 88 keys (MIDI 21–108), one merged track, no onsets, no features. */
export const NADE_ENCODER = { encoding: 'pianoroll', lowest: 21, highest: 108, onsets: false, features: [] } as const;

export class NadeGenerator implements Generator, LeftToRight {
  readonly kind = 'nade';
  readonly layout: RollLayout;
  readonly leftToRight: LeftToRight = this;
  readonly trainable?: Trainable;

  private constructor(
    readonly encoder: AnyEncoder,
    readonly config: NadeModelConfig,
    /** The network, present when the generator can train. */
    private readonly model: NadeModel | null,
    /** What sampling runs when loaded to sample: the LSTM a step at a time and the NADE key by key. */
    private readonly sampler: { stepper: LstmStepper; rows: NadeRows } | null,
  ) {
    const why = nadeUnsupported(encoder);
    if (why) throw new MusegenError('BAD_MODEL', why);
    this.layout = layoutFor(encoder) as RollLayout;
    const { inputSize } = this.layout.sizes;
    if (config.keys !== this.layout.width || config.lstm.inputSize !== inputSize) {
      throw new MusegenError('BAD_MODEL', `the NADE's sizes (rows of ${config.keys}, input ${config.lstm.inputSize}) do not fit its encoder (rows of ${this.layout.width}, input ${inputSize})`);
    }
    if (model) this.trainable = new NadeTraining(model, this.hyper);
  }

  /** A new, untrained generator. */
  static create(encoder: AnyEncoder, options: Partial<NadeOptions> = {}, init: { seed?: Seed } = {}): NadeGenerator & { trainable: Trainable } {
    const why = nadeUnsupported(encoder);
    if (why) throw new MusegenError('BAD_ARGUMENT', why);
    const { units, layers, dropout, hidden } = { ...NADE_DEFAULTS, ...options };
    const layout = layoutFor(encoder) as RollLayout;
    const model = NadeModel.create({ keys: layout.width, hidden, lstm: { inputSize: layout.sizes.inputSize, units, layers, dropout } }, init);
    return new NadeGenerator(encoder, model.config, model, null) as NadeGenerator & { trainable: Trainable };
  }

  /** From a model folder: to sample (plain JavaScript, no tensors kept) or to train (the model's variables). */
  static fromFolder(folder: ModelFolder, encoder: AnyEncoder, init: { train: boolean; seed?: Seed }): NadeGenerator {
    checkSequence(folder.meta.hyper, { output: 'roll' }, folder.location);
    let model: NadeModel | null = null;
    try {
      const config = checkNadeConfig(folder.meta.hyper.nade as Partial<NadeModelConfig> | undefined, 'BAD_MODEL');
      const weights = requireWeights(folder, nadeWeightShapes(config));
      model = init.train ? NadeModel.fromWeights(config, weights, init) : null;
      return new NadeGenerator(encoder, config, model, model ? null : samplerOf(config, weights));
    } catch (e) {
      model?.dispose();
      throw e instanceof MusegenError && e.file ? e : new MusegenError('BAD_MODEL', errorMessage(e), folder.location);
    }
  }

  get hyper(): Record<string, unknown> {
    const { lstm, hidden } = this.config;
    return { sequence: SEQUENCE_SCHEMES.roll, units: lstm.units, layers: lstm.layers, dropout: lstm.dropout, hidden, nade: this.config };
  }

  session(context: StepContext): GenerationSession {
    const { stepper, rows } = this.model ? samplerOf(this.config, weightMap(this.model)) : this.sampler!;
    return layoutSession(this.layout, this.encoder, context, {
      reset: () => stepper.reset(),
      roll: (input) => {
        const biases = stepper.step(input);
        return () => rows.chain(biases);
      },
    });
  }

  dispose(): void {
    this.model?.dispose();
  }
}

/** The LSTM-NADE as the trainer sees it: −ln p(row) ÷ keys on a batch, Adam over its variables. */
class NadeTraining implements Trainable {
  readonly title: string;

  constructor(
    private readonly model: NadeModel,
    private readonly hyper: Record<string, unknown>,
  ) {
    const { lstm, hidden } = model.config;
    this.title = `LSTM-NADE ${lstm.layers}×${lstm.units}, ${hidden} hidden`;
  }

  loss(batch: SequenceBatch): number {
    const loss = this.model.loss(nadeBatch(batch, this.model.config));
    const value = loss.dataSync()[0]!;
    loss.dispose();
    return value;
  }

  learner(options: LearnerOptions): Learner {
    const model = this.model;
    return adamLearner({
      variables: model.variables,
      loss: (batch: SequenceBatch, step: LearnStep) => {
        model.lstm.setDropoutSeed(step.seed);
        return model.loss(nadeBatch(batch, model.config), { training: true });
      },
    }, options);
  }

  weights(): NamedArrays {
    return new Map(this.model.namedWeights().map(({ name, tensor }) => [name, { shape: tensor.shape, values: Float32Array.from(tensor.dataSync() as Float32Array) }]));
  }

  contents(weights: NamedArrays = this.weights()): { topology: null; weights: NamedArrays; hyper: Record<string, unknown> } {
    return { topology: null, weights, hyper: this.hyper };
  }
}

/** Why a NADE cannot be made over `encoder`, or null. */
function nadeUnsupported(encoder: AnyEncoder): string | null {
  return layoutFor(encoder).output === 'roll' ? null : `NADE models predict piano-roll rows, not ${encoder.spec.encoding} tokens: choose --encoding pianoroll (the default for --kind nade)`;
}

/** A roll layout's batch as the NADE reads it. */
function nadeBatch(batch: SequenceBatch, config: NadeModelConfig): NadeBatch {
  if (!batch.multiHot || batch.featureColumns !== config.lstm.inputSize) {
    throw new MusegenError('INTERNAL', `a NADE batch needs roll rows and input rows of ${config.lstm.inputSize} values`);
  }
  return { batch: batch.batch, steps: batch.steps, inputs: batch.features, rows: batch.multiHot, weights: batch.weights };
}

function weightMap(model: NadeModel): Map<string, Float32Array> {
  return new Map(model.namedWeights().map(({ name, tensor }) => [name, Float32Array.from(tensor.dataSync() as Float32Array)]));
}

function samplerOf(config: NadeModelConfig, weights: Map<string, Float32Array>): { stepper: LstmStepper; rows: NadeRows } {
  return { stepper: new LstmStepper(config.lstm, weights), rows: new NadeRows(config.keys, config.hidden, weights.get('nade/W')!, weights.get('nade/V')!) };
}

const NADE_KIND: ModelKind = {
  name: 'nade',
  description: 'LSTM-NADE (RNN-NADE): piano rolls, the notes of each step modelled jointly, left to right',
  options: [
    { name: 'units', description: 'units per LSTM layer', type: 'whole', default: NADE_DEFAULTS.units, min: 1, max: 4096 },
    { name: 'layers', description: 'LSTM layers', type: 'whole', default: NADE_DEFAULTS.layers, min: 1, max: 16 },
    { name: 'dropout', description: 'dropout after each LSTM layer', type: 'decimal', default: NADE_DEFAULTS.dropout, min: 0, max: 0.95 },
    { name: 'hidden', description: 'hidden units of the NADE over each step\'s keys', type: 'whole', default: NADE_DEFAULTS.hidden, min: 1, max: 4096 },
  ],
  encoder: NADE_ENCODER,
  unsupported: nadeUnsupported,
  layout: layoutFor,
  create: (encoder, options: KindOptions, init) => NadeGenerator.create(encoder, options as Partial<NadeOptions>, init),
  load: (folder, encoder, init) => NadeGenerator.fromFolder(folder, encoder, init),
  describe(hyper) {
    const nade = hyper.nade as Partial<NadeModelConfig> | undefined;
    return nade?.lstm ? `LSTM-NADE ${nade.lstm.layers}×${nade.lstm.units}, ${nade.hidden} hidden` : 'LSTM-NADE';
  },
};

registerKind(NADE_KIND);
