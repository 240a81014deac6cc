/**
 * How likely a model finds real music: each piece fed to a left-to-right
 * session position by position (teacher forcing), the model's logits for
 * every position scored against what the piece really holds there.
 *
 *   piece ─ encoder.encode ─► tokens | roll ─┐
 *   session.logits() ─ score against the truth ─ session.push(truth) ─► sums ─► report
 *
 *   event models:  NLL per token = −log softmax(logits)[token], every position;
 *                  per note = the same sum over the pieces' notes
 *   roll models:   NLL per frame = −ln p(row) = Σ over the row's values of −log Bernoulli(value | sigmoid(logit)),
 *                  each logit given the values before it (the session's row chain: a NADE's conditionals,
 *                  or independent sigmoid outputs), summed over every predicted frame 2..T of each piece,
 *                  divided by their number (Bai et al. 2018's convention for JSB / Nottingham: natural log,
 *                  summed over 88 keys); frame accuracy (Boulanger-Lewandowski 2012) = Σ TP / Σ (TP + FP + FN)
 *                  of the likeliest row (a value on when its probability ≥ ½, given the values before it as so predicted)
 *
 * Every left-to-right model is evaluated the same way, whatever its kind:
 * the session is the model as it generates.
 */
import { FIRST_PITCH_TOKEN, layoutFor, type AnyEncoder } from '../encoding/index.js';
import { MusegenError } from '../errors.js';
import { independentRow, type LeftToRight, type RowChain } from '../generators/index.js';
import type { Score } from '../score/index.js';

/** What `evaluateLikelihood` measured. */
export interface LikelihoodReport {
  output: 'events' | 'roll';
  pieces: number;
  /** Positions scored: tokens (events) or predicted frames (roll, the first frame of each piece left out). */
  positions: number;
  /** Events: the notes the pieces hold once encoded (note-on tokens); null for rolls. */
  notes: number | null;
  /** Mean NLL per scored position, nats: per token, or per frame summed over its values. */
  nll: number;
  /** Events: NLL per note of the pieces (nats). */
  nllPerNote: number | null;
  /** Roll: frame accuracy, 0..1. */
  frameAccuracy: number | null;
  /** Values per roll frame the per-frame NLL sums over (88 for the benchmarks' keys); null for events. */
  frameWidth: number | null;
}

/** −log softmax(logits)[target], computed stably. */
export function tokenNll(logits: ArrayLike<number>, target: number): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  return max + Math.log(sum) - logits[target]!;
}

/**
 * −ln p(row) under a row's chain of conditionals, walked with the truth:
 * Σ_i −log Bernoulli(v_i | σ(logit_i given v_<i)) (each term stable: max(x,0) − x·y + log(1 + e^−|x|)).
 * Exact for joint models (NADE) and independent ones alike.
 */
export function rowNll(chain: RowChain, truth: ArrayLike<number>): number {
  if (truth.length !== chain.width) throw new MusegenError('BAD_ARGUMENT', `a row of ${chain.width} values scored against ${truth.length}`);
  let sum = 0;
  for (let i = 0; i < truth.length; i++) {
    const x = chain.logit();
    const y = truth[i]! > 0.5 ? 1 : 0;
    sum += Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x)));
    chain.set(y);
  }
  return sum;
}

/** Σ over the values of −log Bernoulli(truth | sigmoid(logit)): `rowNll` of independent values. */
export function frameNll(logits: ArrayLike<number>, truth: ArrayLike<number>): number {
  return rowNll(independentRow(logits), truth);
}

/** True positives, false positives and false negatives of a frame: a value is predicted on when sigmoid(logit) ≥ ½. */
export function frameCounts(logits: ArrayLike<number>, truth: ArrayLike<number>): { tp: number; fp: number; fn: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < logits.length; i++) {
    const on = logits[i]! >= 0;
    const real = truth[i]! > 0.5;
    if (on && real) tp++;
    else if (on) fp++;
    else if (real) fn++;
  }
  return { tp, fp, fn };
}

export interface LikelihoodOptions {
  /** Called after each piece with the pieces done. */
  onPiece?: (done: number, total: number) => void;
}

/** Evaluate a left-to-right model on pieces (encoded with the model's own encoder). Throws MusegenError('EMPTY') when nothing is scored. */
export function evaluateLikelihood(model: LeftToRight, encoder: AnyEncoder, scores: readonly Score[], options: LikelihoodOptions = {}): LikelihoodReport {
  const output = layoutFor(encoder).output;
  let nll = 0;
  let positions = 0;
  let notes = 0;
  let pieces = 0;
  const counts = { tp: 0, fp: 0, fn: 0 };
  scores.forEach((score, i) => {
    const encoded = encoder.encode(score);
    options.onPiece?.(i + 1, scores.length);
    if (encoded.steps === 0) return;
    pieces++;
    const session = model.session(encoded.context);
    if (encoded.kind === 'events' && session.output === 'events') {
      const { tokens, tracks, steps } = encoded;
      for (let s = 0; s < steps; s++) {
        for (let v = 0; v < tracks; v++) {
          const token = tokens[v * steps + s]!;
          nll += tokenNll(session.logits(), token);
          positions++;
          if (token >= FIRST_PITCH_TOKEN) notes++;
          session.push(token);
        }
      }
      return;
    }
    if (encoded.kind !== 'roll' || session.output !== 'roll') throw new MusegenError('INTERNAL', 'the model and its encoder disagree on what a position holds');
    const { roll } = encoded;
    const width = session.width;
    for (let t = 0; t < encoded.steps; t++) {
      const row = roll.subarray(t * width, (t + 1) * width);
      if (t > 0) {
        nll += rowNll(session.row(), row);
        const c = frameCounts(session.logits(), row);
        counts.tp += c.tp;
        counts.fp += c.fp;
        counts.fn += c.fn;
        positions++;
      }
      session.push(row);
    }
  });
  if (positions === 0) throw new MusegenError('EMPTY', 'nothing to evaluate: the pieces hold no music the model encodes');
  const hits = counts.tp + counts.fp + counts.fn;
  return {
    output, pieces, positions, notes: output === 'events' ? notes : null, nll: nll / positions,
    nllPerNote: output === 'events' && notes > 0 ? nll / notes : null,
    frameAccuracy: output === 'roll' ? (hits > 0 ? counts.tp / hits : 1) : null,
    frameWidth: output === 'roll' ? (encoder as AnyEncoder & { width: number }).width : null,
  };
}
