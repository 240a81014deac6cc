/**
 * The `musegen` program as a user runs it: built once (`tsc -p
 * tsconfig.build.json`, types checked by `npm run typecheck` instead) and
 * spawned as `node dist/cli/musegen.js`. Checks help, version, usage
 * errors, every kind of bad input (one line on stderr naming the file and
 * the reason, no stack), and a folder mixing good and bad files.
 * The small MIDI files it needs are written by the library.
 * (`corpus info` on the whole Nottingham corpus is in nottingham.corpus.test.ts,
 * where the corpus is loaded once for the whole suite.)
 *
 * Unreadable files: tests run as root in CI, where chmod 000 does not stop
 * reading, so the case that fails for everyone is a dangling symbolic link
 * named x.mid; the chmod 000 case is asserted as a failure only for other users.
 */
import { chmod, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TICKS_PER_QUARTER as Q, createPart, createScore, spellMidi, writeMidi } from '../src/index.js';
import { BIN, expectOneLine, musegen as run, type CliRun } from './helpers/cli.js';
import { ROOT } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

const isRoot = process.getuid?.() === 0;
const tmp = useTempDir('cli-test');
const musegen = (...args: string[]): CliRun => run(args, { cwd: tmp.path });

describe('musegen', () => {
  it('prints help and its version', async () => {
    const help = musegen('--help');
    expect(help.code).toBe(0);
    expect(help.text).toMatch(/^Usage: musegen /);
    expect(help.text).toMatch(/corpus/);
    expect(help.stderr).toBe('');
    const info = musegen('corpus', 'info', '--help');
    expect(info.code).toBe(0);
    expect(info.text).toMatch(/--no-cache/);
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const version = musegen('--version');
    expect([version.code, version.text, version.stderr]).toEqual([0, `${pkg.version}\n`, '']);
    expect((await readFile(BIN, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('answers usage errors with one line and exit 2', () => {
    expectOneLine(musegen('bogus'), 2, /unknown command 'bogus'/);
    expectOneLine(musegen('corpus', 'info', '--bogus', 'x'), 2, /unknown option '--bogus'/);
    expectOneLine(musegen('corpus', 'info', '--jsn', 'x'), 2, /unknown option '--jsn' \(Did you mean --json\?\)/);
    expectOneLine(musegen('corpus', 'info'), 2, /missing required argument 'paths'/);
    expectOneLine(musegen('corpus', 'info', '--split', '0.5', 'x'), 2, /--split.*not three fractions/);
  });
});

describe('musegen corpus info on bad input', () => {
  let bad: string;
  let good: string;
  beforeAll(async () => {
    bad = tmp.join('bad');
    await mkdir(join(bad, 'nomusic'), { recursive: true });
    await writeFile(join(bad, 'nomusic', 'notes.txt'), 'no music here');
    await writeFile(join(bad, 'empty.mid'), '');
    await writeFile(join(bad, 'text.mid'), 'This is a text file, not MIDI.\n');
    const midi = writeMidi(createScore({
      parts: [createPart({ notes: [0, 2, 4, 5, 7].map((d, i) => ({ pitch: spellMidi(60 + d), onset: i * Q, duration: Q, velocity: 80 })) })],
    }));
    await writeFile(join(bad, 'truncated.mid'), midi.subarray(0, midi.length - 6));
    await symlink(join(bad, 'vanished.mid'), join(bad, 'gone.mid'));
    await writeFile(join(bad, 'locked.mid'), midi);
    await chmod(join(bad, 'locked.mid'), 0o000);
    good = tmp.join('good.mid');
    await writeFile(good, midi);
    await writeFile(join(bad, 'good.mid'), midi); // the folder's one readable file (two for root)
  });

  it('reads a good single file', () => {
    const r = musegen('corpus', 'info', good);
    expect(r.code).toBe(0);
    expect(r.text).toMatch(/files +1 read · 0 failed/);
    expect(r.stderr).toBe('');
  });

  it('says in one line what is wrong with a single bad file, and exits 1', () => {
    expectOneLine(musegen('corpus', 'info', join(bad, 'empty.mid')), 1, 'empty.mid', /empty/);
    expectOneLine(musegen('corpus', 'info', join(bad, 'text.mid')), 1, 'text.mid', /not a MIDI file/);
    expectOneLine(musegen('corpus', 'info', join(bad, 'truncated.mid')), 1, 'truncated.mid', /truncated/);
    expectOneLine(musegen('corpus', 'info', join(bad, 'gone.mid')), 1, 'gone.mid', /broken symbolic link/);
    expectOneLine(musegen('corpus', 'info', join(bad, 'nothere.mid')), 1, 'nothere.mid', /no such file or folder/);
    expectOneLine(musegen('corpus', 'info', join(bad, 'nomusic')), 1, `${join(bad, 'nomusic')}: no music files found (supported: .mid .midi`);
    const locked = musegen('corpus', 'info', join(bad, 'locked.mid'));
    if (isRoot) expect(locked.code).toBe(0); // root reads through chmod 000
    else expectOneLine(locked, 1, 'locked.mid', /permission denied/);
  });

  it('loads the good files of a folder, lists the bad ones, and exits 0', () => {
    const r = musegen('corpus', 'info', '--json', bad);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const stats = JSON.parse(r.text);
    const failed = ['empty.mid', 'gone.mid', ...(isRoot ? [] : ['locked.mid']), 'text.mid', 'truncated.mid'];
    expect(stats.files.read).toBe(isRoot ? 2 : 1);
    expect([stats.pieces, stats.notes]).toEqual(isRoot ? [2, 10] : [1, 5]);
    expect(stats.cache).toMatchObject({ enabled: true, dir: tmp.join('cache') });
    expect(stats.files.ignoredUnsupported).toBe(1);
    expect(stats.failures.map((f: { file: string }) => f.file)).toEqual(failed.map((f) => join(bad, f)));
    expect(stats.failures.every((f: { message: string }) => f.message.length > 0 && !f.message.includes('\n'))).toBe(true);
    const table = musegen('corpus', 'info', '--no-cache', bad);
    expect(table.code).toBe(0);
    expect(table.text).toMatch(/cache +off \(--no-cache\)/);
    expect(table.text).toContain(`failures (${failed.length})`);
    expect(table.text).toMatch(/text\.mid +not a MIDI file/);
  });
});
