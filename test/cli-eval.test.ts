/**
 * `musegen eval`, as a user runs it: the bundled model on the demo tunes
 * (the same figures as the library's evaluation), a piano-roll model of the
 * 88 keys trained on the JSB benchmark scored on its test split with the
 * published figures beside it, and clear errors; `musegen stats` on sampled
 * tunes against the demo corpus, and on the corpus against itself (every
 * tune a copy of itself).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BENCHMARKS, benchmarkFile, folderSource, initBackend, loadCorpus, loadGenerator, evaluateLikelihood, MusegenError,
} from '../src/index.js';
import { expectOneLine, musegen } from './helpers/cli.js';
import { corpusPath, haveCorpus } from './helpers/corpora.js';
import { BUNDLED_MODEL, FOLK_DEMO } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('cli-eval');

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('musegen eval', () => {
  it('scores the bundled model on a folder of tunes: the library\'s figures, as JSON', async () => {
    const r = musegen(['eval', '--data', FOLK_DEMO, '--split', 'all', '--json', '-q'], { cwd: tmp.path });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.text);
    const corpus = await loadCorpus([FOLK_DEMO], { cacheDir: tmp.join('cache') });
    const { generator } = await loadGenerator(folderSource(BUNDLED_MODEL));
    const report = evaluateLikelihood(generator.leftToRight!, generator.encoder, corpus.pieces.map((p) => p.score));
    expect(out).toMatchObject({ kind: 'lstm', output: 'events', split: 'all', pieces: corpus.pieces.length, positions: report.positions, notes: report.notes });
    expect(out.nll).toBeCloseTo(report.nll, 10);
    expect(out.nllPerNote).toBeCloseTo(report.nllPerNote!, 10);
    expect(out.comparable).toMatch(/not a standard benchmark file/);
  });

  it('says clearly what is wrong', () => {
    mkdirSync(tmp.join('empty'));
    expectOneLine(musegen(['eval', '--data', FOLK_DEMO, '--split', 'everything'], { cwd: tmp.path }), 2, /unknown split "everything"/);
    expectOneLine(musegen(['eval', '--data', 'empty'], { cwd: tmp.path }), 1, /no music files found/);
    writeFileSync(tmp.join('one.abc'), 'X:1\nT:One\nM:4/4\nL:1/4\nK:G\nGABc|d4|\n');
    expectOneLine(musegen(['eval', '--data', 'one.abc', '--split', 'valid'], { cwd: tmp.path }), 1, /no piece in the valid split \(train 1 · valid 0 · test 0\): choose another --split, or all/);
    expectOneLine(musegen(['eval', '-m', 'nowhere', '--data', FOLK_DEMO], { cwd: tmp.path }), 1, /nowhere: no such model folder/);
    expect(() => benchmarkFile({ ...BENCHMARKS[0]!, file: 'nope/none.json' })).toThrow(MusegenError);
    expect(() => benchmarkFile({ ...BENCHMARKS[0]!, file: 'nope/none.json' })).toThrow(/is not here \(looked in .*\): get https:\/\/github.com\/czhuang/);
  });

  it.skipIf(!haveCorpus('the JSB benchmark evaluation', corpusPath('jsb-chorales', 'jsb-chorales-quarter.json')))(
    'trains an 88-key piano-roll model on JSB and scores its test split under the published convention', () => {
      const t = musegen(['train', 'jsb', '--encoding', 'pianoroll', '--range', '21..108', '--steps-per-quarter', '1', '--features', 'none', '--no-onsets', '--units', '24', '--layers', '1', '--epochs', '1', '--seq-len', '32', '--seed', '1', '-o', 'jsb-model', '-q'].map((a) => (a === 'jsb' ? corpusPath('jsb-chorales', 'jsb-chorales-quarter.json') : a)), { cwd: tmp.path });
      expect(t.stderr).toBe('');
      const r = musegen(['eval', '-m', 'jsb-model', '--data', 'jsb', '--json', '-q'], { cwd: tmp.path });
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.text);
      expect(out).toMatchObject({ output: 'roll', split: 'test', pieces: 77, frameWidth: 88 });
      expect(out.positions).toBe(4725 - 77); // every frame but each chorale's first
      expect(out.nll).toBeGreaterThan(0);
      expect(out.frameAccuracy).toBeGreaterThanOrEqual(0);
      expect(out.comparable).toMatch(/Bai et al. 2018's convention .* published: LSTM 8.45, TCN 8.10/);
    });

  it.skipIf(!haveCorpus('the JSB benchmark evaluation', corpusPath('jsb-chorales', 'jsb-chorales-quarter.json')))(
    'a piano-roll model that reads the rows 1 and 2 bars back (--features lookback), with input dropout, trains, scores and samples', () => {
      const t = musegen(['train', 'jsb', '--encoding', 'pianoroll', '--range', '21..108', '--steps-per-quarter', '1', '--features', 'lookback', '--lookback-bars', '1,2', '--no-onsets', '--input-dropout', '0.1', '--units', '24', '--layers', '1', '--epochs', '1', '--seq-len', '32', '--seed', '1', '-o', 'jsb-lookback', '--json', '-q'].map((a) => (a === 'jsb' ? corpusPath('jsb-chorales', 'jsb-chorales-quarter.json') : a)), { cwd: tmp.path });
      expect(t.code, t.stderr).toBe(0);
      const meta = JSON.parse(readFileSync(tmp.join('jsb-lookback', 'musegen.json'), 'utf8'));
      expect(meta.encoder.features).toEqual([{ name: 'lookback', bars: [1, 2] }]);
      expect(meta.hyper).toMatchObject({ dropout: 0.2, inputDropout: 0.1 });
      const r = musegen(['eval', '-m', 'jsb-lookback', '--data', 'jsb', '--json', '-q'], { cwd: tmp.path });
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.text);
      expect(out).toMatchObject({ output: 'roll', split: 'test', pieces: 77, positions: 4725 - 77, frameWidth: 88 });
      expect(out.comparable).toMatch(/published: LSTM 8.45.*; this model also reads lookback beside the frames \(the published models read the frames alone\)$/);
      const s = musegen(['sample', '-m', 'jsb-lookback', '--bars', '4', '--seed', '2', '-o', 'lb.mid', '--json', '-q'], { cwd: tmp.path });
      expect(s.code, s.stderr).toBe(0);
      expect(JSON.parse(s.text).pieces[0].bars).toBe(4);
    });
});

describe('musegen stats', () => {
  it('compares sampled tunes with the corpus, and finds the corpus a copy of itself', () => {
    mkdirSync(tmp.join('sampled'));
    expect(musegen(['sample', '-n', '4', '--bars', '8', '--seed', '3', '-o', 'sampled/t.mid', '-q'], { cwd: tmp.path }).code).toBe(0);
    const r = musegen(['stats', 'sampled', '--against', FOLK_DEMO, '--json', '-q'], { cwd: tmp.path });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.text);
    expect(out.generated.pieces).toBe(4);
    expect(out.features.map((f: { feature: string }) => f.feature)).toContain('pitchClassHistogram');
    for (const f of out.features) expect(f.overlap).toBeGreaterThanOrEqual(0);
    expect(out.copies.pieces).toHaveLength(4);
    const self = JSON.parse(musegen(['stats', FOLK_DEMO, '--against', FOLK_DEMO, '--json', '-q'], { cwd: tmp.path }).text);
    for (const p of self.copies.pieces) expect(p.longestNotes).toBe(p.notes);
    const table = musegen(['stats', 'sampled', '--against', FOLK_DEMO, '-q'], { cwd: tmp.path });
    expect(table.text).toMatch(/ends on the tonic/);
    expect(table.text).toMatch(/longest run +\d+ notes/);
  });

  it('compares with one split of the reference: --split train takes the pieces musegen train trains on', () => {
    const counts = (['all', 'train', 'test'] as const).map((split) => JSON.parse(musegen(['stats', 'sampled', '--against', FOLK_DEMO, '--split', split, '--json', '-q'], { cwd: tmp.path }).text).reference.pieces);
    expect(counts).toEqual([24, 18, 4]); // corpus info: train 18 · valid 2, held out of train · test 4
    const bad = musegen(['stats', 'sampled', '--against', FOLK_DEMO, '--split', 'dev'], { cwd: tmp.path });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown split "dev" \(choose from train, valid, test, all\)/);
  });
});
