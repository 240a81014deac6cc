/**
 * Event encoders: each track a monophonic stream of one token per step
 * (see vocabulary.ts: 0 rest, 1 hold, then note-ons). Melody and voice
 * streams are this with different part choices.
 *
 *   C4 ♩ C4 ♩ D4 𝅗𝅥 (rest) ♩   at 1 step per quarter   →   [C4, C4, D4, hold, rest]
 *
 * A hold after a rest (a generator may write one) extends the rest.
 */
import { lastAtOrBefore } from './context.js';
import { ScoreEncoder } from './encoder.js';
import type { ReportBuilder } from './report.js';
import type { MelodySpec, VoicesSpec } from './spec.js';
import { skyline, type GridNote } from './tracks.js';
import type { DecodableEvents, EncodedBase, EncodedEvents, StepContext } from './types.js';
import { FIRST_PITCH_TOKEN, HOLD, REST, type EventVocabulary } from './vocabulary.js';

/** Write one track's notes (monophonic, in the vocabulary) as tokens at out[offset … offset + steps). */
export function writeTokens(notes: readonly GridNote[], vocabulary: EventVocabulary, out: Int32Array, offset: number): void {
  for (const n of notes) {
    out[offset + n.step] = vocabulary.tokenOf(n.pitch)!;
    out.fill(HOLD, offset + n.step + 1, offset + n.end);
  }
}

/** Read one track of tokens back into notes; unspelled tokens are spelled in the key in force. */
export function readTokens(tokens: Int32Array, offset: number, steps: number, vocabulary: EventVocabulary, context: StepContext): GridNote[] {
  const notes: GridNote[] = [];
  let open: GridNote | undefined;
  for (let s = 0; s < steps; s++) {
    const t = tokens[offset + s]!;
    vocabulary.check(t);
    if (t === HOLD && open) {
      open.end = s + 1;
    } else if (t >= FIRST_PITCH_TOKEN) {
      open = { pitch: vocabulary.pitchOf(t, lastAtOrBefore(context.keySignatures, s)), step: s, end: s + 1, fermata: false };
      notes.push(open);
    } else if (t === REST) {
      open = undefined;
    }
  }
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

  protected read(arrays: DecodableEvents): { tracks: GridNote[][]; steps: number } {
    const steps = ScoreEncoder.lengthOf(arrays.tokens.length, this.tracks, 'tokens');
    const tracks = Array.from({ length: this.tracks }, (_, t) => readTokens(arrays.tokens, t * steps, steps, this.vocabulary, arrays.context));
    return { tracks, steps };
  }
}
