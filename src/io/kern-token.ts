/**
 * One Humdrum **kern data token → what it says: a duration and the notes of a
 * chord (spelled pitch, tie, fermata), a rest, or a grace note.
 *
 *   "4.c#;"   dotted quarter C#4 with a fermata
 *   "8BB-L"   eighth B-flat 1, beam marks read past
 *   "[2e 2g"  a chord of two half notes, the E tied onwards
 *   "3r"      a triplet-half rest;  "0" breve, "00" long, "3%2" = 2/3 of a whole
 *   "4rF"     a quarter rest placed on the staff at F (the letters only place it)
 *   "16b]-"   signifiers come in any order: B-flat 4, a tie's end
 *
 * The signifiers of a sub-token may come in any order, as the Humdrum
 * reference allows: one reciprocal duration with its dots, one run of pitch
 * letters (on a rest, a staff position), accidentals (`#` `-` `n`, any
 * number, anywhere), ties, fermata, grace marks. Beams, stems, articulations,
 * ornaments, slurs, phrases and editorial marks are read past; anything else
 * makes the token unknown (the caller names the line).
 */
import { TICKS_PER_QUARTER, type Pitch, type Step } from '../score/index.js';

/** A tie mark on a note: `[` starts, `_` continues, `]` ends. */
export type KernTie = 'start' | 'continue' | 'end';

export interface KernNote {
  pitch: Pitch;
  /** Length in ticks; fractional where 480 per quarter does not divide the tuplet (7, 9, 11…). */
  duration: number;
  tie?: KernTie;
  fermata: boolean;
}

export interface KernEvent {
  /** How far the spine moves on, in ticks (fractional as above): the first note's or the rest's length. */
  duration: number;
  /** The notes of the chord; empty for a rest. */
  notes: KernNote[];
  /** A grace note (`q`, `Q`): it takes no time and the reader skips it. */
  grace: boolean;
}

const WHOLE = 4 * TICKS_PER_QUARTER;
/** Signifiers that say nothing about pitch or time: beams, stems, articulations, ornaments, slurs, editorial and user marks. */
const READ_PAST = new Set("LJKk/\\'\"`~^:,vuzoOIMmWwTtSs$RxXyY(){}&<>?@+|!iHhjlNVZUPp");

interface SubToken {
  duration?: number;
  pitch?: Pitch;
  rest: boolean;
  tie?: KernTie;
  fermata: boolean;
  grace: boolean;
}

/** Parse a data token (not the null token "."); undefined when it is not valid **kern. */
export function parseKernToken(token: string): KernEvent | undefined {
  const subs = token.split(' ').filter((s) => s !== '').map(parseSubToken);
  if (subs.length === 0 || subs.some((s) => s === undefined)) return undefined;
  const parts = subs as SubToken[];
  const first = parts[0]!;
  if (parts.some((s) => s.grace)) return { duration: 0, notes: [], grace: true };
  if (first.duration === undefined) return undefined;
  if (first.rest) return parts.length === 1 ? { duration: first.duration, notes: [], grace: false } : undefined;
  if (parts.some((s) => s.rest)) return undefined;
  const notes = parts.map((s) => ({
    pitch: s.pitch!,
    duration: s.duration ?? first.duration!,
    fermata: s.fermata,
    ...(s.tie ? { tie: s.tie } : {}),
  }));
  return { duration: first.duration, notes, grace: false };
}

function parseSubToken(s: string): SubToken | undefined {
  const out: SubToken = { rest: false, fermata: false, grace: false };
  let letters: string | undefined;
  let accidental = '';
  let dots = 0;
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c >= '0' && c <= '9') {
      if (out.duration !== undefined) return undefined;
      const m = /^(\d+)(?:%(\d+))?/.exec(s.slice(i))!;
      out.duration = reciprocalTicks(m[1]!, m[2]);
      i += m[0].length;
    } else if (c === '.') {
      dots++;
      i++;
    } else if (/[a-gA-G]/.test(c)) {
      if (letters !== undefined) return undefined;
      let n = 1;
      while (s[i + n] === c) n++;
      letters = s.slice(i, i + n);
      i += n;
    } else if (c === '#' || c === '-' || c === 'n') {
      accidental += c;
      i++;
    } else if (c === 'r') {
      out.rest = true;
      i++;
    } else if (c === '[' || c === '_' || c === ']') {
      out.tie = c === '[' ? 'start' : c === '_' ? 'continue' : 'end';
      i++;
    } else if (c === ';') {
      out.fermata = true;
      i++;
    } else if (c === 'q' || c === 'Q') {
      out.grace = true;
      i++;
    } else if (READ_PAST.has(c)) {
      i++;
    } else {
      return undefined;
    }
  }
  if (dots > 0 && out.duration === undefined) return undefined;
  if (out.duration !== undefined && dots > 0) out.duration *= 2 - 0.5 ** dots;
  if (out.rest) return out; // a rest's letters (and any accidental) only place it on the staff
  if (letters === undefined) return undefined;
  const alter = alterOf(accidental);
  if (alter === undefined) return undefined;
  const c = letters[0]!;
  const lower = c === c.toLowerCase();
  out.pitch = { step: c.toUpperCase() as Step, alter, octave: lower ? 3 + letters.length : 4 - letters.length };
  return out;
}

/** Semitones of the accidental signifiers of one note: "#", "--", "n", "nn" (naturals say 0); undefined when sharps and flats mix. */
function alterOf(signs: string): number | undefined {
  const sharps = signs.split('#').length - 1;
  const flats = signs.split('-').length - 1;
  if (sharps > 0 && flats > 0) return undefined;
  return sharps - flats;
}

/** Ticks of a kern reciprocal duration: "4" quarter, "3" triplet half, "0" breve, "00" long, "3%2" two thirds of a whole. */
function reciprocalTicks(digits: string, over: string | undefined): number {
  if (/^0+$/.test(digits)) return WHOLE * 2 ** digits.length;
  return (WHOLE * Number(over ?? 1)) / Number(digits);
}
