/**
 * The shapes that cross from `encoding` to the generators: the step context
 * (meter, keys, fermatas… on the grid), the encoded arrays, and the report
 * of what an encoding could not keep.
 *
 * Layouts (row-major, as a tensor of that shape would read them):
 *   tokens    Int32Array   [tracks, steps]           event encoders (melody, voices)
 *   roll      Float32Array [steps, width]            piano roll, width = tracks × channels × pitches
 *   features  Float32Array [steps, featureWidth]     feature channels, in the spec's order
 */
import type { BPM, Key, Meter, Midi, Steps } from '../score/index.js';

/** What an encoding could not keep, counted; never silently dropped. */
export interface EncodeReport {
  /** Notes outside the encoder's pitch range (or with no spelling of their pitch in the vocabulary): left out. */
  outOfRange: number;
  /** Notes whose onset or duration fell between grid steps: moved to the nearest step. */
  offGrid: number;
  /** Notes left out or cut short because they overlap another in a monophonic track, or repeat a pitch already sounding in a roll track. */
  polyphonyDropped: number;
  /** Notes given another spelling of the same pitch because theirs is not in the vocabulary. */
  respelled: number;
  /** One line per kind of problem, for a musician ("2 notes outside C3–C7 left out (first: A1 in bar 12)"). */
  messages: string[];
}

/** Name, program and channel of the part a track came from, so decoding can restore them. */
export interface TrackInfo {
  name: string;
  program: number;
  channel: number;
}

/**
 * Everything about the time line that is not the notes of the tracks, on the
 * grid: what decoding needs to rebuild a Score, and what context features
 * (beat, fermata, key, chord, melody) are computed from. Plain JSON. A sampler
 * takes one from `encoder.encode(prompt).context` (a melody to accompany, a
 * primer) or builds one with `createStepContext` to generate from nothing.
 */
export interface StepContext {
  stepsPerQuarter: Steps;
  /** Length of the pickup (anacrusis) bar; 0 when none. */
  pickup: Steps;
  /** Sorted by step, the first at step 0. A change starts a new bar. */
  timeSignatures: (Meter & { step: Steps })[];
  /** Sorted by step; key signature fifths (of the major key or its relative) and mode. Empty when unknown. */
  keySignatures: (Key & { step: Steps })[];
  tempos: { step: Steps; bpm: BPM }[];
  /** Chord symbols ("G", "Am7", "D/f#"), sorted by step. */
  chords: { step: Steps; text: string }[];
  /** Notes under a fermata (of the tracks and the conditioning melody): where each starts and ends, sorted, one per start step. */
  fermatas: { step: Steps; end: Steps }[];
  /** A melody to condition on (the `melody` feature), monophonic, sorted; empty unless that feature is used. */
  melody: { step: Steps; end: Steps; midi: Midi }[];
  /** One per track of the encoding. */
  tracks: TrackInfo[];
  title?: string;
  /** Length of the whole piece in steps, when known (what the `remaining` feature counts down to). */
  end?: Steps;
}

/** What every encoding holds besides its tracks. */
export interface EncodedBase {
  /** Length of the music in grid steps; 0 for an empty Score. */
  steps: Steps;
  context: StepContext;
  /** [steps, featureWidth]; empty when the spec has no features. */
  features: Float32Array;
  featureWidth: number;
  report: EncodeReport;
}

/** Token streams: one stream of `steps` token ids per track. */
export interface EncodedEvents extends EncodedBase {
  kind: 'events';
  tracks: number;
  /** [tracks, steps] token ids; see the encoder's `vocabulary`. */
  tokens: Int32Array;
}

/** A piano roll: per step, `width` = tracks × channels × pitches values in 0..1. */
export interface EncodedRoll extends EncodedBase {
  kind: 'roll';
  width: number;
  /** [steps, width]; index ((step × tracks + track) × channels + channel) × pitches + (midi − lowest). */
  roll: Float32Array;
}

export type Encoded = EncodedEvents | EncodedRoll;

/** What decoding needs: the arrays and the context (a generator's output with the context it was given). */
export type DecodableEvents = Pick<EncodedEvents, 'tokens' | 'context'>;
export type DecodableRoll = Pick<EncodedRoll, 'roll' | 'context'>;
