/**
 * What the MusicXML writer prints around the notes of a part: the clef its
 * range asks for, and the barlines of repeats and endings at measure bounds.
 *
 * Clef: the one that needs the fewest ledger lines over the part's notes —
 * treble, bass, or for the middle range treble an octave down (a tenor
 * voice) or, for a viola, alto — with a small charge per note for the middle
 * clef, so a part that fits treble or bass keeps it.
 */
import { STEPS, type Note, type Part, type RepeatMarks, type Ticks } from '../score/index.js';

export interface Clef {
  sign: 'G' | 'F' | 'C';
  line: number;
  octaveChange?: number;
}

/** A clef with the diatonic index (octave × 7 + step) of its staff's bottom line, and its charge per note. */
interface StaffClef {
  clef: Clef;
  bottom: number;
  charge: number;
}

const TREBLE: StaffClef = { clef: { sign: 'G', line: 2 }, bottom: 4 * 7 + 2, charge: 0 }; // E4
const BASS: StaffClef = { clef: { sign: 'F', line: 4 }, bottom: 2 * 7 + 4, charge: 0 }; // G2
const TREBLE_8VB: StaffClef = { clef: { sign: 'G', line: 2, octaveChange: -1 }, bottom: 3 * 7 + 2, charge: 0.1 }; // E3
const ALTO: StaffClef = { clef: { sign: 'C', line: 3 }, bottom: 3 * 7 + 3, charge: 0.1 }; // F3

/** General MIDI's viola (program 42, 41 from 0). */
const GM_VIOLA = 41;
const isViola = (part: Pick<Part, 'name' | 'program'>): boolean => part.program === GM_VIOLA || /\b(viola|viole|bratsche)\b/i.test(part.name);

const diatonic = (n: Note): number => n.pitch.octave * 7 + STEPS.indexOf(n.pitch.step);

/** Ledger lines a note at diatonic index `d` needs on a staff whose bottom line is `bottom`. */
function ledgers(d: number, bottom: number): number {
  const top = bottom + 8;
  if (d > top) return Math.floor((d - top) / 2);
  if (d < bottom) return Math.floor((bottom - d) / 2);
  return 0;
}

/** The clef for a part (treble for a part without notes). */
export function clefFor(part: Pick<Part, 'name' | 'program' | 'notes'>): Clef {
  let best = TREBLE;
  let bestCost = Infinity;
  for (const c of [TREBLE, BASS, isViola(part) ? ALTO : TREBLE_8VB]) {
    let cost = 0;
    for (const n of part.notes) cost += ledgers(diatonic(n), c.bottom) + c.charge;
    if (cost < bestCost) [best, bestCost] = [c, cost];
  }
  return best.clef;
}

/** The repeat and ending signs on one side of a measure. */
export interface BarlineMarks {
  repeat: boolean;
  /** Ending numbers starting (left) or ending (right) here. */
  ending?: { numbers: number[]; type: 'start' | 'stop' | 'discontinue' };
}

export interface MeasureBarlines {
  left?: BarlineMarks;
  right?: BarlineMarks;
}

/** The barlines of every measure [start, end): each mark goes to the measure bound nearest its tick. */
export function measureBarlines(spans: readonly [Ticks, Ticks][], marks: RepeatMarks | undefined): MeasureBarlines[] {
  const out: MeasureBarlines[] = spans.map(() => ({}));
  if (!marks || spans.length === 0) return out;
  const bounds = [...spans.map(([s]) => s), spans[spans.length - 1]![1]];
  const nearest = (t: Ticks): number => {
    let k = 0;
    bounds.forEach((b, i) => {
      if (Math.abs(b - t) < Math.abs(bounds[k]! - t)) k = i;
    });
    return k;
  };
  const left = (bound: number): BarlineMarks | undefined => {
    if (bound >= spans.length) return undefined;
    return (out[bound]!.left ??= { repeat: false });
  };
  const right = (bound: number): BarlineMarks | undefined => {
    if (bound === 0) return undefined;
    return (out[bound - 1]!.right ??= { repeat: false });
  };
  for (const t of marks.starts) {
    const l = left(nearest(t));
    if (l) l.repeat = true;
  }
  for (const t of marks.ends) {
    const r = right(nearest(t));
    if (r) r.repeat = true;
  }
  for (const e of marks.endings) {
    const [from, to] = [nearest(e.start), nearest(e.end)];
    if (to <= from) continue;
    const l = left(from);
    const r = right(to);
    if (l) l.ending = { numbers: e.numbers, type: 'start' };
    if (r) r.ending = { numbers: e.numbers, type: e.open ? 'discontinue' : 'stop' };
  }
  return out;
}
