/**
 * Generated notes as MIDI messages on the tick line: each step the model
 * makes gives the note-offs of the notes it ends, then the note-ons of the
 * notes it begins, both at the step's tick. The feed knows every message up
 * to `readyThrough`; a player sends what is due and asks for more steps
 * while it has time.
 *
 *   PieceStepper.next() ─► { ended, started } ─► [tick, noteoff…, noteon…] ─► take(tick) ─► port
 *                                 (primer steps run silently: the player already played them)
 *
 * @example
 *   const feed = new NoteFeed(run.piece(), { steps: run.plan.steps, skip: run.plan.primerSteps, stepsPerQuarter: 4, channelOf: () => 0 });
 *   while (feed.readyThrough < 960) feed.generate();
 *   feed.take(960);            // the messages due up to tick 960, in order
 */
import type { TrackNote } from '../../encoding/index.js';
import type { PieceStepper } from '../../sampling/index.js';
import { TICKS_PER_QUARTER, midiOf, type Steps, type Ticks } from '../../score/index.js';
import { noteOff, noteOn, type NoteMessage } from './messages.js';

export interface TickMessage {
  tick: Ticks;
  message: NoteMessage;
}

export interface FeedOptions {
  /** Steps of the piece, primer included; null: go on for ever. */
  steps: Steps | null;
  /** Steps at the start not to play (a primer): tick 0 of the feed is the step after them. */
  skip: Steps;
  stepsPerQuarter: number;
  /** The MIDI channel (0–15) of a track. */
  channelOf: (track: number) => number;
}

export class NoteFeed {
  /** Every message at or before this tick is known. */
  readyThrough: Ticks = -Infinity;
  private readonly queue: TickMessage[] = [];
  private head = 0;
  private done = false;
  private readonly ticksPerStep: Ticks;
  private readonly skipTicks: Ticks;

  constructor(
    private readonly piece: PieceStepper,
    private readonly options: FeedOptions,
  ) {
    this.ticksPerStep = TICKS_PER_QUARTER / options.stepsPerQuarter;
    this.skipTicks = options.skip * this.ticksPerStep;
  }

  /** The piece is over: its last note-offs are queued. */
  get complete(): boolean {
    return this.done;
  }

  /** Nothing more to send. */
  get finished(): boolean {
    return this.done && this.head === this.queue.length;
  }

  /** The tick of the next message queued (undefined: none known yet). */
  get nextTick(): Ticks | undefined {
    return this.queue[this.head]?.tick;
  }

  /** Make the next step (or end the piece after its last). */
  generate(): void {
    if (this.done) return;
    const { steps } = this.options;
    if (steps !== null && this.piece.step >= steps) {
      this.add(this.piece.finish(), 'off');
      this.done = true;
      this.readyThrough = Infinity;
      return;
    }
    const step = this.piece.step;
    const { ended, started } = this.piece.next();
    this.add(ended, 'off');
    this.add(started, 'on');
    this.readyThrough = Math.max(this.readyThrough, step * this.ticksPerStep - this.skipTicks);
  }

  /** Generate until every message up to `tick` is known. */
  readyFor(tick: Ticks): void {
    while (!this.done && this.readyThrough < tick) this.generate();
  }

  /** The messages due at or before `tick`, in order (taken off the queue). */
  take(tick: Ticks): NoteMessage[] {
    const out: NoteMessage[] = [];
    while (this.head < this.queue.length && this.queue[this.head]!.tick <= tick) out.push(this.queue[this.head++]!.message);
    if (this.head > 1024) {
      this.queue.splice(0, this.head); // a piece for ever keeps the queue short
      this.head = 0;
    }
    return out;
  }

  private add(notes: TrackNote[], kind: 'on' | 'off'): void {
    for (const { track, note } of notes) {
      if (note.onset < this.skipTicks) continue; // the primer's: already heard
      const channel = this.options.channelOf(track);
      const midi = midiOf(note.pitch);
      this.queue.push(kind === 'on'
        ? { tick: note.onset - this.skipTicks, message: noteOn(channel, midi, Math.max(1, Math.min(127, Math.round(note.velocity)))) }
        : { tick: note.onset + note.duration - this.skipTicks, message: noteOff(channel, midi) });
    }
  }
}
