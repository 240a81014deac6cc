/**
 * A piano roll's next row as a chain of Bernoulli conditionals, value after
 * value: p(row) = Π_i p(v_i | v_<i). What a roll session predicts, whatever
 * the model:
 *
 *   independent outputs (LSTM + sigmoid):  each value's logit, the same whatever came before it in the row
 *   joint outputs (NADE):                  value i's logit computed from the values set before it
 *
 *   chain.logit() ─► a choice (sampled, the truth, or the likelier side) ─► chain.set(v) ─► … width times
 *
 * Evaluation walks it setting the truth (the exact log-probability of the
 * row), sampling walks it setting what it draws, and `likeliestLogits` walks
 * it setting each value on where its logit is ≥ 0.
 */
import { MusegenError } from '../errors.js';

/** A row of a roll, value after value: each value's logit given the values set before it. */
export interface RowChain {
  /** Values in the row. */
  readonly width: number;
  /** The value `logit()` and `set()` are about (0 … width − 1; width once the row is complete). */
  readonly index: number;
  /** The logit (sigmoid) that value `index` is on, given the values set before it. */
  logit(): number;
  /** Value `index` is `value` (0 or 1); go to the next. */
  set(value: number): void;
}

/** The chain of independent values: logit i whatever the values before it. */
export function independentRow(logits: ArrayLike<number>): RowChain {
  let index = 0;
  return {
    width: logits.length,
    get index() {
      return index;
    },
    logit: () => logits[checkIndex(index, logits.length)]!,
    set: () => {
      checkIndex(index, logits.length);
      index++;
    },
  };
}

/** Throw when a chain is walked past its end; the index otherwise. */
export function checkIndex(index: number, width: number): number {
  if (index >= width) throw new MusegenError('INTERNAL', `a row of ${width} values has no value ${index}`);
  return index;
}

/**
 * Walk a fresh chain setting each value on where its logit is ≥ 0 (the
 * likelier side, value after value); the logits met on the way. For
 * independent values: the logits themselves.
 */
export function likeliestLogits(chain: RowChain): Float32Array {
  const out = new Float32Array(chain.width);
  for (let i = 0; i < chain.width; i++) {
    out[i] = chain.logit();
    chain.set(out[i]! >= 0 ? 1 : 0);
  }
  return out;
}
