/**
 * How a sampled piece is handed over to be heard: the encodings keep no
 * dynamics or instrument, so each note would sound at one velocity on a piano.
 * Here a piece gets what a player gives a written tune —
 *
 *   accents: velocity by metrical strength (the downbeat loudest, then the
 *            beats, then what falls between), around a chosen level
 *   program: the General MIDI instrument of every pitched part
 *   title:   the piece's name
 *
 * @example
 *   const heard = performPiece(piece.score, { title: 'Reel 7', program: 73, accents: true });
 */
import { metricalStrength } from '../encoding/index.js';
import { MusegenError } from '../errors.js';
import { barStarts, timeSignatureAt, type Score, type Velocity } from '../score/index.js';

export interface PerformanceOptions {
  title?: string;
  /** General MIDI program 0–127 of every pitched part (drums keep theirs). */
  program?: number;
  /** Shape velocities by metrical strength (default true). */
  accents?: boolean;
  /** The velocity of a downbeat; the weakest positions get about two thirds of it (default 96). */
  level?: Velocity;
}

export const PERFORMANCE_DEFAULTS = { accents: true, level: 96 } as const;

/** The piece with a title, an instrument and accents (a new Score; the one given is left as it is). */
export function performPiece(score: Score, options: PerformanceOptions = {}): Score {
  const { accents, level } = { ...PERFORMANCE_DEFAULTS, ...options };
  if (options.program !== undefined && !(Number.isInteger(options.program) && options.program >= 0 && options.program <= 127)) {
    throw new MusegenError('BAD_ARGUMENT', `program must be a General MIDI program from 0 to 127, not ${String(options.program)}`);
  }
  const bars = barStarts(score);
  const barOf = (tick: number): number => {
    let lo = 0;
    for (let hi = bars.length - 1; lo < hi;) {
      const mid = Math.ceil((lo + hi) / 2);
      if (bars[mid]! <= tick) lo = mid;
      else hi = mid - 1;
    }
    return bars[lo]!;
  };
  return {
    ...score,
    ...(options.title !== undefined ? { title: options.title } : {}),
    parts: score.parts.map((part) => ({
      ...part,
      program: part.isDrum || options.program === undefined ? part.program : options.program,
      notes: !accents ? part.notes : part.notes.map((n) => {
        const start = barOf(n.onset);
        // strength 1, ½, ¼ … → level, and down to two thirds of it
        const strength = metricalStrength(n.onset - start, timeSignatureAt(score, n.onset));
        return { ...n, velocity: Math.round(level * (2 / 3 + strength / 3)) };
      }),
    })),
  };
}
