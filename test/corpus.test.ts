/**
 * The corpus room on small made-up folders: finding files, failures that do
 * not stop a load, the cache (hits, corrupt entries, reader versions), the
 * split, statistics, and the compact cache form. A tiny text format
 * (".fake") is registered here so these tests do not depend on a real reader.
 * Each test makes the folders it reads (the "walk" tree is made once and only read).
 */
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  MusegenError, TICKS_PER_QUARTER as Q, corpusStats, createPart, createScore, defaultCacheDir, findMusicFiles,
  keySignatureName, loadCorpus, parsePitch, parseSplitFractions, registerReader, splitOf, writeFileAtomic,
  type FormatReader, type ReadPiece, type Split,
} from '../src/index.js';
import { packFile, unpackFile } from '../src/corpus/serialize.js';
import { useTempDir } from './helpers/temp.js';

/**
 * ".fake": a line "fake", then lines "C4 <onset quarters> <duration quarters> [fermata]",
 * "key <fifths> <mode>", "meter <n>/<d>", "split <train|valid|test>", "skip <reason>" (a warning),
 * "copies <n>" (the file holds n copies of its piece).
 */
const fakeReader = {
  name: 'fake',
  version: 1,
  extensions: ['.fake'],
  read(bytes: Uint8Array, fileName: string, options: { warnings?: string[] } = {}): ReadPiece[] {
    const lines = new TextDecoder().decode(bytes).trim().split('\n');
    if (lines[0] !== 'fake') throw new MusegenError('BAD_FORMAT', 'not a fake file (no "fake" header)');
    const score = createScore({ timeSignatures: [] });
    const part = createPart();
    let split: Split | undefined;
    let copies = 1;
    for (const line of lines.slice(1)) {
      const [a, b, c, d] = line.split(' ');
      if (a === 'key') score.keySignatures.push({ tick: 0, fifths: Number(b), mode: c as 'major' });
      else if (a === 'meter') score.timeSignatures.push({ tick: 0, numerator: Number(b!.split('/')[0]), denominator: Number(b!.split('/')[1]) });
      else if (a === 'split') split = b as Split;
      else if (a === 'skip') options.warnings?.push(`${fileName}: ${b}`);
      else if (a === 'copies') copies = Number(b);
      else part.notes.push({ pitch: { ...parsePitch(a!), alter: parsePitch(a!).alter + 0 /* not -0 */ }, onset: Number(b) * Q, duration: Number(c) * Q, velocity: 80, ...(d ? { fermata: true } : {}) });
    }
    if (score.timeSignatures.length === 0) score.timeSignatures.push({ tick: 0, numerator: 4, denominator: 4 });
    score.parts.push(part);
    score.end = Math.max(...part.notes.map((n) => n.onset + n.duration), 0);
    return Array.from({ length: copies }, () => ({ score, ...(split ? { split } : {}) }));
  },
} satisfies FormatReader & { version: number };
registerReader(fakeReader);

const GOOD = 'fake\nC4 0 1\nE4 1 1\nG4 2 2 fermata\nkey 1 major\nmeter 4/4';
const tmp = useTempDir('corpus-test');
const dir = (...p: string[]): string => tmp.join(...p);

async function tree(root: string, files: Record<string, string>): Promise<string> {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(root, name, '..'), { recursive: true });
    await writeFile(join(root, name), text);
  }
  return root;
}

describe('findMusicFiles', () => {
  beforeAll(async () => {
    const root = await tree(dir('walk'), {
      'a.fake': GOOD, 'sub/b.FAKE': GOOD, 'sub/deeper/c.fake': GOOD,
      '.hidden.fake': GOOD, '.git/d.fake': GOOD, 'notes.txt': 'x', 'README': 'x',
    });
    await symlink(join(root, 'missing.fake'), join(root, 'gone.fake'));
  });

  it('walks folders recursively, ignoring and counting hidden and other files', async () => {
    const root = dir('walk');
    const set = await findMusicFiles([root], { extensions: ['.fake'] });
    expect(set.files.map((f) => f.relPath)).toEqual(['a.fake', 'sub/b.FAKE', 'sub/deeper/c.fake']);
    expect(set.files[0]!.path).toBe(join(root, 'a.fake'));
    expect(set.ignored).toEqual({ hidden: 2, unsupported: 2 });
    expect(set.failures).toEqual([{ file: join(root, 'gone.fake'), message: 'broken symbolic link (its target does not exist)', code: 'NOT_FOUND' }]);
  });

  it('takes a file named directly whatever its extension, once, and rejects a missing path', async () => {
    const root = dir('walk');
    const set = await findMusicFiles([join(root, 'notes.txt'), join(root, 'a.fake'), root], { extensions: ['.fake'] });
    expect(set.files.map((f) => f.relPath)).toEqual(['a.fake', 'notes.txt', 'sub/b.FAKE', 'sub/deeper/c.fake']);
    await expect(findMusicFiles([dir('nowhere')])).rejects.toThrow(`${dir('nowhere')}: no such file or folder`);
  });
});

describe('loadCorpus', () => {
  it('loads the good files, lists the bad ones with reasons, and reports progress', async () => {
    const root = await tree(dir('mixed'), {
      'good1.fake': GOOD, 'good2.fake': GOOD, 'bad.fake': 'not music', 'empty.fake': '',
      'tunes.fake': 'fake\nC4 0 1\nskip tune-2-has-no-key',
    });
    const progress: number[] = [];
    const corpus = await loadCorpus([root], { cache: false, onProgress: (p) => progress.push(p.done) });
    expect(corpus.pieces.map((p) => p.relPath)).toEqual(['good1.fake', 'good2.fake', 'tunes.fake']);
    expect(corpus.files).toBe(5);
    expect(corpus.failures).toEqual([
      { file: join(root, 'bad.fake'), message: 'not a fake file (no "fake" header)', code: 'BAD_FORMAT' },
      { file: join(root, 'empty.fake'), message: 'not a fake file (no "fake" header)', code: 'BAD_FORMAT' },
    ]);
    expect(corpus.warnings).toEqual(['tunes.fake: tune-2-has-no-key']);
    expect(progress).toEqual([1, 2, 3, 4, 5]);
  });

  it('throws the file\'s own error for a single bad file, and one clear error for a folder without music', async () => {
    const single = await tree(dir('single'), { 'bad.fake': 'not music', 'notes.txt': 'x' });
    await expect(loadCorpus([join(single, 'bad.fake')], { cache: false })).rejects.toMatchObject({
      code: 'BAD_FORMAT', message: `${join(single, 'bad.fake')}: not a fake file (no "fake" header)`,
    });
    const notes = await tree(dir('prose'), { 'notes.txt': 'x', 'sub/more.md': 'y' });
    await expect(loadCorpus([notes], { cache: false })).rejects.toThrow(new RegExp(`^${notes}: no music files found \\(supported: .*\\.fake`));
    const allBad = await tree(dir('allbad'), { 'a.fake': 'x', 'b.fake': 'y' });
    await expect(loadCorpus([allBad], { cache: false })).rejects.toThrow(
      `${allBad}: none of the 2 music files could be read (first: ${join(allBad, 'a.fake')}: not a fake file`,
    );
    await expect(loadCorpus([join(single, 'notes.txt')], { cache: false })).rejects.toMatchObject({ code: 'UNSUPPORTED' });
  });

  it('caches parsed files by content: hits on the second load, same pieces', async () => {
    const root = await tree(dir('cached'), { 'a.fake': GOOD, 'b.fake': 'fake\nD4 0 1\nsplit test', 'bad.fake': 'x' });
    const cacheDir = dir('cache1');
    const first = await loadCorpus([root], { cacheDir });
    // a bad file is looked up (a miss) and parsed again on every load
    expect(first.cache).toMatchObject({ enabled: true, dir: cacheDir, hits: 0, misses: 3 });
    const second = await loadCorpus([root], { cacheDir });
    expect(second.cache).toMatchObject({ hits: 2, misses: 1 });
    expect(second.pieces).toEqual(first.pieces);
    expect(second.failures).toEqual(first.failures);

    await writeFile(join(root, 'a.fake'), `${GOOD}\nA4 4 1`); // changed bytes: a new entry
    const third = await loadCorpus([root], { cacheDir });
    expect(third.cache).toMatchObject({ hits: 1, misses: 2 });
    expect(third.pieces[0]!.score.parts[0]!.notes).toHaveLength(4);

    fakeReader.version = 2; // a new reader version does not trust the old entries
    try {
      expect((await loadCorpus([root], { cacheDir })).cache).toMatchObject({ hits: 0, misses: 3 });
    } finally {
      fakeReader.version = 1;
    }
    const none = await loadCorpus([root], { cacheDir: dir('cache-off'), cache: false });
    expect(none.cache).toMatchObject({ enabled: false, hits: 0, misses: 0 });
    await expect(readdir(dir('cache-off'))).rejects.toThrow(/ENOENT/);
  });

  it('ignores a corrupt cache entry and writes it again', async () => {
    const root = await tree(dir('corrupt'), { 'a.fake': GOOD });
    const cacheDir = dir('cache2');
    const first = await loadCorpus([root], { cacheDir });
    const [sub] = await readdir(join(cacheDir, 'v1'));
    const [entry] = await readdir(join(cacheDir, 'v1', sub!));
    const entryPath = join(cacheDir, 'v1', sub!, entry!);
    await writeFile(entryPath, '{"v":1,"pieces":[{"score":{"parts":[{"notes":[1,2,3]}]}}]}');
    const second = await loadCorpus([root], { cacheDir });
    expect(second.cache).toMatchObject({ hits: 0, misses: 1 });
    expect(second.pieces).toEqual(first.pieces);
    expect(JSON.parse(await readFile(entryPath, 'utf8')).v).toBe(1);
    expect((await loadCorpus([root], { cacheDir })).cache).toMatchObject({ hits: 1, misses: 0 });
  });

  it('goes on without writing when the cache folder cannot be made', async () => {
    const root = await tree(dir('blocked'), { 'a.fake': GOOD });
    const blocked = join(root, 'a.fake', 'cache'); // below a file: not even root can make it
    const corpus = await loadCorpus([root], { cacheDir: blocked });
    expect(corpus.pieces).toHaveLength(1);
    expect(corpus.cache.error).toMatch(/^cannot write the cache in .*a\.fake\/cache \(/);
  });
});

describe('splits', () => {
  it('are deterministic, follow the fractions, and keep a split the source gives', async () => {
    const paths = Array.from({ length: 2000 }, (_, i) => `folder/tune${i}.mid`);
    const counts = { train: 0, valid: 0, test: 0 };
    for (const p of paths) counts[splitOf(p)]++;
    expect(counts.train).toBeGreaterThan(1500);
    expect(counts.train).toBeLessThan(1700);
    expect(counts.valid).toBeGreaterThan(140);
    expect(counts.test).toBeGreaterThan(140);
    expect(paths.map((p) => splitOf(p))).toEqual(paths.map((p) => splitOf(p)));
    expect(new Set(paths.map((p) => splitOf(p, { train: 0, valid: 0, test: 1 })))).toEqual(new Set(['test']));
    // the same tune in parallel folders (melody/, chords/) never straddles two splits
    for (const p of paths.slice(0, 200)) {
      const name = p.slice('folder/'.length);
      expect([splitOf(`melody/${name}`), splitOf(`chords/${name}`), splitOf(name)]).toEqual([splitOf(p), splitOf(p), splitOf(p)]);
    }

    const root = await tree(dir('split'), { 'a.fake': GOOD, 'b.fake': 'fake\nD4 0 1\nsplit test' });
    const corpus = await loadCorpus([root], { cache: false, split: { train: 1, valid: 0, test: 0 } });
    expect(corpus.pieces.map((p) => [p.relPath, p.split])).toEqual([['a.fake', 'train'], ['b.fake', 'test']]);

    const book = await tree(dir('book'), { 'tunes.fake': 'fake\nC4 0 1\ncopies 100' });
    const tunes = (await loadCorpus([book], { cache: false })).pieces;
    expect(tunes.map((p) => p.index)).toEqual([...Array(100).keys()]);
    expect(tunes.map((p) => p.split)).toEqual(tunes.map((p) => splitOf(`tunes.fake#${p.index}`)));
    expect(new Set(tunes.map((p) => p.split)).size).toBe(3); // a tune book is split piece by piece
  });

  it('parses fractions and rejects bad ones', () => {
    expect(parseSplitFractions('0.7, 0.2, 0.1')).toEqual({ train: 0.7, valid: 0.2, test: 0.1 });
    expect(() => parseSplitFractions('0.8,0.1')).toThrow(/not three fractions/);
    expect(() => parseSplitFractions('0.8,0.3,0.1')).toThrow(/adding up to 1/);
    expect(() => parseSplitFractions('a,b,c')).toThrow(/adding up to 1/);
  });
});

describe('corpusStats', () => {
  it('counts files, pieces, notes, bars, keys, meters, fermatas, range and duration', async () => {
    const root = await tree(dir('stats'), {
      'a.fake': GOOD, // 3 notes, 4 quarters, one bar of 4/4, G major, a fermata
      'b.fake': 'fake\nC2 0 3\nF#5 3 3\nkey 1 minor\nmeter 3/4', // 2 bars of 3/4
      'c.fake': 'fake\nGb5 0 1', // no key
      'd.fake': 'broken',
    });
    const s = corpusStats(await loadCorpus([root], { cache: false }));
    expect(s.files).toEqual({ found: 4, read: 3, failed: 1, ignoredHidden: 0, ignoredUnsupported: 0 });
    expect(s.pieces).toBe(3);
    expect(s.splits.train + s.splits.valid + s.splits.test).toBe(3);
    expect(s.notes).toBe(6);
    expect(s.bars).toBe(1 + 2 + 1);
    expect(s.fermatas).toBe(1);
    expect(s.durationQuarters).toBe(4 + 6 + 1);
    expect(s.pitchRange).toEqual({ lowest: { midi: 36, name: 'C2' }, highest: { midi: 78, name: 'F#5' } });
    expect(s.keys).toEqual({ 'E minor': 1, 'G major': 1, none: 1 });
    expect(Object.entries(s.meters)).toEqual([['4/4', 2], ['3/4', 1]]);
    expect(s.failures.map((f) => f.file)).toEqual([join(root, 'd.fake')]);
  });

  it('names key signatures', () => {
    expect(keySignatureName({ fifths: 1, mode: 'major' })).toBe('G major');
    expect(keySignatureName({ fifths: 3, mode: 'minor' })).toBe('F# minor');
    expect(keySignatureName({ fifths: -2, mode: 'major' })).toBe('Bb major');
    expect(keySignatureName({ fifths: 0, mode: 'dorian' })).toBe('D dorian');
    expect(keySignatureName({ fifths: 1, mode: 'mixolydian' })).toBe('D mixolydian');
  });
});

describe('cache form and files', () => {
  it('packs a score compactly and back without loss', () => {
    const score = createScore({
      title: 'Test', pickup: Q, keySignatures: [{ tick: 0, fifths: -3, mode: 'minor' }],
      chordSymbols: [{ tick: 0, text: 'Cm' }], tempos: [{ tick: 0, bpm: 96.5 }],
      parts: [
        createPart({ name: 'S', notes: [
          { pitch: parsePitch('Eb4'), onset: 0, duration: Q, velocity: 64, voice: 1 },
          { pitch: parsePitch('Fx4'), onset: Q, duration: 3 * Q, velocity: 100.5, fermata: true, tied: true, voice: 2 },
        ] }),
        createPart({ name: 'drums', channel: 9, isDrum: true, notes: [{ pitch: { step: 'C', alter: 0, octave: 2 }, onset: 10, duration: 5, velocity: 1 }] }),
      ],
    });
    const content = { pieces: [{ score, split: 'valid' as const }, { score: createScore() }], warnings: ['x.abc: tune 2 skipped'] };
    const text = packFile(content);
    expect(unpackFile(text)).toEqual(content);
    expect(text.length).toBeLessThan(JSON.stringify(content).length);
    expect(() => unpackFile('{"v":1,"pieces":[{"score":{"parts":[{"notes":[0,1,9,0,4,80,0]}]}}]}')).toThrow(/bad parts/); // a part without its fields
    expect(() => unpackFile(text.replace(/"notes":\[0,480,2,/, '"notes":[0,480,9,'))).toThrow(/bad packed pitch/);
    expect(() => unpackFile('{"v":99,"pieces":[]}')).toThrow(/not a packed corpus entry/);
  });

  it('writes files atomically, leaving no temporary file', async () => {
    const target = dir('atomic', 'deep', 'out.json');
    await writeFileAtomic(target, 'one');
    await writeFileAtomic(target, 'two');
    expect(await readFile(target, 'utf8')).toBe('two');
    expect(await readdir(dir('atomic', 'deep'))).toEqual(['out.json']);
  });

  it('finds the cache folder from the environment', () => {
    expect(defaultCacheDir({ MUSEGEN_CACHE_DIR: '/x/y', XDG_CACHE_HOME: '/c' })).toBe('/x/y');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/c' })).toBe('/c/musegen');
    expect(defaultCacheDir({})).toMatch(/\.cache\/musegen$/);
  });
});
