/**
 * Training as a bad day goes, with real processes: SIGTERM and SIGHUP stop a
 * run as Ctrl-C does (checkpoint, exit 143 / 129); a second run on the same
 * -o is refused naming the process that holds it, and a stale lock of a dead
 * process is taken over; a bad -o fails before any training; SIGKILL at
 * several moments — inside the folder swap too (the test-only pause
 * MUSEGEN_TEST_SWAP_PAUSE_MS of engine/folder.ts) — leaves a whole model at
 * -o or one the next run restores, and --resume goes on.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLine, musegen as run, startMusegen, type CliRun } from './helpers/cli.js';
import { ROOT } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('train-signals');
const DEMO = join(ROOT, 'corpora', 'folk-demo');
/** A small model that trains for long enough to be stopped (each epoch well under a second). */
const LONG = ['--units', '8', '--epochs', '200', '--patience', '200', '--seed', '1'];
const musegen = (...args: string[]): CliRun => run(args, { cwd: tmp.path });
const train = (out: string, ...more: string[]) => startMusegen(['train', DEMO, '-o', out, ...LONG, ...more], { cwd: tmp.path }, /epoch 2\//);

/** The folder holds a whole model: sampling from it works. */
function expectWholeModel(dir: string): void {
  const r = musegen('sample', '-m', dir, '--bars', '2', '--seed', '1', '-q', '-o', join(dir, '..', 'probe.mid'));
  expect(r.code, r.stderr).toBe(0);
}

describe('train stopped by a signal', () => {
  it.each([['SIGTERM', 143], ['SIGHUP', 129]] as const)('%s: a checkpoint, one line, exit %d; --resume goes on', async (signal, code) => {
    const out = `m-${signal}`;
    const t = train(out);
    await t.seen;
    t.child.kill(signal);
    const r = await t.done;
    expect(r.code, r.stderr).toBe(code);
    expect(r.stderr).toMatch(new RegExp(`${signal}: stopping after this batch`));
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(new RegExp(`^musegen: interrupted: checkpoint saved in ${out} .*--resume`));
    expectWholeModel(tmp.join(out));
    const resumed = musegen('train', '--resume', '-o', out, '--epochs', '4', '-q');
    expect(resumed.code, resumed.stderr).toBe(0);
  });
});

describe('the lock on -o', () => {
  it('a second run says which process holds the folder; a stale lock of a dead process is taken over', async () => {
    const t = train('m-locked');
    await t.seen;
    expectOneLine(musegen('train', DEMO, '-o', 'm-locked', '--units', '8', '--epochs', '1'), 1, `m-locked: another musegen train (process ${t.child.pid}) is writing this model`);
    t.child.kill('SIGKILL');
    await t.done;
    expect(existsSync(tmp.join('.m-locked.lock'))).toBe(true); // a kill leaves it …
    const r = musegen('train', DEMO, '-o', 'm-locked', '--force', '--units', '8', '--epochs', '1', '-q'); // … and the next run takes it over
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(tmp.join('.m-locked.lock'))).toBe(false);
  });

  it('a lock file naming a process that is gone is taken over', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    await writeFile(tmp.join('.m-stale.lock'), `${dead}\n`);
    const r = musegen('train', DEMO, '-o', 'm-stale', '--units', '8', '--epochs', '1', '-q');
    expect(r.code, r.stderr).toBe(0);
    expectWholeModel(tmp.join('m-stale'));
  });
});

describe('-o checked before any training', () => {
  it.each([
    ['an empty name', '', 2, /-o.*empty name/],
    ['a folder of other things', '/etc', 1, /^musegen: \/etc: exists and is not a musegen model folder/],
    ['a place that cannot be written', '/proc/musegen-model', 1, /^musegen: \/proc\/musegen-model: cannot write the model here \(/],
  ])('%s: one line, at once', (_what, out, code, says) => {
    const r = musegen('train', DEMO, '-o', out, '--units', '8', '--epochs', '1');
    expectOneLine(r, code, says);
    expect(r.stderr).not.toMatch(/epoch|tmp-/);
  });
});

describe('SIGKILL at several moments, inside the folder swap too', () => {
  it('leaves a whole model at -o, or one the next run restores; --resume goes on', async () => {
    const out = 'm-killed';
    const leftovers = async (): Promise<string[]> => (await readdir(tmp.path)).filter((f) => f.startsWith(`.${out}.`) && !f.endsWith('.lock'));
    // a first checkpoint to go on from
    expect(musegen('train', DEMO, '-o', out, ...LONG.slice(0, 2), '--epochs', '2', '--patience', '200', '--seed', '1', '-q').code).toBe(0);
    // inside the swap: the old model renamed aside, the new one not yet in place
    process.env.MUSEGEN_TEST_SWAP_PAUSE_MS = '60000';
    try {
      const inSwap = startMusegen(['train', '--resume', '-o', out, '--epochs', '200'], { cwd: tmp.path }, /swap paused/);
      await inSwap.seen;
      inSwap.child.kill('SIGKILL');
      await inSwap.done;
    } finally {
      delete process.env.MUSEGEN_TEST_SWAP_PAUSE_MS;
    }
    expect(existsSync(tmp.join(out))).toBe(false); // the kill left no folder at -o …
    expect((await leftovers()).some((f) => f.includes('.old-'))).toBe(true); // … but the last model aside
    const restored = musegen('train', '--resume', '-o', out, '--epochs', '4');
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stderr).toMatch(/^musegen: note: restored the model an interrupted write had left aside/m);
    expect(await leftovers()).toEqual([]);
    expectWholeModel(tmp.join(out));
    // at random moments of ordinary runs
    for (const ms of [300, 900, 1500, 2100, 2700]) {
      const t = startMusegen(['train', '--resume', '-o', out, '--epochs', '200'], { cwd: tmp.path }, /resuming/);
      await t.seen;
      await new Promise((r) => setTimeout(r, ms));
      t.child.kill('SIGKILL');
      await t.done;
    }
    const resumed = startMusegen(['train', '--resume', '-o', out, '--epochs', '200'], { cwd: tmp.path }, /resuming[^]*epoch \d+\/200 /);
    await resumed.seen;
    expect(await leftovers()).toEqual([]);
    resumed.child.kill('SIGTERM');
    expect((await resumed.done).code).toBe(143);
    expectWholeModel(tmp.join(out));
  });
});
