/**
 * The canonical model. A Score holds parts of notes on one time line in
 * integer ticks (TICKS_PER_QUARTER per quarter), plus tempo, meter and key maps.
 *
 * Ties: a Note is what sounds. Readers merge tied notes into one Note and
 * set `tied` when the written note was split; writers split a Note at
 * barlines again and tie the pieces.
 */
import { DEFAULT_METER, DEFAULT_TEMPO } from './defaults.js';
import { eventAt } from './event-map.js';
import { midiOf, type Pitch, type Mode } from './pitch.js';
import type { RepeatMarks } from './repeats.js';
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

/** A time signature: `numerator` beats of a 1/`denominator` note (6/8: six eighths). */
export interface Meter { numerator: number; denominator: number }
/** A key: its signature on the line of fifths (that of the major key or its relative: E minor = 1) and its mode. */
export interface Key { fifths: Fifths; mode: Mode }

export interface TempoEvent { tick: Ticks; bpm: BPM }
export interface TimeSignatureEvent extends Meter { tick: Ticks }
export interface KeySignatureEvent extends Key { tick: Ticks }
/** A chord symbol written above the staff ("G", "Am7", "D/f#"). */
export interface ChordSymbol { tick: Ticks; text: string }

export interface Score {
  title?: string;
  parts: Part[];
  /** Sorted by tick; the first at tick 0 (DEFAULT_TEMPO when the source has none). */
  tempos: TempoEvent[];
  /** Sorted by tick; the first at tick 0 (DEFAULT_METER when the source has none). */
  timeSignatures: TimeSignatureEvent[];
  /** Sorted by tick; empty when the source gives none. */
  keySignatures: KeySignatureEvent[];
  chordSymbols: ChordSymbol[];
  /** Length of a pickup (anacrusis) before the first barline; 0 when none. */
  pickup: Ticks;
  /** End of the music, at least the end of the last note. */
  end: Ticks;
  /** Repeat signs and endings as written; absent when there are none or the repeats are played out in the notes. */
  repeats?: RepeatMarks;
}

/** An empty Score with the default tempo and meter, ready for parts. */
export function createScore(init: Partial<Score> = {}): Score {
  const score: Score = {
    parts: [],
    tempos: [{ tick: 0, bpm: DEFAULT_TEMPO }],
    timeSignatures: [{ tick: 0, ...DEFAULT_METER }],
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

export function timeSignatureAt(score: Pick<Score, 'timeSignatures'>, tick: Ticks): TimeSignatureEvent {
  return eventAt(score.timeSignatures, tick) ?? { tick: 0, ...DEFAULT_METER };
}

export function tempoAt(score: Pick<Score, 'tempos'>, tick: Ticks): TempoEvent {
  return eventAt(score.tempos, tick) ?? { tick: 0, bpm: DEFAULT_TEMPO };
}
