/**
 * The convolutional harmoniser's sampling, on a small conv model trained here
 * on four-part pieces made in code (what it writes is not judged — the
 * bundled model's quality is measured in models/README.md — but what must
 * hold for any model is):
 * - Gibbs sampling never changes a known cell, keeps voices in their ranges,
 *   runs the steps asked (or stops at a time budget), and repeats for a seed;
 * - harmonising keeps the melody note for note — in keys and meters the
 *   chorales rarely use, with pickups, triplets and ties — writes the other
 *   voices in their SATB ranges, keeps the key, meter and pickup, and moves a
 *   melody outside the soprano's range into it and back, saying so;
 * - regenerating a region keeps every note outside it;
 * - bad input gets one clear error.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHORALE_RANGES, MusegenError, annealedShare, createPart, createScore, createStepContext, folderSource, gibbsInfill, harmonise, infillRegion, initBackend,
  loadCorpus, loadGenerator, midiOf, parseBarRange, pitchName, readAbc, spellMidi, standardEvaluation, train, type Generator, type Note, type Score,
} from '../src/index.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fourPartPieces, writeFourPartFolder } from './helpers/chorales.js';
import { FOLK_DEMO } from './helpers/paths.js';
import { rng } from './helpers/random.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('harmonise');
let generator: Generator;

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  const corpus = await loadCorpus([writeFourPartFolder(tmp.join('satb'), fourPartPieces(12, 3))], { cacheDir: tmp.join('cache') });
  const trained = await train(corpus, { output: tmp.join('model'), evaluation: standardEvaluation, options: { kind: 'conv', model: { filters: 8, layers: 3 }, seqLen: 32, batch: 8, epochs: 1, seed: 1 } });
  expect(trained.target).toBe('hidden cell'); // its loss is a mean over the cells it was asked to fill
  const loaded = await loadGenerator(folderSource(tmp.join('model')));
  expect(loaded.meta.metrics.nllUnit).toBe('nats per hidden cell');
  generator = loaded.generator;
});

const failure = (f: () => unknown): MusegenError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(MusegenError);
    return e as MusegenError;
  }
  throw new Error('expected a MusegenError');
};

/** A note as compared: spelled pitch, onset, duration, fermata, tie. */
const written = (n: Note): string => `${pitchName(n.pitch)}@${n.onset}+${n.duration}${n.fermata ? 'F' : ''}${n.tied ? 'T' : ''}`;

/** A seeded melody in a meter and key, with a pickup, triplets now and then, a long note with a fermata at the end. */
function melody(seed: number, meter: [number, number], fifths: number, pickup: number): Score {
  const next = rng(seed);
  const bar = (meter[0] * 1920) / meter[1];
  const end = pickup + 4 * bar;
  const notes: Note[] = [];
  let t = 0;
  let midi = 64 + Math.floor(next() * 8);
  while (t < end - 960) {
    const triplet = next() < 0.1 && (end - 960 - t) >= 480;
    const lengths = triplet ? [160, 160, 160] : [[240, 480, 480, 720, 960][Math.floor(next() * 5)]!];
    for (const d of lengths) {
      midi = Math.max(58, Math.min(82, midi + Math.floor(next() * 7) - 3));
      const duration = Math.min(d, end - 960 - t);
      if (duration <= 0) break;
      notes.push({ pitch: spellMidi(midi, fifths), onset: t, duration, velocity: 90, ...(next() < 0.05 ? { tied: true } : {}) });
      t += duration;
    }
  }
  notes.push({ pitch: spellMidi(midi, fifths), onset: t, duration: end - t, velocity: 90, fermata: true });
  return createScore({
    parts: [createPart({ name: 'Melody', notes })], pickup, end,
    timeSignatures: [{ tick: 0, numerator: meter[0], denominator: meter[1] }], keySignatures: [{ tick: 0, fifths, mode: 'major' }],
  });
}

describe('Gibbs sampling', () => {
  const context = createStepContext({ stepsPerQuarter: 4 });
  const piece = fourPartPieces(1, 9)[0]!;
  const steps = 32;
  const known = (): { piece: { tracks: number; steps: number; cells: Int32Array }; mask: Uint8Array } => {
    const cells = new Int32Array(4 * steps);
    piece.parts.forEach((p, t) => p.notes.forEach((n) => {
      for (let s = n.onset / 120; s < Math.min(steps, (n.onset + n.duration) / 120); s++) cells[t * steps + s] = midiOf(n.pitch) - 35;
    }));
    const mask = new Uint8Array(4 * steps);
    for (let c = 0; c < mask.length; c++) if ((c * 7) % 3 === 0) mask[c] = 1;
    return { piece: { tracks: 4, steps, cells }, mask };
  };

  it('never changes a known cell, keeps voices in range, repeats for a seed and runs the steps asked', () => {
    const request = { ...known(), context };
    const ranges = [{ low: 30, high: 40 }, null, { low: 5, high: 9 }, null];
    const a = gibbsInfill(generator.infill!, request, { steps: 6, seed: 4, ranges });
    const b = gibbsInfill(generator.infill!, request, { steps: 6, seed: 4, ranges });
    expect(a.steps).toBe(6);
    expect([...a.piece.cells]).toEqual([...b.piece.cells]);
    for (let c = 0; c < request.mask.length; c++) {
      if (!request.mask[c]) expect(a.piece.cells[c]).toBe(request.piece.cells[c]);
      const r = ranges[Math.floor(c / steps)];
      const v = a.piece.cells[c]!;
      if (request.mask[c] && r && v !== 0) expect(v >= r.low && v <= r.high).toBe(true);
    }
    expect([...gibbsInfill(generator.infill!, request, { steps: 6, seed: 5, ranges }).piece.cells]).not.toEqual([...a.piece.cells]);
  });

  it('stops at a time budget, and follows Coconet\'s annealing schedule', () => {
    const result = gibbsInfill(generator.infill!, { ...known(), context }, { steps: 1_000_000, budgetMs: 200, seed: 1 });
    expect(result.steps).toBeGreaterThan(0);
    expect(result.steps).toBeLessThan(1_000_000);
    const schedule = { pmax: 1, pmin: 0.05, eta: 0.75 };
    expect(annealedShare(0, 100, schedule)).toBe(1);
    expect(annealedShare(75, 100, schedule)).toBeCloseTo(0.05);
    expect(annealedShare(99, 100, schedule)).toBe(0.05);
    expect(annealedShare(30, 100, schedule)).toBeCloseTo(1 - (0.95 * 30) / 75);
  });

  it('refuses nonsense options', () => {
    const request = { ...known(), context };
    expect(failure(() => gibbsInfill(generator.infill!, request, { temperature: -1 })).message).toMatch(/temperature must be 0 \(the likeliest\) or above/);
    expect(failure(() => gibbsInfill(generator.infill!, request, { steps: -1 })).message).toMatch(/Gibbs steps must be a whole number/);
  });
});

describe('harmonising a melody', () => {
  const melodies: [string, Score][] = [
    ['3/4 in E major with a pickup', melody(1, [3, 4], 4, 480)],
    ['6/8 in Db major', melody(2, [6, 8], -5, 0)],
    ['5/4 in F# major', melody(3, [5, 4], 6, 0)],
    ['7/8 in C major with a pickup of an eighth', melody(4, [7, 8], 0, 240)],
    ['2/2 in Ab major', melody(5, [2, 2], -4, 0)],
    ['4/4 in B major', melody(6, [4, 4], 5, 960)],
  ];
  const tunes = readAbc(readFileSync(join(FOLK_DEMO, 'tunes.abc'), 'utf8')).slice(0, 6).map((t, i): [string, Score] => [`folk demo tune ${i + 1}`, t.score]);

  it.each([...melodies, ...tunes])('keeps the melody note for note, writes SATB in range, keeps key, meter and pickup: %s', (_, tune) => {
    const h = harmonise(generator, tune, { steps: 4, seed: 2 });
    expect(h.score.parts.map((p) => p.name)).toEqual([tune.parts[0]!.name, 'Alto', 'Tenor', 'Bass']);
    expect(h.score.parts[0]!.notes.map(written)).toEqual(tune.parts[0]!.notes.map(written));
    expect(h.score.timeSignatures).toEqual(tune.timeSignatures);
    expect(h.score.keySignatures).toEqual(tune.keySignatures);
    expect(h.score.pickup).toBe(tune.pickup);
    for (const [i, voice] of ['alto', 'tenor', 'bass'].entries()) {
      const notes = h.score.parts[i + 1]!.notes;
      expect(notes.length).toBeGreaterThan(0);
      const r = CHORALE_RANGES[voice]!;
      for (const n of notes) expect(midiOf(n.pitch) + h.transposedBy).toBeGreaterThanOrEqual(r.low);
      for (const n of notes) expect(midiOf(n.pitch) + h.transposedBy).toBeLessThanOrEqual(r.high);
    }
  });

  it('moves a melody outside the soprano\'s range into it and back, and says so', () => {
    const low = melody(7, [4, 4], 0, 0);
    const down = { ...low, parts: [{ ...low.parts[0]!, notes: low.parts[0]!.notes.map((n) => ({ ...n, pitch: spellMidi(midiOf(n.pitch) - 24) })) }] };
    const h = harmonise(generator, down, { steps: 2, seed: 1 });
    expect(h.transposedBy % 12).toBe(0);
    expect(h.transposedBy).toBeGreaterThan(0);
    expect(h.warnings.join('\n')).toMatch(/outside the soprano's range .* harmonised \d+ semitones higher and moved back/);
    expect(h.score.parts[0]!.notes.map(written)).toEqual(down.parts[0]!.notes.map(written));
    const bass = h.score.parts[3]!.notes.map((n) => midiOf(n.pitch) + h.transposedBy); // written in the bass's range, then moved down with the melody
    expect(Math.min(...bass)).toBeGreaterThanOrEqual(CHORALE_RANGES.bass!.low);
    expect(Math.max(...bass)).toBeLessThanOrEqual(CHORALE_RANGES.bass!.high);
  });

  it('takes the top line of a melody with chords, with a warning', () => {
    const tune = melody(8, [4, 4], 1, 0);
    const chords = tune.parts[0]!.notes.flatMap((n, i) => (i % 3 === 0 ? [n, { ...n, pitch: spellMidi(midiOf(n.pitch) - 4, 1) }] : [n]));
    const h = harmonise(generator, { ...tune, parts: [{ ...tune.parts[0]!, notes: chords }] }, { steps: 2, seed: 1 });
    expect(h.warnings.join('\n')).toMatch(/the melody is polyphonic \(\d+ notes under or overlapping another\): its top line is taken/);
    expect(h.score.parts[0]!.notes.map(written)).toEqual(tune.parts[0]!.notes.map(written));
  });

  it('refuses an empty melody, a voice the model lacks, and the melody\'s own voice', () => {
    expect(failure(() => harmonise(generator, createScore({ parts: [createPart()] }))).code).toBe('EMPTY');
    const tune = melody(9, [4, 4], 0, 0);
    expect(failure(() => harmonise(generator, tune, { voices: ['baritone'] })).message).toBe("the model has no voice 'baritone' (it has soprano, alto, tenor, bass)");
    expect(failure(() => harmonise(generator, tune, { voices: ['soprano'] })).message).toMatch(/the soprano is the melody/);
  });

  it('writes only the voices asked for', () => {
    const h = harmonise(generator, melody(10, [3, 4], -2, 0), { voices: ['bass'], steps: 2, seed: 1 });
    expect(h.score.parts.map((p) => p.name)).toEqual(['Melody', 'Bass']);
  });
});

describe('regenerating a region', () => {
  const chorale = fourPartPieces(1, 11, 8)[0]!; // 8 bars of 4/4, Soprano … Bass
  const bass = { ...chorale, parts: [...chorale.parts].reverse() }; // kern's order: the bass first

  it('changes only the chosen voices inside the bars, every other note kept', () => {
    for (const score of [chorale, bass]) {
      const r = infillRegion(generator, score, { bars: [3, 5], voices: ['tenor', 'alto'], steps: 4, seed: 3 });
      expect(r.voices).toEqual(['tenor', 'alto']);
      expect([r.from, r.to]).toEqual([2 * 1920, 5 * 1920]);
      r.score.parts.forEach((part, i) => {
        const before = score.parts[i]!.notes;
        const regenerated = part.name === 'Alto' || part.name === 'Tenor';
        if (!regenerated) {
          expect(part.notes.map(written)).toEqual(before.map(written));
          return;
        }
        const outside = (n: Note): boolean => n.onset + n.duration <= r.from || n.onset >= r.to;
        expect(part.notes.filter(outside).map(written)).toEqual(before.filter(outside).map(written));
        for (const n of part.notes.filter((x) => !outside(x))) expect(n.onset >= r.from && n.onset + n.duration <= r.to).toBe(true);
      });
    }
  });

  it('refuses bars outside the score, a score with other voices, and a model that cannot fill in', async () => {
    expect(failure(() => infillRegion(generator, chorale, { bars: [7, 12] })).message).toBe('bars 7-12 lie outside the score (its bars are 1–8)');
    const three = { ...chorale, parts: chorale.parts.slice(0, 3) };
    expect(failure(() => infillRegion(generator, three, { bars: [1, 2] })).message).toMatch(/the score has 3 parts with notes; the model writes 4 voices/);
    expect(parseBarRange('5-8')).toEqual([5, 8]);
    expect(parseBarRange('5')).toEqual([5, 5]);
    expect(failure(() => parseBarRange('8-5')).message).toMatch(/the last bar comes before the first/);
    const notAHarmoniser = { ...generator, infill: undefined, kind: 'lstm' } as unknown as Generator;
    expect(failure(() => infillRegion(notAHarmoniser, chorale, { bars: [1, 2] })).message).toMatch(/a 'lstm' model cannot harmonise or fill in music/);
  });
});
