/**
 * Call and response: what a player plays on an input becomes a phrase —
 * a Score on the model's grid, in whole bars from the player's first note —
 * that the model continues. The call ends after `bars` bars, or when the
 * player has been silent (nothing held) for `silenceMs` after playing.
 *
 *   input noteon/noteoff ─► (ms from the first note-on) ─► ticks at `bpm`, snapped to the grid ─► Score (primer)
 *
 * @example
 *   const listener = new CallListener(input, { bpm: 120, meter, stepsPerQuarter: 4, bars: 2, silenceMs: 1500 });
 *   const call = await listener.next(timer);
 *   if (call) startSampling(generator, { primer: call.score, bars: 2 });   // answer from call.end
 */
import { TICKS_PER_QUARTER, barLength, createPart, createScore, estimateKey, spellMidi, type BPM, type Key, type Meter, type Note, type Score, type Ticks } from '../../score/index.js';
import { isNoteStart, type MidiMessage } from './messages.js';
import type { MidiInput } from './ports.js';
import type { PreciseTimer } from './timer.js';

/** A note as played: times in ms (performance.now()). */
export interface PlayedNote {
  midi: number;
  velocity: number;
  on: number;
  off: number;
}

export interface CallShape {
  bpm: BPM;
  meter: Meter;
  /** The model's grid. */
  stepsPerQuarter: number;
  /** The call's longest length. */
  bars: number;
  /** A silence this long after playing ends the call. */
  silenceMs: number;
  /** The key to spell in (default: estimated from the notes). */
  key?: Key;
}

export interface Call {
  /** The phrase, in whole bars. */
  score: Score;
  /** performance.now() ms where the phrase's bar 0 began (its first note). */
  start: number;
  /** performance.now() ms where its last bar ends: where the answer begins. */
  end: number;
}

/** The phrase played: notes snapped to the grid, padded to whole bars ending at `endTick`. */
export function phraseScore(notes: readonly PlayedNote[], start: number, endTick: Ticks, shape: Omit<CallShape, 'bars' | 'silenceMs'>): Score {
  const msPerTick = 60_000 / (shape.bpm * TICKS_PER_QUARTER);
  const grid = TICKS_PER_QUARTER / shape.stepsPerQuarter;
  const snap = (ms: number): Ticks => Math.round((ms - start) / msPerTick / grid) * grid;
  const key = shape.key ?? estimateKey(notes.map((n) => ({ midi: n.midi, duration: n.off - n.on })));
  const spelled: Note[] = notes.map((n) => {
    const onset = snap(n.on);
    return { pitch: spellMidi(n.midi, key.fifths, key.mode), onset, duration: Math.max(grid, Math.min(snap(n.off), endTick) - onset), velocity: n.velocity };
  }).filter((n) => n.onset < endTick);
  return createScore({
    tempos: [{ tick: 0, bpm: shape.bpm }],
    timeSignatures: [{ tick: 0, ...shape.meter }],
    keySignatures: shape.key ? [{ tick: 0, ...shape.key }] : [],
    parts: [createPart({ name: 'Call', notes: spelled.sort((a, b) => a.onset - b.onset) })],
    end: endTick,
  });
}

/** How soon after the call the answer may begin: the time to make its first steps. */
const ANSWER_LEAD_MS = 60;

/**
 * Hears an input from its creation on, and hands over one call at a time:
 * notes played while no call is awaited (during the answer) are not kept.
 */
export class CallListener {
  private notes: PlayedNote[] = [];
  private readonly held = new Map<number, PlayedNote>();
  private start = NaN;
  private lastEnd = NaN;
  private listening = false;

  constructor(input: MidiInput, private readonly shape: CallShape) {
    input.listen((m, playedAt) => this.hear(m, playedAt ?? performance.now()));
  }

  /** The next call (null: the timer was stopped first). */
  next(timer: PreciseTimer): Promise<Call | null> {
    const { shape } = this;
    const msPerBar = (barLength(shape.meter) * 60_000) / (shape.bpm * TICKS_PER_QUARTER);
    this.notes = [];
    this.start = this.lastEnd = NaN;
    this.listening = true;
    return new Promise((resolve) => {
      const watch = setInterval(() => {
        const now = performance.now();
        if (timer.isStopped) {
          clearInterval(watch);
          this.listening = false;
          resolve(null);
          return;
        }
        if (Number.isNaN(this.start)) return;
        const full = now - this.start >= shape.bars * msPerBar - ANSWER_LEAD_MS;
        if (full || (this.held.size === 0 && now - this.lastEnd >= shape.silenceMs)) {
          clearInterval(watch);
          // the answer starts at the next bar line, leaving time to make its first steps
          resolve(this.over(full ? shape.bars : Math.ceil((now + ANSWER_LEAD_MS - this.start) / msPerBar), msPerBar));
        }
      }, 10);
    });
  }

  /** The call, `bars` bars long. */
  private over(bars: number, msPerBar: number): Call {
    this.listening = false;
    for (const n of this.held.values()) n.off = Infinity; // held across the call's last bar line: cut there
    this.held.clear();
    return { score: phraseScore(this.notes, this.start, bars * barLength(this.shape.meter), this.shape), start: this.start, end: this.start + bars * msPerBar };
  }

  private hear(m: MidiMessage, now: number): void {
    if (!this.listening || (m.type !== 'noteon' && m.type !== 'noteoff')) return;
    if (isNoteStart(m)) {
      if (Number.isNaN(this.start)) this.start = now;
      const note = { midi: m.note, velocity: m.velocity, on: now, off: now };
      this.notes.push(note);
      this.held.set(m.note, note);
    } else {
      const note = this.held.get(m.note);
      if (note) note.off = now;
      this.held.delete(m.note);
      this.lastEnd = now;
    }
  }
}
