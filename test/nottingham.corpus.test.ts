/**
 * The corpus loader on real corpora. The whole Nottingham MIDI corpus (3,089 files: 1,034 tunes, 1,034 melodies,
 * 1,021 chord parts) through the corpus loader, cold and then from the cache.
 * Note counts are the ones SOURCE.md verified with an independent SMF parser.
 * Also: a benchmark JSON file keeps its own train / valid / test split.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusStats, loadCorpus, noteCount, type Corpus } from '../src/index.js';

const corpora = fileURLToPath(new URL('../../shared/corpora/', import.meta.url));
const midiDir = join(corpora, 'nottingham-jukedeck', 'MIDI');
const exists = existsSync(midiDir);
if (!exists) console.log(`corpus-real: Nottingham skipped, ${midiDir} is absent`);

describe.skipIf(!exists)('Nottingham MIDI corpus', () => {
  let cacheDir: string;
  let cold: Corpus;
  afterAll(async () => {
    if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  });

  it('loads all 3,089 files cold, with the verified note counts', async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'musegen-nottingham-cache-'));
    cold = await loadCorpus([midiDir], { cacheDir });
    expect(cold.failures).toEqual([]);
    expect(cold.files).toBe(3089);
    expect(cold.pieces).toHaveLength(3089);
    expect(cold.cache).toMatchObject({ hits: 0, misses: 3089 });
    const notesIn = (folder: string): number =>
      cold.pieces.filter((p) => (p.relPath.split('/').length > 1 ? p.relPath.split('/')[0] : '') === folder)
        .reduce((s, p) => s + noteCount(p.score), 0);
    expect(notesIn('')).toBe(356_269);
    expect(notesIn('melody')).toBe(196_961);
    expect(notesIn('chords')).toBe(159_302);

    const stats = corpusStats(cold);
    expect(stats.pitchRange).toEqual({ lowest: { midi: 36, name: 'C2' }, highest: { midi: 88, name: 'E6' } });
    expect(stats.splits.train + stats.splits.valid + stats.splits.test).toBe(3089);
    expect(stats.splits.train / 3089).toBeCloseTo(0.8, 1);
    expect(Object.keys(stats.meters)[0]).toBe('4/4');
  });

  it('loads the same pieces from the cache the second time', async () => {
    const warm = await loadCorpus([midiDir], { cacheDir });
    expect(warm.cache).toMatchObject({ hits: 3089, misses: 0 });
    expect(warm.pieces.map((p) => [p.relPath, p.split])).toEqual(cold.pieces.map((p) => [p.relPath, p.split]));
    // compared as JSON: vitest's deep equality over 712,532 notes takes seconds
    expect(JSON.stringify(warm.pieces.map((p) => p.score)) === JSON.stringify(cold.pieces.map((p) => p.score))).toBe(true);
  });
});

const jsb = join(corpora, 'jsb-chorales', 'jsb-chorales-quarter.json');
describe.skipIf(!existsSync(jsb))('JSB Chorales benchmark JSON', () => {
  it('keeps the split the source gives (229 / 76 / 77)', async () => {
    const corpus = await loadCorpus([jsb], { cache: false });
    expect(corpusStats(corpus).splits).toEqual({ train: 229, valid: 76, test: 77 });
    expect(corpus.pieces.every((p) => p.relPath === 'jsb-chorales-quarter.json')).toBe(true);
  });
});
