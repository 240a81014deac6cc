/**
 * Ticks ⇄ seconds over a tempo map: each tempo holds from its tick until the
 * next, so a time is the sum of whole tempo segments plus part of one. What
 * playback needs to schedule notes, and what a piece's duration in seconds is.
 *
 *   tempos: 120 BPM @ 0, 60 BPM @ 960 (two quarters later)
 *   tick    0 ─── 480 ─── 960 ──────── 1440
 *   seconds 0     0.5     1.0          2.0
 *
 * A map that does not start at tick 0 (or is empty) takes its first tempo
 * (or DEFAULT_TEMPO) from tick 0; times before 0 extend the first tempo.
 */
import { DEFAULT_TEMPO } from './defaults.js';
import type { Score, TempoEvent } from './score.js';
import { TICKS_PER_QUARTER, type BPM, type Seconds, type Ticks } from './units.js';

/** A tempo map, or anything that holds one (a Score). */
export type TempoMap = readonly TempoEvent[] | Pick<Score, 'tempos'>;

/** Seconds from tick 0 to `tick`. */
export function secondsAt(map: TempoMap, tick: Ticks): Seconds {
  const s = lastWhere(segments(map), (x) => x.tick <= tick);
  return s.seconds + secondsOf(tick - s.tick, s.bpm);
}

/** The tick `seconds` after tick 0: the inverse of `secondsAt`, not rounded to a whole tick. */
export function ticksAt(map: TempoMap, seconds: Seconds): Ticks {
  const s = lastWhere(segments(map), (x) => x.seconds <= seconds);
  return s.tick + ((seconds - s.seconds) * s.bpm * TICKS_PER_QUARTER) / 60;
}

/** A tempo in force from `tick`, which falls `seconds` after tick 0. */
interface Segment { tick: Ticks; seconds: Seconds; bpm: BPM }

/** The map as segments from tick 0, each lasting until the next. */
function segments(map: TempoMap): Segment[] {
  const tempos = 'tempos' in map ? map.tempos : map;
  const first = tempos.filter((t) => t.tick <= 0).at(-1) ?? tempos[0];
  const out: Segment[] = [{ tick: 0, seconds: 0, bpm: first?.bpm ?? DEFAULT_TEMPO }];
  for (const t of tempos) {
    if (t.tick <= 0) continue;
    const last = out[out.length - 1]!;
    out.push({ tick: t.tick, seconds: last.seconds + secondsOf(t.tick - last.tick, last.bpm), bpm: t.bpm });
  }
  return out;
}

/** The last segment that `is`, else the first (times before tick 0 extend the first tempo). */
function lastWhere(list: Segment[], is: (s: Segment) => boolean): Segment {
  let found = list[0]!;
  for (const s of list) if (is(s)) found = s;
  return found;
}

const secondsOf = (ticks: Ticks, bpm: BPM): Seconds => (ticks * 60) / (bpm * TICKS_PER_QUARTER);
