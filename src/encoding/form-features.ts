/**
 * Form features: where a step sits in the form of the piece, and what was
 * played one and two bars before it (after Magenta's Lookback RNN), so a
 * model can repeat and answer phrases and end them.
 *
 *   name       width                        per step
 *   bar        5                            bar counter: the bits of the full bar's index mod 16 (1, 2, 4, 8;
 *                                           the first full bar is 0), then 1 in a pickup bar (bits all 0)
 *   remaining  8                            bars after this one to the end of the piece, one-hot 0..7
 *                                           (7: seven or more); zeros when the context has no `end`
 *   lookback   tracks × k · (classes + 1)   event encodings: per track, for each of its k distances in bars
 *                                           (`bars`, default 1, 2, 4, 8: Magenta's 1 and 2, and 4 and 8
 *                                           that reach a phrase's restatement): the token that many bars
 *                                           back, one-hot over the vocabulary's classes; then per distance
 *                                           whether the previous step's token repeats the one that many
 *                                           bars before it; zeros before the piece's start
 *              k · (row + 1)                piano rolls: per distance the whole roll row that many bars
 *                                           back, then per distance whether the previous row repeats the
 *                                           row that many bars before it
 *
 * `bar` and `remaining` come from the context (its meter, pickup and `end`),
 * known in advance when generating. `lookback` reads the tokens or rows of earlier steps
 * only — the encoded piece's when training, the ones already generated when
 * sampling — so both see the same values.
 */
import type { Steps } from '../score/index.js';

/** Bits of the bar counter. */
export const BAR_COUNTER_BITS = 4;
export const BAR_FEATURE_WIDTH = BAR_COUNTER_BITS + 1;
/** One-hot columns of `remaining`; the last means this many or more. */
export const REMAINING_FEATURE_WIDTH = 8;

/**
 * The values of an earlier step (undefined when not known): one token per
 * track for an event encoding, the roll row for a piano roll.
 */
export type ValuesAt = (step: Steps) => ArrayLike<number> | undefined;

/**
 * What one step of an encoding holds, as `lookback` copies it: `tracks`
 * tokens over `classes` classes (event encodings), or a roll row of `row`
 * values (piano rolls: `classes` 0).
 */
export interface StepShape {
  tracks: number;
  classes: number;
  row: number;
}

/** The distances of `lookback` when none are given: Magenta's one and two bars, and four and eight for a phrase's return. */
export const DEFAULT_LOOKBACK_BARS: readonly number[] = [1, 2, 4, 8];

/** Columns of `lookback` at `distances` bars for steps of this shape. */
export function lookbackWidth(shape: StepShape, distances: number): number {
  return shape.classes > 0 ? shape.tracks * distances * (shape.classes + 1) : distances * (shape.row + 1);
}

/** `bar`: `bar` is the bar's index counting a pickup bar as 0 (`pickup` true when the piece has one). */
export function fillBarCounter(out: Float32Array, at: number, bar: number, pickup: boolean): void {
  const full = bar - (pickup ? 1 : 0);
  if (full < 0) {
    out[at + BAR_COUNTER_BITS] = 1;
    return;
  }
  for (let b = 0; b < BAR_COUNTER_BITS; b++) if ((full >> b) & 1) out[at + b] = 1;
}

/** `remaining`: bars from the step's bar to the last bar (undefined: length unknown, all zeros). */
export function fillRemaining(out: Float32Array, at: number, bar: number, lastBar: number | undefined): void {
  if (lastBar === undefined) return;
  out[at + Math.min(Math.max(lastBar - bar, 0), REMAINING_FEATURE_WIDTH - 1)] = 1;
}

/** `lookback` at `step`, whose bar is `barSteps` long, `bars` back, for steps of `shape` (`valuesAt` gives them). */
export function fillLookback(
  out: Float32Array, at: number, step: Steps, barSteps: Steps, bars: readonly number[], shape: StepShape, valuesAt: ValuesAt | undefined,
): void {
  if (!valuesAt || barSteps < 1) return;
  const values = (s: Steps): ArrayLike<number> | undefined => (s >= 0 ? valuesAt(s) : undefined);
  if (shape.classes === 0) {
    fillRowLookback(out, at, step, barSteps, bars, shape.row, values);
    return;
  }
  const { tracks, classes } = shape;
  const k = bars.length;
  const per = k * (classes + 1);
  const token = (s: Steps, track: number): number | undefined => values(s)?.[track];
  for (let t = 0; t < tracks; t++) {
    const base = at + t * per;
    bars.forEach((back, i) => {
      const then = token(step - back * barSteps, t);
      if (then !== undefined && then >= 0 && then < classes) out[base + i * classes + then] = 1;
      const previous = token(step - 1, t);
      if (previous !== undefined && previous === token(step - 1 - back * barSteps, t)) out[base + k * classes + i] = 1;
    });
  }
}

/** `lookback` of a piano roll: the rows `bars` back, then whether the previous row repeated each. */
function fillRowLookback(
  out: Float32Array, at: number, step: Steps, barSteps: Steps, bars: readonly number[], width: number, values: ValuesAt,
): void {
  const flags = at + bars.length * width;
  const previous = values(step - 1);
  bars.forEach((back, i) => {
    const then = values(step - back * barSteps);
    if (then) for (let v = 0; v < width; v++) out[at + i * width + v] = then[v]!;
    const before = values(step - 1 - back * barSteps);
    if (previous && before && sameValues(previous, before, width)) out[flags + i] = 1;
  });
}

function sameValues(a: ArrayLike<number>, b: ArrayLike<number>, width: number): boolean {
  for (let v = 0; v < width; v++) if (a[v] !== b[v]) return false;
  return true;
}
