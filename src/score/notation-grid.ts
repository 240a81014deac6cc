/**
 * Quantizing a performance for notation. Recorded or exported MIDI is not on
 * a grid: onsets drift a few ticks, notes end a tick or more short or run
 * into the next. Before such music can be written as notes with standard
 * values it is snapped to a grid, chosen here from the onsets:
 *
 *   candidates (steps per quarter, coarsest first): 1 2 3 4 6 8 12
 *   an onset is explained by a grid when it lies within a quarter of a step
 *   (at most a 64th note) of a grid point; the grid chosen is the coarsest
 *   that explains as many onsets as the best candidate, give or take one in
 *   500 (two 16th notes in a chorale of eighths are not noise) — 3, 6 and 12
 *   are the triplet grids, chosen only when triplets are played.
 *
 * Then notes that overlap the next onset of their voice by at most one step
 * (legato playing) end where it starts.
 */
import { MusegenError } from '../errors.js';
import { quantize, ticksPerStep } from './quantize.js';
import type { Note, Score } from './score.js';
import type { Steps, Ticks } from './units.js';

/** Steps per quarter a notation grid may have, coarsest first. */
export const NOTATION_GRIDS: readonly Steps[] = [1, 2, 3, 4, 6, 8, 12];

/** The most onsets (a share of all) the chosen grid may leave unexplained that the best one explains. */
const SLACK = 0.002;

/** How far from a grid point an onset may lie and still be on it: a quarter of a step, at most a 64th note. */
const tolerance = (step: Ticks): Ticks => Math.min(step / 4, ticksPerStep(16) / 2);

/** Share of `onsets` within tolerance of the grid. */
function explained(onsets: readonly Ticks[], stepsPerQuarter: Steps): number {
  const step = ticksPerStep(stepsPerQuarter);
  const tol = tolerance(step);
  let n = 0;
  for (const t of onsets) {
    const off = Math.abs(t - Math.round(t / step) * step);
    if (off <= tol) n++;
  }
  return n / onsets.length;
}

/** The grid (steps per quarter) that best explains the score's onsets; 4 (16th notes) for a score without notes. */
export function chooseNotationGrid(score: Score): Steps {
  const onsets = score.parts.flatMap((p) => p.notes.map((n) => n.onset));
  if (onsets.length === 0) return 4;
  const shares = NOTATION_GRIDS.map((g) => explained(onsets, g));
  const best = Math.max(...shares);
  return NOTATION_GRIDS[shares.findIndex((s) => s >= best - SLACK)]!;
}

/**
 * A note value as a grid: `16` (16th notes) is 4 steps per quarter, `12`
 * (eighth-note triplets) 3. Accepts 1, 2, 4 … 64 and the triplets 3, 6 … 96.
 */
export function gridOfNoteValue(value: number): Steps {
  const plain = [1, 2, 4, 8, 16, 32, 64];
  if (!Number.isInteger(value) || !(plain.includes(value) || plain.includes(value / 3))) {
    throw new MusegenError('BAD_ARGUMENT', `a grid of ${value} is not a note value: give 4 (quarters), 8, 16, 32 or 64, or a triplet grid 3, 6, 12, 24 or 48`);
  }
  return value / 4;
}

/**
 * The score snapped for notation: to `stepsPerQuarter`, or to the grid its
 * onsets choose; a note overlapping the next onset of its part and voice by
 * at most one step ends there.
 */
export function quantizeForNotation(score: Score, stepsPerQuarter: Steps = chooseNotationGrid(score)): Score {
  const q = quantize(score, stepsPerQuarter);
  const step = ticksPerStep(stepsPerQuarter);
  return { ...q, parts: q.parts.map((p) => ({ ...p, notes: clipLegato(p.notes, step) })) };
}

/** Notes (sorted by onset) with overlaps of at most `step` into the next onset of their voice cut off. */
function clipLegato(notes: readonly Note[], step: Ticks): Note[] {
  const onsetsByVoice = new Map<number, Ticks[]>();
  for (const n of notes) {
    const list = onsetsByVoice.get(n.voice ?? 1) ?? [];
    if (list[list.length - 1] !== n.onset) list.push(n.onset);
    onsetsByVoice.set(n.voice ?? 1, list);
  }
  return notes.map((n) => {
    const next = firstAfter(onsetsByVoice.get(n.voice ?? 1)!, n.onset);
    const end = n.onset + n.duration;
    return next !== undefined && end > next && end - next <= step ? { ...n, duration: next - n.onset } : n;
  });
}

/** The first of the sorted `ticks` after `t`. */
function firstAfter(ticks: readonly Ticks[], t: Ticks): Ticks | undefined {
  let lo = 0;
  let hi = ticks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ticks[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return ticks[lo];
}
