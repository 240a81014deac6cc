/**
 * The n-gram Markov baseline (generators/markov.ts) on the validation windows
 * a model is scored on: fitted on the training pieces as written, it predicts
 * the same targets from the same window starts, so the two figures compare.
 */
import type { EventLayout, PreparedPiece, WindowStart } from '../encoding/index.js';
import { MarkovModel } from '../generators/index.js';

/** What the baseline is fitted on and scored on. */
export interface BaselineData {
  /** Training pieces as written. */
  train: readonly PreparedPiece[];
  valid: readonly PreparedPiece[];
  validWindows: readonly WindowStart[];
  /** Positions in a window. */
  windowLength: number;
}

/** Mean NLL (nats per token) of an n-gram model (default 3-gram) on the validation windows; null without validation or tokens. */
export function markovBaseline(data: BaselineData, layout: EventLayout, order = 3): number | null {
  if (data.validWindows.length === 0) return null;
  const model = new MarkovModel({ order, vocabSize: layout.vocabulary.size });
  model.fit(data.train.map((p) => p.tokens!));
  let sum = 0;
  let n = 0;
  for (const { piece, start } of data.validWindows) {
    const tokens = data.valid[piece]!.tokens!;
    const window = tokens.subarray(start, Math.min(start + data.windowLength, tokens.length));
    for (let t = 0; t < window.length; t++) {
      sum -= Math.log(model.probability(window, t));
      n++;
    }
  }
  return n > 0 ? sum / n : null;
}
