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
import { specOf, type EncoderOptions, type PianoRollSpec } from './spec.js';
import { oneNotePerPitch, type GridNote } from './tracks.js';
import type { DecodableRoll, EncodedBase, EncodedRoll } from './types.js';

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
    this.width = this.rollShape.tracks * this.rollShape.channels * this.rollShape.pitches;
  }

  static getDefaults(): PianoRollSpec {
    return specOf('pianoroll');
  }

  /** Index in a step's row of (track, channel, MIDI pitch). */
  column(track: number, channel: number, midi: number): number {
    const { channels, pitches } = this.rollShape;
    return (track * channels + channel) * pitches + (midi - this.spec.lowest);
  }

  protected get parts(): 'merged' | number[] {
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

  protected read(arrays: DecodableRoll): { tracks: GridNote[][]; steps: number } {
    const { roll, context } = arrays;
    const steps = ScoreEncoder.lengthOf(roll.length, this.width, 'roll');
    const on = (s: number, col: number): boolean => roll[s * this.width + col]! >= ROLL_THRESHOLD;
    const tracks: GridNote[][] = [];
    for (let t = 0; t < this.tracks; t++) {
      const notes: GridNote[] = [];
      for (let midi = this.spec.lowest; midi <= this.spec.highest; midi++) {
        const sustain = this.column(t, 0, midi);
        const onset = this.spec.onsets ? this.column(t, 1, midi) : -1;
        let open: GridNote | undefined;
        for (let s = 0; s < steps; s++) {
          if (!on(s, sustain)) {
            open = undefined;
          } else if (open && !(onset >= 0 && on(s, onset))) {
            open.end = s + 1;
          } else {
            const key = lastAtOrBefore(context.keySignatures, s);
            open = { pitch: spellMidi(midi, key?.fifths, key?.mode), step: s, end: s + 1, fermata: false };
            notes.push(open);
          }
        }
      }
      tracks.push(notes);
    }
    return { tracks, steps };
  }
}
