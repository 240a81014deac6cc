/**
 * The `musegen` program as a user runs it: built once (`tsc -p
 * tsconfig.build.json`, types checked by `npm run typecheck` instead) and
 * spawned as `node dist/cli/musegen.js`. Checks help, version, usage
 * errors, every kind of bad input (one line on stderr naming the file and
 * the reason, no stack), a folder mixing good and bad files, and
 * `corpus info` on the Nottingham corpus twice (the second from the cache).
 * The small MIDI files it needs are written by the library.
 *
 * Unreadable files: tests run as root in CI, where chmod 000 does not stop
 * reading, so the case that fails for everyone is a dangling symbolic link
 * named x.mid; the chmod 000 case is asserted as a failure only for other users.
 */
import { spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TICKS_PER_QUARTER as Q, createPart, createScore, spellMidi, writeMidi } from '../src/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'dist', 'cli', 'musegen.js');
const corpora = fileURLToPath(new URL('../../shared/corpora/', import.meta.url));
const nottingham = join(corpora, 'nottingham-jukedeck', 'MIDI');
const haveNottingham = existsSync(nottingham);
if (!haveNottingham) console.log(`cli: Nottingham tests skipped, ${nottingham} is absent`);
const isRoot = process.getuid?.() === 0;

let tmp: string;
let env: NodeJS.ProcessEnv;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function musegen(...args: string[]): Run {
  const r = spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8', timeout: 110_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The error contract: exactly one line on stderr, "musegen: ", naming what it is about, no stack. */
function expectOneLine(r: Run, code: number, ...mentions: (string | RegExp)[]): void {
  expect(r.code).toBe(code);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^musegen: /);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  for (const m of mentions) expect(lines[0]).toMatch(m);
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'musegen-cli-test-'));
  env = { ...process.env, MUSEGEN_CACHE_DIR: join(tmp, 'cache'), NO_COLOR: '1' };
  delete env.MUSEGEN_DEBUG;
});
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('musegen', () => {
  it('prints help and its version', async () => {
    const help = musegen('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: musegen /);
    expect(help.stdout).toMatch(/corpus/);
    expect(help.stderr).toBe('');
    const info = musegen('corpus', 'info', '--help');
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(/--no-cache/);
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(musegen('--version')).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    expect((await readFile(bin, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true);
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
    bad = join(tmp, 'bad');
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
    good = join(tmp, 'good.mid');
    await writeFile(good, midi);
  });

  it('reads a good single file', () => {
    const r = musegen('corpus', 'info', good);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/files +1 read · 0 failed/);
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

  it('loads the good files of a folder, lists the bad ones, and exits 0', async () => {
    await copyFile(good, join(bad, 'good.mid'));
    const r = musegen('corpus', 'info', '--json', bad);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const stats = JSON.parse(r.stdout);
    const failed = ['empty.mid', 'gone.mid', ...(isRoot ? [] : ['locked.mid']), 'text.mid', 'truncated.mid'];
    expect(stats.files.read).toBe(isRoot ? 2 : 1);
    expect(stats.files.ignoredUnsupported).toBe(1);
    expect(stats.failures.map((f: { file: string }) => f.file)).toEqual(failed.map((f) => join(bad, f)));
    expect(stats.failures.every((f: { message: string }) => f.message.length > 0 && !f.message.includes('\n'))).toBe(true);
    const table = musegen('corpus', 'info', '--no-cache', bad);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/cache +off \(--no-cache\)/);
    expect(table.stdout).toContain(`failures (${failed.length})`);
    expect(table.stdout).toMatch(/text\.mid +not a MIDI file/);
  });
});

describe.skipIf(!haveNottingham)('musegen corpus info on the Nottingham MIDI corpus', () => {
  it('reports 3,089 files, and the second run comes from the cache', () => {
    const first = musegen('corpus', 'info', nottingham);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/files +3,089 read · 0 failed/);
    expect(first.stdout).toMatch(/pitch range +C2 \(36\) – E6 \(88\)/);
    expect(first.stdout).toMatch(/cache +0 hits · 3,089 misses/);
    const second = musegen('corpus', 'info', '--json', nottingham);
    expect(second.code).toBe(0);
    const stats = JSON.parse(second.stdout);
    expect(stats.files.found).toBe(3089);
    expect(stats.pieces).toBe(3089);
    expect(stats.notes).toBe(712_532);
    expect(stats.cache).toMatchObject({ hits: 3089, misses: 0 });
  });
});
