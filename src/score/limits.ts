/**
 * The limits every Score keeps, checked wherever Scores enter musegen: each
 * reader's output (io/registry.ts, so primers too), and entries of the corpus
 * cache. No input can then make a later array (bars, grid steps, audio
 * samples) grow without bound, and a bad file is refused with its reason.
 *
 *   - a piece lasts at most MAX_BARS bars and MAX_TICKS ticks (MAX_BARS bars of 4/4);
 *   - a meter is n/d with whole n in 1..MAX_METER_PART and d in 1..MAX_METER_PART;
 *   - a tempo is finite, MIN_TEMPO..MAX_TEMPO quarter notes a minute;
 *   - a part's MIDI program is 0..127 and its channel 0..15;
 *   - a note starts at a whole tick ≥ 0, lasts at least one tick, ends by
 *     MAX_TICKS, its pitch spelled with at most MAX_ALTER sharps or flats and
 *     its MIDI number 0..127, its velocity 0..127.
 *
 * @example
 *   const reason = scoreLimitProblem(score);   // undefined, or "meter 0/4 at tick 0 (…)"
 */
import { barLength } from './meter.js';
import { midiOf, STEPS } from './pitch.js';
import type { Note, Score } from './score.js';
import { TICKS_PER_QUARTER, type Ticks } from './units.js';

/** The longest piece, in bars. */
export const MAX_BARS = 100_000;
/** The longest piece, in ticks: MAX_BARS bars of 4/4. */
export const MAX_TICKS: Ticks = MAX_BARS * 4 * TICKS_PER_QUARTER;
/** The largest numerator and denominator of a meter. */
export const MAX_METER_PART = 128;
/** Quarter notes a minute: the slowest and fastest tempo a piece may have. */
export const MIN_TEMPO = 1;
export const MAX_TEMPO = 60_000;
/** The most sharps (or flats) on one note: triple sharps are the most any notation writes. */
export const MAX_ALTER = 3;

const isTick = (t: number): boolean => Number.isInteger(t) && t >= 0 && t <= MAX_TICKS;
const inRange = (x: number, lo: number, hi: number): boolean => Number.isInteger(x) && x >= lo && x <= hi;

/** Why `score` breaks a limit, in a few words; undefined when it keeps them all. */
export function scoreLimitProblem(score: Score): string | undefined {
  if (!(score.end >= 0 && score.end <= MAX_TICKS)) return `the piece is longer than ${MAX_BARS.toLocaleString('en')} bars of 4/4 (the most musegen reads)`;
  if (!isTick(score.pickup)) return `bad pickup length ${score.pickup}`;
  for (const ts of score.timeSignatures) {
    if (!inRange(ts.numerator, 1, MAX_METER_PART) || !inRange(ts.denominator, 1, MAX_METER_PART)) {
      return `bad meter ${ts.numerator}/${ts.denominator} (each part must be a whole number from 1 to ${MAX_METER_PART})`;
    }
    if (!isTick(ts.tick)) return `a meter change at an impossible time (${ts.tick})`;
  }
  if (barCount(score) > MAX_BARS) return `the piece is longer than ${MAX_BARS.toLocaleString('en')} bars (the most musegen reads)`;
  for (const t of score.tempos) {
    if (!(t.bpm >= MIN_TEMPO && t.bpm <= MAX_TEMPO)) return `bad tempo ${t.bpm} (musegen reads ${MIN_TEMPO} to ${MAX_TEMPO} quarter notes a minute)`;
    if (!isTick(t.tick)) return `a tempo change at an impossible time (${t.tick})`;
  }
  for (const e of [...score.keySignatures, ...score.chordSymbols]) if (!isTick(e.tick)) return `a key or chord at an impossible time (${e.tick})`;
  for (const part of score.parts) {
    if (!inRange(part.program, 0, 127) || !inRange(part.channel, 0, 15)) return `a part with MIDI program ${part.program} on channel ${part.channel} (0 to 127, 0 to 15)`;
    for (const n of part.notes) {
      const problem = noteProblem(n);
      if (problem) return problem;
    }
  }
  return undefined;
}

function noteProblem(n: Note): string | undefined {
  if (!isTick(n.onset) || !inRange(n.duration, 1, MAX_TICKS) || n.onset + n.duration > MAX_TICKS) {
    return `a note at tick ${n.onset} lasting ${n.duration} ticks is past the limits (whole ticks, at most ${MAX_BARS.toLocaleString('en')} bars of 4/4)`;
  }
  const { step, alter, octave } = n.pitch;
  if (!STEPS.includes(step) || !inRange(alter, -MAX_ALTER, MAX_ALTER) || !Number.isInteger(octave) || !inRange(midiOf(n.pitch), 0, 127)) {
    return `a pitch out of range (step ${String(step).slice(0, 8)}, alter ${alter}, octave ${octave}: MIDI 0 to 127, at most ${MAX_ALTER} sharps or flats)`;
  }
  if (!(n.velocity >= 0 && n.velocity <= 127)) return `a velocity out of range (${n.velocity}; 0 to 127)`;
  return undefined;
}

/** Bars from tick 0 to the end, each meter's stretch counted on its own (a pickup counts as a bar). */
function barCount(score: Score): number {
  const changes = [...score.timeSignatures].sort((a, b) => a.tick - b.tick);
  let bars = score.pickup > 0 ? 1 : 0;
  for (let i = 0; i < changes.length; i++) {
    const from = Math.max(changes[i]!.tick, score.pickup);
    const to = Math.min(changes[i + 1]?.tick ?? score.end, score.end);
    if (to > from) bars += Math.ceil((to - from) / barLength(changes[i]!));
  }
  return bars;
}
