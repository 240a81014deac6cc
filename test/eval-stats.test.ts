/**
 * Music statistics and copy detection (src/eval) on sets with known answers:
 * the features of a hand-made tune; identical sets overlap fully and a
 * different set does not; a verbatim copy of a corpus tune — even moved to
 * another key — is flagged with its whole length, a tune of its own is not.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CopyIndex, TICKS_PER_QUARTER as Q, compareSets, createPart, createScore, loadCorpus, overlapAndKl, parseInterval, parsePitch, pieceFeatures, setStatistics, transpose,
  type Corpus, type Score,
} from '../src/index.js';
import { FOLK_DEMO } from './helpers/paths.js';
import { rng } from './helpers/random.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('stats');
let corpus: Corpus;
let tunes: Score[];

beforeAll(async () => {
  corpus = await loadCorpus([FOLK_DEMO], { cacheDir: tmp.join('cache') });
  tunes = corpus.pieces.map((p) => p.score);
});

const tune = (names: string[], beats: number[], key = { fifths: 0, mode: 'major' as const }): Score => {
  let at = 0;
  const notes = names.map((n, i) => {
    const note = { pitch: parsePitch(n), onset: at * Q, duration: beats[i]! * Q, velocity: 80 };
    at += beats[i]!;
    return note;
  });
  return createScore({ end: Math.ceil(at / 4) * 4 * Q, keySignatures: [{ tick: 0, ...key }], parts: [createPart({ notes })] });
};

/** A tune of random notes, each a quarter, 8 bars of 4/4. */
function randomTune(seed: number): Score {
  const next = rng(seed);
  const names = Array.from({ length: 32 }, () => ['C4', 'D4', 'E4', 'F#4', 'G4', 'Bb4', 'C5'][Math.floor(next() * 7)]!);
  return tune(names, new Array(32).fill(1));
}

describe('features of one piece', () => {
  it('count pitches, range, intervals, scale, tonic ending and form as worked out by hand', () => {
    // bars 1–2 (C D E F | G G G G), bars 3–4 and 5–6 the same, bar 7 = bar 3, bar 8 ends on C
    const bar12 = [['C4', 'D4', 'E4', 'F4'], ['G4', 'G4', 'G4', 'G4']];
    const names = [...bar12.flat(), ...bar12.flat(), ...bar12.flat(), 'C4', 'D4', 'E4', 'F4', 'C4'];
    const beats = [...new Array(28).fill(1), 4];
    const f = pieceFeatures(tune(names, beats));
    expect(f).toMatchObject({ pitchCount: 5, pitchRange: 7, noteCount: 29, inScaleRatio: 1, endsOnTonic: true, repeatsTwoBars: true, restatesOpening: true, emptyBarRatio: 0 });
    expect(f.averageIoi).toBe(1);
    expect(f.pitchClassHistogram.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(f.pitchClassHistogram[7]).toBeCloseTo(12 / 29, 12); // G
    const other = pieceFeatures(tune(['C4', 'F#4', 'B4', 'D5'], [1, 1, 1, 5]));
    expect(other).toMatchObject({ pitchCount: 4, pitchRange: 14, inScaleRatio: 0.75, endsOnTonic: false, repeatsTwoBars: false, restatesOpening: false });
    expect(other.averageInterval).toBeCloseTo((6 + 5 + 3) / 3, 12);
  });
});

describe('comparing sets', () => {
  it('gives full overlap and no divergence for a density against itself', () => {
    const xs = [1, 2, 2.5, 3, 4, 4.2];
    const same = overlapAndKl(xs, xs);
    expect(same.overlap).toBeCloseTo(1, 2);
    expect(same.kl).toBeCloseTo(0, 3);
    const apart = overlapAndKl(xs, xs.map((x) => x + 20));
    expect(apart.overlap).toBeLessThan(0.01);
    expect(apart.kl).toBeGreaterThan(5);
  });

  it('tells the demo tunes apart from random notes, and not from themselves', () => {
    const real = tunes.map(pieceFeatures);
    const random = Array.from({ length: 20 }, (_, i) => pieceFeatures(randomTune(i + 1)));
    const half = Math.floor(real.length / 2);
    const itself = compareSets(real.slice(0, half), real.slice(half));
    const noise = compareSets(random, real);
    const mean = (cs: typeof itself) => cs.reduce((s, c) => s + c.overlap, 0) / cs.length;
    expect(mean(itself)).toBeGreaterThan(0.6);
    expect(mean(noise)).toBeLessThan(mean(itself) - 0.2);
    for (const c of itself) expect(Number.isFinite(c.kl)).toBe(true);
  });
});

describe('copy detection', () => {
  it('flags a verbatim copy, moved to another key, with its whole length, and not a tune of its own', () => {
    const index = new CopyIndex(tunes.slice(1));
    const copied = transpose(tunes[3]!, parseInterval('M2'));
    const report = index.check(copied);
    expect(report.longestNotes).toBe(report.notes);
    expect(report.sharedEightGrams).toBe(1);
    expect(report.longestBars).toBeGreaterThanOrEqual(8);
    const own = index.check(randomTune(99));
    expect(own.longestNotes).toBeLessThan(8);
    expect(own.sharedEightGrams).toBe(0);
    // half a tune copied, then notes of its own
    const half = tune(['C4', 'D4', 'E4', 'F#4', 'G4', 'Bb4'], [1, 1, 1, 1, 1, 1]);
    const spliced = createScore({ ...copied, parts: [createPart({ notes: [...copied.parts[0]!.notes.slice(0, 12), ...half.parts[0]!.notes.map((n) => ({ ...n, onset: n.onset + copied.end }))] })], end: copied.end + half.end });
    expect(index.check(spliced).longestNotes).toBeGreaterThanOrEqual(12);
    expect(index.check(spliced).longestNotes).toBeLessThan(report.notes);
  });

  it('reports a whole set against its reference', () => {
    const stats = setStatistics(tunes.slice(0, 6), tunes.slice(6));
    expect(stats.generated.pieces).toBe(6);
    expect(stats.features).toHaveLength(9);
    expect(stats.copies.pieces).toHaveLength(6);
    expect(stats.reference.endsOnTonic).toBeGreaterThan(0.5);
    expect(stats.copies.longestNotes).toBeLessThan(Math.min(...stats.copies.pieces.map((p) => p.notes)));
  });
});
