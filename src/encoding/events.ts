/**
 * Event encoders: each track a monophonic stream of one token per step
 * (see vocabulary.ts: 0 rest, 1 hold, then note-ons). Melody and voice
 * streams are this with different part choices.
 *
 *   C4 ♩ C4 ♩ D4 𝅗𝅥 (rest) ♩   at 1 step per quarter   →   [C4, C4, D4, hold, rest]
 *
 * A hold after a rest (a generator may write one) extends the rest.
 *
 * Read back step by step (`TokenStepReader`): a step's tokens, one per
 * track; a note ends at the first step whose token is not a hold.
 */
import { lastAtOrBefore } from './context.js';
import { ScoreEncoder } from './encoder.js';
import type { ReportBuilder } from './report.js';
import type { MelodySpec, VoicesSpec } from './spec.js';
import { skyline, type GridNote } from './tracks.js';
import type { GridStepReader } from './stream.js';
import type { DecodableEvents, EncodedBase, EncodedEvents, StepContext } from './types.js';
import { HOLD, REST, type EventVocabulary } from './vocabulary.js';

/** Write one track's notes (monophonic, in the vocabulary) as tokens at out[offset … offset + steps). */
export function writeTokens(notes: readonly GridNote[], vocabulary: EventVocabulary, out: Int32Array, offset: number): void {
  for (const n of notes) {
    out[offset + n.step] = vocabulary.tokenOf(n.pitch)!;
    out.fill(HOLD, offset + n.step + 1, offset + n.end);
  }
}

/**
 * Event tracks read one step at a time: a step's values are one token per
 * track. Per track the note sounding goes on through holds and ends at a
 * rest or the next note-on; a note-on's pitch is spelled (unspelled tokens)
 * in the key in force at its step.
 */
export class TokenStepReader implements GridStepReader {
  readonly width: number;
  private readonly open: (GridNote | undefined)[];

  constructor(
    private readonly vocabulary: EventVocabulary,
    private readonly context: StepContext,
    tracks: number,
  ) {
    this.width = tracks;
    this.open = new Array<GridNote | undefined>(tracks).fill(undefined);
  }

  read(tokens: ArrayLike<number>, step: number, ended: (track: number, note: GridNote) => void): void {
    for (let t = 0; t < this.width; t++) {
      const token = tokens[t]!;
      this.vocabulary.check(token);
      const open = this.open[t];
      if (token === HOLD) {
        if (open) open.end = step + 1; // a hold after a rest: the rest goes on
        continue;
      }
      if (open) ended(t, open);
      this.open[t] = token === REST ? undefined : {
        pitch: this.vocabulary.pitchOf(token, lastAtOrBefore(this.context.keySignatures, step)), step, end: step + 1, fermata: false,
      };
    }
  }

  sounding(visit: (track: number, note: GridNote) => void): void {
    this.open.forEach((n, t) => n && visit(t, n));
  }
}

/** Read one track of tokens back into notes; unspelled tokens are spelled in the key in force. */
export function readTokens(tokens: Int32Array, offset: number, steps: number, vocabulary: EventVocabulary, context: StepContext): GridNote[] {
  const reader = new TokenStepReader(vocabulary, context, 1);
  const notes: GridNote[] = [];
  for (let s = 0; s < steps; s++) reader.read(tokens.subarray(offset + s, offset + s + 1), s, (_, n) => notes.push(n));
  reader.sounding((_, n) => notes.push(n));
  return notes;
}

export abstract class EventEncoder<S extends MelodySpec | VoicesSpec> extends ScoreEncoder<S, EncodedEvents, DecodableEvents> {
  protected get polyphonyWording(): string {
    return 'overlapping another note of a monophonic track left out or cut short by the next onset (the top note of each onset is kept)';
  }

  protected shape(notes: GridNote[], q: number, report: ReportBuilder): GridNote[] {
    return skyline(notes, q, report);
  }

  protected write(tracks: GridNote[][], steps: number, base: EncodedBase): EncodedEvents {
    const tokens = new Int32Array(this.tracks * steps); // REST = 0
    tracks.forEach((notes, t) => writeTokens(notes, this.vocabulary, tokens, t * steps));
    return { kind: 'events', ...base, tracks: this.tracks, tokens };
  }

  protected stepReader(context: StepContext): TokenStepReader {
    return new TokenStepReader(this.vocabulary, context, this.tracks);
  }

  /** Tokens are [tracks, steps]: a step's row gathers one token of each track (into one reused buffer). */
  protected stepRows(arrays: DecodableEvents): { steps: number; row: (step: number) => Int32Array } {
    const { tokens } = arrays;
    const steps = ScoreEncoder.lengthOf(tokens.length, this.tracks, 'tokens');
    const buffer = new Int32Array(this.tracks);
    return {
      steps,
      row: (s) => {
        for (let t = 0; t < this.tracks; t++) buffer[t] = tokens[t * steps + s]!;
        return buffer;
      },
    };
  }
}
