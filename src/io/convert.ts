/**
 * A score made ready for another format (what `musegen convert` writes):
 *
 *   to notation (musicxml, mxl): a MIDI performance, or any score when a
 *     grid is given, is quantized for notation (score/notation-grid.ts);
 *     repeats as written stay written;
 *   to MIDI (a performance): repeats and endings are played out, and a
 *     given grid snaps the notes.
 */
import { chooseNotationGrid, playRepeats, quantizeForNotation, type Score, type Steps } from '../score/index.js';

export interface ConvertOptions {
  /** The reader's format name ("midi", "musicxml", "kern", "abc"). */
  from: string;
  /** The writer's format name ("midi", "musicxml", "mxl"). */
  to: string;
  /** Steps per quarter to snap to; default: for notation from MIDI, the grid the onsets choose. */
  grid?: Steps;
}

export interface Converted {
  score: Score;
  /** The grid the notes were snapped to (steps per quarter); absent when they were not. */
  grid?: Steps;
}

/** The score as the target format should hold it. */
export function convertScore(score: Score, options: ConvertOptions): Converted {
  const snap = (s: Score, grid: Steps): Converted => ({ score: quantizeForNotation(s, grid), grid });
  if (options.to === 'midi') {
    const played = playRepeats(score);
    return options.grid === undefined ? { score: played } : snap(played, options.grid);
  }
  if (options.grid !== undefined) return snap(score, options.grid);
  return options.from === 'midi' ? snap(score, chooseNotationGrid(score)) : { score };
}
