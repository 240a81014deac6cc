/**
 * The n-gram Markov baseline (generators/markov.ts) on the validation windows the
 * LSTM is scored on: fitted on the training pieces as written, it predicts
 * the same targets from the same window starts, so the two figures compare.
 */
import { MarkovModel } from '../generators/index.js';
import type { EventLayout } from '../generators/index.js';
import type { TrainingData } from './data.js';

/** Mean NLL (nats per token) of a 3-gram model on the validation windows; null without validation or tokens. */
export function markovBaseline(data: TrainingData, layout: EventLayout, order = 3): number | null {
  if (data.validWindows.length === 0) return null;
  const model = new MarkovModel({ order, vocabSize: layout.vocabulary.size });
  model.fit(data.train.map((v) => v[0]!.tokens!));
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
