/**
 * The key check of sampling: keyMisfit worked out on hand-made notes
 * (0 for the key they are in, the correlations' difference otherwise),
 * the tonic of each mode, and on the bundled model, pieces asked in
 * E minor drawn again until they read in E minor — the first draw the same
 * piece as without the check, `onNotes` hearing only the piece kept; and
 * `musegen sample --key`: the draws and the key in --json, a warning when no draw reads in the key.
 */
import { describe, expect, it } from 'vitest';
import {
  SAMPLE_DEFAULTS, TICKS_PER_QUARTER as Q, estimateKey, folderSource, hasMinorThird, initBackend, keyMisfit, keyTonic, loadGenerator, parseKey, samplePieces, startSampling, weightedPitches,
  type Generator,
} from '../src/index.js';
import { musegen } from './helpers/cli.js';
import { BUNDLED_MODEL } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

const notes = (midis: number[], weights: number[] = midis.map(() => 1)): { midi: number; duration: number }[] => midis.map((midi, i) => ({ midi, duration: weights[i]! * Q }));
// a C major scale with the tonic triad weighed: C major is its likeliest key
const cMajor = notes([60, 62, 64, 65, 67, 69, 71, 72, 60, 64, 67], [1, 1, 1, 1, 1, 1, 1, 1, 4, 3, 3]);

describe('keyMisfit', () => {
  it('is 0 for the likeliest key and the correlations\' difference for another', () => {
    expect(estimateKey(cMajor)).toEqual({ fifths: 0, mode: 'major' });
    expect(keyMisfit(cMajor, parseKey('C'))).toBe(0);
    const eMinor = keyMisfit(cMajor, parseKey('E minor'));
    expect(eMinor).toBeGreaterThan(0.2);
    expect(eMinor).toBeLessThanOrEqual(2);
    expect(keyMisfit(cMajor, parseKey('F#'))).toBeGreaterThan(eMinor); // the farthest key fits worst
  });

  it('reads a mode on its own tonic: D dorian with the minor profile on D, G mixolydian with the major on G', () => {
    const dMinorish = notes([62, 64, 65, 67, 69, 71, 72, 74, 62, 65, 69], [1, 1, 1, 1, 1, 1, 1, 1, 4, 3, 3]);
    expect(keyMisfit(dMinorish, parseKey('D dorian'))).toBe(keyMisfit(dMinorish, parseKey('D minor')));
    const gMajorish = notes([67, 71, 74, 67, 71, 74, 65], [4, 3, 3, 1, 1, 1, 1]);
    expect(keyMisfit(gMajorish, parseKey('G mixolydian'))).toBe(keyMisfit(gMajorish, parseKey('G')));
  });

  it('knows each mode\'s tonic and third', () => {
    expect(['C', 'E minor', 'D dorian', 'F lydian', 'G mixolydian', 'B locrian', 'Bb', 'F# minor'].map((k) => keyTonic(parseKey(k)))).toEqual([0, 4, 2, 5, 7, 11, 10, 6]);
    expect(['minor', 'dorian', 'phrygian', 'locrian', 'aeolian'].every((m) => hasMinorThird(m as never))).toBe(true);
    expect(['major', 'ionian', 'lydian', 'mixolydian'].some((m) => hasMinorThird(m as never))).toBe(false);
  });
});

describe('pieces of the bundled model asked in E minor', () => {
  const eMinor = parseKey('E minor');
  const inEMinor = (midis: { midi: number; duration: number }[]): boolean => {
    const k = estimateKey(midis);
    return k.fifths === eMinor.fifths && k.mode === 'minor';
  };
  const withModel = async <T>(f: (g: Generator) => T): Promise<T> => {
    await initBackend({ backend: 'wasm' });
    const { generator } = await loadGenerator(folderSource(BUNDLED_MODEL));
    try {
      return f(generator);
    } finally {
      generator.dispose();
    }
  };

  it('are drawn again until they read in E minor; the first draw is the piece made without the check', async () => {
    const seen = await withModel((generator) => Array.from({ length: 12 }, (_, seed) => {
      const unchecked = startSampling(generator, { bars: 8, key: eMinor, temperature: 0.8, seed, keyTries: 1 }).draw();
      const checked = startSampling(generator, { bars: 8, key: eMinor, temperature: 0.8, seed }).draw();
      return { unchecked, checked };
    }));
    for (const { unchecked, checked } of seen) {
      expect(unchecked.keyMisfit).toBeNull();
      expect(unchecked.tries).toBe(1);
      if (checked.passed) expect(inEMinor(weightedPitches(checked.score))).toBe(true);
      expect(checked.passed).toBe(checked.keyMisfit === 0);
      if (inEMinor(weightedPitches(unchecked.score))) {
        expect(checked.tries).toBe(1);
        expect(checked.score).toEqual(unchecked.score);
      } else expect(checked.tries).toBeGreaterThan(1);
    }
    // the model alone misses E minor in some of these: the check had work to do
    expect(seen.filter((s) => s.checked.tries > 1).length).toBeGreaterThan(0);
    expect(seen.filter((s) => inEMinor(weightedPitches(s.checked.score))).length).toBeGreaterThan(seen.filter((s) => inEMinor(weightedPitches(s.unchecked.score))).length);
  });

  it('stream to onNotes the notes of the piece kept, not of the draws put back', async () => {
    const { heard, pieces } = await withModel((generator) => {
      const heard: number[] = [];
      const pieces = samplePieces(generator, { count: 3, bars: 8, key: eMinor, temperature: 0.8, seed: 4, onNotes: (ns) => heard.push(...ns.map((n) => n.note.onset)) });
      return { heard, pieces };
    });
    const kept = pieces.flatMap((p) => p.score.parts.flatMap((part) => part.notes.map((n) => n.onset)));
    expect(heard.sort((a, b) => a - b)).toEqual(kept.sort((a, b) => a - b));
  });
});

describe('musegen sample --key', () => {
  const tmp = useTempDir('key-check');
  it('reports the draws each piece took and whether it reads in the key; --key-tries 1 checks nothing', () => {
    const checked = musegen(['sample', '--key', 'E minor', '-n', '6', '--bars', '8', '--seed', '2', '--temp', '0.8', '-o', 'em.mid', '--json', '-q'], { cwd: tmp.path });
    expect(checked.code).toBe(0);
    const pieces = JSON.parse(checked.text).pieces as { draws: number; inKey: boolean | null }[];
    expect(pieces).toHaveLength(6);
    for (const p of pieces) expect(p.inKey === true || p.draws === SAMPLE_DEFAULTS.keyTries).toBe(true);
    expect(pieces.filter((p) => p.inKey).length).toBeGreaterThanOrEqual(5);
    const unchecked = musegen(['sample', '--key', 'E minor', '--key-tries', '1', '-n', '6', '--bars', '8', '--seed', '2', '--temp', '0.8', '-o', 'u.mid', '--json', '-q'], { cwd: tmp.path });
    expect((JSON.parse(unchecked.text).pieces as { draws: number; inKey: boolean | null }[]).map((p) => [p.draws, p.inKey])).toEqual(Array(6).fill([1, null]));
  });

  it('warns in one line when no draw reads in the key', () => {
    const r = musegen(['sample', '--key', 'F# minor', '--key-tries', '2', '-n', '8', '--bars', '1', '--seed', '1', '-o', 'f.mid'], { cwd: tmp.path });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr).toMatch(/^musegen: warning: piece \d+: every one of 2 draws reads in another key than F# minor; kept the closest$/m);
  });
});
