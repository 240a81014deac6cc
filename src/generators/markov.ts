/**
 * An n-gram Markov model over token sequences: the baseline a neural
 * generator must beat, and the counting core of the 'ngram' generator kind
 * (ngram.ts). Interpolated (Jelinek–Mercer) with add-one smoothing at the
 * unigram level, so every token of the vocabulary has a probability.
 *
 *   fit(sequences) ─► counts per context of 0 … order−1 tokens ─► probability(seq, t) / next(history)
 *   counts ⇄ arrays (toArrays / fromArrays) to store them in a model folder
 */
import { MusegenError } from '../errors.js';

/** The counts of one context length k as arrays: contexts [n, k], tokens [n], counts [n]. */
export interface NgramCounts {
  contexts: Int32Array;
  tokens: Int32Array;
  counts: Float32Array;
}

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
        for (let k = 0; k < this.options.order && k <= t; k++) this.add(k, contextKey(seq, t, k), seq[t]!, 1);
      }
    }
    return this;
  }

  /** P(token | the tokens before position t). */
  probability(seq: ArrayLike<number>, t: number): number {
    const keys: string[] = [];
    for (let k = 1; k < this.options.order && k <= t; k++) keys.push(contextKey(seq, t, k));
    return this.interpolate(keys, seq[t]!);
  }

  /** P(next token = v | history) for every token v of the vocabulary. */
  next(history: ArrayLike<number>): Float64Array {
    const t = history.length;
    const keys: string[] = [];
    for (let k = 1; k < this.options.order && k <= t; k++) keys.push(contextKey(history, t, k));
    const out = new Float64Array(this.options.vocabSize);
    for (let v = 0; v < out.length; v++) out[v] = this.interpolate(keys, v);
    return out;
  }

  /** The counts, context length by context length, as arrays (to store). */
  toArrays(): NgramCounts[] {
    return this.counts.map((table) => {
      const rows: [number[], number, number][] = [];
      for (const [ctx, row] of table) {
        const context = ctx === '' ? [] : ctx.slice(0, -1).split(',').map(Number);
        for (const [token, count] of row) rows.push([context, token, count]);
      }
      return {
        contexts: Int32Array.from(rows.flatMap((r) => r[0])),
        tokens: Int32Array.from(rows.map((r) => r[1])),
        counts: Float32Array.from(rows.map((r) => r[2])),
      };
    });
  }

  /** Put stored counts back (from `toArrays`); throws MusegenError('BAD_MODEL') when they do not fit. */
  loadArrays(stored: readonly NgramCounts[]): this {
    if (stored.length !== this.options.order) throw new MusegenError('BAD_MODEL', `n-gram counts for ${stored.length} context lengths, expected ${this.options.order}`);
    stored.forEach(({ contexts, tokens, counts }, k) => {
      if (tokens.length !== counts.length || contexts.length !== tokens.length * k) {
        throw new MusegenError('BAD_MODEL', `n-gram counts of context length ${k} are misshapen`);
      }
      for (let i = 0; i < tokens.length; i++) {
        const token = tokens[i]!;
        if (!(token >= 0 && token < this.options.vocabSize) || !(counts[i]! > 0)) throw new MusegenError('BAD_MODEL', `n-gram count ${i} of context length ${k} is out of range`);
        let ctx = '';
        for (let j = 0; j < k; j++) ctx += `${contexts[i * k + j]},`;
        this.add(k, ctx, token, counts[i]!);
      }
    });
    return this;
  }

  private add(k: number, ctx: string, token: number, count: number): void {
    const table = this.counts[k]!;
    let row = table.get(ctx);
    if (!row) table.set(ctx, (row = new Map()));
    row.set(token, (row.get(token) ?? 0) + count);
    this.totals[k]!.set(ctx, (this.totals[k]!.get(ctx) ?? 0) + count);
  }

  /** P(token | the contexts, shortest first), interpolated from the unigram up. */
  private interpolate(keys: readonly string[], token: number): number {
    const V = this.options.vocabSize;
    const uniTotal = this.totals[0]!.get('') ?? 0;
    let p = ((this.counts[0]!.get('')?.get(token) ?? 0) + 1) / (uniTotal + V);
    for (let i = 0; i < keys.length; i++) {
      const k = i + 1;
      const total = this.totals[k]!.get(keys[i]!);
      if (!total) break;
      const c = this.counts[k]!.get(keys[i]!)?.get(token) ?? 0;
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
