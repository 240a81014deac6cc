/**
 * Spelled pitch: step, alter, octave (C#4 ≠ Db4); the MIDI number is derived.
 * Also the line of fifths, spelling a MIDI number in a key, and intervals.
 */
import { MusegenError } from '../errors.js';
import type { Fifths, Midi } from './units.js';

export type Step = 'C' | 'D' | 'E' | 'F' | 'G' | 'A' | 'B';
export const STEPS: readonly Step[] = ['C', 'D', 'E', 'F', 'G', 'A', 'B'];
const STEP_SEMITONES: Record<Step, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };
const FIFTHS_ORDER = 'FCGDAEB';

export interface Pitch {
  readonly step: Step;
  /** Semitones of accidental: -2 (𝄫) .. +2 (𝄪). */
  readonly alter: number;
  /** Scientific octave: C4 is middle C (MIDI 60). */
  readonly octave: number;
}

/** A spelled interval: diatonic steps (2 = a third) and semitones (4 = major). */
export interface Interval {
  readonly diatonic: number;
  readonly semitones: number;
}

const mod = (a: number, n: number): number => ((a % n) + n) % n;

export function midiOf(p: Pitch): Midi {
  return 12 * (p.octave + 1) + STEP_SEMITONES[p.step] + p.alter;
}

/** Position on the line of fifths relative to C: G=1, F=-1, C#=7, Db=-5. */
export function fifthsOf(p: Pick<Pitch, 'step' | 'alter'>): Fifths {
  return FIFTHS_ORDER.indexOf(p.step) - 1 + 7 * p.alter;
}

/** Step and alter of a position on the line of fifths. */
export function stepAlterOfFifths(f: Fifths): { step: Step; alter: number } {
  return { step: FIFTHS_ORDER[mod(f + 1, 7)] as Step, alter: Math.floor((f + 1) / 7) };
}

function pitchFromFifths(f: Fifths, midi: Midi): Pitch {
  const { step, alter } = stepAlterOfFifths(f);
  const octave = Math.round((midi - STEP_SEMITONES[step] - alter) / 12) - 1;
  return { step, alter, octave };
}

export type Mode = 'major' | 'minor' | 'dorian' | 'phrygian' | 'lydian' | 'mixolydian' | 'locrian' | 'ionian' | 'aeolian';

/**
 * Spell a MIDI number in a key: the spelling whose line-of-fifths position
 * lies in the 12-fifth window around the key (Ab..C# in C major; Bb..G# in A minor).
 */
export function spellMidi(midi: Midi, keyFifths: Fifths = 0, mode: Mode = 'major'): Pitch {
  const low = keyFifths + (mode === 'minor' || mode === 'aeolian' ? -3 : -4);
  const f0 = mod(midi * 7, 12); // fifths position of the pitch class, mod 12
  const f = low + mod(f0 - low, 12);
  return pitchFromFifths(f, midi);
}

/** The written accidental of an alteration: "#", "##", "b", "bb", or "" for none. */
export function accidentalText(alter: number): string {
  return alter > 0 ? '#'.repeat(alter) : 'b'.repeat(-alter);
}

/** The alteration of a written accidental: "#", "##" or "x", "b" or "bb", "" for none. */
export function alterOfAccidental(text: string): number {
  if (text === 'x') return 2;
  return text.startsWith('#') ? text.length : -text.length + 0;
}

const PITCH_RE = /^([A-Ga-g])(#{1,2}|x|b{1,2}|-{1,2}|)(-?\d+)$/;

/** Parse "C#4", "Bb3", "Ebb5", "Fx2". */
export function parsePitch(name: string): Pitch {
  const m = PITCH_RE.exec(name.trim());
  if (!m) throw new MusegenError('BAD_ARGUMENT', `not a pitch name: "${name}" (expected e.g. C#4, Bb3)`);
  const alter = alterOfAccidental(m[2]!.replace(/-/g, 'b'));
  return { step: m[1]!.toUpperCase() as Step, alter, octave: Number(m[3]) };
}

/** "C#4", "Bb3", "C##4", "Dbb2". */
export function pitchName(p: Pitch): string {
  return `${p.step}${accidentalText(p.alter)}${p.octave}`;
}

export function samePitch(a: Pitch, b: Pitch): boolean {
  return a.step === b.step && a.alter === b.alter && a.octave === b.octave;
}

/** Move a pitch by a spelled interval (C4 + major third = E4; C#4 + minor third = E4; Db4 + minor third = Fb4). */
export function transposePitch(p: Pitch, iv: Interval): Pitch {
  const index = STEPS.indexOf(p.step) + 7 * p.octave + iv.diatonic;
  const step = STEPS[mod(index, 7)]!;
  const octave = Math.floor(index / 7);
  const alter = midiOf(p) + iv.semitones - (12 * (octave + 1) + STEP_SEMITONES[step]);
  return { step, alter, octave };
}

/** The spelled interval from `a` up to `b` (negative when b is lower). */
export function intervalBetween(a: Pitch, b: Pitch): Interval {
  const da = STEPS.indexOf(a.step) + 7 * a.octave;
  const db = STEPS.indexOf(b.step) + 7 * b.octave;
  return { diatonic: db - da, semitones: midiOf(b) - midiOf(a) };
}

/** The change on the line of fifths that an interval makes (M2 = +2, m3 = -3). */
export function intervalFifths(iv: Interval): Fifths {
  return fifthsOf(transposePitch({ step: 'C', alter: 0, octave: 4 }, iv));
}

/**
 * The interval of `semitones` that keeps a key of `keyFifths` as plain as
 * possible: the new key lands within -6..+6 on the line of fifths (F# rather than Gb: +6).
 */
export function intervalForSemitones(semitones: number, keyFifths: Fifths = 0): Interval {
  const target = -5 + mod(keyFifths + mod(semitones * 7, 12) + 5, 12); // new key in -5..6
  const d = target - keyFifths;
  const octaves = (semitones - 7 * d) / 12;
  return { diatonic: 4 * d + 7 * octaves, semitones };
}

const NAMED: Record<string, [number, number]> = {
  P1: [0, 0], A1: [0, 1], m2: [1, 1], M2: [1, 2], A2: [1, 3], m3: [2, 3], M3: [2, 4], d4: [3, 4], P4: [3, 5],
  A4: [3, 6], d5: [4, 6], P5: [4, 7], A5: [4, 8], m6: [5, 8], M6: [5, 9], m7: [6, 10], M7: [6, 11], P8: [7, 12],
};

/** Parse an interval name: "M3", "-P5" (down), "m10"? no: simple names P1..P8, with a leading '-' for down. */
export function parseInterval(name: string): Interval {
  const down = name.startsWith('-');
  const v = NAMED[down ? name.slice(1) : name];
  if (!v) throw new MusegenError('BAD_ARGUMENT', `not an interval: "${name}" (expected e.g. M2, -m3, P5)`);
  const s = down ? -1 : 1;
  return { diatonic: s * v[0], semitones: s * v[1] };
}
