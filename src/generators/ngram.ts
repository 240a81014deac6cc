/**
 * The n-gram Markov model (markov.ts) as a generator of its own kind,
 * 'ngram': left to right over event tokens, trained by counting, saved and
 * loaded as a model folder like any other — the baseline a neural model must
 * beat, through the same paths (`musegen train --kind ngram`, `musegen sample -m`).
 *
 *   batch rows (the layout's target tokens) ─ learner.step: score, then count ─► counts
 *   history of the session ─ next(history) ─► log-probabilities over the vocabulary
 *
 * It reads no feature channels: meter and key do not steer it.
 *
 * @example
 *   const gen = NgramGenerator.create(new MelodyEncoder(), { order: 3, lambda: 0.7 });
 *   gen.trainable.learner({ learningRate: 1, clipNorm: 1 }).step(layout.batch(windows, 64), { seed: 0 });
 */
import { EventLayout, SEQUENCE_SCHEMES, layoutFor, type AnyEncoder, type SequenceBatch, type StepContext } from '../encoding/index.js';
import type { ModelFolder, NamedArrays } from '../engine/index.js';
import { MusegenError, errorMessage } from '../errors.js';
import type { GenerationSession, Generator, Learner, LeftToRight, Trainable } from './generator.js';
import { MarkovModel, type MarkovOptions, type NgramCounts } from './markov.js';
import { registerKind, type KindOptions, type ModelKind } from './registry.js';
import { checkSequence, layoutSession } from './session.js';

const COUNT_NAMES = ['contexts', 'tokens', 'counts'] as const;

export class NgramGenerator implements Generator, LeftToRight {
  readonly kind = 'ngram';
  readonly layout: EventLayout;
  readonly leftToRight: LeftToRight = this;
  readonly trainable?: Trainable;

  private constructor(
    readonly encoder: AnyEncoder,
    private readonly model: MarkovModel,
    trainable: boolean,
  ) {
    const layout = layoutFor(encoder);
    if (!(layout instanceof EventLayout)) throw new MusegenError('BAD_ARGUMENT', NGRAM_KIND.unsupported(encoder)!);
    this.layout = layout;
    if (trainable) this.trainable = new NgramTraining(this.model, this.layout, this.hyper);
  }

  /** A new model with no counts. */
  static create(encoder: AnyEncoder, options: Partial<Omit<MarkovOptions, 'vocabSize'>> = {}): NgramGenerator & { trainable: Trainable } {
    const model = new MarkovModel({ ...options, vocabSize: encoder.vocabulary.size });
    return new NgramGenerator(encoder, model, true) as NgramGenerator & { trainable: Trainable };
  }

  /** From a model folder: the counts stored as `ngram/<k>/contexts|tokens|counts`. */
  static fromFolder(folder: ModelFolder, encoder: AnyEncoder, init: { train: boolean }): NgramGenerator {
    checkSequence(folder.meta.hyper, layoutFor(encoder), folder.location);
    const { order, lambda } = folder.meta.hyper as Partial<MarkovOptions>;
    try {
      const model = new MarkovModel({ order: Number(order), lambda: Number(lambda), vocabSize: encoder.vocabulary.size });
      const counts = Array.from({ length: model.options.order }, (_, k) => {
        const get = (name: (typeof COUNT_NAMES)[number]) => {
          const stored = folder.weights.get(`ngram/${k}/${name}`);
          if (!stored) throw new MusegenError('BAD_MODEL', `the counts ngram/${k}/${name} are missing`);
          return stored.values;
        };
        return { contexts: Int32Array.from(get('contexts')), tokens: Int32Array.from(get('tokens')), counts: Float32Array.from(get('counts')) };
      });
      return new NgramGenerator(encoder, model.loadArrays(counts), init.train);
    } catch (e) {
      throw new MusegenError('BAD_MODEL', errorMessage(e), folder.location);
    }
  }

  get hyper(): Record<string, unknown> {
    const { order, lambda } = this.model.options;
    return { sequence: SEQUENCE_SCHEMES.events, order, lambda };
  }

  session(context: StepContext): GenerationSession {
    const history: number[] = [];
    return layoutSession(this.layout, this.encoder, context, {
      reset: () => {
        history.length = 0;
      },
      event: (previous, _features, position) => {
        if (position > 0) history.push(previous);
        return Float32Array.from(this.model.next(history), Math.log);
      },
    });
  }

  dispose(): void {}
}

/** Counting as the trainer sees it: each step scores a batch, then counts it; one pass teaches all. */
class NgramTraining implements Trainable {
  readonly passes = 1;
  readonly title: string;

  constructor(
    private readonly model: MarkovModel,
    private readonly layout: EventLayout,
    private readonly hyper: Record<string, unknown>,
  ) {
    this.title = `${model.options.order}-gram`;
  }

  /** The real positions of each row of a batch, as token sequences. */
  private rows(batch: SequenceBatch): Int32Array[] {
    const out: Int32Array[] = [];
    for (let b = 0; b < batch.batch; b++) {
      let n = 0;
      while (n < batch.steps && batch.weights[b * batch.steps + n] === 1) n++;
      out.push(batch.classes!.subarray(b * batch.steps, b * batch.steps + n));
    }
    return out;
  }

  loss(batch: SequenceBatch): number {
    let sum = 0;
    let n = 0;
    for (const row of this.rows(batch)) {
      for (let t = 0; t < row.length; t++) sum -= Math.log(this.model.probability(row, t));
      n += row.length;
    }
    return n > 0 ? sum / n : 0;
  }

  learner(): Learner {
    return {
      step: (batch) => {
        const loss = this.loss(batch);
        this.model.fit(this.rows(batch));
        return loss;
      },
      learningRate: 1,
      state: async () => new Map(),
      restore: async () => {},
      dispose: () => {},
    };
  }

  weights(): NamedArrays {
    const out: NamedArrays = new Map();
    this.model.toArrays().forEach((c: NgramCounts, k) => {
      out.set(`ngram/${k}/contexts`, { shape: [c.tokens.length, k], values: c.contexts });
      out.set(`ngram/${k}/tokens`, { shape: [c.tokens.length], values: c.tokens });
      out.set(`ngram/${k}/counts`, { shape: [c.tokens.length], values: c.counts });
    });
    return out;
  }

  contents(weights: NamedArrays = this.weights()): { topology: null; weights: NamedArrays; hyper: Record<string, unknown> } {
    return { topology: null, weights, hyper: { ...this.hyper, vocabulary: this.layout.vocabulary.size } };
  }
}

const NGRAM_KIND: ModelKind = {
  name: 'ngram',
  description: 'interpolated n-gram Markov model over event tokens, trained by counting: the baseline (reads no features)',
  options: [
    { name: 'order', description: 'tokens per n-gram (context + 1): 3 is a trigram', type: 'whole', default: 3, min: 1, max: 12 },
    { name: 'lambda', description: 'weight of each longer context against the shorter ones', type: 'decimal', default: 0.7, min: 0, max: 1, minExclusive: true },
  ],
  encoder: { encoding: 'melody' },
  layout: layoutFor,
  unsupported: (encoder) => (layoutFor(encoder).output === 'roll' ? 'n-gram models predict event tokens, not piano-roll rows: choose --encoding melody or voices, or --kind lstm' : null),
  create: (encoder, options: KindOptions) => NgramGenerator.create(encoder, options),
  load: (folder, encoder, init) => NgramGenerator.fromFolder(folder, encoder, init),
  describe: (hyper) => `${String(hyper.order)}-gram`,
};

registerKind(NGRAM_KIND);
