import { describe, expect, it } from 'vitest';
import { MarkovModel } from '../src/index.js';

describe('Markov baseline', () => {
  it('learns a deterministic cycle far better than chance', () => {
    const seq = Array.from({ length: 300 }, (_, i) => [0, 1, 2, 3][i % 4]!);
    const m = new MarkovModel({ vocabSize: 10 }).fit([seq]);
    expect(m.nll([seq])).toBeLessThan(0.5);
    expect(m.nll([seq])).toBeLessThan(Math.log(10));
  });
  it('gives every token a probability and sums to one over the vocabulary', () => {
    const m = new MarkovModel({ vocabSize: 5, order: 3 }).fit([[0, 1, 2, 0, 1, 2, 4]]);
    let total = 0;
    for (let v = 0; v < 5; v++) total += m.probability([0, 1, v], 2);
    expect(total).toBeCloseTo(1, 10);
    expect(m.probability([0, 1, 3], 2)).toBeGreaterThan(0);
  });
  it('uses context: a trigram beats a unigram on patterned data', () => {
    const seq = Array.from({ length: 400 }, (_, i) => (i % 3 === 2 ? (i % 6 === 2 ? 4 : 5) : i % 3));
    const tri = new MarkovModel({ vocabSize: 6, order: 3 }).fit([seq]).nll([seq]);
    const uni = new MarkovModel({ vocabSize: 6, order: 1 }).fit([seq]).nll([seq]);
    expect(tri).toBeLessThan(uni - 0.3);
  });
  it('refuses a bad order', () => {
    expect(() => new MarkovModel({ vocabSize: 3, order: 0 })).toThrow(/order/);
  });
});
