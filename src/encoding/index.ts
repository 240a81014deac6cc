/**
 * encoding — Score ⇄ numeric arrays; the only room that knows tensor layouts.
 *
 *   Score ─ encoder.encode ─ { tokens | roll, features, context, report } ─ windows ─ typed arrays for tensors
 *   generated tokens | roll + context ─ encoder.decode ─ Score
 *   each generated step + context ─ encoder.streamDecoder ─ the notes that step finishes (live output), Score so far
 *
 * Three encoders share one interface (`ScoreEncoder`): PianoRollEncoder
 * (steps × pitches, sustain + onset, per part or merged), MelodyEncoder
 * (one-hot note-on / hold / rest, MIDI or spelled pitches, skyline of a part)
 * and VoiceStreamEncoder (one spelled token stream per part). Each can add
 * feature channels (beat, fermata, spelling, key, chord, melody, and the form
 * features bar, remaining, lookback), computable for any step of a
 * StepContext while generating (spelling and lookback from the music so far). `encoder.spec` is plain
 * JSON; `encoderFromSpec` rebuilds the encoder from it. `augment` transposes
 * within the encoder's range, keeping spelling. Imports only `score`.
 */
export * from './types.js';
export * from './spec.js';
export * from './vocabulary.js';
export * from './context.js';
export * from './features.js';
export * from './form-features.js';
export * from './beat.js';
export * from './chords.js';
export * from './encoder.js';
export * from './events.js';
export * from './pianoroll.js';
export * from './melody.js';
export * from './voices.js';
export * from './from-spec.js';
export * from './stream.js';
export * from './cells.js';
export * from './windows.js';
export * from './sequences.js';
export * from './chord-vocabulary.js';
export * from './chord-layout.js';
export * from './latent-layout.js';
export { choosePart, melodyPart, type ChosenPart } from './tracks.js';
export * from './part-choice.js';
