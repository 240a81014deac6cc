/**
 * The score limits at the reader boundary (score/limits.ts): each file of a
 * few dozen bytes that once crashed musegen (a V8 "invalid size" after
 * gigabytes, an internal error, a hang) now gives one clear line naming the
 * file — read on its own, as a primer, or inside a folder whose other files
 * load. And corpus cache entries are checked as fresh parses are: an edited
 * entry is read again from its source, with a note on stderr.
 */
import { cp, readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_UNFOLDED_ELEMENTS } from '../src/io/abc-repeats.js';
import { TICKS_PER_QUARTER as Q, createPart, createScore, readAbc, spellMidi, writeMidi } from '../src/index.js';
import { expectOneLine, musegen as run, type CliRun } from './helpers/cli.js';
import { ROOT } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('reader-limits');
const musegen = (...args: string[]): CliRun => run(args, { cwd: tmp.path });

const abc = (header: string, music: string): string => `X:1\nT:t\n${header}\nL:1/4\nK:C\n${music}\n`;
const musicxml = (divisions: string, duration: string, alter: string): string =>
  '<?xml version="1.0"?><score-partwise><part-list><score-part id="P1"><part-name>A</part-name></score-part></part-list>'
  + `<part id="P1"><measure number="1"><attributes><divisions>${divisions}</divisions><time><beats>4</beats><beat-type>4</beat-type></time></attributes>`
  + `<note><pitch><step>C</step><alter>${alter}</alter><octave>4</octave></pitch><duration>${duration}</duration></note></measure></part></score-partwise>`;

/** A format-0 MIDI file at 96 ticks a quarter whose one note starts 2^28 − 1 ticks late (the largest delta a MIDI file can write). */
function lateMidi(): Uint8Array {
  const track = [0xff, 0xff, 0xff, 0x7f, 0x90, 60, 100, 0x60, 0x80, 60, 0, 0, 0xff, 0x2f, 0];
  return Uint8Array.from([0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, 0, 96, 0x4d, 0x54, 0x72, 0x6b, 0, 0, 0, track.length, ...track]);
}

const goodMidi = (): Uint8Array => writeMidi(createScore({
  parts: [createPart({ notes: [0, 2, 4].map((d, i) => ({ pitch: spellMidi(60 + d), onset: i * Q, duration: Q, velocity: 80 })) })],
}));

/** Each crash case of issue 19: file name, content, what the line says. */
const CASES: [string, string | Uint8Array, RegExp][] = [
  ['meter.krn', '**kern\n*M0/4\n4c\n*-\n', /bad meter 0\/4/],
  ['meter.abc', abc('M:0/4', 'CDEF|'), /bad meter 0\/4/],
  ['rest.abc', abc('M:4/4', 'Z1000000000|CDEF|'), /longer than 100,000 bars/],
  ['duration.musicxml', musicxml('1', '1000000000', '0'), /longer than 100,000 bars/],
  ['divisions.musicxml', musicxml('1e-300', '1', '0'), /longer than 100,000 bars/],
  ['alter.musicxml', musicxml('1', '1', '1000000000'), /pitch out of range .*alter 1000000000/],
  ['late.mid', lateMidi(), /longer than 100,000 bars/],
  ['nothing-16th.json', '{"train": []}', /holds no piece of music/],
  ['deep-quarter.json', `{"train": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`, /train piece 1, step 1: \[\[\[\[…\]\]\]\] is not a MIDI pitch/],
];

describe('the score limits at the reader boundary', () => {
  beforeAll(async () => {
    await mkdir(tmp.join('folder'));
    for (const [name, content] of CASES) {
      await writeFile(tmp.join(name), content);
      await writeFile(tmp.join('folder', name), content);
    }
    await writeFile(tmp.join('folder', 'good.mid'), goodMidi());
    await writeFile(tmp.join('folder', 'good.abc'), abc('M:3/4', 'CDE|'));
    await writeFile(tmp.join('ending.abc'), abc('M:4/4', '|:CDEF|[1-1000000000 CDEF:|'));
  });

  it.each(CASES)('%s on its own: one line naming the file, exit 1', (name, _content, says) => {
    expectOneLine(musegen('corpus', 'info', '--no-cache', name), 1, name, says);
  });

  it('an ending mark for a billion passes is read as what it is', () => {
    const r = musegen('corpus', 'info', '--json', '--no-cache', 'ending.abc');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.text).bars).toBeGreaterThan(0);
  });

  it('a play order unfolds to at most MAX_UNFOLDED_ELEMENTS, else the tune is refused', () => {
    // part A (40 bars, each repeated) played 100,000 times: 16 million notes and bars
    const text = abc('M:4/4\nP:A100000', `P:A\n${'C4:|'.repeat(40)}`);
    expect(() => readAbc(text, { unfoldRepeats: true })).toThrow(new RegExp(`unfold to more than ${MAX_UNFOLDED_ELEMENTS.toLocaleString('en')}`));
    expect(readAbc(text)[0]!.score.end).toBe(40 * 4 * Q);
  });

  it('a folder with every bad file lists each with its reason and loads the rest', () => {
    const r = musegen('corpus', 'info', '--json', '--no-cache', 'folder');
    expect(r.code, r.stderr).toBe(0);
    const stats = JSON.parse(r.text);
    expect(stats.files.read).toBe(2);
    expect(stats.failures.map((f: { file: string }) => f.file).sort()).toEqual(CASES.map(([n]) => join('folder', n)).sort());
    for (const [name, , says] of CASES) expect(stats.failures.find((f: { file: string }) => f.file.endsWith(name)).message).toMatch(says);
  });

  it.each(CASES)('%s as a primer: one line naming the file, exit 1', (name, _content, says) => {
    expectOneLine(musegen('sample', '--prime', name, '--bars', '1', '-o', 'out.mid'), 1, name, says);
  });

  it('a model whose musegen.json nests 100,000 deep: one line naming the folder', async () => {
    await cp(join(ROOT, 'models', 'default'), tmp.join('deep-model'), { recursive: true });
    const meta = await readFile(tmp.join('deep-model', 'musegen.json'), 'utf8');
    const deep = meta.replace(/"part":\s*("[^"]*"|\d+)/, `"part": ${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(deep).not.toBe(meta);
    await writeFile(tmp.join('deep-model', 'musegen.json'), deep);
    expectOneLine(musegen('sample', '-m', 'deep-model', '--bars', '1', '-o', 'out.mid'), 1, /deep-model: musegen\.json: .*part .* not \[\[\[\[…\]\]\]\]$/);
  });

  it('--bars past the longest piece is a usage error', () => {
    expectOneLine(musegen('sample', '--bars', '1000000000', '-o', 'out.mid'), 2, /--bars 1000000000 is more than 100,000/);
  });
});

describe('corpus cache entries checked like fresh parses', () => {
  const cacheDir = (): string => tmp.join('entries-cache');
  const cached = (...args: string[]): CliRun => run(['corpus', 'info', '--json', ...args], { cwd: tmp.path, cacheDir: cacheDir() });

  /** The one entry in the cache folder. */
  async function entryPath(): Promise<string> {
    const v = join(cacheDir(), (await readdir(cacheDir()))[0]!);
    const sub = join(v, (await readdir(v))[0]!);
    return join(sub, (await readdir(sub))[0]!);
  }

  beforeAll(async () => {
    await writeFile(tmp.join('tune.mid'), goodMidi());
  });

  it.each([
    ['a meter of 0/4', (e: string) => e.replace('"numerator":4', '"numerator":0'), /bad meter 0\/4/],
    ['no pieces', (e: string) => e.replace(/"pieces":\[.*\]/, '"pieces":[]'), /no pieces/],
    ['a missing field', (e: string) => e.replace('"tempos":', '"tempi":'), /bad tempos/],
    ['an edited note count', (e: string) => e.replace(/"notes":\[[^\]]*\]/, '"notes":[1,2,3]'), /bad packed notes/],
    ['not JSON', () => '{"v":1,', /JSON/],
    ['a field nested 100,000 deep', (e: string) => e.replace(/"tempos":\[[^\]]*\]/, `"tempos":${'['.repeat(100_000)}${']'.repeat(100_000)}`), /bad tempos/],
  ])('an entry with %s is read again from the file, with a note on stderr', async (_what, edit, says) => {
    const fresh = cached('tune.mid');
    expect(fresh.code, fresh.stderr).toBe(0);
    const path = await entryPath();
    const original = await readFile(path, 'utf8');
    await writeFile(path, edit(original));
    const again = cached('tune.mid');
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.text).notes).toBe(JSON.parse(fresh.text).notes);
    const lines = again.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^musegen: note: tune\.mid: cache entry .* is bad \(/);
    expect(lines[0]).toMatch(says);
    expect(await readFile(path, 'utf8')).toBe(original); // written anew
    expect(cached('tune.mid').stderr).toBe('');
  });
});
