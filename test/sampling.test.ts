/**
 * Sampling without a trained model: temperature, top-k and top-p on
 * hand-made logits (distributions exactly as expected), seeded draws, the
 * meter / key / tempo parsers and the plan of a piece (its length in bars,
 * with and without a primer).
 */
import { describe, expect, it } from 'vitest';
import {
  MelodyEncoder, TICKS_PER_QUARTER as Q, checkSamplingOptions, createPart, createRng, createScore, drawIndex, drawRow, parseKey,
  parseMeter, planPiece, samplingDistribution, spellMidi, eventDistribution,
} from '../src/index.js';

const softmax = (xs: number[]): number[] => {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};

const close = (got: ArrayLike<number>, want: number[]): void => {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 12));
};

describe('event distribution (rest, hold, note-on per pitch)', () => {
  // rest, hold, then four pitches
  const logits = [0.5, 3, 1, 2, 0, -1];
  const mass = (p: ArrayLike<number>) => [p[0]!, p[1]!, Array.from(p).slice(2).reduce((a, b) => a + b, 0)];

  it('is the plain softmax when both temperatures are equal', () => {
    close(eventDistribution(logits, { temperature: 0.7, rhythmTemperature: null }), softmax(logits.map((x) => x / 0.7)));
    close(eventDistribution(logits, { temperature: 0.7, rhythmTemperature: 0.7 }), softmax(logits.map((x) => x / 0.7)));
  });

  it('keeps the rhythm as learned while the temperature shapes the pitches', () => {
    const learned = mass(softmax(logits));
    for (const temperature of [0.3, 0.8, 1.5]) {
      const p = eventDistribution(logits, { temperature });
      close(mass(p), learned);
      const pitches = softmax(logits.slice(2).map((x) => x / temperature));
      close(Array.from(p).slice(2), pitches.map((x) => x * learned[2]!));
    }
    // a low temperature on everything starves the notes in favour of the likeliest hold
    expect(mass(samplingDistribution(logits, { temperature: 0.3 }))[2]).toBeLessThan(learned[2]! / 4);
  });

  it('applies top-k and top-p to the pitches only', () => {
    const p = eventDistribution(logits, { topK: 1 });
    const learned = mass(softmax(logits));
    close(p, [learned[0]!, learned[1]!, 0, learned[2]!, 0, 0]);
    expect(() => eventDistribution(logits, { rhythmTemperature: 0 })).toThrow(/rhythm temperature must be/);
    expect(() => eventDistribution([1, 2])).toThrow(/more than 2 tokens/);
  });
});

describe('sampling distribution', () => {
  const logits = [2, 1, 0, -1, 3];

  it('is the softmax of logits ÷ temperature', () => {
    close(samplingDistribution(logits), softmax(logits));
    close(samplingDistribution(logits, { temperature: 0.5 }), softmax(logits.map((x) => x / 0.5)));
    close(samplingDistribution(logits, { temperature: 2 }), softmax(logits.map((x) => x / 2)));
    const entropy = (p: ArrayLike<number>) => -Array.from(p).reduce((s, x) => s + (x > 0 ? x * Math.log(x) : 0), 0);
    expect(entropy(samplingDistribution(logits, { temperature: 0.5 }))).toBeLessThan(entropy(samplingDistribution(logits)));
    expect(entropy(samplingDistribution(logits, { temperature: 2 }))).toBeGreaterThan(entropy(samplingDistribution(logits)));
  });

  it('keeps the k likeliest with top-k, renormalised', () => {
    const p = softmax(logits);
    const kept = p[4]! + p[0]!;
    close(samplingDistribution(logits, { topK: 2 }), [p[0]! / kept, 0, 0, 0, p[4]! / kept]);
    close(samplingDistribution(logits, { topK: 1 }), [0, 0, 0, 0, 1]);
    close(samplingDistribution(logits, { topK: 99 }), p);
  });

  it('keeps the fewest likeliest reaching p with top-p (nucleus)', () => {
    // probabilities 0.5, 0.25, 0.125, 0.125 exactly
    const l = [Math.log(4), Math.log(2), 0, 0];
    close(samplingDistribution(l, { topP: 0.5 }), [1, 0, 0, 0]);
    close(samplingDistribution(l, { topP: 0.6 }), [2 / 3, 1 / 3, 0, 0]);
    close(samplingDistribution(l, { topP: 0.75 }), [2 / 3, 1 / 3, 0, 0]);
    close(samplingDistribution(l, { topP: 0.8 }), [4 / 7, 2 / 7, 1 / 7, 0]); // ties: the lower index first
    close(samplingDistribution(l, { topP: 1 }), [0.5, 0.25, 0.125, 0.125]);
    // top-k first, then top-p within what is left
    close(samplingDistribution(l, { topK: 3, topP: 0.9 }), [4 / 7, 2 / 7, 1 / 7, 0]);
  });

  it('refuses a temperature that is not above 0, and bad k or p', () => {
    for (const temperature of [0, -1, Number.NaN, Infinity]) expect(() => checkSamplingOptions({ temperature })).toThrow(/temperature must be a number above 0/);
    expect(() => samplingDistribution(logits, { topK: 0 })).toThrow(/top-k/);
    expect(() => samplingDistribution(logits, { topP: 1.5 })).toThrow(/top-p/);
    expect(() => samplingDistribution([], {})).toThrow(/no logits/);
  });

  it('draws with the given frequencies from a seeded stream, reproducibly', () => {
    const probs = [0.1, 0, 0.6, 0.3];
    const rng = createRng(5);
    const counts = [0, 0, 0, 0];
    const n = 20_000;
    const draws = Array.from({ length: n }, () => drawIndex(probs, rng));
    for (const d of draws) counts[d]!++;
    probs.forEach((p, i) => expect(Math.abs(counts[i]! / n - p)).toBeLessThan(0.015));
    expect(counts[1]).toBe(0);
    const again = createRng(5);
    expect(Array.from({ length: 50 }, () => drawIndex(probs, again))).toEqual(draws.slice(0, 50));
    const row = drawRow([20, -20, 0], 1, createRng(1));
    expect([row[0], row[1]]).toEqual([1, 0]);
  });
});

describe('piece plans', () => {
  it('reads meters and keys as musicians write them', () => {
    expect(parseMeter('6/8')).toEqual({ numerator: 6, denominator: 8 });
    expect(() => parseMeter('4/5')).toThrow(/not a time signature/);
    expect(parseKey('G')).toEqual({ fifths: 1, mode: 'major' });
    expect(parseKey('E minor')).toEqual({ fifths: 1, mode: 'minor' });
    expect(parseKey('Em')).toEqual({ fifths: 1, mode: 'minor' });
    expect(parseKey('Bb')).toEqual({ fifths: -2, mode: 'major' });
    expect(parseKey('D dorian')).toEqual({ fifths: 0, mode: 'dorian' });
    expect(() => parseKey('H')).toThrow(/not a key/);
    expect(() => parseKey('G# major')).toThrow(/8 sharps/);
  });

  it('makes a piece of the bars asked for, in the meter, key and tempo asked for', () => {
    const enc = new MelodyEncoder({ features: ['beat'] });
    const plan = planPiece(enc, { bars: 8, meter: { numerator: 3, denominator: 4 }, key: parseKey('F'), tempo: 90 });
    expect(plan.steps).toBe(8 * 12);
    expect(plan.primerSteps).toBe(0);
    expect(plan.context.timeSignatures).toEqual([{ step: 0, numerator: 3, denominator: 4 }]);
    expect(plan.context.keySignatures).toEqual([{ step: 0, fifths: -1, mode: 'major' }]);
    expect(plan.context.tempos).toEqual([{ step: 0, bpm: 90 }]);
    expect(() => planPiece(enc, { bars: 0 })).toThrow(/bars must be/);
    expect(() => planPiece(new MelodyEncoder({ stepsPerQuarter: 1 }), { bars: 2, meter: parseMeter('5/8') })).toThrow(/not a whole number of steps/);
  });

  it('gives a key-conditioned model a key when none is asked for, and leaves others without one', () => {
    const keyed = new MelodyEncoder({ features: ['beat', 'key'] });
    expect(planPiece(keyed, { bars: 2 }).context.keySignatures).toEqual([{ step: 0, fifths: 0, mode: 'major' }]);
    const inA = [69, 71, 73, 74, 76, 78, 80, 81, 76, 69].map((m, i) => ({ pitch: spellMidi(m, 3), onset: i * Q, duration: i % 3 === 0 ? 2 * Q : Q, velocity: 80 }));
    const primer = createScore({ parts: [createPart({ notes: inA })] });
    expect(planPiece(keyed, { bars: 2 }, primer).context.keySignatures).toEqual([{ step: 0, fifths: 3, mode: 'major' }]);
    expect(planPiece(keyed, { bars: 2, key: parseKey('Bb') }, primer).context.keySignatures).toEqual([{ step: 0, fifths: -2, mode: 'major' }]);
    expect(planPiece(new MelodyEncoder({ features: ['beat'] }), { bars: 2 }).context.keySignatures).toEqual([]);
  });

  it('continues a primer: its tokens and time line first, the bars after', () => {
    const notes = [60, 62, 64, 65, 67].map((m, i) => ({ pitch: spellMidi(m), onset: i * Q, duration: Q, velocity: 80, fermata: false }));
    const primer = createScore({ timeSignatures: [{ tick: 0, numerator: 2, denominator: 4 }], end: 6 * Q, parts: [createPart({ notes })] });
    const enc = new MelodyEncoder();
    const plan = planPiece(enc, { bars: 3 }, primer);
    expect(plan.primerSteps).toBe(24);
    expect(plan.steps).toBe(24 + 3 * 8);
    expect(plan.primer && 'tokens' in plan.primer ? Array.from(plan.primer.tokens.slice(0, 5)) : null)
      .toEqual([enc.vocabulary.tokenOf(spellMidi(60)), 1, 1, 1, enc.vocabulary.tokenOf(spellMidi(62))]);
  });
});
