/**
 * Windowing: where the training examples of a set of encoded pieces start —
 * one window of `length` positions every `hop`, piece by piece. The windows
 * are listed once (small: a piece index and a start each) and shuffled; a
 * batch is packed from them one at a time by the sequence layout
 * (sequences.ts: `layout.batch`), so overlapping windows never copy the data.
 *
 * A piece shorter than a window gives none, unless `pad` is set: then the
 * last, partial window is kept too (the layout weights its padding 0).
 *
 * @example
 *   const pieces = scores.map((s) => layout.prepare(enc.encode(s)));
 *   const all = windowOrigins(pieces.map((p) => ({ steps: p.length })), { length: 64, hop: 16, pad: true });
 *   const batch = layout.batch(all.slice(0, 64).map((o) => ({ piece: pieces[o.piece], start: o.step })), 64);
 */
import { MusegenError } from '../errors.js';
import type { Steps } from '../score/index.js';

export interface WindowOptions {
  /** Steps (positions) per window. */
  length: Steps;
  /** Steps from one window's start to the next; defaults to `length` (no overlap). */
  hop?: Steps;
  /** Keep the last, partial window of each piece (default false). */
  pad?: boolean;
}

/** Where a window starts: the piece's index in the input and its first step. */
export interface WindowOrigin {
  piece: number;
  step: Steps;
}

/** Every window of the pieces, in order: piece by piece, `hop` steps apart. */
export function windowOrigins(pieces: readonly { steps: Steps }[], options: WindowOptions): WindowOrigin[] {
  const { length, hop = length, pad = false } = options;
  for (const [what, v] of [['length', length], ['hop', hop]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new MusegenError('BAD_ARGUMENT', `window ${what} must be a whole number of steps of at least 1, not ${v}`);
  }
  const out: WindowOrigin[] = [];
  pieces.forEach((e, piece) => {
    let step = 0;
    for (; step + length <= e.steps; step += hop) out.push({ piece, step });
    if (pad && step < e.steps) out.push({ piece, step });
  });
  return out;
}
