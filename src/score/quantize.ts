/** Snap a Score to a grid of steps per quarter note. */
import { MusegenError } from '../errors.js';
import { eventMap } from './event-map.js';
import { mapRepeatMarks } from './repeats.js';
import type { Score } from './score.js';
import { lastNoteEnd, sortNotes } from './score.js';
import { TICKS_PER_QUARTER, type Steps, type Ticks } from './units.js';

/** Ticks per grid step; throws when the grid does not divide the quarter. */
export function ticksPerStep(stepsPerQuarter: Steps): Ticks {
  const t = TICKS_PER_QUARTER / stepsPerQuarter;
  if (!Number.isInteger(t) || t < 1) {
    throw new MusegenError('BAD_ARGUMENT', `a grid of ${stepsPerQuarter} steps per quarter does not divide ${TICKS_PER_QUARTER} ticks`);
  }
  return t;
}

/** Is every onset and duration of the score already on the grid? */
export function isOnGrid(score: Score, stepsPerQuarter: Steps): boolean {
  const q = ticksPerStep(stepsPerQuarter);
  return score.parts.every((p) => p.notes.every((n) => n.onset % q === 0 && n.duration % q === 0));
}

/**
 * A copy of the score with onsets and note ends rounded to the nearest step;
 * every note keeps at least one step. Map events and the pickup snap too
 * (events that land on one step: the last wins, and one that then repeats the
 * event before it goes); so do repeat signs and endings.
 */
export function quantize(score: Score, stepsPerQuarter: Steps): Score {
  const q = ticksPerStep(stepsPerQuarter);
  const snap = (t: Ticks): Ticks => Math.round(t / q) * q;
  const parts = score.parts.map((p) => ({
    ...p,
    notes: sortNotes(
      p.notes.map((n) => {
        const onset = snap(n.onset);
        const end = Math.max(onset + q, snap(n.onset + n.duration));
        return { ...n, onset, duration: end - onset };
      }),
    ),
  }));
  const events = <E extends { tick: Ticks }>(es: E[]): E[] => eventMap(es.map((x) => ({ ...x, tick: snap(x.tick) })));
  const { repeats, ...rest } = score;
  const snappedRepeats = repeats && mapRepeatMarks(repeats, snap);
  const out: Score = {
    ...rest,
    ...(snappedRepeats ? { repeats: snappedRepeats } : {}),
    parts,
    tempos: events(score.tempos),
    timeSignatures: events(score.timeSignatures),
    keySignatures: events(score.keySignatures),
    chordSymbols: score.chordSymbols.map((c) => ({ ...c, tick: snap(c.tick) })),
    pickup: snap(score.pickup),
  };
  out.end = Math.max(snap(score.end), lastNoteEnd(out));
  return out;
}
