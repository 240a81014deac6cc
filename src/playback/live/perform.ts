/**
 * Playing a feed on musegen's own clock: a tick's messages go out at
 * `start + tick × ms per tick`; between sends the model generates ahead
 * (never closer than a guard to the next send, never further than the
 * lookahead), so notes leave on time while it computes. With `clockOut`,
 * MIDI clock goes out too (song position 0 and Start before the first
 * pulse, 24 pulses a quarter, Stop at the end), each pulse before the notes
 * of its tick.
 *
 *   NoteFeed ─ generate (in the gaps) ─► queue ─ timer.until(time of tick) ─► GuardedOutput ─► port
 *
 * A stop (the timer's) ends the loop at once; the caller then panics.
 *
 * @example
 *   const timer = new PreciseTimer();
 *   await perform({ feed, output, bpm: 120, clockOut: true, start: performance.now() + 100, end: 16 * 1920, timer });
 */
import { TICKS_PER_QUARTER, type BPM, type Ticks } from '../../score/index.js';
import type { NoteFeed } from './feed.js';
import type { GuardedOutput } from './guard.js';
import { CLOCKS_PER_QUARTER } from './messages.js';
import type { PreciseTimer } from './timer.js';

/** Generation stops this long before a send is due. */
const GUARD_MS = 4;
/** Generation runs at most this far ahead of playback. */
export const LOOKAHEAD_MS = 500;

export const TICKS_PER_CLOCK: Ticks = TICKS_PER_QUARTER / CLOCKS_PER_QUARTER;

export interface PerformOptions {
  feed: NoteFeed;
  output: GuardedOutput;
  bpm: BPM;
  /** Send MIDI clock, Start, song position and Stop. */
  clockOut: boolean;
  /** performance.now() ms of tick 0. */
  start: number;
  /** The tick the piece ends (the clock runs until it); Infinity: for ever. */
  end: Ticks;
  timer: PreciseTimer;
}

/** Play until the feed is done (true) or the timer is stopped (false). */
export async function perform({ feed, output, bpm, clockOut, start, end, timer }: PerformOptions): Promise<boolean> {
  const msPerTick = 60_000 / (bpm * TICKS_PER_QUARTER);
  const timeOf = (tick: Ticks): number => start + tick * msPerTick;
  let clock = 0; // the tick of the next pulse
  if (clockOut) {
    output.send({ type: 'position', value: 0 }, performance.now());
    output.send({ type: 'start' }, performance.now());
  }
  for (;;) {
    const nextClock = clockOut && clock < end ? clock : Infinity;
    const horizon = (): Ticks => (performance.now() + LOOKAHEAD_MS - start) / msPerTick;
    // what comes next must be known: nothing the model has yet to make may come before it
    while (!feed.complete && feed.readyThrough < Math.min(feed.nextTick ?? Infinity, nextClock) && feed.readyThrough < horizon()) feed.generate();
    const tick = Math.min(feed.nextTick ?? Infinity, nextClock);
    if (!feed.complete && feed.readyThrough < tick) {
      // a long silence, made a lookahead ahead: wait for playback to come nearer
      if (!(await timer.until(timeOf(feed.readyThrough) - LOOKAHEAD_MS / 2))) return false;
      continue;
    }
    if (tick === Infinity) break;
    const due = timeOf(tick);
    while (!feed.complete && feed.readyThrough < horizon() && performance.now() < due - GUARD_MS) feed.generate();
    if (!(await timer.until(due))) return false;
    if (tick === nextClock) {
      output.send({ type: 'clock' }, due);
      clock += TICKS_PER_CLOCK;
    }
    for (const message of feed.take(tick)) output.send(message, due);
  }
  if (clockOut) output.send({ type: 'stop' }, timeOf(end));
  return true;
}
