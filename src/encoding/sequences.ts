/**
 * What an autoregressive model reads and predicts at each position of an
 * encoded piece — the one home of a model's input/target layout, shared by
 * training and evaluation (whole batches) and sampling (one position at a
 * time, each finished step decoded at once), so they never disagree.
 *
 *   events (melody, voice streams): position p = step·tracks + track (streams interleaved step by step)
 *     input p  = one-hot(token p−1; START at p = 0) ⊕ features of p's step ⊕ one-hot(track of p) if tracks > 1
 *     target p = token p                                           (softmax over the vocabulary)
 *   roll (piano roll):
 *     input t  = roll row t−1 (zeros at t = 0) ⊕ features of step t ⊕ [t = 0]
 *     target t = roll row t                                        (sigmoid per value)
 *
 * The features of the step being predicted (beat, fermata, key, chord…) come
 * from the context, known in advance while generating (`encoder.featureRow`).
 * `spelling` describes the music itself, so its columns come from the step
 * before: the last step whose notes are all known.
 */
import { MusegenError } from '../errors.js';
import type { Pitch, Score } from '../score/index.js';
import { lastAtOrBefore } from './context.js';
import type { AnyEncoder } from './from-spec.js';
import { cellsOfRoll } from './cells.js';
import { ROLL_THRESHOLD, type PianoRollEncoder } from './pianoroll.js';
import type { StreamDecoder, TrackNote } from './stream.js';
import type { Encoded, EncodedEvents, EncodedRoll, StepContext } from './types.js';
import { FIRST_PITCH_TOKEN, REST, type EventVocabulary } from './vocabulary.js';

/** A piece made ready for batches: its targets and per-step condition rows. */
export interface PreparedPiece {
  /** Positions (events: steps × tracks; roll: steps). */
  length: number;
  /** Events: the interleaved tokens [length]; cells: the cell values [steps, tracks]; null for rolls. */
  tokens: Int32Array | null;
  /** Roll: [steps, width]; null for events. */
  roll: Float32Array | null;
  /** Feature rows per step [steps, featureWidth], `spelling` already moved one step later. */
  cond: Float32Array;
}

/** Where a window starts: a piece's index in a list of prepared pieces, and a position in it. */
export interface WindowStart {
  piece: number;
  start: number;
}

/** Where a window of a batch starts: a prepared piece and a position in it. */
export interface BatchWindow {
  piece: PreparedPiece;
  start: number;
}

/** What every batch a layout cuts carries: the number of targets its mean loss is over. */
export interface LayoutBatch {
  targets: number;
}

/**
 * A model's input layout as the trainer and evaluation use it: pieces
 * prepared once, batches cut from windows of them. Each model kind names its
 * layout (`ModelKind.layout`); the layouts live here.
 */
export interface BatchLayout<B extends LayoutBatch = LayoutBatch> {
  /** What a position predicts: 'events' (a token), 'roll' (a row of values), 'cells' (every voice cell of a step). */
  readonly output: string;
  /** What one target of its loss is, for the unit of the mean loss ('token' → nats per token). */
  readonly target: string;
  /** Positions per step. */
  readonly perStep: number;
  /** A layout whose examples are windows of one fixed length names them (positions): the trainer cuts these, not --seq-len / --hop. */
  readonly window?: { length: number; hop: number };
  prepare(e: Encoded): PreparedPiece;
  batch(windows: readonly BatchWindow[], steps: number): B;
}

/** A batch as the LSTM model takes it: batch-major, padded positions weighted 0. */
export interface SequenceBatch extends LayoutBatch {
  batch: number;
  steps: number;
  /** Events: input classes [batch·steps]; null for rolls. */
  indices: Int32Array | null;
  /** The dense part of the input, [batch, steps, featureColumns]. */
  features: Float32Array;
  featureColumns: number;
  /** Events: target classes [batch·steps]. */
  classes: Int32Array | null;
  /** Roll: target rows [batch·steps·width]. */
  multiHot: Float32Array | null;
  /** 1 for a real position, 0 for padding [batch·steps]. */
  weights: Float32Array;
  /** Number of real positions (the sum of the weights). */
  targets: number;
}

/** The sizes of the LSTM model a layout calls for. */
export interface LayoutSizes {
  input: 'one-hot' | 'dense';
  inputSize: number;
  featureSize: number;
  outputSize: number;
  output: 'softmax' | 'sigmoid';
}

/** Saved in musegen.json (`hyper.sequence`): a model trained under another scheme is refused. */
export const SEQUENCE_SCHEMES = {
  events: 'events/previous-token+next-features/1',
  roll: 'roll/previous-row+next-features/1',
  cells: 'cells/voice-planes+masks+features/1',
} as const;

abstract class BaseLayout {
  /** Where the spelling feature's columns sit in a feature row, if the encoder has it. */
  protected readonly spelling: { offset: number; width: number } | undefined;
  readonly featureWidth: number;

  constructor(readonly encoder: AnyEncoder) {
    this.featureWidth = encoder.featureLayout.width;
    this.spelling = encoder.featureLayout.columns.find((c) => c.name === 'spelling');
  }

  /** The encoded feature rows with the spelling columns moved one step later. */
  protected condRows(e: Encoded): Float32Array {
    if (!this.spelling) return e.features;
    const w = this.featureWidth;
    const out = Float32Array.from(e.features);
    const { offset, width } = this.spelling;
    for (let s = e.steps - 1; s >= 0; s--) {
      for (let j = 0; j < width; j++) out[s * w + offset + j] = s > 0 ? e.features[(s - 1) * w + offset + j]! : 0;
    }
    return out;
  }

  protected emptyBatch(batch: number, steps: number, featureColumns: number): SequenceBatch {
    return {
      batch, steps, featureColumns, indices: null, classes: null, multiHot: null,
      features: new Float32Array(batch * steps * featureColumns), weights: new Float32Array(batch * steps), targets: 0,
    };
  }
}

/** Token streams (melody, voices), interleaved step by step. */
export class EventLayout extends BaseLayout {
  readonly output = 'events';
  readonly target = 'token';
  /** Token streams, interleaved: positions per step. */
  readonly perStep: number;
  readonly vocabulary: EventVocabulary;
  /** The input class that starts every piece. */
  readonly start: number;
  readonly sizes: LayoutSizes;

  constructor(encoder: AnyEncoder) {
    super(encoder);
    this.perStep = encoder.tracks;
    this.vocabulary = encoder.vocabulary;
    this.start = this.vocabulary.size;
    const trackColumns = this.perStep > 1 ? this.perStep : 0;
    this.sizes = {
      input: 'one-hot', inputSize: this.vocabulary.size + 1, featureSize: this.featureWidth + trackColumns,
      outputSize: this.vocabulary.size, output: 'softmax',
    };
  }

  prepare(e: Encoded): PreparedPiece {
    const { tokens, tracks, steps } = e as EncodedEvents;
    const out = new Int32Array(steps * tracks);
    for (let s = 0; s < steps; s++) for (let v = 0; v < tracks; v++) out[s * tracks + v] = tokens[v * steps + s]!;
    return { length: out.length, tokens: out, roll: null, cond: this.condRows(e) };
  }

  batch(windows: readonly BatchWindow[], steps: number): SequenceBatch {
    const { featureSize } = this.sizes;
    const out = this.emptyBatch(windows.length, steps, featureSize);
    const indices = (out.indices = new Int32Array(windows.length * steps));
    const classes = (out.classes = new Int32Array(windows.length * steps));
    const fw = this.featureWidth;
    windows.forEach(({ piece, start }, b) => {
      const tokens = piece.tokens!;
      const end = Math.min(steps, piece.length - start);
      for (let i = 0; i < end; i++) {
        const p = start + i;
        const r = b * steps + i;
        indices[r] = p > 0 ? tokens[p - 1]! : this.start;
        classes[r] = tokens[p]!;
        out.weights[r] = 1;
        const step = Math.floor(p / this.perStep);
        out.features.set(piece.cond.subarray(step * fw, (step + 1) * fw), r * featureSize);
        if (this.perStep > 1) out.features[r * featureSize + fw + (p % this.perStep)] = 1;
      }
      for (let i = end; i < steps; i++) indices[b * steps + i] = this.start; // padding: any valid class
      out.targets += end;
    });
    return out;
  }

  /** The dense input of position p while generating, from the feature row of p's step (see `GenerationState`). */
  condAt(featureRow: Float32Array, position: number): Float32Array {
    if (this.perStep === 1) return featureRow;
    const out = new Float32Array(this.sizes.featureSize);
    out.set(featureRow);
    out[this.featureWidth + (position % this.perStep)] = 1;
    return out;
  }
}

/** Piano rolls: one row of values per step. */
export class RollLayout extends BaseLayout {
  readonly output = 'roll';
  readonly target = 'roll value';
  readonly perStep = 1;
  /** Values per roll row. */
  readonly width: number;
  readonly sizes: LayoutSizes;

  constructor(encoder: AnyEncoder & { width: number }) {
    super(encoder);
    this.width = encoder.width;
    this.sizes = { input: 'dense', inputSize: this.width + this.featureWidth + 1, featureSize: 0, outputSize: this.width, output: 'sigmoid' };
  }

  prepare(e: Encoded): PreparedPiece {
    return { length: e.steps, tokens: null, roll: (e as EncodedRoll).roll, cond: this.condRows(e) };
  }

  batch(windows: readonly BatchWindow[], steps: number): SequenceBatch {
    const { inputSize } = this.sizes;
    const { width, featureWidth: fw } = this;
    const out = this.emptyBatch(windows.length, steps, inputSize);
    const multiHot = (out.multiHot = new Float32Array(windows.length * steps * width));
    windows.forEach(({ piece, start }, b) => {
      const roll = piece.roll!;
      const end = Math.min(steps, piece.length - start);
      for (let i = 0; i < end; i++) {
        const t = start + i;
        const r = b * steps + i;
        out.features.set(this.inputAt(t > 0 ? roll.subarray((t - 1) * width, t * width) : null, piece.cond.subarray(t * fw, (t + 1) * fw)), r * inputSize);
        multiHot.set(roll.subarray(t * width, (t + 1) * width), r * width);
        out.weights[r] = 1;
      }
      out.targets += end;
    });
    return out;
  }

  /** The input of step t: the previous row (null at the start) ⊕ the step's features ⊕ the start flag. */
  inputAt(previous: Float32Array | null, featureRow: Float32Array): Float32Array {
    const out = new Float32Array(this.sizes.inputSize);
    if (previous) out.set(previous);
    out.set(featureRow, this.width);
    if (!previous) out[this.width + this.featureWidth] = 1;
    return out;
  }
}

/** A batch of voice-cell windows, as a model that fills cells takes it (Coconet). */
export interface CellBatch extends LayoutBatch {
  batch: number;
  steps: number;
  tracks: number;
  /** Cell values per window, [batch, tracks, steps] (see cells.ts); 0 on padded steps. */
  cells: Int32Array;
  /** Feature rows per window, [batch, steps, featureWidth]. */
  features: Float32Array;
  featureWidth: number;
  /** 1 for a real step, 0 for padding, [batch, steps]. */
  real: Uint8Array;
}

/**
 * Voice cells (a per-voice piano roll without onsets): every cell of a step
 * at once, which cells are predicted being the model's choice (Coconet's
 * random masks). A prepared piece's `tokens` hold its cells step-major
 * [steps, tracks].
 */
export class CellLayout extends BaseLayout {
  readonly output = 'cells' as const;
  readonly target = 'hidden cell';
  readonly perStep = 1;
  readonly tracks: number;

  constructor(private readonly rollEncoder: PianoRollEncoder) {
    super(rollEncoder as unknown as AnyEncoder);
    this.tracks = rollEncoder.tracks;
  }

  prepare(e: Encoded): PreparedPiece {
    const { cells, steps, tracks } = cellsOfRoll(this.rollEncoder, (e as EncodedRoll).roll);
    const stepMajor = new Int32Array(steps * tracks);
    for (let t = 0; t < tracks; t++) for (let s = 0; s < steps; s++) stepMajor[s * tracks + t] = cells[t * steps + s]!;
    return { length: steps, tokens: stepMajor, roll: null, cond: this.condRows(e) };
  }

  batch(windows: readonly BatchWindow[], steps: number): CellBatch {
    const { tracks, featureWidth: fw } = this;
    const n = windows.length;
    const out: CellBatch = {
      batch: n, steps, tracks, featureWidth: fw, targets: 0,
      cells: new Int32Array(n * tracks * steps), features: new Float32Array(n * steps * fw), real: new Uint8Array(n * steps),
    };
    windows.forEach(({ piece, start }, b) => {
      const end = Math.min(steps, piece.length - start);
      for (let i = 0; i < end; i++) {
        const s = start + i;
        for (let t = 0; t < tracks; t++) out.cells[(b * tracks + t) * steps + i] = piece.tokens![s * tracks + t]!;
        out.features.set(piece.cond.subarray(s * fw, (s + 1) * fw), (b * steps + i) * fw);
        out.real[b * steps + i] = 1;
      }
      out.targets += end * tracks;
    });
    return out;
  }
}

export type SequenceLayout = EventLayout | RollLayout;

/** The layout of an encoder's output. */
export function layoutFor(encoder: AnyEncoder): SequenceLayout {
  return encoder.spec.encoding === 'pianoroll' ? new RollLayout(encoder as AnyEncoder & { width: number }) : new EventLayout(encoder);
}

/**
 * What generating has produced so far, position by position: the feature
 * row each next position reads (from the context, for `spelling` from the
 * pitches sounding at the last complete step, for `lookback` from the tokens
 * or rows of complete steps), and the notes each complete step finishes (the
 * encoder's stream decoder).
 */
export class GenerationState {
  /** Next position to generate. */
  position = 0;
  /** Per track, the pitch sounding at the current step so far / at the last complete step. */
  private sounding: (Pitch | undefined)[];
  private soundingBefore: (Pitch | undefined)[];
  private readonly decoder: StreamDecoder;
  /** The values of the step being generated (one token per track; a roll row arrives whole). */
  private readonly stepValues: Int32Array;
  /** The values of every complete step: its tokens per track, or its roll row read as 0/1 (what `lookback` reads). */
  private readonly history: ArrayLike<number>[] = [];

  constructor(
    private readonly encoder: AnyEncoder,
    private readonly context: StepContext,
    private readonly perStep: number,
  ) {
    if (context.stepsPerQuarter !== encoder.spec.stepsPerQuarter) {
      throw new MusegenError('BAD_ARGUMENT', `the context's grid (${context.stepsPerQuarter} steps per quarter) differs from the model's (${encoder.spec.stepsPerQuarter})`);
    }
    this.sounding = new Array<Pitch | undefined>(perStep).fill(undefined);
    this.soundingBefore = [...this.sounding];
    this.decoder = encoder.streamDecoder(context);
    this.stepValues = new Int32Array(perStep);
  }

  /** The step of the next position. */
  get step(): number {
    return Math.floor(this.position / this.perStep);
  }

  /** The feature row the next position reads. */
  featureRow(): Float32Array {
    return this.encoder.featureRow(this.context, this.step, this.soundingBefore, (s) => this.history[s]);
  }

  /**
   * Record an event token for the next position (the sounding pitch follows
   * note-ons, holds and rests); returns the notes finished once its step is complete.
   */
  pushToken(token: number, vocabulary: EventVocabulary): TrackNote[] {
    vocabulary.check(token);
    const track = this.position % this.perStep;
    if (token === REST) this.sounding[track] = undefined;
    else if (token >= FIRST_PITCH_TOKEN) this.sounding[track] = vocabulary.pitchOf(token, lastAtOrBefore(this.context.keySignatures, this.step));
    // HOLD: the pitch sounding goes on (after a rest, the rest goes on)
    this.stepValues[track] = token;
    if ((this.position + 1) % this.perStep === 0) this.history.push(Int32Array.from(this.stepValues));
    return this.advance(this.stepValues);
  }

  /** Record a roll row for the next step; returns the notes it finished. */
  pushRow(row: Float32Array): TrackNote[] {
    this.history.push(row.map((v) => (v >= ROLL_THRESHOLD ? 1 : 0)));
    return this.advance(row);
  }

  /** The notes the last complete step began, with their duration so far. */
  started(): TrackNote[] {
    return this.decoder.started();
  }

  /** End the piece: the notes still sounding, closed at the last complete step. */
  finish(): TrackNote[] {
    return this.decoder.finish();
  }

  /** The Score generated so far (what the encoder's `decode` gives for the same arrays). */
  score(): Score {
    return this.decoder.score();
  }

  private advance(values: ArrayLike<number>): TrackNote[] {
    this.position++;
    if (this.position % this.perStep !== 0) return [];
    this.soundingBefore = [...this.sounding];
    return this.decoder.push(values);
  }
}
