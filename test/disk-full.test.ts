/**
 * Writes that cannot lie: stdout gets every byte or one line saying how many
 * it got (/dev/full, a file on a full disk); `-o` and `-n` on a full disk name
 * the file, leave no temporary and no mixed set (the old files stay whole);
 * a symbolic link at `-o` is written through to its target.
 *
 * The full disk is a small tmpfs mounted in the test (as root, with
 * CAP_SYS_ADMIN, as in CI); where it cannot be mounted those cases are
 * skipped with a message, and /dev/full still covers stdout.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLine, musegen as run, type CliRun } from './helpers/cli.js';
import { ROOT } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('disk-full');

/** Run musegen with stdout going to `path` (as `> path` does). */
function toFile(path: string, args: string[]): CliRun {
  const fd = openSync(path, 'w');
  try {
    return run(args, { cwd: tmp.path, stdoutFd: fd });
  } finally {
    closeSync(fd);
  }
}

describe('stdout', () => {
  it('sample > /dev/full: one line, exit 1', () => {
    expectOneLine(toFile('/dev/full', ['sample', '--seed', '3']), 1, /^musegen: stdout: cannot write \(no space left on device\); 0 of [\d,]+ bytes written$/);
  });

  it('corpus info --json > /dev/full: one line, no stack trace, exit 1', () => {
    expectOneLine(toFile('/dev/full', ['corpus', 'info', '--json', '--no-cache', join(ROOT, 'corpora', 'folk-demo')]), 1, /stdout: cannot write \(no space left on device\)/);
  });
});

describe('-o', () => {
  it('a symbolic link is written through to its target, and stays a link', async () => {
    await writeFile(tmp.join('target.mid'), 'old');
    await symlink('target.mid', tmp.join('link.mid'));
    const r = run(['sample', '--seed', '3', '-o', 'link.mid'], { cwd: tmp.path });
    expect(r.code, r.stderr).toBe(0);
    expect((await lstat(tmp.join('link.mid'))).isSymbolicLink()).toBe(true);
    expect(await readlink(tmp.join('link.mid'))).toBe('target.mid');
    expect((await readFile(tmp.join('target.mid'))).subarray(0, 4).toString()).toBe('MThd');
    // a dangling link makes its target
    await symlink('new.mid', tmp.join('dangling.mid'));
    expect(run(['sample', '--seed', '3', '-o', 'dangling.mid'], { cwd: tmp.path }).code).toBe(0);
    expect((await readFile(tmp.join('new.mid'))).subarray(0, 4).toString()).toBe('MThd');
  });
});

/** Mount a tmpfs of `size` at `dir`; false (with a message) where this machine does not let the test. */
function mountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return true;
  } catch (e) {
    console.warn(`disk-full cases on a small tmpfs skipped: cannot mount one here (${String(e).split('\n')[0]})`);
    return false;
  }
}

const PAGE = 4096;

describe('a full disk (a small tmpfs)', () => {
  let disk = '';
  let mounted = false;
  beforeAll(async () => {
    disk = tmp.join('disk');
    await mkdir(disk);
    mounted = mountTmpfs(disk, `${12 * PAGE}`);
  });
  afterAll(() => {
    if (mounted) execFileSync('umount', [disk]);
  });
  const files = async (): Promise<string[]> => (await readdir(disk)).sort();

  it('stdout to a file on it: one line saying how many bytes were written, exit 1', async (ctx) => {
    if (!mounted) ctx.skip();
    await writeFile(`${disk}/filler`, Buffer.alloc(10 * PAGE)); // room for 8 KiB; the piece is about 16
    expectOneLine(toFile(`${disk}/long.mid`, ['sample', '--seed', '3', '--bars', '800', '-q']), 1, /stdout: cannot write \(no space left on device\); [\d,]+ of [\d,]+ bytes written/);
  });

  it('-n 5 with room for two pieces: names the third, the old five stay whole, no temporary left', async (ctx) => {
    if (!mounted) ctx.skip();
    execFileSync('rm', ['-f', ...(await files()).map((f) => `${disk}/${f}`)]);
    for (let i = 1; i <= 5; i++) await writeFile(`${disk}/t-${i}.mid`, `old ${i}`); // a page each
    await writeFile(`${disk}/filler`, Buffer.alloc(5 * PAGE)); // 12 pages - 5 - 5: room for two small pieces
    expectOneLine(run(['sample', '-n', '5', '--bars', '16', '--seed', '1', '-o', `${disk}/t.mid`], { cwd: tmp.path }), 1, `${disk}/t-3.mid: cannot write (no space left on device)`);
    expect(await files()).toEqual(['filler', 't-1.mid', 't-2.mid', 't-3.mid', 't-4.mid', 't-5.mid']);
    for (let i = 1; i <= 5; i++) expect(await readFile(`${disk}/t-${i}.mid`, 'utf8')).toBe(`old ${i}`);
  });

  it('-o on a full disk: names the file, keeps the old one, no temporary left', async (ctx) => {
    if (!mounted) ctx.skip();
    execFileSync('rm', ['-f', ...(await files()).map((f) => `${disk}/${f}`)]);
    await writeFile(`${disk}/tune.mid`, 'old');
    await writeFile(`${disk}/filler`, Buffer.alloc(11 * PAGE));
    expectOneLine(run(['sample', '--seed', '1', '-o', `${disk}/tune.mid`], { cwd: tmp.path }), 1, `${disk}/tune.mid: cannot write (no space left on device)`);
    expect(await files()).toEqual(['filler', 'tune.mid']);
    expect(await readFile(`${disk}/tune.mid`, 'utf8')).toBe('old');
  });
});
