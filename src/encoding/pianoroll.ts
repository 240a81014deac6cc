/**
 * Piano roll: per step and track, a sustain channel (1 while a pitch sounds)
 * and an onset channel (1 where it starts), over MIDI pitches lowest..highest.
 * The onset channel tells a repeated note from a held one; without it
 * (`onsets: false`) repeated notes decode as one long note.
 *
 *            track 0                       track 1 …
 *   step 0   [sustain p0..pN, onset p0..pN] [sustain …, onset …]
 *   step 1   …
 *
 * `parts: 'merged'` rolls every non-drum part into one track; a list of part
 * indices gives one roll each (Coconet-like, for a convolutional generator).
 * A track holds one note per pitch at a time: a note starting while its
 * pitch sounds (a unison of two merged parts) is counted in the report.
 * Decoding reads values ≥ 0.5 as on, and spells pitches in the key in force.
 * It reads row by row (`streamDecoder`): a note ends at the first row where
 * its pitch is off or struck again.
 *
 * @example
 *   const enc = new PianoRollEncoder({ parts: [0, 1, 2, 3], lowest: 36, highest: 81 });
 *   const { roll, width } = enc.encode(chorale);   // Float32Array [steps, 4 × 2 × 46]
 *   const { tracks, channels, pitches } = enc.rollShape;
 */
import { midiOf, spellMidi } from '../score/index.js';
import { lastAtOrBefore } from './context.js';
import { ScoreEncoder } from './encoder.js';
import type { ReportBuilder } from './report.js';
import { rollRowWidth, specOf, type EncoderOptions, type PianoRollSpec } from './spec.js';
import type { GridStepReader } from './stream.js';
import { oneNotePerPitch, type GridNote } from './tracks.js';
import type { DecodableRoll, EncodedBase, EncodedRoll, StepContext } from './types.js';

/** A value at or above this reads as "on" when decoding. */
export const ROLL_THRESHOLD = 0.5;

export class PianoRollEncoder extends ScoreEncoder<PianoRollSpec, EncodedRoll, DecodableRoll> {
  /** The roll's shape per step: width = tracks × channels × pitches; channel 0 sustain, 1 onset. */
  readonly rollShape: { tracks: number; channels: number; pitches: number };
  /** Values per step. */
  readonly width: number;

  constructor(options: EncoderOptions<PianoRollSpec> = {}) {
    super(specOf('pianoroll', options));
    this.rollShape = { tracks: this.tracks, channels: this.spec.onsets ? 2 : 1, pitches: this.spec.highest - this.spec.lowest + 1 };
    this.width = rollRowWidth(this.spec);
  }

  static getDefaults(): PianoRollSpec {
    return specOf('pianoroll');
  }

  /** Index in a step's row of (track, channel, MIDI pitch). */
  column(track: number, channel: number, midi: number): number {
    const { channels, pitches } = this.rollShape;
    return (track * channels + channel) * pitches + (midi - this.spec.lowest);
  }

  protected partsOf(): 'merged' | number[] {
    return this.spec.parts;
  }

  protected get polyphonyWording(): string {
    return 'starting while the same pitch sounds in their track: the earlier note cut short, or at the same step merged with it';
  }

  protected shape(notes: GridNote[], q: number, report: ReportBuilder): GridNote[] {
    return oneNotePerPitch(notes, q, report);
  }

  protected write(tracks: GridNote[][], steps: number, base: EncodedBase): EncodedRoll {
    const roll = new Float32Array(steps * this.width);
    tracks.forEach((notes, t) => {
      for (const n of notes) {
        const sustain = this.column(t, 0, midiOf(n.pitch));
        for (let s = n.step; s < n.end; s++) roll[s * this.width + sustain] = 1;
        if (this.spec.onsets) roll[n.step * this.width + this.column(t, 1, midiOf(n.pitch))] = 1;
      }
    });
    return { kind: 'roll', ...base, width: this.width, roll };
  }

  protected stepReader(context: StepContext): GridStepReader {
    return new RollStepReader(this, context);
  }

  protected stepRows(arrays: DecodableRoll): { steps: number; row: (step: number) => Float32Array } {
    const { roll } = arrays;
    const steps = ScoreEncoder.lengthOf(roll.length, this.width, 'roll');
    return { steps, row: (s) => roll.subarray(s * this.width, (s + 1) * this.width) };
  }
}

/**
 * A roll read one row at a time: per track and pitch the note sounding, which
 * goes on while its sustain value is on and no onset strikes it again; a new
 * note is spelled in the key in force at its step.
 */
class RollStepReader implements GridStepReader {
  readonly width: number;
  /** Per (track, pitch), the note sounding: index track × pitches + (midi − lowest). */
  private readonly open: (GridNote | undefined)[];

  constructor(
    private readonly encoder: PianoRollEncoder,
    private readonly context: StepContext,
  ) {
    this.width = encoder.width;
    this.open = new Array<GridNote | undefined>(encoder.tracks * encoder.rollShape.pitches).fill(undefined);
  }

  read(row: ArrayLike<number>, step: number, ended: (track: number, note: GridNote) => void): void {
    const { lowest, highest, onsets } = this.encoder.spec;
    const { pitches } = this.encoder.rollShape;
    const on = (col: number): boolean => row[col]! >= ROLL_THRESHOLD;
    for (let t = 0; t < this.encoder.tracks; t++) {
      for (let midi = lowest; midi <= highest; midi++) {
        const i = t * pitches + (midi - lowest);
        const open = this.open[i];
        if (!on(this.encoder.column(t, 0, midi))) {
          if (open) ended(t, open);
          this.open[i] = undefined;
        } else if (open && !(onsets && on(this.encoder.column(t, 1, midi)))) {
          open.end = step + 1;
        } else {
          if (open) ended(t, open);
          const key = lastAtOrBefore(this.context.keySignatures, step);
          this.open[i] = { pitch: spellMidi(midi, key?.fifths, key?.mode), step, end: step + 1, fermata: false };
        }
      }
    }
  }

  sounding(visit: (track: number, note: GridNote) => void): void {
    const { pitches } = this.encoder.rollShape;
    this.open.forEach((n, i) => n && visit(Math.floor(i / pitches), n));
  }
}
