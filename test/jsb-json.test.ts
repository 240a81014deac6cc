/**
 * The benchmark JSON files (JSB Chorales, Nottingham in the Boulanger-Lewandowski
 * split): the reader against the figures of their SOURCE.md, and the corpus
 * loader keeping the split a file gives.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  benchmarkStepsPerQuarter, corpusStats, DEFAULT_VELOCITY, estimateKey, loadCorpus, midiOf, pitchName, readBenchmarkJson, readBytes, spellMidi,
  type ReadPiece, type Split,
} from '../src/index.js';
import { corpusPath, haveCorpus } from './helpers/corpora.js';

const exists = haveCorpus('jsb-json: the benchmark corpus tests', corpusPath('jsb-chorales'), corpusPath('nottingham-bl-split'));

const bytesOf = (o: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(o));

/** Pieces and steps per split, steps counted as score.end / ticks per step. */
function stats(pieces: ReadPiece[], ticksPerStep: number): Record<Split, [pieces: number, steps: number]> {
  const out = { train: [0, 0], valid: [0, 0], test: [0, 0] } as Record<Split, [number, number]>;
  for (const p of pieces) {
    out[p.split!][0]++;
    out[p.split!][1] += p.score.end / ticksPerStep;
  }
  return out;
}

describe.skipIf(!exists)('benchmark JSON files (figures from their SOURCE.md)', () => {
  const read = (rel: string): ReadPiece[] => readBytes(readFileSync(corpusPath(rel)), rel);

  it('JSB quarter: 229/76/77 chorales, 13,807/4,602/4,725 steps', () => {
    expect(stats(read('jsb-chorales/jsb-chorales-quarter.json'), 480)).toEqual({ train: [229, 13_807], valid: [76, 4_602], test: [77, 4_725] });
  });
  it('JSB eighths: 27,614/9,204/9,450 steps', () => {
    expect(stats(read('jsb-chorales/jsb-chorales-8th.json'), 240)).toEqual({ train: [229, 27_614], valid: [76, 9_204], test: [77, 9_450] });
  });
  it('JSB sixteenths, merged and separated: 55,228/18,408/18,900 steps', () => {
    const want = { train: [229, 55_228], valid: [76, 18_408], test: [77, 18_900] };
    expect(stats(read('jsb-chorales/jsb-chorales-16th.json'), 120)).toEqual(want);
    const separated = read('jsb-chorales/Jsb16thSeparated.json');
    expect(stats(separated, 120)).toEqual(want);
    for (const { score } of separated) {
      const names = score.parts.map((p) => p.name);
      expect(['Soprano', 'Alto', 'Tenor', 'Bass'].filter((n) => names.includes(n))).toEqual(names);
    }
    expect(separated.filter((p) => p.score.parts.length === 4).length).toBeGreaterThan(370);
  });
  it('Nottingham: 694/173/170 tunes, 176,561/45,513/44,463 eighth-note steps', () => {
    const pieces = read('nottingham-bl-split/nottingham-bl.json');
    expect(stats(pieces, 240)).toEqual({ train: [694, 176_561], valid: [173, 45_513], test: [170, 44_463] });
    expect(pieces.every((p) => p.score.parts.length === 1)).toBe(true);
  });

  it('reproduces every step of the quarter file: the pitches sounding on each grid point', () => {
    const data = JSON.parse(readFileSync(corpusPath('jsb-chorales/jsb-chorales-quarter.json'), 'utf8')) as Record<Split, number[][][]>;
    const pieces = read('jsb-chorales/jsb-chorales-quarter.json');
    const sequences = [...data.train, ...data.valid, ...data.test];
    expect(pieces).toHaveLength(sequences.length);
    pieces.forEach(({ score }, i) => {
      const steps = sequences[i]!.map(() => new Set<number>());
      for (const n of score.parts[0]?.notes ?? []) {
        for (let t = n.onset; t < n.onset + n.duration; t += 480) steps[t / 480]!.add(midiOf(n.pitch));
      }
      expect(steps.map((s) => [...s].sort((a, b) => a - b))).toEqual(sequences[i]!.map((s) => [...new Set(s)].sort((a, b) => a - b)));
    });
  });

  it('loaded as a corpus, keeps the split the source gives (229 / 76 / 77)', async () => {
    const corpus = await loadCorpus([corpusPath('jsb-chorales', 'jsb-chorales-quarter.json')], { cache: false });
    expect(corpusStats(corpus).splits).toEqual({ train: 229, valid: 76, test: 77 });
    expect(corpus.pieces.every((p) => p.relPath === 'jsb-chorales-quarter.json')).toBe(true);
  });
});

describe('benchmark JSON reader', () => {
  it('tells the grid by the file name', () => {
    expect(['jsb-chorales-quarter.json', 'jsb-chorales-8th.json', 'jsb-chorales-16th.json', 'Jsb16thSeparated.json', 'nottingham-bl.json', 'JSB_Chorales.json', 'other.json']
      .map(benchmarkStepsPerQuarter)).toEqual([1, 2, 4, 4, 2, 1, undefined]);
  });

  it('merges a pitch held over consecutive steps into one note, and spells in an estimated key', () => {
    // D major: F# and C# must not come out as Gb and Db
    const piece = [[62, 66, 69], [62, 66, 69], [61, 67, 69], [62, 66, 69, 62], [], [66, 74]];
    const [read] = readBenchmarkJson(bytesOf({ train: [piece], valid: [], test: [] }), { stepsPerQuarter: 2 });
    expect(read!.split).toBe('train');
    const score = read!.score;
    expect(score.end).toBe(6 * 240);
    expect(score.keySignatures).toEqual([]);
    expect(score.parts[0]!.notes.every((n) => n.velocity === DEFAULT_VELOCITY)).toBe(true);
    expect(score.parts[0]!.notes.map((n) => [pitchName(n.pitch), n.onset, n.duration])).toEqual([
      ['D4', 0, 480], ['F#4', 0, 480], ['A4', 0, 960],
      ['C#4', 480, 240], ['G4', 480, 240],
      ['D4', 720, 240], ['F#4', 720, 240],
      ['F#4', 1200, 240], ['D5', 1200, 240],
    ]);
    const key = estimateKey(score.parts[0]!.notes.map((n) => ({ midi: midiOf(n.pitch), duration: n.duration })));
    expect(score.parts[0]!.notes.every((n) => pitchName(n.pitch) === pitchName(spellMidi(midiOf(n.pitch), key.fifths, key.mode)))).toBe(true);
  });

  it('makes four voice parts of a separated file, -1 being silence', () => {
    const piece = [[72, 67, 64, 48], [72, 67, 64, 48], [74, 67, -1, 43], [-1, -1, -1, -1]];
    const [read] = readBenchmarkJson(bytesOf({ valid: [piece] }), { fileName: 'Jsb16thSeparated.json' });
    expect(read!.split).toBe('valid');
    expect(read!.score.end).toBe(4 * 120);
    expect(read!.score.parts.map((p) => [p.name, p.notes.map((n) => [midiOf(n.pitch), n.onset, n.duration])])).toEqual([
      ['Soprano', [[72, 0, 240], [74, 240, 120]]],
      ['Alto', [[67, 0, 360]]],
      ['Tenor', [[64, 0, 240]]],
      ['Bass', [[48, 0, 240], [43, 240, 120]]],
    ]);
  });

  it('says clearly what is wrong with a file that is not one', () => {
    const bad = (o: unknown, name = 'x-quarter.json') => () => readBytes(typeof o === 'string' ? new TextEncoder().encode(o) : bytesOf(o), name);
    expect(bad('{"train": [[[60]]')).toThrow(/^x-quarter\.json: not valid JSON \(/);
    expect(bad([1, 2])).toThrow(/x-quarter\.json: not a benchmark JSON file \(expected \{"train"/);
    expect(bad({ train: [[60]] })).toThrow(/"train" is not a list of pieces/);
    expect(bad({ test: [[[60], [128]]] })).toThrow(/test piece 1, step 2: 128 is not a MIDI pitch/);
    expect(bad({ test: [[[60.5]]] })).toThrow(/60\.5 is not a MIDI pitch/);
    expect(bad({ test: [[[60, 64, -1, 48], [60, 64]]] }, 'Jsb16thSeparated.json')).toThrow(/step 2: 2 voices where a separated file has 4/);
    expect(bad({ train: [] }, 'scores.json')).toThrow(/scores\.json: cannot tell the grid .* pass stepsPerQuarter/);
    expect(readBenchmarkJson(bytesOf({ train: [[[60]]] }), { fileName: 'scores.json', stepsPerQuarter: 4 })[0]!.score.end).toBe(120);
  });
});
