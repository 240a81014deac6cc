/**
 * The canonical model. A Score holds parts of notes on one time line in
 * integer ticks (TICKS_PER_QUARTER per quarter), plus tempo, meter and key maps.
 *
 * Ties: a Note is what sounds. Readers merge tied notes into one Note and
 * set `tied` when the written note was split; writers split a Note at
 * barlines again and tie the pieces.
 */
import { midiOf, type Pitch, type Mode } from './pitch.js';
import type { BPM, Fifths, Ticks, Velocity } from './units.js';

export interface Note {
  pitch: Pitch;
  onset: Ticks;
  duration: Ticks;
  velocity: Velocity;
  /** A fermata is written on this note. */
  fermata?: boolean;
  /** The source wrote this note as two or more tied notes. */
  tied?: boolean;
  /** Voice number inside the part (MusicXML voice, kern sub-spine), from 1. */
  voice?: number;
}

export interface Part {
  name: string;
  /** General MIDI program 0..127. */
  program: number;
  /** MIDI channel 0..15 (9 = drums). */
  channel: number;
  /** A percussion part (MIDI channel 10): its notes are drum sounds, not pitches. */
  isDrum: boolean;
  /** Sorted by onset, then by pitch. */
  notes: Note[];
}

export interface TempoEvent { tick: Ticks; bpm: BPM }
export interface TimeSignatureEvent { tick: Ticks; numerator: number; denominator: number }
export interface KeySignatureEvent { tick: Ticks; fifths: Fifths; mode: Mode }
/** A chord symbol written above the staff ("G", "Am7", "D/f#"). */
export interface ChordSymbol { tick: Ticks; text: string }

export interface Score {
  title?: string;
  parts: Part[];
  /** Sorted by tick; the first at tick 0 (120 BPM when the source has none). */
  tempos: TempoEvent[];
  /** Sorted by tick; the first at tick 0 (4/4 when the source has none). */
  timeSignatures: TimeSignatureEvent[];
  /** Sorted by tick; empty when the source gives none. */
  keySignatures: KeySignatureEvent[];
  chordSymbols: ChordSymbol[];
  /** Length of a pickup (anacrusis) before the first barline; 0 when none. */
  pickup: Ticks;
  /** End of the music, at least the end of the last note. */
  end: Ticks;
}

/** An empty Score with the defaults (120 BPM, 4/4), ready for parts. */
export function createScore(init: Partial<Score> = {}): Score {
  const score: Score = {
    parts: [],
    tempos: [{ tick: 0, bpm: 120 }],
    timeSignatures: [{ tick: 0, numerator: 4, denominator: 4 }],
    keySignatures: [],
    chordSymbols: [],
    pickup: 0,
    end: 0,
    ...init,
  };
  score.end = Math.max(score.end, lastNoteEnd(score));
  return score;
}

export function createPart(init: Partial<Part> = {}): Part {
  return { name: '', program: 0, channel: 0, isDrum: false, notes: [], ...init };
}

export function lastNoteEnd(score: Pick<Score, 'parts'>): Ticks {
  let end = 0;
  for (const part of score.parts) for (const n of part.notes) end = Math.max(end, n.onset + n.duration);
  return end;
}

export function noteCount(score: Score): number {
  return score.parts.reduce((s, p) => s + p.notes.length, 0);
}

/** Sort notes by onset, then pitch (low to high) — the order every reader returns. */
export function sortNotes(notes: Note[]): Note[] {
  return notes.sort((a, b) => a.onset - b.onset || midiOf(a.pitch) - midiOf(b.pitch));
}

/** The key in force at a tick (undefined when the score has none). */
export function keyAt(score: Score, tick: Ticks): KeySignatureEvent | undefined {
  return eventAt(score.keySignatures, tick);
}

export function timeSignatureAt(score: Score, tick: Ticks): TimeSignatureEvent {
  return eventAt(score.timeSignatures, tick) ?? { tick: 0, numerator: 4, denominator: 4 };
}

export function tempoAt(score: Score, tick: Ticks): TempoEvent {
  return eventAt(score.tempos, tick) ?? { tick: 0, bpm: 120 };
}

/** Put an event into a sorted map, in time order: it replaces the last event when that one has the same tick. */
export function putEvent<E extends { tick: Ticks }>(events: E[], e: E): void {
  if (events.length > 0 && events[events.length - 1]!.tick === e.tick) events[events.length - 1] = e;
  else events.push(e);
}

/** The last event at or before `tick` in a sorted list. */
export function eventAt<E extends { tick: Ticks }>(events: readonly E[], tick: Ticks): E | undefined {
  let found: E | undefined;
  for (const e of events) {
    if (e.tick > tick) break;
    found = e;
  }
  return found;
}
