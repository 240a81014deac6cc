/**
 * What every generator is, and the capabilities a model declares, as
 * magenta.js's models expose what they can do:
 *
 *   Generator           kind · encoder · hyper-parameters · dispose()      every model
 *   ├ leftToRight       session(context): logits() | row() ─► sampler picks ─► push(choice) ─► …   LSTM, n-gram, NADE
 *   ├ infill            a partly known piece + a mask ─► distributions for the unknown cells (Gibbs, accompaniment)
 *   ├ latent            encode(window of bars) ─► q(z);  decode(z) ─► window (VAE)
 *   ├ chords            a whole melody ─► per beat: logits over chord classes ─► choice ─► …   (chord accompaniment)
 *   └ trainable         loss on a batch · a learner · weights to save and restore   (what the trainer needs)
 *
 * A capability is an object the generator holds or lacks: callers ask
 * `if (generator.leftToRight)`, never which concrete model it is. A session
 * generates one piece position by position over a context (meter, key,
 * fermatas: what the feature channels read): event models give logits over
 * the vocabulary for the next token, roll models the next step's row as a
 * chain of conditionals (row-chain.ts: independent values, or jointly as a
 * NADE). A primer is pushed the same way, its logits ignored; each push
 * returns the notes that it finished (incremental decoding).
 */
import type { AnyEncoder, ChordSlot, EncodedEvents, LatentWindowSpec, LayoutBatch, SequenceBatch, StepContext, StreamDecoder, TrackNote, VoiceCells } from '../encoding/index.js';
import type { ModelContents, NamedArrays, Seed } from '../engine/index.js';
import type { RowChain } from './row-chain.js';

/** A Score, as the encoding's decoders make it (generators see scores only through encoding). */
type Score = ReturnType<StreamDecoder['score']>;

/** Generating token streams (melody, voice streams interleaved step by step). */
export interface EventSession {
  readonly output: 'events';
  /** Positions per step: the streams, interleaved (position = step × tracks + track). */
  readonly tracks: number;
  /** Position of the next token. */
  readonly position: number;
  /** Logits over the vocabulary for the next position. */
  logits(): Float32Array;
  /** The token chosen for the next position (sampled, or from a primer); the notes it finished. */
  push(token: number): TrackNote[];
  /** The notes the last complete step began (duration so far): a note-on is due for them at that step. */
  started(): TrackNote[];
  /** End the piece: the notes still sounding, closed at the last step. */
  finish(): TrackNote[];
  /** The piece so far as a Score (after `finish`, the whole piece). */
  score(): Score;
}

/** Generating a piano roll, one row per step. */
export interface RollSession {
  readonly output: 'roll';
  /** Values per row. */
  readonly width: number;
  /** Step of the next row. */
  readonly position: number;
  /**
   * Each value's logit (sigmoid) for the next row: independent models' own; for a
   * joint model (NADE), each given the values before it as the likeliest row sets
   * them (each on where its logit is ≥ 0). `row()` is the whole distribution.
   */
  logits(): Float32Array;
  /** The next row's distribution as a chain of conditionals, value after value (a fresh chain each call). */
  row(): RowChain;
  /** The row chosen for the next step (0/1 values); the notes it finished. */
  push(row: Float32Array): TrackNote[];
  /** The notes the last complete step began (duration so far): a note-on is due for them at that step. */
  started(): TrackNote[];
  /** End the piece: the notes still sounding, closed at the last step. */
  finish(): TrackNote[];
  /** The piece so far as a Score (after `finish`, the whole piece). */
  score(): Score;
}

export type GenerationSession = EventSession | RollSession;

/** Generating left to right, one position after another. */
export interface LeftToRight {
  /** Start a piece over `context`. One session at a time: a new one ends the last. */
  session(context: StepContext): GenerationSession;
}

/** A piece of which some cells are known, and which cells to fill. */
export interface InfillRequest {
  piece: VoiceCells;
  context: StepContext;
  /** 1 where the cell is unknown (its value in `piece` is ignored), [tracks, steps]. */
  mask: Uint8Array;
}

/** Filling the unknown cells of a piece (Coconet's task). */
export interface Infill {
  /** Voices the model writes, in track order ('soprano', 'alto', …). */
  readonly voices: readonly string[];
  /** Lowest MIDI pitch of the alphabet; values per cell are 1 + highest − lowest. */
  readonly lowest: number;
  /** Values a cell takes (rest and every pitch). */
  readonly values: number;
  /** Probabilities over the values for every cell, [tracks, steps, values]; known cells are given back as one-hot. */
  distributions(request: InfillRequest, options?: { temperature?: number }): Float32Array;
}

/** Where a window lies in the latent space: q(z | window) = N(mu, sigma²). */
export interface LatentCode {
  mu: Float32Array;
  sigma: Float32Array;
}

/**
 * A latent space of melodies (MusicVAE's task): a window of whole bars of
 * one meter (`window`) encodes to z and decodes back. Windows are token
 * arrays of the generator's encoder, `window.steps` long (encoding's
 * `latentWindows` cuts them from a melody).
 */
export interface Latent {
  /** Size of z. */
  readonly size: number;
  /** What one window is: bars, meter, grid, and its steps. */
  readonly window: LatentWindowSpec & { steps: number };
  /** q(z | window) for each window. */
  encode(windows: readonly Int32Array[]): LatentCode[];
  /** A window's tokens decoded from z, one step after another (temperature 0: the likeliest token each step). */
  decode(z: Float32Array, options?: { temperature?: number; seed?: Seed }): Int32Array;
  /** Teacher-forced logits [steps, vocabulary] of each window given its z (evaluation). */
  decodeLogits(zs: readonly Float32Array[], windows: readonly Int32Array[]): Float32Array[];
  /** Attribute vectors in z (note density, pitch range…), by name; empty until fitted. */
  readonly attributes: ReadonlyMap<string, Float32Array>;
  /** Replace the attribute vectors (saved with the model's hyper-parameters). */
  setAttributes(vectors: ReadonlyMap<string, Float32Array>): void;
}

/** Choosing chords for a melody, one beat (slot) after another, the melody read whole first. */
export interface ChordSession {
  /** The melody's beats, each to get a chord. */
  readonly slots: readonly ChordSlot[];
  /** The slot whose chord comes next. */
  readonly position: number;
  /** Logits over the chord classes for slot `position`, given the chords pushed so far. */
  logits(): Float32Array;
  /** The chord class chosen for slot `position`. */
  push(chordClass: number): void;
}

/** Chords under a whole melody, one per beat (the chord accompaniment model's task). */
export interface ChordWriter {
  /** Chord classes a slot takes (encoding's chord vocabulary: 0 is no chord). */
  readonly classes: number;
  /** Start over a melody encoded by the generator's encoder (its context holds meter and key). */
  session(melody: EncodedEvents): ChordSession;
}

/** What a learner is told at each step. */
export interface LearnStep {
  /** Seeds what is random in this step (dropout masks), so a resumed run repeats it. */
  seed: Seed;
}

/** What moves a model's weights, batch by batch: Adam over tf.Variables, or counting. */
export interface Learner<B extends LayoutBatch = SequenceBatch> {
  /** Learn from one batch; its mean loss per target. */
  step(batch: B, step: LearnStep): number;
  /** The step size now; the trainer's schedule lowers it on plateaus. Models that count ignore it. */
  learningRate: number;
  /** The learner's own state (Adam's moments) to checkpoint; empty for none. */
  state(): Promise<NamedArrays>;
  /** Restore a state from `state()` before the first step. Throws MusegenError('BAD_MODEL') when it does not fit. */
  restore(state: NamedArrays): Promise<void>;
  dispose(): void;
}

export interface LearnerOptions {
  learningRate: number;
  /** Gradient clipping (global norm). */
  clipNorm: number;
}

/** What the trainer needs of a model. */
export interface Trainable<B extends LayoutBatch = SequenceBatch> {
  /** Mean loss per target of a batch, learning nothing (validation). */
  loss(batch: B): number;
  learner(options: LearnerOptions): Learner<B>;
  /** The current weights by name (copies): the best epoch's are kept with these. */
  weights(): NamedArrays;
  /** The model folder's contents with these weights (default: the current ones). */
  contents(weights?: NamedArrays): Pick<ModelContents, 'topology' | 'weights'> & { hyper: Record<string, unknown> };
  /** Passes over the data that teach it all it can learn (counting models: 1); absent: as many as asked. */
  readonly passes?: number;
  /** How the model's loss is named in plots ("LSTM 2×256"). */
  readonly title: string;
}

export interface Generator {
  /** The registry's name for it, saved in musegen.json. */
  readonly kind: string;
  /** Encodes primers and decodes what is generated. */
  readonly encoder: AnyEncoder;
  /** As saved in musegen.json. */
  readonly hyper: Record<string, unknown>;
  readonly leftToRight?: LeftToRight;
  readonly infill?: Infill;
  readonly latent?: Latent;
  readonly chords?: ChordWriter;
  /** Present when the generator was made or loaded to train. */
  readonly trainable?: Trainable<LayoutBatch>;
  /** Free what the generator holds (tensors). */
  dispose(): void;
}
