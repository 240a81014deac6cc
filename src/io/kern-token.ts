/**
 * One Humdrum **kern data token → what it says: a duration and the notes of a
 * chord (spelled pitch, tie, fermata), a rest, or a grace note.
 *
 *   "4.c#;"   dotted quarter C#4 with a fermata
 *   "8BB-L"   eighth B-flat 1, beam marks read past
 *   "[2e 2g"  a chord of two half notes, the E tied onwards
 *   "3r"      a triplet-half rest;  "0" breve, "00" long, "3%2" = 2/3 of a whole
 *
 * Beams, stems, articulations, ornaments, slurs, phrases and editorial marks
 * are read past; anything else makes the token unknown (the caller names the line).
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
const READ_PAST = new Set("LJKk/\\'\"`~^:,vuzoOIMmWwTtSs$RxXyY(){}&<>?@+|!iHhjlNZUPp");
const ALTER: Record<string, number> = { '#': 1, '##': 2, '###': 3, '-': -1, '--': -2, '---': -3, n: 0 };

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
  let i = 0;
  let dots = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c >= '0' && c <= '9') {
      if (out.duration !== undefined) return undefined;
      const m = /^(\d+)(?:%(\d+))?/.exec(s.slice(i))!;
      out.duration = reciprocalTicks(m[1]!, m[2]);
      i += m[0].length;
    } else if (c === '.') {
      if (out.duration === undefined) return undefined;
      dots++;
      i++;
    } else if (/[a-gA-G]/.test(c)) {
      if (out.pitch || out.rest) return undefined;
      let n = 1;
      while (s[i + n] === c) n++;
      const acc = /^(#{1,3}|-{1,3}|n)?/.exec(s.slice(i + n))![0];
      const lower = c === c.toLowerCase();
      out.pitch = { step: c.toUpperCase() as Step, alter: ALTER[acc] ?? 0, octave: lower ? 3 + n : 4 - n };
      i += n + acc.length;
    } else if (c === 'r') {
      if (out.pitch) return undefined;
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
  if (!out.pitch && !out.rest) return undefined;
  if (out.duration !== undefined && dots > 0) out.duration *= 2 - 0.5 ** dots;
  return out;
}

/** Ticks of a kern reciprocal duration: "4" quarter, "3" triplet half, "0" breve, "00" long, "3%2" two thirds of a whole. */
function reciprocalTicks(digits: string, over: string | undefined): number {
  if (/^0+$/.test(digits)) return WHOLE * 2 ** digits.length;
  return (WHOLE * Number(over ?? 1)) / Number(digits);
}
