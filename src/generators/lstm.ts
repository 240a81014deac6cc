/**
 * The stacked LSTM generator (MelodyRNN-like), over any encoder: event
 * streams with a softmax output, piano rolls with a sigmoid output.
 * Registered as the kind 'lstm': left to right, trainable by gradients.
 *
 *   token p−1 (one-hot) ⊕ features of p ─► LSTM × layers (dropout) ─► dense ─► logits of p
 *
 * Training runs LstmModel over batches from the encoding's sequence layout
 * (Adam through engine's Trainer); sampling runs an LstmStepper one position
 * at a time, fed the same inputs by a layout session.
 *
 * @example
 *   const gen = LstmGenerator.create(new MelodyEncoder({ features: ['beat'] }), { units: 128 }, { seed: 1 });
 *   const learner = gen.trainable.learner({ learningRate: 1e-3, clipNorm: 5 });
 *   learner.step(gen.layout.batch(windows, 64), { seed: 7 });
 *   const session = gen.leftToRight.session(createStepContext());   // logits() / push(token)
 */
import * as tf from '@tensorflow/tfjs';
import { SEQUENCE_SCHEMES, layoutFor, type AnyEncoder, type SequenceBatch, type SequenceLayout, type StepContext } from '../encoding/index.js';
import type { ModelFolder, NamedArrays, Seed } from '../engine/index.js';
import { adamLearner } from './adam-learner.js';
import { MusegenError, errorMessage } from '../errors.js';
import type { GenerationSession, Generator, LearnStep, Learner, LearnerOptions, LeftToRight, Trainable } from './generator.js';
import { kerasTopology, readLstmFolder } from './lstm-folder.js';
import { LstmModel, type LstmModelConfig } from './lstm-model.js';
import { LstmStepper } from './lstm-stepper.js';
import { registerKind, type KindOptions, type ModelKind } from './registry.js';
import { checkSequence, layoutSession } from './session.js';

/** The architecture a user chooses. */
export interface LstmOptions {
  /** Units per LSTM layer. */
  units: number;
  layers: number;
  /** Dropout after each LSTM layer while training. */
  dropout: number;
  /** Dropout on the dense input columns while training (a roll's previous row, feature columns). */
  inputDropout: number;
}

export const LSTM_DEFAULTS: Readonly<LstmOptions> = { units: 128, layers: 2, dropout: 0.2, inputDropout: 0 };

export class LstmGenerator implements Generator, LeftToRight {
  readonly kind = 'lstm';
  readonly layout: SequenceLayout;
  readonly leftToRight: LeftToRight = this;
  readonly trainable?: Trainable;
  /** The sampling stepper, made from the model's weights when first needed. */
  private readonly stepper: LstmStepper | null;

  private constructor(
    readonly encoder: AnyEncoder,
    readonly config: LstmModelConfig,
    /** The network, present when the generator can train. */
    readonly model: LstmModel | null,
    stepper: LstmStepper | null,
  ) {
    this.layout = layoutFor(encoder);
    this.stepper = stepper;
    const want = this.layout.sizes;
    const fits = (['input', 'inputSize', 'featureSize', 'outputSize', 'output'] as const).every((k) => want[k] === config[k]);
    if (!fits) {
      throw new MusegenError('BAD_MODEL', `the LSTM's sizes (input ${config.inputSize}+${config.featureSize}, output ${config.outputSize}) do not fit its encoder (input ${want.inputSize}+${want.featureSize}, output ${want.outputSize})`);
    }
    if (model) this.trainable = new LstmTraining(model, this.hyper, encoder.spec.encoding);
  }

  /** A new, untrained generator. */
  static create(encoder: AnyEncoder, options: Partial<LstmOptions> = {}, init: { seed?: Seed } = {}): LstmGenerator & { trainable: Trainable } {
    const { units, layers, dropout, inputDropout } = { ...LSTM_DEFAULTS, ...options };
    const model = LstmModel.create({ ...layoutFor(encoder).sizes, units, layers, dropout, inputDropout }, init);
    return new LstmGenerator(encoder, model.config, model, null) as LstmGenerator & { trainable: Trainable };
  }

  /** From a model folder: to sample (a stepper, no tensors kept) or to train (the model's variables). */
  static fromFolder(folder: ModelFolder, encoder: AnyEncoder, init: { train: boolean; seed?: Seed }): LstmGenerator {
    checkSequence(folder.meta.hyper, layoutFor(encoder), folder.location);
    const { config, weights } = readLstmFolder(folder);
    const model = init.train ? LstmModel.fromWeights(config, weights, init) : null;
    try {
      return new LstmGenerator(encoder, config, model, model ? null : new LstmStepper(config, weights));
    } catch (e) {
      model?.dispose();
      throw e instanceof MusegenError && e.file ? e : new MusegenError('BAD_MODEL', errorMessage(e), folder.location);
    }
  }

  get hyper(): Record<string, unknown> {
    const { units, layers, dropout, inputDropout } = this.config;
    return { sequence: SEQUENCE_SCHEMES[this.layout.output], units, layers, dropout, inputDropout };
  }

  session(context: StepContext): GenerationSession {
    const stepper = this.model ? LstmStepper.fromModel(this.model) : this.stepper!;
    return layoutSession(this.layout, this.encoder, context, {
      reset: () => stepper.reset(),
      event: (previous, features) => stepper.step(previous, features),
      roll: (input) => stepper.step(input),
    });
  }

  dispose(): void {
    this.model?.dispose();
  }
}

/** The LSTM as the trainer sees it: a loss on a batch, Adam over its variables, Keras-named weights. */
class LstmTraining implements Trainable {
  readonly title: string;

  constructor(
    private readonly model: LstmModel,
    private readonly hyper: Record<string, unknown>,
    encoding: string,
  ) {
    this.title = `${encoding} LSTM ${model.config.layers}×${model.config.units}`;
  }

  /** Mean cross-entropy of a batch's real positions, as a tensor (inside a tidy or a Trainer step). */
  private lossTensor(batch: SequenceBatch, training: boolean): tf.Scalar {
    const { batch: b, steps, featureColumns } = batch;
    const features = featureColumns > 0 ? tf.tensor3d(batch.features, [b, steps, featureColumns]) : undefined;
    return this.model.loss(
      { batch: b, steps, ...(batch.indices ? { indices: batch.indices } : {}), ...(features ? { features } : {}) },
      { ...(batch.classes ? { classes: batch.classes } : {}), ...(batch.multiHot ? { multiHot: batch.multiHot } : {}), weights: batch.weights },
      { training },
    );
  }

  loss(batch: SequenceBatch): number {
    const loss = tf.tidy(() => this.lossTensor(batch, false));
    const value = loss.dataSync()[0]!;
    loss.dispose();
    return value;
  }

  learner(options: LearnerOptions): Learner {
    const model = this.model;
    return adamLearner({
      variables: model.variables,
      loss: (batch: SequenceBatch, step: LearnStep) => {
        model.setDropoutSeed(step.seed);
        return this.lossTensor(batch, true);
      },
    }, options);
  }

  weights(): NamedArrays {
    return new Map(this.model.namedWeights().map(({ name, tensor }) => [name, { shape: tensor.shape, values: Float32Array.from(tensor.dataSync() as Float32Array) }]));
  }

  contents(weights: NamedArrays = this.weights()): { topology: object; weights: NamedArrays; hyper: Record<string, unknown> } {
    return { topology: kerasTopology(this.model.config), weights, hyper: { ...this.hyper, lstm: this.model.config } };
  }
}

/** The options `musegen train --kind lstm` takes. */
const LSTM_KIND: ModelKind = {
  name: 'lstm',
  description: 'stacked LSTM (MelodyRNN-like): melodies, voice streams or piano rolls, left to right',
  options: [
    { name: 'units', description: 'units per LSTM layer', type: 'whole', default: LSTM_DEFAULTS.units, min: 1, max: 4096 },
    { name: 'layers', description: 'LSTM layers', type: 'whole', default: LSTM_DEFAULTS.layers, min: 1, max: 16 },
    { name: 'dropout', description: 'dropout after each LSTM layer', type: 'decimal', default: LSTM_DEFAULTS.dropout, min: 0, max: 0.95 },
    { name: 'inputDropout', description: 'dropout on the input\'s dense columns (a piano roll\'s previous row and feature columns; feature columns beside a one-hot token)', type: 'decimal', default: LSTM_DEFAULTS.inputDropout, min: 0, max: 0.95 },
  ],
  encoder: { encoding: 'melody' },
  unsupported: () => null,
  layout: layoutFor,
  create: (encoder, options: KindOptions, init) => LstmGenerator.create(encoder, options as Partial<LstmOptions>, init),
  load: (folder, encoder, init) => LstmGenerator.fromFolder(folder, encoder, init),
  describe(hyper) {
    const lstm = hyper.lstm as Partial<LstmModelConfig> | undefined;
    return lstm ? `LSTM ${lstm.layers}×${lstm.units}` : 'LSTM';
  },
};

registerKind(LSTM_KIND);
