/**
 * From a model's logits to a choice: temperature, then top-k, then top-p
 * (nucleus), then a draw from a seeded stream.
 *
 *   logits ─ ÷ temperature ─ softmax ─ keep the k likeliest ─ keep the likeliest
 *   whose mass reaches p ─ renormalise ─ draw
 *
 * Event tokens (rest, hold, note-on per pitch) are drawn in two stages, so
 * that temperature shapes the melody without starving its rhythm: whether a
 * new note starts, the note holds or a rest comes is drawn at the rhythm
 * temperature (1: as the model learned it), and which pitch at the
 * temperature, top-k and top-p. With both temperatures equal and no top-k
 * or top-p this is the plain softmax at that temperature. (A hold token is
 * so likely at a sixteenth-note grid that sharpening the whole distribution
 * below 1 turns a tune into a few long notes.)
 *
 * Piano rolls draw a row value after value, each on with σ(logit ÷ temperature),
 * its logit given the values drawn before it (a NADE's chain; independent
 * sigmoid outputs ignore them).
 *
 * @example
 *   const probs = samplingDistribution(logits, { temperature: 0.8, topK: 10, topP: null });
 *   const token = drawIndex(probs, createRng(1));
 */
import type { Rng } from '../engine/index.js';
import { FIRST_PITCH_TOKEN } from '../encoding/index.js';
import { independentRow, type RowChain } from '../generators/index.js';
import { MusegenError } from '../errors.js';
import type { Probability } from '../score/index.js';

export interface SamplingOptions {
  /** > 0; below 1 sharpens the distribution, above 1 flattens it. */
  temperature: number;
  /** Keep only the k likeliest choices; null: all. */
  topK: number | null;
  /** Keep the fewest likeliest choices whose probabilities add up to at least p (0 < p ≤ 1); null: all. */
  topP: Probability | null;
  /** Event tokens: the temperature of the choice between rest, hold and a new note (> 0); null: `temperature`. */
  rhythmTemperature: number | null;
}

export const SAMPLING_DEFAULTS: Readonly<SamplingOptions> = { temperature: 1, topK: null, topP: null, rhythmTemperature: 1 };

/** Complete and check sampling options; throws MusegenError('BAD_ARGUMENT') with the value that is wrong. */
export function checkSamplingOptions(options: Partial<SamplingOptions> = {}): SamplingOptions {
  const o = { ...SAMPLING_DEFAULTS, ...options };
  if (!(typeof o.temperature === 'number' && o.temperature > 0 && Number.isFinite(o.temperature))) {
    throw new MusegenError('BAD_ARGUMENT', `temperature must be a number above 0 (e.g. 0.8 or 1.2), not ${String(o.temperature)}`);
  }
  if (o.rhythmTemperature !== null && !(typeof o.rhythmTemperature === 'number' && o.rhythmTemperature > 0 && Number.isFinite(o.rhythmTemperature))) {
    throw new MusegenError('BAD_ARGUMENT', `rhythm temperature must be a number above 0 (e.g. 1), not ${String(o.rhythmTemperature)}`);
  }
  if (o.topK !== null && !(Number.isInteger(o.topK) && o.topK >= 1)) {
    throw new MusegenError('BAD_ARGUMENT', `top-k must be a whole number of at least 1, not ${String(o.topK)}`);
  }
  if (o.topP !== null && !(o.topP > 0 && o.topP <= 1)) {
    throw new MusegenError('BAD_ARGUMENT', `top-p must be above 0 and at most 1, not ${String(o.topP)}`);
  }
  return o;
}

/** The probabilities a choice is drawn from (they add up to 1; choices cut by top-k / top-p are 0). */
export function samplingDistribution(logits: ArrayLike<number>, options: Partial<SamplingOptions> = {}): Float64Array {
  const { temperature, topK, topP } = checkSamplingOptions(options);
  const n = logits.length;
  if (n === 0) throw new MusegenError('BAD_ARGUMENT', 'no logits to sample from');
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, logits[i]! / temperature);
  const p = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += p[i] = Math.exp(logits[i]! / temperature - max);
  for (let i = 0; i < n; i++) p[i]! /= sum;
  if (topK === null && topP === null) return p;
  // likeliest first; ties keep the lower index first
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[b]! - p[a]! || a - b);
  let keep = topK === null ? n : Math.min(topK, n);
  if (topP !== null) {
    let mass = 0;
    for (let r = 0; r < keep; r++) {
      mass += p[order[r]!]!;
      if (mass >= topP - 1e-12) {
        keep = r + 1;
        break;
      }
    }
  }
  let kept = 0;
  for (let r = 0; r < keep; r++) kept += p[order[r]!]!;
  const out = new Float64Array(n);
  for (let r = 0; r < keep; r++) out[order[r]!] = p[order[r]!]! / kept;
  return out;
}

/**
 * The probabilities of an event token (rest, hold, note-on per pitch): the
 * kind of event at the rhythm temperature, the pitch of a new note at the
 * temperature with top-k and top-p.
 */
export function eventDistribution(logits: ArrayLike<number>, options: Partial<SamplingOptions> = {}): Float64Array {
  const o = checkSamplingOptions(options);
  const n = logits.length;
  if (n <= FIRST_PITCH_TOKEN) throw new MusegenError('BAD_ARGUMENT', `event logits need more than ${FIRST_PITCH_TOKEN} tokens, got ${n}`);
  const kinds = samplingDistribution(logits, { temperature: o.rhythmTemperature ?? o.temperature });
  let noteMass = 0;
  for (let i = FIRST_PITCH_TOKEN; i < n; i++) noteMass += kinds[i]!;
  const pitches = samplingDistribution(Array.prototype.slice.call(logits, FIRST_PITCH_TOKEN) as number[], o);
  const out = new Float64Array(n);
  for (let i = 0; i < FIRST_PITCH_TOKEN; i++) out[i] = kinds[i]!;
  for (let i = FIRST_PITCH_TOKEN; i < n; i++) out[i] = noteMass * pitches[i - FIRST_PITCH_TOKEN]!;
  return out;
}

/** Draw an index with the given probabilities. */
export function drawIndex(probabilities: ArrayLike<number>, rng: Rng): number {
  const u = rng.next();
  let cumulative = 0;
  let last = -1;
  for (let i = 0; i < probabilities.length; i++) {
    if (probabilities[i]! <= 0) continue;
    cumulative += probabilities[i]!;
    last = i;
    if (u < cumulative) return i;
  }
  if (last < 0) throw new MusegenError('BAD_ARGUMENT', 'nothing to draw: every probability is 0');
  return last; // u fell in the rounding gap at the top
}

/** A roll row, value after value: each on with probability σ(logit ÷ temperature), its logit given the values drawn before it (independent logits: as given). */
export function drawRow(row: RowChain | ArrayLike<number>, temperature: number, rng: Rng): Float32Array {
  checkSamplingOptions({ temperature });
  const chain = 'logit' in row ? row : independentRow(row);
  const out = new Float32Array(chain.width);
  for (let i = 0; i < out.length; i++) {
    out[i] = rng.next() < 1 / (1 + Math.exp(-chain.logit() / temperature)) ? 1 : 0;
    chain.set(out[i]!);
  }
  return out;
}
