/**
 * Voice cells: a per-voice piano roll without onsets (Coconet's input) read
 * as one value per voice and step — the layout of models that fill cells
 * (the convolutional harmoniser) and of the likelihood and voice-leading
 * measures over them.
 *
 *   roll [steps, tracks × pitches] ─ cellsOfRoll ─► cells [tracks, steps]: 0 rest, v ≥ 1 MIDI lowest + v − 1
 *   cells ─ rollOfCells ─► roll ─ encoder.decode ─► Score (equal pitches on consecutive steps: one held note)
 *
 * A track of the roll with more than one pitch on at a step (a part that is
 * itself polyphonic) keeps its highest.
 */
import { MusegenError } from '../errors.js';
import type { PianoRollEncoder } from './pianoroll.js';

/** One value per voice and step, track-major [tracks, steps]; 0 rest, v ≥ 1 the MIDI pitch `lowest + v − 1`. */
export interface VoiceCells {
  tracks: number;
  steps: number;
  cells: Int32Array;
}

/** The value for a rest. */
export const REST_CELL = 0;

/** Whether an encoder's rolls read as voice cells: one track per part, no onset channel. */
export function cellEncoder(encoder: { spec: { encoding: string } }): string | null {
  const spec = encoder.spec as { encoding: string; parts?: unknown; onsets?: boolean };
  if (spec.encoding !== 'pianoroll') return `voice cells are read from piano rolls, not ${spec.encoding} tokens`;
  if (!Array.isArray(spec.parts)) return 'voice cells need one roll per part (--parts 0,1,2,3), not every part merged';
  if (spec.onsets) return 'voice cells hold one pitch per voice and step, without an onset channel (--no-onsets)';
  return null;
}

function checked(encoder: PianoRollEncoder): void {
  const why = cellEncoder(encoder);
  if (why) throw new MusegenError('BAD_ARGUMENT', why);
}

/** The cells of an encoded roll (the highest pitch on per track and step, or rest). */
export function cellsOfRoll(encoder: PianoRollEncoder, roll: Float32Array): VoiceCells {
  checked(encoder);
  const { tracks, pitches } = encoder.rollShape;
  const width = encoder.width;
  const steps = roll.length / width;
  const cells = new Int32Array(tracks * steps);
  for (let s = 0; s < steps; s++) {
    for (let t = 0; t < tracks; t++) {
      const base = s * width + t * pitches;
      for (let p = pitches - 1; p >= 0; p--) {
        if (roll[base + p]! >= 0.5) {
          cells[t * steps + s] = p + 1;
          break;
        }
      }
    }
  }
  return { tracks, steps, cells };
}

/** The roll of some cells, for the encoder's decoder. */
export function rollOfCells(encoder: PianoRollEncoder, piece: VoiceCells): Float32Array {
  checked(encoder);
  const { tracks, pitches } = encoder.rollShape;
  if (piece.tracks !== tracks) throw new MusegenError('INTERNAL', `cells of ${piece.tracks} voices for an encoder of ${tracks}`);
  const roll = new Float32Array(piece.steps * encoder.width);
  for (let t = 0; t < tracks; t++) {
    for (let s = 0; s < piece.steps; s++) {
      const v = piece.cells[t * piece.steps + s]!;
      if (v < 0 || v > pitches) throw new MusegenError('INTERNAL', `cell value ${v} outside 0..${pitches}`);
      if (v > 0) roll[s * encoder.width + t * pitches + v - 1] = 1;
    }
  }
  return roll;
}
