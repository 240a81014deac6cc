/**
 * Incremental decoding: an encoding read one step at a time while it is
 * generated, giving the notes each step finishes — what live MIDI output and
 * a player need — and, on demand, the Score so far. `encoder.decode` is this
 * same decoder run over a whole piece, so the two always agree.
 *
 *   step values ─ push ─► GridStepReader (per track: the notes sounding) ─► notes that step ends ─► TrackNote[]
 *   (tokens, one per track;                      │
 *    or one roll row)                            └── finish ─► the notes still sounding, closed at the end
 *                                                └── score ──► Score of the steps so far (= decode of them)
 *
 * A note is reported by the first step that shows it is over: the step where
 * it does not go on (a rest or a new note-on in its track; in a roll its
 * pitch off, or struck again). Until then it may still be held. Its pitch,
 * spelling (key in force at its onset), onset and fermata (a fermata of the
 * context starting at its onset) are known from its first step: `sounding()`
 * lists those notes with their duration so far, `started()` those the last
 * step began (a note-on is due at once, its note-off only when it ends).
 *
 * @example
 *   const decoder = encoder.streamDecoder(context);
 *   for (let s = 0; s < steps; s++) {
 *     const tokens = session.nextStep();            // one token per track (a roll: one row)
 *     for (const { track, note } of decoder.push(tokens)) send(track, note);
 *   }
 *   for (const { track, note } of decoder.finish()) send(track, note);
 *   decoder.score();                                // = encoder.decode({ tokens: all, context })
 */
import { MusegenError } from '../errors.js';
import { createPart, midiOf, type Note, type Score, type Steps } from '../score/index.js';
import { scoreShell } from './context.js';
import { fromGrid, gridToNote, type GridNote } from './tracks.js';
import type { StepContext } from './types.js';

/** A decoded note and the track it belongs to (its part's index in the decoded Score). */
export interface TrackNote {
  track: number;
  note: Note;
}

/**
 * What an encoding implements to be read step by step: per track, the grid
 * notes sounding, started, extended or ended by each step's values.
 */
export interface GridStepReader {
  /** Values one step holds: one token per track (events), or a roll row's width. */
  readonly width: number;
  /**
   * Read the values of `step` (steps come in order from 0). Each note the step
   * ends — one that does not go on into it — is passed to `ended` with its track;
   * a note that sounds in it has `end` = step + 1 afterwards.
   */
  read(values: ArrayLike<number>, step: Steps, ended: (track: number, note: GridNote) => void): void;
  /** Visit the notes sounding after the last step read (not copies: read them at once). */
  sounding(visit: (track: number, note: GridNote) => void): void;
}

const byTrackOnsetPitch = (a: TrackNote, b: TrackNote): number =>
  a.track - b.track || a.note.onset - b.note.onset || midiOf(a.note.pitch) - midiOf(b.note.pitch);

/**
 * Decodes one piece step by step. Get one from `encoder.streamDecoder(context)`;
 * the context must stay as it is while decoding.
 */
export class StreamDecoder {
  /** Tracks of the encoding: parts of the decoded Score. */
  readonly tracks: number;
  /** Per track, the grid notes ended so far. */
  private readonly ended: GridNote[][];
  private readonly toNote: (n: GridNote) => Note;
  private stepsRead = 0;
  private finished = false;

  constructor(
    private readonly reader: GridStepReader,
    private readonly context: StepContext,
    tracks: number,
  ) {
    this.tracks = tracks;
    this.ended = Array.from({ length: tracks }, () => []);
    this.toNote = gridToNote(context);
  }

  /** Steps read so far: the next `push` reads this step. */
  get steps(): Steps {
    return this.stepsRead;
  }

  /** Values one step holds: the encoder's tracks (one token each), or the roll's width. */
  get width(): number {
    return this.reader.width;
  }

  /**
   * Read the next step's values; returns the notes it finishes (sorted by
   * track, onset, pitch). A note ends where this step begins.
   */
  push(values: ArrayLike<number>): TrackNote[] {
    if (this.finished) throw new MusegenError('BAD_ARGUMENT', `this piece was finished at step ${this.stepsRead}: start another decoder to go on`);
    if (values.length !== this.reader.width) {
      throw new MusegenError('BAD_ARGUMENT', `a step of this encoding holds ${this.reader.width} values, not ${values.length}: does the model match this encoder?`);
    }
    const out: TrackNote[] = [];
    this.reader.read(values, this.stepsRead, (track, n) => {
      this.ended[track]!.push(n);
      out.push({ track, note: this.toNote(n) });
    });
    this.stepsRead++;
    return out.length > 1 ? out.sort(byTrackOnsetPitch) : out;
  }

  /** The notes sounding after the last step read, with their duration so far (they may go on). */
  sounding(): TrackNote[] {
    const out: TrackNote[] = [];
    if (!this.finished) this.reader.sounding((track, n) => out.push({ track, note: this.toNote(n) }));
    return out.sort(byTrackOnsetPitch);
  }

  /**
   * The notes the last step read began (sorted like `push`'s), with their
   * duration so far: what live output sends a note-on for at that step.
   */
  started(): TrackNote[] {
    const out: TrackNote[] = [];
    const last = this.stepsRead - 1;
    if (!this.finished) this.reader.sounding((track, n) => n.step === last && out.push({ track, note: this.toNote(n) }));
    return out.sort(byTrackOnsetPitch);
  }

  /** End the piece at the steps read: returns the notes still sounding, closed there. No `push` after this. */
  finish(): TrackNote[] {
    if (this.finished) return [];
    const out: TrackNote[] = [];
    this.reader.sounding((track, n) => {
      this.ended[track]!.push({ ...n });
      out.push({ track, note: this.toNote(n) });
    });
    this.finished = true;
    return out.sort(byTrackOnsetPitch);
  }

  /** The Score of the steps read so far, notes still sounding closed at the last one: what `decode` gives for them. */
  score(): Score {
    const notes = this.ended.map((ns) => [...ns]);
    if (!this.finished) this.reader.sounding((track, n) => notes[track]!.push(n));
    const score = scoreShell(this.context, this.stepsRead);
    score.parts = notes.map((ns, i) => createPart({ ...this.context.tracks[i], notes: fromGrid(ns, this.context) }));
    return score;
  }
}
