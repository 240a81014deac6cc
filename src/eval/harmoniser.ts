/**
 * How a harmoniser's voices move, next to Bach's: each test chorale's
 * soprano is handed to the harmoniser as a melody, its alto, tenor and bass
 * are written, and the voice leading of the result (crossings, parallel
 * fifths and octaves, singing out of range) is measured beside that of
 * Bach's own four voices for the same melodies. The harmoniser comes in as
 * a function (sampling's `harmonise` with a model and options), since eval
 * does not import sampling.
 *
 *   chorale cells ─ soprano only ─ decode ─► melody ─ harmonise ─► four parts ─ cells ─ voiceLeadingOf
 *   chorale cells ────────────────────────────────────────────────────────────────────── voiceLeadingOf (Bach)
 */
import { PianoRollEncoder, REST_CELL, cellsOfRoll, rollOfCells, type VoiceCells } from '../encoding/index.js';
import type { Score } from '../score/index.js';
import { SATB_CELL_ENCODER, type SatbPiece } from './benchmarks.js';
import { voiceLeadingOf, type PitchSpan, type VoiceLeading } from './voice-leading.js';

export interface HarmoniserLeading {
  pieces: number;
  /** The harmoniser's four parts over the chorales' sopranos. */
  model: VoiceLeading;
  /** Bach's four parts. */
  bach: VoiceLeading;
  /** Seconds spent harmonising, in all. */
  seconds: number;
}

/** The soprano of a chorale's cells, as a one-part melody Score. */
export function sopranoOf(piece: SatbPiece, encoder = new PianoRollEncoder(SATB_CELL_ENCODER)): Score {
  const only: VoiceCells = { ...piece.cells, cells: piece.cells.cells.map((v, c) => (c < piece.cells.steps ? v : REST_CELL)) };
  const score = encoder.decode({ roll: rollOfCells(encoder, only), context: piece.context });
  return { ...score, parts: [{ ...score.parts[0]!, name: 'Soprano' }] };
}

/**
 * Harmonise every chorale's soprano (`write(melody, i)` gives the four-part
 * Score, melody first) and measure both; `ranges` (MIDI, S A T B) for the out-of-range share.
 */
export function harmoniserLeading(
  write: (melody: Score, index: number) => Score, pieces: readonly SatbPiece[], ranges: readonly PitchSpan[], onPiece?: (done: number) => void,
): HarmoniserLeading {
  const encoder = new PianoRollEncoder(SATB_CELL_ENCODER);
  const written: VoiceCells[] = [];
  const started = performance.now();
  pieces.forEach((piece, i) => {
    const encoded = encoder.encode(write(sopranoOf(piece, encoder), i));
    if (encoded.kind === 'roll') written.push(cellsOfRoll(encoder, encoded.roll));
    onPiece?.(i + 1);
  });
  return {
    pieces: pieces.length,
    model: voiceLeadingOf(written, ranges),
    bach: voiceLeadingOf(pieces.map((p) => p.cells), ranges),
    seconds: (performance.now() - started) / 1000,
  };
}
