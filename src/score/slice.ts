/** Cut a Score to a range of bars; the result starts at tick 0. */
import { MusegenError } from '../errors.js';
import { barStarts } from './meter.js';
import { eventAt } from './event-map.js';
import { sliceRepeatMarks } from './repeats.js';
import type { Score } from './score.js';
import type { Ticks } from './units.js';

/**
 * Bars [fromBar, toBar) of the score (bar 0 is the pickup bar when there is one).
 * Notes that cross the cut are clipped to it.
 */
export function sliceBars(score: Score, fromBar: number, toBar: number): Score {
  const starts = barStarts(score);
  if (!Number.isInteger(fromBar) || !Number.isInteger(toBar) || fromBar < 0 || toBar <= fromBar || fromBar >= starts.length) {
    throw new MusegenError('BAD_ARGUMENT', `bars ${fromBar}..${toBar} are not inside the score's ${starts.length} bars`);
  }
  const from = starts[fromBar]!;
  const to = toBar < starts.length ? starts[toBar]! : score.end;
  return sliceTicks(score, from, to);
}

/** The music in [from, to), moved to start at 0. */
export function sliceTicks(score: Score, from: Ticks, to: Ticks): Score {
  const shiftEvents = <E extends { tick: Ticks }>(es: E[]): E[] => {
    const first = eventAt(es, from);
    const rest = es.filter((e) => e.tick > from && e.tick < to);
    return [...(first ? [first] : []), ...rest].map((e) => ({ ...e, tick: Math.max(0, e.tick - from) }));
  };
  const { repeats, ...rest } = score;
  const kept = repeats && sliceRepeatMarks(repeats, from, to);
  return {
    ...rest,
    ...(kept ? { repeats: kept } : {}),
    parts: score.parts.map((p) => ({
      ...p,
      notes: p.notes
        .filter((n) => n.onset < to && n.onset + n.duration > from)
        .map((n) => {
          const onset = Math.max(n.onset, from);
          const end = Math.min(n.onset + n.duration, to);
          return { ...n, onset: onset - from, duration: end - onset };
        }),
    })),
    tempos: shiftEvents(score.tempos),
    timeSignatures: shiftEvents(score.timeSignatures),
    keySignatures: shiftEvents(score.keySignatures),
    chordSymbols: score.chordSymbols.filter((c) => c.tick >= from && c.tick < to).map((c) => ({ ...c, tick: c.tick - from })),
    pickup: from === 0 ? score.pickup : 0,
    end: to - from,
  };
}
