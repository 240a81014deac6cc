/**
 * Playing a feed on a DAW's clock: pulse k after Start is tick k × 20 (24
 * pulses a quarter), and a tick's messages go out when its pulse arrives;
 * the tempo is the DAW's, measured from the pulses. Start and Continue
 * play, Stop ends every sounding note and waits. Between pulses the model
 * generates a quarter ahead. Song position is not followed (what is
 * generated cannot be rewound): after Stop the music goes on where it was.
 *
 *   input: start / continue / stop / clock ─► tick ─► feed.take(tick) ─► GuardedOutput ─► port
 *   no pulse for `timeoutMs` while playing ─► MusegenError: the clock stopped
 *
 * @example
 *   const timer = new PreciseTimer();
 *   const tempo = await follow({ input, feed, output, end: 16 * 1920, timer, timeoutMs: 2000 });
 */
import { MusegenError } from '../../errors.js';
import { TICKS_PER_QUARTER, type BPM, type Ticks } from '../../score/index.js';
import type { NoteFeed } from './feed.js';
import type { GuardedOutput } from './guard.js';
import { CLOCKS_PER_QUARTER, type MidiMessage } from './messages.js';
import { TICKS_PER_CLOCK } from './perform.js';
import type { MidiInput } from './ports.js';
import type { PreciseTimer } from './timer.js';

export interface FollowOptions {
  input: MidiInput;
  feed: NoteFeed;
  output: GuardedOutput;
  /** The tick the piece ends; Infinity: for ever. */
  end: Ticks;
  timer: PreciseTimer;
  /** Playing, and no pulse for this long: the clock has stopped (an error). */
  timeoutMs: number;
}

/** Follow until the piece ends or the timer stops; resolves with the tempo last measured (NaN: no pulses). */
export function follow({ input, feed, output, end, timer, timeoutMs }: FollowOptions): Promise<BPM> {
  return new Promise<BPM>((resolve, reject) => {
    let playing = false;
    let tick = 0; // of the next pulse
    let last = NaN; // when the last pulse (or Start) came
    let previousPulse = NaN; // NaN after Start: a pause is not an interval
    let interval = NaN; // smoothed ms between pulses
    const done = (error?: unknown): void => {
      clearInterval(watch);
      input.close();
      if (error !== undefined) reject(error);
      else resolve(60_000 / (interval * CLOCKS_PER_QUARTER));
    };
    const watch = setInterval(() => {
      if (timer.isStopped) done();
      else if (playing && performance.now() - last > timeoutMs) {
        done(new MusegenError('UNREADABLE', `the clock on "${input.name}" stopped: no pulse for ${timeoutMs / 1000} s and no Stop message`));
      }
    }, Math.min(100, timeoutMs / 4));
    const pulse = (): void => {
      const now = performance.now();
      if (!Number.isNaN(previousPulse)) interval = Number.isNaN(interval) ? now - previousPulse : 0.9 * interval + 0.1 * (now - previousPulse);
      previousPulse = last = now;
      feed.readyFor(tick);
      for (const message of feed.take(tick)) output.send(message, now);
      tick += TICKS_PER_CLOCK;
      if (tick > end || feed.finished) return done();
      // a quarter ahead, a few steps a pulse
      for (let i = 0; i < 4 && !feed.complete && feed.readyThrough < tick + TICKS_PER_QUARTER; i++) feed.generate();
    };
    input.listen((m: MidiMessage) => {
      if (timer.isStopped) return;
      if (m.type === 'start' || m.type === 'continue') {
        playing = true;
        last = performance.now();
        previousPulse = NaN;
      } else if (m.type === 'stop') {
        playing = false;
        output.panic(performance.now());
      } else if (m.type === 'clock' && playing) {
        try {
          pulse();
        } catch (e) {
          done(e);
        }
      }
    });
  });
}
