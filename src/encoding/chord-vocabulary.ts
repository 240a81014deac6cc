/**
 * The chord classes a chord model predicts, one per beat: "no chord", then
 * every root (12 pitch classes) × quality (major, minor, diminished,
 * augmented, suspended) × with or without a seventh — 121 classes. A chord
 * symbol's text reads as a class through the score's chord-symbol parser
 * (the `chord` feature's reading: a slash bass is dropped, a 9th or 13th
 * counts as a seventh); a class is written back as text spelled in a key
 * ("Bb7" in F major, "A#m" in F# major).
 *
 *   "Am7", "D/f+", "Cd" ─ classOfText ─► 0..120 ─ textOfClass(key) ─► "Am7", "D", "Cdim"
 *   class ─ chordClassTones ─► pitch classes;  text ─ chordTones ─► pitch classes (as written: maj7, 6, m7b5…)
 */
import { accidentalText, keyTonic, parseChordSymbol, stepAlterOfFifths, type Fifths, type Key } from '../score/index.js';
import { CHORD_QUALITIES, readChordSymbol, type ChordQuality, type ChordReading } from './chords.js';

/** The class of "no chord" (before the first symbol, "N.C.", text naming no chord). */
export const NO_CHORD = 0;
/** Classes: no chord, then root × quality × seventh. */
export const CHORD_CLASSES = 1 + 12 * CHORD_QUALITIES.length * 2;

/** The class of a chord reading; NO_CHORD for none. */
export function classOfReading(reading: ChordReading | undefined): number {
  if (!reading) return NO_CHORD;
  return 1 + (reading.root * CHORD_QUALITIES.length + CHORD_QUALITIES.indexOf(reading.quality)) * 2 + (reading.seventh ? 1 : 0);
}

/** The class of a chord symbol's text. */
export function classOfText(text: string): number {
  return classOfReading(readChordSymbol(text));
}

/** The chord a class stands for; undefined for NO_CHORD. */
export function readingOfClass(cls: number): ChordReading | undefined {
  if (!(Number.isInteger(cls) && cls >= 0 && cls < CHORD_CLASSES)) throw new RangeError(`chord class ${cls} outside 0..${CHORD_CLASSES - 1}`);
  if (cls === NO_CHORD) return undefined;
  const i = cls - 1;
  const seventh = i % 2 === 1;
  const rq = Math.floor(i / 2);
  return { root: Math.floor(rq / CHORD_QUALITIES.length), quality: CHORD_QUALITIES[rq % CHORD_QUALITIES.length]!, seventh };
}

/** The class moved by `semitones` (NO_CHORD stays). */
export function transposeClass(cls: number, semitones: number): number {
  const r = readingOfClass(cls);
  return r ? classOfReading({ ...r, root: (((r.root + semitones) % 12) + 12) % 12 }) : NO_CHORD;
}

/** Pitch class of a key's tonic (C major and A minor: 0 and 9); undefined without a key. */
export function tonicPitchClass(key: Key | undefined): number | undefined {
  return key ? keyTonic(key) : undefined;
}

/** The spelling of a pitch class nearest the key's notes on the line of fifths ("Bb" in F, "A#" in B). */
export function spellPitchClass(pc: number, keyFifths: Fifths = 0): string {
  const centre = keyFifths + 1.5; // the middle of the key's diatonic notes (fifths − 1 … fifths + 5), ties to the flat side
  let best = 0;
  let bestDistance = Infinity;
  for (let f = -14; f <= 20; f++) {
    if ((((f * 7) % 12) + 12) % 12 !== pc) continue;
    const d = Math.abs(f - centre);
    if (d < bestDistance) {
      best = f;
      bestDistance = d;
    }
  }
  const { step, alter } = stepAlterOfFifths(best);
  return step + accidentalText(alter);
}

const SUFFIX: Record<ChordQuality, [string, string]> = {
  major: ['', '7'],
  minor: ['m', 'm7'],
  diminished: ['dim', 'dim7'],
  augmented: ['aug', 'aug7'],
  suspended: ['sus4', 'sus4'],
};

/** The text of a class, its root spelled for a key signature (fifths); undefined for NO_CHORD. */
export function textOfClass(cls: number, keyFifths: Fifths = 0): string | undefined {
  const r = readingOfClass(cls);
  return r && spellPitchClass(r.root, keyFifths) + SUFFIX[r.quality][r.seventh ? 1 : 0];
}

/** Intervals above the root of each MusicXML chord kind. */
const KIND_INTERVALS: Record<string, readonly number[]> = {
  major: [0, 4, 7], minor: [0, 3, 7], augmented: [0, 4, 8], diminished: [0, 3, 6],
  dominant: [0, 4, 7, 10], 'major-seventh': [0, 4, 7, 11], 'minor-seventh': [0, 3, 7, 10], 'diminished-seventh': [0, 3, 6, 9],
  'augmented-seventh': [0, 4, 8, 10], 'half-diminished': [0, 3, 6, 10], 'major-minor': [0, 3, 7, 11],
  'major-sixth': [0, 4, 7, 9], 'minor-sixth': [0, 3, 7, 9],
  'dominant-ninth': [0, 4, 7, 10, 2], 'major-ninth': [0, 4, 7, 11, 2], 'minor-ninth': [0, 3, 7, 10, 2],
  'dominant-11th': [0, 4, 7, 10, 5], 'major-11th': [0, 4, 7, 11, 5], 'minor-11th': [0, 3, 7, 10, 5],
  'dominant-13th': [0, 4, 7, 10, 9], 'major-13th': [0, 4, 7, 11, 9], 'minor-13th': [0, 3, 7, 10, 9],
  'suspended-second': [0, 2, 7], 'suspended-fourth': [0, 5, 7], power: [0, 7],
};

const QUALITY_INTERVALS: Record<ChordQuality, readonly number[]> = {
  major: [0, 4, 7], minor: [0, 3, 7], diminished: [0, 3, 6], augmented: [0, 4, 8], suspended: [0, 5, 7],
};

/** Pitch classes of a reading: the triad, and the seventh (a diminished chord's is the diminished seventh). */
export function readingTones(r: ChordReading): number[] {
  const intervals = [...QUALITY_INTERVALS[r.quality]];
  if (r.seventh) intervals.push(r.quality === 'diminished' ? 9 : 10);
  return intervals.map((i) => (r.root + i) % 12);
}

/** Pitch classes of a class's chord; empty for NO_CHORD. */
export function chordClassTones(cls: number): number[] {
  const r = readingOfClass(cls);
  return r ? readingTones(r) : [];
}

/** Pitch classes of a chord symbol as written (its kind's intervals, and its bass); empty for text naming no chord. */
export function chordTones(text: string): number[] {
  const parsed = parseChordSymbol(text);
  const reading = readChordSymbol(text);
  if (!parsed || !reading) return [];
  const intervals = KIND_INTERVALS[parsed.kind];
  const tones = intervals ? intervals.map((i) => (reading.root + i) % 12) : readingTones(reading);
  if (parsed.bass) {
    const bass = (((stepAlterPc(parsed.bass.step, parsed.bass.alter)) % 12) + 12) % 12;
    if (!tones.includes(bass)) tones.push(bass);
  }
  return tones;
}

const STEP_PC: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };
const stepAlterPc = (step: string, alter: number): number => STEP_PC[step]! + alter;
