/**
 * One-hot melody events (MelodyRNN-like): one token per step, note-on(pitch),
 * hold or rest, over a range of MIDI pitches, or of spelled pitches with
 * `spelled: true` (C#4 and Db4 are then different tokens).
 *
 * The melody is the top voice (skyline) of one part, or of all parts with
 * `part: 'merged'`: at each onset the highest note, ended by the next onset.
 * Chord tones under it, and the tails of notes cut by a later onset, are
 * counted in `report.polyphonyDropped`.
 *
 *   Score ─ part ─ skyline ─ tokens [1, steps] ─┐
 *   context ─ features [steps, width] ──────────┴─ model ─ tokens ─ decode ─ Score
 *
 * @example
 *   const enc = new MelodyEncoder({ stepsPerQuarter: 4, lowest: 48, highest: 84, features: ['beat'] });
 *   const { tokens, features, report } = enc.encode(score);   // tokens: Int32Array [steps]
 *   const back = enc.decode({ tokens, context: enc.encode(score).context });
 */
import type { Score } from '../score/index.js';
import { EventEncoder } from './events.js';
import { specOf, type MelodySpec, type EncoderOptions } from './spec.js';
import { partsOf } from './tracks.js';

export class MelodyEncoder extends EventEncoder<MelodySpec> {
  constructor(options: EncoderOptions<MelodySpec> = {}) {
    super(specOf('melody', options));
  }

  /** The complete spec with every default. */
  static getDefaults(): MelodySpec {
    return specOf('melody');
  }

  protected partsOf(score: Score): 'merged' | number[] {
    return partsOf(this.spec.part, score);
  }
}
