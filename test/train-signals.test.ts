/**
 * Training as a bad day goes, with real processes: SIGTERM and SIGHUP stop a
 * run as Ctrl-C does (checkpoint, exit 143 / 129); a second run on the same
 * -o is refused naming the process that holds it, and a stale lock of a dead
 * process is taken over; a bad -o fails before any training; SIGKILL at
 * random moments of 20 runs — 4 inside the folder swap (the test-only pause
 * MUSEGEN_TEST_SWAP_PAUSE_MS of engine/folder.ts) — leaves a whole model at
 * -o or one the next run restores, and --resume goes on; a stale lock found
 * by many runs at once goes to one of them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_DIR, folderSource, readModelFolder } from '../src/index.js';
import { expectOneLine, musegen as run, startMusegen, type CliRun } from './helpers/cli.js';
import { ROOT } from './helpers/paths.js';
import { rng } from './helpers/random.js';
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
    await writeFile(tmp.join(`.m-stale.lock.${dead}`), `${dead}\n`); // what a run killed while making its lock leaves
    const r = musegen('train', DEMO, '-o', 'm-stale', '--units', '8', '--epochs', '1', '-q');
    expect(r.code, r.stderr).toBe(0);
    expectWholeModel(tmp.join('m-stale'));
    expect((await readdir(tmp.path)).filter((f) => f.startsWith('.m-stale.lock'))).toEqual([]);
  });
});

/** A process that claims `<dir>/m-<r>` in each round r at the same moment as the others (the plan comes on stdin once all are ready), holds what it gets, and prints what it got. */
const CLAIMER = `
const { claimOutput } = await import(process.env.MUSEGEN_INDEX);
process.stdout.write('ready\\n');
let plan = '';
for await (const chunk of process.stdin) plan += chunk; // the start, once every racer is ready
const [start, rounds, period, dir] = JSON.parse(plan);
const got = [];
const late = Date.now() > start;
for (let r = 0; r < rounds; r++) {
  while (Date.now() < start + r * period); // everyone starts the round at once
  try {
    const claimed = await claimOutput(dir + '/m-' + r, { resume: false, force: true });
    got.push(true);
    while (Date.now() < start + r * period + period * 0.7); // held while the others try
    await claimed.release();
  } catch (e) {
    if (!/another musegen train \\(process \\d+\\)/.test(e.message)) throw e;
    got.push(false);
  }
}
process.stdout.write(JSON.stringify({ got, late }));
`;

describe('a stale lock taken over by many runs at once', () => {
  it('goes to exactly one of them, every time', async () => {
    const rounds = 12;
    const racers = 6;
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    for (let r = 0; r < rounds; r++) await writeFile(tmp.join(`.m-${r}.lock`), `${dead}\n`);
    const env = { ...process.env, MUSEGEN_INDEX: pathToFileURL(join(ROOT, 'dist', 'src', 'training', 'output.js')).href };
    const children = Array.from({ length: racers }, () => spawn(process.execPath, ['--input-type=module', '-e', CLAIMER], { env, stdio: ['pipe', 'pipe', 'pipe'] }));
    const outputs = children.map((child) => {
      let out = '';
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const ready = new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.startsWith('ready\n')) resolve();
      }));
      const done = new Promise<{ got: boolean[]; late: boolean }>((resolve, reject) => child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.slice('ready\n'.length))) : reject(new Error(err)))));
      return { ready: Promise.race([ready, done.then(() => undefined)]), done };
    });
    await Promise.all(outputs.map((o) => o.ready));
    const plan = JSON.stringify([Date.now() + 500, rounds, 400, tmp.path]);
    for (const child of children) child.stdin.end(plan);
    const runs = await Promise.all(outputs.map((o) => o.done));
    expect(runs.filter((r) => r.late), 'a racer started after the first round (machine too busy)').toEqual([]);
    for (let r = 0; r < rounds; r++) expect(runs.filter((run) => run.got[r]).length, `round ${r}`).toBe(1);
    expect((await readdir(tmp.path)).filter((f) => /^\.m-\d+\.lock/.test(f))).toEqual([]); // every lock and claim released
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

describe('SIGKILL at random moments of 20 runs, inside the folder swap too', () => {
  // tiny models train an epoch in a few milliseconds: 20 runs of up to 4 s must not reach the limit
  const EPOCHS = 100_000;
  it('leaves a whole model at -o, or one the next run restores; --resume goes on', async () => {
    const out = 'm-killed';
    const leftovers = async (): Promise<string[]> => (await readdir(tmp.path)).filter((f) => f.startsWith(`.${out}.`) && !f.endsWith('.lock'));
    /** The model at -o and its checkpoint are whole, or (-o gone, killed inside the swap) the one left aside is. */
    const expectWholeOrRecoverable = async (): Promise<'whole' | 'aside'> => {
      if (existsSync(tmp.join(out))) {
        await readModelFolder(folderSource(tmp.join(out)));
        await readModelFolder(folderSource(tmp.join(out, CHECKPOINT_DIR)));
        return 'whole';
      }
      const aside = (await leftovers()).filter((f) => f.includes('.old-'));
      expect(aside, 'no folder at -o and none left aside').toHaveLength(1);
      await readModelFolder(folderSource(tmp.join(aside[0]!)));
      await readModelFolder(folderSource(tmp.join(aside[0]!, CHECKPOINT_DIR)));
      return 'aside';
    };
    // a first checkpoint to go on from
    expect(musegen('train', DEMO, '-o', out, ...LONG.slice(0, 2), '--epochs', '2', '--patience', '200', '--seed', '1', '-q').code).toBe(0);
    const next = rng(19);
    const outcomes: string[] = [];
    for (let run = 0; run < 20; run++) {
      const inSwap = run % 5 === 0; // 4 of the 20 inside the swap: the old model renamed aside, the new one not yet in place
      if (inSwap) process.env.MUSEGEN_TEST_SWAP_PAUSE_MS = '60000';
      try {
        const t = startMusegen(['train', '--resume', '-o', out, '--epochs', String(EPOCHS)], { cwd: tmp.path }, /swap paused/);
        if (inSwap) await t.seen;
        else await new Promise((r) => setTimeout(r, 100 + Math.floor(next() * 4000))); // from start-up to several epochs in
        t.child.kill('SIGKILL');
        const r = await t.done;
        expect(r.stderr).not.toMatch(/^musegen: (?!note: restored)/m); // killed, never failed
      } finally {
        delete process.env.MUSEGEN_TEST_SWAP_PAUSE_MS;
      }
      const outcome = await expectWholeOrRecoverable();
      if (inSwap) expect(outcome).toBe('aside');
      outcomes.push(outcome);
    }
    const resumed = startMusegen(['train', '--resume', '-o', out, '--epochs', String(EPOCHS)], { cwd: tmp.path }, new RegExp(`resuming after epoch \\d+[^]*epoch \\d+/${EPOCHS} `));
    await resumed.seen;
    expect(await leftovers()).toEqual([]);
    resumed.child.kill('SIGTERM');
    const last = await resumed.done;
    expect(last.code, last.stderr).toBe(143);
    expect(Number(/resuming after epoch (\d+)/.exec(last.stderr)![1])).toBeGreaterThan(2); // the killed runs trained on, each from the last
    expectWholeModel(tmp.join(out));
    expect(outcomes.filter((o) => o === 'aside').length).toBeGreaterThanOrEqual(4);
  }, 300_000);
});
