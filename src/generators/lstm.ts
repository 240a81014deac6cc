/**
 * The stacked LSTM generator (MelodyRNN-like), over any encoder: event
 * streams with a softmax output, piano rolls with a sigmoid output.
 *
 *   token p−1 (one-hot) ⊕ features of p ─► LSTM × layers (dropout) ─► dense ─► logits of p
 *
 * Training runs the engine's LstmModel over batches from sequences.ts;
 * sampling runs its LstmStepper one position at a time, fed the same inputs.
 *
 * @example
 *   const gen = LstmGenerator.create(new MelodyEncoder({ features: ['beat'] }), { units: 128 }, { seed: 1 });
 *   const loss = gen.loss(layout.batch(windows, 64), { training: true });
 *   const session = gen.session(createStepContext());   // logits() / push(token)
 */
import * as tf from '@tensorflow/tfjs';
import { encoderFromSpec, type AnyEncoder, type StepContext } from '../encoding/index.js';
import {
  LstmModel, LstmStepper, loadLstmModel, loadLstmStepper, saveLstmModel,
  type LstmModelConfig, type ModelMeta, type ModelMetaInput, type NamedWeight, type Seed, type StoredArray, type WriteFolderOptions,
} from '../engine/index.js';
import { MusegenError, errorMessage } from '../errors.js';
import type { EventSession, GenerationSession, Generator, RollSession } from './generator.js';
import { EventLayout, GenerationState, SEQUENCE_SCHEMES, layoutFor, type SequenceBatch, type SequenceLayout } from './sequences.js';

/** The architecture a user chooses. */
export interface LstmOptions {
  /** Units per LSTM layer. */
  units: number;
  layers: number;
  /** Dropout after each LSTM layer while training. */
  dropout: number;
}

export const LSTM_DEFAULTS: Readonly<LstmOptions> = { units: 128, layers: 2, dropout: 0.2 };

export class LstmGenerator implements Generator {
  readonly kind = 'lstm';
  readonly layout: SequenceLayout;
  /** The sampling stepper, made from the model's weights when first needed. */
  private stepper: LstmStepper | null;

  private constructor(
    readonly encoder: AnyEncoder,
    readonly config: LstmModelConfig,
    /** Present when the generator can train. */
    private readonly model: LstmModel | null,
    stepper: LstmStepper | null,
  ) {
    this.layout = layoutFor(encoder);
    this.stepper = stepper;
    const want = this.layout.sizes;
    const have = config;
    const fits = (['input', 'inputSize', 'featureSize', 'outputSize', 'output'] as const).every((k) => want[k] === have[k]);
    if (!fits) {
      throw new MusegenError('BAD_MODEL', `the LSTM's sizes (input ${have.inputSize}+${have.featureSize}, output ${have.outputSize}) do not fit its encoder (input ${want.inputSize}+${want.featureSize}, output ${want.outputSize})`);
    }
  }

  /** A new, untrained generator. */
  static create(encoder: AnyEncoder, options: Partial<LstmOptions> = {}, init: { seed?: Seed } = {}): LstmGenerator {
    const { units, layers, dropout } = { ...LSTM_DEFAULTS, ...options };
    const model = LstmModel.create({ ...layoutFor(encoder).sizes, units, layers, dropout }, init);
    return new LstmGenerator(encoder, model.config, model, null);
  }

  /** Load a model folder to sample from (no tensors kept). */
  static async load(dir: string): Promise<{ generator: LstmGenerator; meta: ModelMeta }> {
    const { stepper, meta } = await loadLstmStepper(dir);
    return { generator: LstmGenerator.checked(dir, meta, (encoder) => new LstmGenerator(encoder, stepper.config, null, stepper)), meta };
  }

  /** Load a model folder to train on, with the extra weights stored beside it (a checkpoint's optimizer state). */
  static async loadTrainable(dir: string, init: { seed?: Seed } = {}): Promise<{ generator: LstmGenerator; meta: ModelMeta; extraWeights: Map<string, StoredArray> }> {
    const { model, meta, extraWeights } = await loadLstmModel(dir, init);
    try {
      return { generator: LstmGenerator.checked(dir, meta, (encoder) => new LstmGenerator(encoder, model.config, model, null)), meta, extraWeights };
    } catch (e) {
      model.dispose();
      throw e;
    }
  }

  private static checked(dir: string, meta: ModelMeta, make: (encoder: AnyEncoder) => LstmGenerator): LstmGenerator {
    if (meta.kind !== 'lstm') throw new MusegenError('UNSUPPORTED', `a '${meta.kind}' model, not an LSTM`, dir);
    let encoder: AnyEncoder;
    try {
      encoder = encoderFromSpec(meta.encoder);
    } catch (e) {
      throw new MusegenError('BAD_MODEL', `musegen.json: ${errorMessage(e)}`, dir);
    }
    const scheme = SEQUENCE_SCHEMES[layoutFor(encoder).output];
    if (meta.hyper.sequence !== scheme) {
      throw new MusegenError('INCOMPATIBLE_MODEL', `trained on sequences '${String(meta.hyper.sequence)}'; this musegen reads '${scheme}' — retrain or upgrade`, dir);
    }
    try {
      return make(encoder);
    } catch (e) {
      throw new MusegenError('BAD_MODEL', errorMessage(e), dir);
    }
  }

  get hyper(): Record<string, unknown> {
    const { units, layers, dropout } = this.config;
    return { sequence: SEQUENCE_SCHEMES[this.layout.output], units, layers, dropout };
  }

  /** The model being trained; throws for a generator loaded only to sample. */
  get trainable(): LstmModel {
    if (!this.model) throw new MusegenError('INTERNAL', 'this generator was loaded for sampling; load it with loadTrainable to train');
    return this.model;
  }

  /** Mean cross-entropy of a batch's real positions (call inside the trainer's step or a tf.tidy). */
  loss(batch: SequenceBatch, options: { training?: boolean } = {}): tf.Scalar {
    const model = this.trainable;
    const { batch: b, steps, featureColumns } = batch;
    const features = featureColumns > 0 ? tf.tensor3d(batch.features, [b, steps, featureColumns]) : undefined;
    return model.loss(
      { batch: b, steps, ...(batch.indices ? { indices: batch.indices } : {}), ...(features ? { features } : {}) },
      { ...(batch.classes ? { classes: batch.classes } : {}), ...(batch.multiHot ? { multiHot: batch.multiHot } : {}), weights: batch.weights },
      options,
    );
  }

  session(context: StepContext): GenerationSession {
    const stepper = this.model ? LstmStepper.fromModel(this.model) : this.stepper!;
    stepper.reset();
    const { layout } = this;
    const state = new GenerationState(this.encoder, context, layout.perStep);
    let logits: Float32Array | null = null;
    if (layout instanceof EventLayout) {
      let previous = layout.start;
      const session: EventSession = {
        output: 'events',
        tracks: layout.perStep,
        get position() {
          return state.position;
        },
        logits: () => (logits ??= stepper.step(previous, layout.condAt(state.featureRow(), state.position))),
        push: (token) => {
          session.logits();
          state.pushToken(token, layout.vocabulary);
          previous = token;
          logits = null;
        },
      };
      return session;
    }
    let previous: Float32Array | null = null;
    const session: RollSession = {
      output: 'roll',
      width: layout.width,
      get position() {
        return state.position;
      },
      logits: () => (logits ??= stepper.step(layout.inputAt(previous, state.featureRow()))),
      push: (row) => {
        if (row.length !== layout.width) throw new MusegenError('BAD_ARGUMENT', `a roll row has ${layout.width} values, not ${row.length}`);
        session.logits();
        state.pushRow();
        previous = row;
        logits = null;
      },
    };
    return session;
  }

  /** The current weights, by Keras name (copies). */
  weights(): Map<string, Float32Array> {
    return new Map(this.trainable.namedWeights().map(({ name, tensor }) => [name, Float32Array.from(tensor.dataSync() as Float32Array)]));
  }

  /**
   * Save as a model folder (see engine/model-folder.ts): the current weights,
   * or `options.weights` (e.g. the best epoch's); extra weights and files ride
   * along in the same atomic write.
   */
  async save(
    dir: string, meta: Pick<ModelMetaInput, 'corpus' | 'metrics'> & { hyper?: Record<string, unknown> },
    options: WriteFolderOptions & { extraWeights?: NamedWeight[]; weights?: Map<string, Float32Array> } = {},
  ): Promise<void> {
    const model = options.weights ? LstmModel.fromWeights(this.config, options.weights) : this.trainable;
    try {
      await saveLstmModel(dir, model, {
        kind: this.kind, encoder: this.encoder.spec, hyper: { ...this.hyper, ...meta.hyper }, corpus: meta.corpus ?? null, metrics: meta.metrics ?? {},
      }, options);
    } finally {
      if (model !== this.model) model.dispose();
    }
  }

  dispose(): void {
    this.model?.dispose();
  }
}
