/**
 * Voice streams for polyphony (DeepBach-like): one token stream per part,
 * each token a spelled pitch (or a MIDI pitch with `spelled: false`), hold or
 * rest, all streams on one grid. A part that is itself polyphonic keeps its
 * top voice (counted in the report); a part the Score lacks is a silent stream.
 *
 *   parts [S, A, T, B] ─ tokens [4, steps] ─┐
 *   context ─ features [steps, width] ──────┴─ model (e.g. Gibbs sampling) ─ tokens ─ decode ─ Score
 *
 * @example
 *   const enc = new VoiceStreamEncoder({ parts: [0, 1, 2, 3], features: ['beat', 'fermata'] });
 *   const { tokens, tracks } = enc.encode(chorale);   // tokens: Int32Array [4, steps]
 *   enc.vocabulary.name(tokens[0]!)                   // 'G4', 'hold' or 'rest'
 */
import { EventEncoder } from './events.js';
import { specOf, type EncoderOptions, type VoicesSpec } from './spec.js';

export class VoiceStreamEncoder extends EventEncoder<VoicesSpec> {
  constructor(options: EncoderOptions<VoicesSpec> = {}) {
    super(specOf('voices', options));
  }

  static getDefaults(): VoicesSpec {
    return specOf('voices');
  }

  protected partsOf(): number[] {
    return this.spec.parts;
  }
}
