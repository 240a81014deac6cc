/**
 * Windowing: cut encoded pieces into training examples of `length` steps,
 * one every `hop` steps, packed as typed arrays ready for a tensor:
 *
 *   events    tokens   Int32Array   [count, tracks, length]   ([count, length] for a melody)
 *   roll      roll     Float32Array [count, length, width]
 *   both      features Float32Array [count, length, featureWidth]
 *
 * A piece shorter than a window gives none, unless `pad` is set: then the
 * last, partial window is filled out with rests (token 0) and zeros.
 *
 * Overlapping windows multiply memory (hop 16 of 64: four copies of every
 * step, features included), so a training loop should list the windows once
 * with `windowOrigins` and pack one batch at a time with `origins`.
 *
 * @example
 *   const pieces = scores.map((s) => enc.encode(s));
 *   const all = windowOrigins(pieces, { length: 64, hop: 16 });       // shuffle these
 *   const batch = windows(pieces, { length: 64, origins: all.slice(0, 64) });
 *   tf.tensor3d(batch.tokens, [batch.count, batch.tracks, batch.length], 'int32');
 */
import { MusegenError } from '../errors.js';
import type { Steps } from '../score/index.js';
import type { Encoded, EncodedEvents, EncodedRoll } from './types.js';

export interface WindowOptions {
  /** Steps per window. */
  length: Steps;
  /** Steps from one window's start to the next; defaults to `length` (no overlap). */
  hop?: Steps;
  /** Keep the last, partial window of each piece, padded (default false). */
  pad?: boolean;
  /** Pack only these windows (from `windowOrigins`), in this order: one batch. */
  origins?: readonly WindowOrigin[];
}

/** Where a window starts: the piece's index in the input and its first step. */
export interface WindowOrigin {
  piece: number;
  step: Steps;
}

interface WindowsBase {
  count: number;
  length: Steps;
  featureWidth: number;
  /** [count, length, featureWidth] */
  features: Float32Array;
  /** Where each window came from. */
  origins: readonly WindowOrigin[];
}

export interface EventWindows extends WindowsBase {
  kind: 'events';
  tracks: number;
  /** [count, tracks, length] */
  tokens: Int32Array;
}

export interface RollWindows extends WindowsBase {
  kind: 'roll';
  width: number;
  /** [count, length, width] */
  roll: Float32Array;
}

function checkSizes(options: WindowOptions): { length: Steps; hop: Steps; pad: boolean } {
  const { length, hop = options.length, pad = false } = options;
  for (const [what, v] of [['length', length], ['hop', hop]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new MusegenError('BAD_ARGUMENT', `window ${what} must be a whole number of steps of at least 1, not ${v}`);
  }
  return { length, hop, pad };
}

function checkPieces(pieces: readonly Encoded[], origins: readonly WindowOrigin[]): void {
  const first = pieces[0];
  const shape = (e: Encoded): string => `${e.kind} ${e.kind === 'events' ? e.tracks : e.width} ${e.featureWidth}`;
  const other = pieces.findIndex((e) => shape(e) !== shape(first!));
  if (other >= 0) {
    throw new MusegenError('BAD_ARGUMENT', `piece ${other} was encoded differently from piece 0 (${shape(pieces[other]!)} vs ${shape(first!)}): window pieces of one encoder`);
  }
  const stray = origins.find((o) => !pieces[o.piece] || !Number.isInteger(o.step) || o.step < 0 || o.step >= pieces[o.piece]!.steps);
  if (stray) throw new MusegenError('BAD_ARGUMENT', `window origin ${JSON.stringify(stray)} is not inside the pieces given`);
}

/** Every window of the pieces, in order: piece by piece, `hop` steps apart. */
export function windowOrigins(pieces: readonly Pick<Encoded, 'steps'>[], options: WindowOptions): WindowOrigin[] {
  const { length, hop, pad } = checkSizes(options);
  const out: WindowOrigin[] = [];
  pieces.forEach((e, piece) => {
    let step = 0;
    for (; step + length <= e.steps; step += hop) out.push({ piece, step });
    if (pad && step < e.steps) out.push({ piece, step });
  });
  return out;
}

/** Cut pieces (all from one encoder) into windows. */
export function windows(pieces: EncodedEvents | readonly EncodedEvents[], options: WindowOptions): EventWindows;
export function windows(pieces: EncodedRoll | readonly EncodedRoll[], options: WindowOptions): RollWindows;
export function windows(pieces: Encoded | readonly Encoded[], options: WindowOptions): EventWindows | RollWindows;
export function windows(input: Encoded | readonly Encoded[], options: WindowOptions): EventWindows | RollWindows {
  const pieces: readonly Encoded[] = Array.isArray(input) ? input : [input as Encoded];
  const { length } = checkSizes(options);
  const where = options.origins ?? windowOrigins(pieces, options);
  checkPieces(pieces, where);
  const count = where.length;
  const first = pieces[0];
  const featureWidth = first?.featureWidth ?? 0;
  const features = new Float32Array(count * length * featureWidth);
  where.forEach(({ piece, step }, w) => {
    const e = pieces[piece]!;
    const end = Math.min(step + length, e.steps);
    features.set(e.features.subarray(step * featureWidth, end * featureWidth), w * length * featureWidth);
  });
  const base = { count, length, featureWidth, features, origins: where };
  if (first?.kind === 'roll') {
    const width = first.width;
    const roll = new Float32Array(count * length * width);
    where.forEach(({ piece, step }, w) => {
      const e = pieces[piece] as EncodedRoll;
      roll.set(e.roll.subarray(step * width, Math.min(step + length, e.steps) * width), w * length * width);
    });
    return { kind: 'roll', ...base, width, roll };
  }
  const tracks = first?.tracks ?? 1;
  const tokens = new Int32Array(count * tracks * length);
  where.forEach(({ piece, step }, w) => {
    const e = pieces[piece] as EncodedEvents;
    const end = Math.min(step + length, e.steps);
    for (let t = 0; t < tracks; t++) tokens.set(e.tokens.subarray(t * e.steps + step, t * e.steps + end), (w * tracks + t) * length);
  });
  return { kind: 'events', ...base, tracks, tokens };
}
