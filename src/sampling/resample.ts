/**
 * Drawing again: pieces from a run until one passes a measure (e.g. the
 * longest run it shares with a training corpus, in bars), with a cap on
 * the tries; when none passes, the one that came closest.
 *
 * @example
 *   const { piece, tries, passed } = resampleUntil(() => nextPiece(), (s) => copies.check(s).longestBars, 2, 20);
 */
import { MusegenError } from '../errors.js';

export interface Resampled<T> {
  /** The first piece whose measure is at most the limit, else the one with the lowest measure. */
  piece: T;
  /** Its measure. */
  measure: number;
  /** Pieces drawn. */
  tries: number;
  passed: boolean;
}

/** Draw until `measure(piece) ≤ limit`, at most `maxTries` times. */
export function resampleUntil<T>(draw: () => T, measure: (piece: T) => number, limit: number, maxTries: number): Resampled<T> {
  if (!(Number.isInteger(maxTries) && maxTries >= 1)) throw new MusegenError('BAD_ARGUMENT', `tries must be a whole number of at least 1, not ${String(maxTries)}`);
  let best: { piece: T; measure: number } | undefined;
  for (let tries = 1; tries <= maxTries; tries++) {
    const piece = draw();
    const m = measure(piece);
    if (m <= limit) return { piece, measure: m, tries, passed: true };
    if (!best || m < best.measure) best = { piece, measure: m };
  }
  return { ...best!, tries: maxTries, passed: false };
}
