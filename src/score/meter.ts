/** Bars and beats: where barlines fall given the meter map and a pickup. */
import { timeSignatureAt, type Meter, type Score, type TimeSignatureEvent } from './score.js';
import { TICKS_PER_QUARTER, type Ticks } from './units.js';

export function barLength(ts: Meter): Ticks {
  return (ts.numerator * 4 * TICKS_PER_QUARTER) / ts.denominator;
}

/** Whether the meter's beat divides in three (6/8, 9/8, 12/8: a dotted beat). */
export function isCompound(ts: Meter): boolean {
  return ts.numerator % 3 === 0 && ts.numerator > 3;
}

/** Beats in a bar: the numerator, or a third of it in compound meters (6/8 has 2). */
export function beatsInBar(ts: Meter): number {
  return isCompound(ts) ? ts.numerator / 3 : ts.numerator;
}

/**
 * Start ticks of every bar up to `score.end` (at least one bar). With a pickup,
 * bar 0 is the pickup bar [0, pickup). A meter change starts a new bar.
 */
export function barStarts(score: Pick<Score, 'timeSignatures' | 'pickup' | 'end'>): Ticks[] {
  const starts: Ticks[] = [0];
  let t: Ticks = score.pickup > 0 ? score.pickup : 0;
  if (score.pickup > 0) starts.push(t);
  const changes = score.timeSignatures.map((e) => e.tick).filter((x) => x > t);
  while (t < score.end) {
    const len = barLength(timeSignatureAt(score, t));
    let next = t + len;
    const change = changes.find((c) => c > t && c < next);
    if (change !== undefined) next = change;
    if (next >= score.end) break;
    starts.push(next);
    t = next;
  }
  return starts;
}

export interface BarPosition {
  /** Bar index (0 = the first bar, which is the pickup bar when there is one). */
  bar: number;
  barStart: Ticks;
  /** Ticks since the barline. */
  offset: Ticks;
  /** Nominal bar length of the meter in force. */
  length: Ticks;
  timeSignature: TimeSignatureEvent;
}

/** Where a tick falls in its bar. For many look-ups, pass `barStarts(score)` once. */
export function barPosition(score: Score, tick: Ticks, starts: Ticks[] = barStarts(score)): BarPosition {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= tick) lo = mid;
    else hi = mid - 1;
  }
  const barStart = starts[lo]!;
  const ts = timeSignatureAt(score, barStart);
  let length = barLength(ts);
  let offset = tick - barStart;
  // A pickup bar is the end of a full bar: its offset counts from that bar's start.
  if (lo === 0 && score.pickup > 0) offset += length - score.pickup;
  if (offset >= length) length = offset + 1; // past the last barline
  return { bar: lo, barStart, offset, length, timeSignature: ts };
}
