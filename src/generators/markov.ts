/**
 * An n-gram Markov model over token sequences: the baseline a neural
 * generator must beat. Interpolated (Jelinek–Mercer) with add-one smoothing
 * at the unigram level, so every token of the vocabulary has a probability.
 */
import { MusegenError } from '../errors.js';

export interface MarkovOptions {
  /** Context length + 1: 3 = trigram. */
  order: number;
  vocabSize: number;
  /** Weight of each longer context against the shorter ones. */
  lambda: number;
}

export class MarkovModel {
  readonly options: MarkovOptions;
  private readonly counts: Map<string, Map<number, number>>[] = [];
  private readonly totals: Map<string, number>[] = [];

  static getDefaults(): Omit<MarkovOptions, 'vocabSize'> {
    return { order: 3, lambda: 0.7 };
  }

  constructor(options: Partial<MarkovOptions> & { vocabSize: number }) {
    this.options = { ...MarkovModel.getDefaults(), ...options };
    if (this.options.order < 1 || !Number.isInteger(this.options.order)) {
      throw new MusegenError('BAD_ARGUMENT', `Markov order must be a whole number ≥ 1, got ${this.options.order}`);
    }
    for (let k = 0; k < this.options.order; k++) {
      this.counts.push(new Map());
      this.totals.push(new Map());
    }
  }

  /** Count every n-gram of the sequences (contexts shorter at the start of each sequence). */
  fit(sequences: Iterable<ArrayLike<number>>): this {
    for (const seq of sequences) {
      for (let t = 0; t < seq.length; t++) {
        for (let k = 0; k < this.options.order && k <= t; k++) {
          const ctx = contextKey(seq, t, k);
          const table = this.counts[k]!;
          let row = table.get(ctx);
          if (!row) table.set(ctx, (row = new Map()));
          row.set(seq[t]!, (row.get(seq[t]!) ?? 0) + 1);
          this.totals[k]!.set(ctx, (this.totals[k]!.get(ctx) ?? 0) + 1);
        }
      }
    }
    return this;
  }

  /** P(token | the tokens before position t). */
  probability(seq: ArrayLike<number>, t: number): number {
    const V = this.options.vocabSize;
    const uniTotal = this.totals[0]!.get('') ?? 0;
    let p = ((this.counts[0]!.get('')?.get(seq[t]!) ?? 0) + 1) / (uniTotal + V);
    for (let k = 1; k < this.options.order && k <= t; k++) {
      const ctx = contextKey(seq, t, k);
      const total = this.totals[k]!.get(ctx);
      if (!total) break;
      const c = this.counts[k]!.get(ctx)?.get(seq[t]!) ?? 0;
      p = this.options.lambda * (c / total) + (1 - this.options.lambda) * p;
    }
    return p;
  }

  /** Mean negative log-likelihood per token (nats) over the sequences. */
  nll(sequences: Iterable<ArrayLike<number>>): number {
    let sum = 0;
    let n = 0;
    for (const seq of sequences) {
      for (let t = 0; t < seq.length; t++) {
        sum -= Math.log(this.probability(seq, t));
        n++;
      }
    }
    if (n === 0) throw new MusegenError('EMPTY', 'no tokens to evaluate');
    return sum / n;
  }
}

function contextKey(seq: ArrayLike<number>, t: number, k: number): string {
  let key = '';
  for (let i = t - k; i < t; i++) key += `${seq[i]},`;
  return key;
}
