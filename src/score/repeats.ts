/**
 * Repeats and endings as written: barlines with repeat signs and volta
 * brackets, at ticks of the score's time line. A Score carries them
 * (`Score.repeats`) only when its notes are as written, not played out, so
 * a notation writer can print `|: A [1 B :| [2 C ||` instead of A B A C.
 *
 *   ticks     0        960       1920      2880      3840
 *             |: A     |  B      :| C      |  D      ||
 *   starts [0]  ends [1920]  endings [{ start 960, end 1920, numbers [1] },
 *                                     { start 1920, end 2880, numbers [2], open }]
 *
 * `playRepeats` plays them out (what a MIDI rendering holds): a :| goes back
 * to the last |:, or to the last :| or the start when there is none; an
 * ending plays on the passes it is numbered for.
 */
import { eventAt, eventMap } from './event-map.js';
import { sortNotes, type Score } from './score.js';
import type { Ticks } from './units.js';

/** A volta bracket over [start, end): played on the passes `numbers` (1-based). */
export interface Ending {
  start: Ticks;
  end: Ticks;
  numbers: number[];
  /** The bracket ends without a hook (a last ending that runs on into the music). */
  open?: boolean;
}

export interface RepeatMarks {
  /** Barlines with a forward repeat sign (|:), sorted. */
  starts: Ticks[];
  /** Barlines with a backward repeat sign (:|), sorted. */
  ends: Ticks[];
  /** Sorted by start. */
  endings: Ending[];
}

/** Marks from unsorted lists, or undefined when there are none (a Score leaves the field out then). */
export function repeatMarks(starts: Ticks[], ends: Ticks[], endings: Ending[]): RepeatMarks | undefined {
  if (starts.length + ends.length + endings.length === 0) return undefined;
  const sorted = (ts: Ticks[]): Ticks[] => [...new Set(ts)].sort((a, b) => a - b);
  return { starts: sorted(starts), ends: sorted(ends), endings: [...endings].sort((a, b) => a.start - b.start) };
}

/** The marks with every tick mapped by `f` (snapped to a grid, shifted); endings that become empty go. */
export function mapRepeatMarks(marks: RepeatMarks, f: (t: Ticks) => Ticks): RepeatMarks | undefined {
  return repeatMarks(
    marks.starts.map(f),
    marks.ends.map(f),
    marks.endings.map((e) => ({ ...e, start: f(e.start), end: f(e.end) })).filter((e) => e.end > e.start),
  );
}

/** The marks inside [from, to), moved to start at 0 (what a slice of the score keeps). */
export function sliceRepeatMarks(marks: RepeatMarks, from: Ticks, to: Ticks): RepeatMarks | undefined {
  const inside = (t: Ticks): boolean => t >= from && t <= to;
  return repeatMarks(
    marks.starts.filter((t) => t < to && t >= from).map((t) => t - from),
    marks.ends.filter((t) => t > from && inside(t)).map((t) => t - from),
    marks.endings
      .filter((e) => e.start >= from && e.end <= to)
      .map((e) => ({ ...e, start: e.start - from, end: e.end - from })),
  );
}

/** The spans [from, to) of the written time line in the order they are played. */
export function playedSpans(marks: RepeatMarks, end: Ticks): [Ticks, Ticks][] {
  const spans: [Ticks, Ticks][] = [];
  const after = (ts: Ticks[], t: Ticks): Ticks => ts.find((x) => x > t) ?? Infinity;
  const endingStarts = marks.endings.map((e) => e.start);
  let pos = 0;
  let back = 0; // where the next :| goes back to
  let pass = 1;
  while (pos < end) {
    const skipped = marks.endings.find((e) => e.start === pos && !e.numbers.includes(pass));
    if (skipped && skipped.end > pos && !marks.endings.some((e) => e.start === pos && e.numbers.includes(pass))) {
      pos = skipped.end;
      continue;
    }
    const repeatEnd = after(marks.ends, pos);
    const stop = Math.min(repeatEnd, after(marks.starts, pos), after(endingStarts, pos), end);
    if (spans.length > 0 && spans[spans.length - 1]![1] === pos) spans[spans.length - 1]![1] = stop;
    else spans.push([pos, stop]);
    pos = stop;
    if (stop === repeatEnd) {
      // endings after the last |: say how many passes the repeat has (two at least)
      const passes = Math.max(2, ...marks.endings.filter((e) => e.start >= back && e.start <= stop).flatMap((e) => e.numbers));
      if (pass < passes) {
        pass++;
        pos = back;
        continue;
      }
      [back, pass] = [stop, 1];
    } else if (marks.starts.includes(stop)) [back, pass] = [stop, 1];
  }
  return spans;
}

/** The score with its repeats played out (a score without marks is returned as it is). */
export function playRepeats(score: Score): Score {
  if (!score.repeats) return score;
  const spans = playedSpans(score.repeats, score.end);
  const { repeats: _written, ...rest } = score;
  let at = 0;
  const placed = spans.map(([from, to]) => {
    const shift = at - from;
    at += to - from;
    return { from, to, shift };
  });
  const events = <E extends { tick: Ticks }>(es: E[]): E[] =>
    eventMap(
      placed.flatMap(({ from, to, shift }) => {
        const first = eventAt(es, from);
        const inside = es.filter((e) => e.tick > from && e.tick < to);
        return [...(first ? [first] : []), ...inside].map((e) => ({ ...e, tick: Math.max(from, e.tick) + shift }));
      }),
    );
  return {
    ...rest,
    parts: score.parts.map((p) => ({
      ...p,
      notes: sortNotes(placed.flatMap(({ from, to, shift }) => p.notes.filter((n) => n.onset >= from && n.onset < to).map((n) => ({ ...n, onset: n.onset + shift })))),
    })),
    tempos: events(score.tempos),
    timeSignatures: events(score.timeSignatures),
    keySignatures: events(score.keySignatures),
    chordSymbols: placed.flatMap(({ from, to, shift }) => score.chordSymbols.filter((c) => c.tick >= from && c.tick < to).map((c) => ({ ...c, tick: c.tick + shift }))),
    end: at,
  };
}
