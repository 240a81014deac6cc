/**
 * Spelling for sources that give only MIDI numbers (MIDI files, benchmark
 * JSON): each pitch is spelled in the key signature in force, or — when the
 * source has none — in a key estimated from all its pitched notes. The
 * estimate is used for spelling only; it never becomes a key signature.
 */
import {
  estimateKey, eventAt, sortNotes, spellMidi,
  type Key, type KeySignatureEvent, type Midi, type Note, type Ticks, type Velocity,
} from '../score/index.js';

/** A note before spelling. */
export interface MidiNote {
  midi: Midi;
  onset: Ticks;
  duration: Ticks;
  velocity: Velocity;
}

export type KeyLookup = (tick: Ticks) => Key;

/**
 * The key to spell in at each tick: the signature in force (the first one
 * before it starts), or one estimate over `pitched` when there are none.
 */
export function spellingKeys(keySignatures: readonly KeySignatureEvent[], pitched: Iterable<MidiNote>): KeyLookup {
  const first = keySignatures[0];
  if (!first) {
    const estimate = estimateKey([...pitched].map((n) => ({ midi: n.midi, duration: n.duration })));
    return () => estimate;
  }
  return (tick) => eventAt(keySignatures, tick) ?? first;
}

/** Spelled Notes, sorted by onset then pitch. */
export function spellNotes(notes: readonly MidiNote[], key: KeyLookup): Note[] {
  return sortNotes(notes.map((n) => {
    const k = key(n.onset);
    return { pitch: spellMidi(n.midi, k.fifths, k.mode), onset: n.onset, duration: n.duration, velocity: n.velocity };
  }));
}
