/**
 * Written note values for the MusicXML writer: which <type>, dots and
 * triplet a duration in ticks is, how to spell any other duration as tied
 * standard values, and the divisions that make every duration a whole number.
 */
import { TICKS_PER_QUARTER, type Ticks } from '../score/index.js';

/** One written value: a note type with dots, or a triplet (3 in the time of 2) of a plain type. */
export interface NoteValue {
  ticks: Ticks;
  /** MusicXML <type>; absent for a duration no standard value matches. */
  type?: string;
  dots: number;
  triplet: boolean;
}

const TYPES: [string, Ticks][] = [
  ['breve', 8 * TICKS_PER_QUARTER],
  ['whole', 4 * TICKS_PER_QUARTER],
  ['half', 2 * TICKS_PER_QUARTER],
  ['quarter', TICKS_PER_QUARTER],
  ['eighth', TICKS_PER_QUARTER / 2],
  ['16th', TICKS_PER_QUARTER / 4],
  ['32nd', TICKS_PER_QUARTER / 8],
  ['64th', TICKS_PER_QUARTER / 16],
  ['128th', TICKS_PER_QUARTER / 32],
];

/** Every standard value in whole ticks, longest first. */
const VALUES: NoteValue[] = TYPES.flatMap(([type, base]) => [
  ...[0, 1, 2].map((dots) => ({ ticks: base * (2 - 2 ** -dots), type, dots, triplet: false })),
  { ticks: (base * 2) / 3, type, dots: 0, triplet: true },
])
  .filter((v) => Number.isInteger(v.ticks))
  .sort((a, b) => b.ticks - a.ticks);

const BY_TICKS = new Map(VALUES.map((v) => [v.ticks, v]));

/** The standard value of exactly this duration, if there is one. */
export function noteValue(ticks: Ticks): NoteValue | undefined {
  return BY_TICKS.get(ticks);
}

/**
 * A duration as written values to tie together: itself when standard, else
 * the longest values first, each a multiple of `unit` (so every piece is a
 * whole number of divisions); a remainder no value fits is one typeless piece.
 */
export function splitDuration(ticks: Ticks, unit: Ticks): NoteValue[] {
  const exact = noteValue(ticks);
  if (exact) return [exact];
  const pieces: NoteValue[] = [];
  let rest = ticks;
  while (rest > 0) {
    const v = VALUES.find((x) => x.ticks <= rest && x.ticks % unit === 0);
    if (!v) {
      pieces.push({ ticks: rest, dots: 0, triplet: false });
      break;
    }
    pieces.push(v);
    rest -= v.ticks;
  }
  return pieces;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * The largest tick unit that divides a quarter and every given time, so
 * MusicXML divisions = TICKS_PER_QUARTER / unit represent them all exactly.
 */
export function divisionUnit(times: Iterable<Ticks>): Ticks {
  let unit = TICKS_PER_QUARTER;
  for (const t of times) if (unit > 1) unit = gcd(unit, Math.abs(Math.round(t)));
  return unit;
}
