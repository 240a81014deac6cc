/**
 * Rebuild an encoder from the spec saved with a model (`encoder.spec`), after
 * checking it: an unknown encoding, feature or option is a
 * MusegenError('BAD_ARGUMENT') that names it and lists what is known.
 *
 * @example
 *   const enc = encoderFromSpec(JSON.parse(modelJson).encoder);
 *   if (enc instanceof VoiceStreamEncoder) …
 */
import { MelodyEncoder } from './melody.js';
import { PianoRollEncoder } from './pianoroll.js';
import { normalizeSpec, type MelodySpec, type PianoRollSpec, type VoicesSpec } from './spec.js';
import { VoiceStreamEncoder } from './voices.js';

export type AnyEncoder = PianoRollEncoder | MelodyEncoder | VoiceStreamEncoder;

export function encoderFromSpec(spec: PianoRollSpec): PianoRollEncoder;
export function encoderFromSpec(spec: MelodySpec): MelodyEncoder;
export function encoderFromSpec(spec: VoicesSpec): VoiceStreamEncoder;
export function encoderFromSpec(spec: unknown): AnyEncoder;
export function encoderFromSpec(spec: unknown): AnyEncoder {
  const s = normalizeSpec(spec);
  switch (s.encoding) {
    case 'pianoroll': return new PianoRollEncoder(s);
    case 'melody': return new MelodyEncoder(s);
    case 'voices': return new VoiceStreamEncoder(s);
  }
}
