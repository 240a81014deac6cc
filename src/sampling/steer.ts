/**
 * Steering a melody's decoding: a change to the next token's probabilities
 * made from what the piece has played so far (the ending's cadence, the
 * restatement hold). A piece gets its own steers; each sees every token,
 * the primer's too, and the steers of a piece apply in turn.
 */
import type { Steps } from '../score/index.js';

export interface Steer {
  /** The probabilities of `step`'s token under the steer (the same array when it leaves them alone). */
  constrain(step: Steps, probabilities: Float64Array): Float64Array;
  /** Record the token taken at the next step. */
  observe(token: number): void;
}

/** Probabilities weighed by `weight(token)` and made to sum to 1 again; when every weighed token is cut (top-k / top-p), those the weight allows are equally likely. */
export function reweigh(probabilities: Float64Array, weight: (token: number) => number): Float64Array {
  const out = new Float64Array(probabilities.length);
  let mass = 0;
  for (let t = 0; t < out.length; t++) mass += out[t] = probabilities[t]! * weight(t);
  if (mass === 0) for (let t = 0; t < out.length; t++) mass += out[t] = weight(t);
  for (let t = 0; t < out.length; t++) out[t]! /= mass;
  return out;
}
