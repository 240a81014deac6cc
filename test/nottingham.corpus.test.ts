/**
 * The whole Nottingham MIDI corpus (3,089 files: 1,034 tunes, 1,034 melodies,
 * 1,021 chord parts), loaded cold once for the whole suite, here, and every
 * corpus-wide check that needs it:
 * - the corpus loader: no failures, the note counts SOURCE.md verified with an
 *   independent SMF parser, then the same pieces again from the cache;
 * - `musegen corpus info` on the same cache: the figures, every file a hit;
 * - the melody encoder: decode(encode(s)) = quantize(s) on the 1,034 melodies.
 * Other test files must not load this corpus again (a cold load takes seconds).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  MelodyEncoder, corpusStats, loadCorpus, midiOf, noteCount, pitchName, quantize, type Corpus, type Note,
} from '../src/index.js';
import { musegen } from './helpers/cli.js';
import { corpusPath, haveCorpus } from './helpers/corpora.js';
import { useTempDir } from './helpers/temp.js';

const midiDir = corpusPath('nottingham-jukedeck', 'MIDI');
const present = haveCorpus('nottingham.corpus: the Nottingham MIDI corpus tests', midiDir);

describe.skipIf(!present)('the Nottingham MIDI corpus', () => {
  const tmp = useTempDir('nottingham');
  let cold: Corpus;
  beforeAll(async () => {
    cold = await loadCorpus([midiDir], { cacheDir: tmp.join('cache') });
  });

  it('loads all 3,089 files cold, with the verified note counts', () => {
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
    const warm = await loadCorpus([midiDir], { cacheDir: tmp.join('cache') });
    expect(warm.cache).toMatchObject({ hits: 3089, misses: 0 });
    expect(warm.pieces.map((p) => [p.relPath, p.split])).toEqual(cold.pieces.map((p) => [p.relPath, p.split]));
    // compared as JSON: vitest's deep equality over 712,532 notes takes seconds
    expect(JSON.stringify(warm.pieces.map((p) => p.score)) === JSON.stringify(cold.pieces.map((p) => p.score))).toBe(true);
  });

  it('musegen corpus info reports the same figures, every file from the cache the library wrote', () => {
    const r = musegen(['corpus', 'info', midiDir], { cwd: tmp.path, cacheDir: tmp.join('cache') });
    expect(r.code, r.stderr).toBe(0);
    expect(r.text).toMatch(/files +3,089 read · 0 failed/);
    expect(r.text).toMatch(/pieces +3,089 \(/);
    expect(r.text).toMatch(/notes +712,532\n/);
    expect(r.text).toMatch(/pitch range +C2 \(36\) – E6 \(88\)/);
    expect(r.text).toMatch(/cache +3,089 hits · 0 misses/);
  });

  it('melodies: decode(encode(s)) = quantize(s), keeping the top note where the melody has chords', () => {
    const tunes = cold.pieces.filter((p) => p.relPath.startsWith('melody/'));
    expect(tunes.length).toBe(1034);
    const rows = (notes: readonly Note[]) => notes.map((n) => [pitchName(n.pitch), n.onset, n.duration, n.fermata === true]);
    const enc = new MelodyEncoder({ spelled: true, stepsPerQuarter: 12, features: ['beat', 'key'] });
    let chordTones = 0;
    let offGrid = 0;
    for (const { relPath: file, score } of tunes) {
      const e = enc.encode(score);
      const q = quantize(score, 12).parts[0]!.notes;
      // the top note of each onset (these melodies' only overlaps are notes sharing an onset)
      const top = q.filter((n, i) => !q.some((m, j) => j !== i && m.onset === n.onset && (midiOf(m.pitch) > midiOf(n.pitch) || (midiOf(m.pitch) === midiOf(n.pitch) && j > i))));
      expect(rows(enc.decode(e).parts[0]!.notes), file).toEqual(rows(top));
      expect(e.report.polyphonyDropped, file).toBe(q.length - top.length);
      expect(e.report.outOfRange, file).toBe(0);
      chordTones += e.report.polyphonyDropped;
      offGrid += e.report.offGrid;
    }
    expect(chordTones).toBeGreaterThan(0); // a few tunes have double stops, counted, not lost silently
    expect(offGrid).toBeGreaterThan(0);
  });
});
