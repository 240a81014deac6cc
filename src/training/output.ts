/**
 * The model folder a training run writes (-o), made ready before any
 * training: a name that is not empty, a lock, what a killed run left put
 * right, and a folder the run may replace. @node-only
 *
 * The lock is a file beside the folder, `.<name>.lock`, holding the pid of
 * the run that writes it: a second run on the same folder is refused with
 * that pid, and a lock whose process is gone (killed) is taken over — by one
 * run only, however many find it at once (see takeLock). Making
 * it is also the test that the folder's parent can be written, so a
 * read-only place fails at once, not an epoch later.
 *
 * @example
 *   const output = await claimOutput('my-model', { resume: false, force: false });
 *   try { … train … } finally { await output.release(); }
 */
import { link, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkReplaceable, ensureFolders, processAlive, recoverModelFolder } from '../engine/node.js';
import { MusegenError, systemErrorReason } from '../errors.js';
import { META_FILE } from '../engine/index.js';

export interface ClaimedOutput {
  /** What was put right (a model restored after a killed write), if anything. */
  note?: string;
  /** Remove the lock. */
  release(): Promise<void>;
}

/** What a lock file holds (a pid), trimmed; undefined when the file is gone. */
async function holderOf(path: string): Promise<string | undefined> {
  return (await readFile(path, 'utf8').catch(() => undefined))?.trim();
}

/**
 * Make `path` hold this process's pid, atomically: written to a file of our
 * own and hard-linked into place, so the lock never exists without its pid,
 * and only one of two racing processes gets it. Returns whether it did.
 */
async function createLock(path: string): Promise<boolean> {
  const own = `${path}.${process.pid}`;
  await writeFile(own, `${process.pid}\n`);
  try {
    await link(own, path).catch(async (e: unknown) => {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'ENOENT' || code === 'EACCES' || code === 'EROFS') throw e;
      await writeFile(path, `${process.pid}\n`, { flag: 'wx' }); // a file system without hard links (FAT): created exclusively, its pid a moment later
    });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await rm(own, { force: true });
  }
}

/** Tries before a lock that keeps changing hands is given up on. */
const LOCK_TRIES = 50;

/**
 * Take the lock file `path`: null when taken, else the pid of the live
 * process that holds it. A lock whose process is gone is taken over under a
 * claim — the file `<path>.takeover-<dead pid>`, itself a lock taken the same
 * way — so that of two runs that both find the dead owner's lock, one removes
 * it and the other then finds the winner's: never both.
 */
async function takeLock(path: string): Promise<number | null> {
  for (let attempt = 0; attempt < LOCK_TRIES; attempt++) {
    if (await createLock(path)) return null;
    const holder = await holderOf(path);
    if (holder === undefined) continue; // released meanwhile: try again
    if (holder === '' && attempt < 10) {
      await sleep(20); // being written (where there are no hard links): wait for its pid, then take it as dead
      continue;
    }
    const pid = Number(holder);
    if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) return pid;
    const claim = `${path}.takeover-${Number.isInteger(pid) && pid > 0 ? pid : 'none'}`;
    if ((await takeLock(claim)) !== null) {
      await sleep(10 + attempt * 5); // another run is taking it over: see whose it becomes
      continue;
    }
    try {
      // only the claim's holder removes a lock of this dead pid, so it is still the one we read, or gone
      if ((await holderOf(path)) === holder) await rm(path, { force: true });
    } finally {
      await rm(claim, { force: true });
    }
  }
  throw new MusegenError('UNWRITABLE', `the lock ${basename(path)} keeps changing hands; is another musegen train starting on this model?`);
}

/** Take the lock on `dir`, or say which live process holds it. */
async function lock(dir: string): Promise<string> {
  const path = join(dirname(dir), `.${basename(dir)}.lock`);
  const cannot = (e: unknown): MusegenError => new MusegenError('UNWRITABLE', `cannot write the model here (${systemErrorReason(e)})`, dir, { cause: e });
  await ensureFolders(dirname(dir)).catch((e: unknown) => {
    throw cannot(e);
  });
  const holder = await takeLock(path).catch((e: unknown) => {
    throw e instanceof MusegenError ? e : cannot(e);
  });
  if (holder !== null) throw new MusegenError('UNWRITABLE', `another musegen train (process ${holder}) is writing this model; wait for it or stop it`, dir);
  // a run killed while making its lock leaves `<lock>.<pid>`: only that pid ever writes it, so a dead one's is safe to remove
  for (const name of await readdir(dirname(path)).catch(() => [] as string[])) {
    const pid = name.startsWith(`${basename(path)}.`) ? Number(name.slice(basename(path).length + 1)) : NaN;
    if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) await rm(join(dirname(path), name), { force: true });
  }
  return path;
}

/**
 * Make `dir` ready for a run: lock it, restore a model a killed swap left
 * aside and clean its temporaries, then check that a fresh run may write it
 * (an empty name, a file, a folder that holds other things or, without
 * `force`, a model are refused). A resumed run's checkpoint is checked when it is read.
 */
export async function claimOutput(dir: string, { resume, force }: { resume: boolean; force: boolean }): Promise<ClaimedOutput> {
  if (dir.trim() === '') throw new MusegenError('BAD_ARGUMENT', 'the model folder (-o) has an empty name');
  const lockPath = await lock(dir);
  const release = async (): Promise<void> => {
    if ((await holderOf(lockPath)) === String(process.pid)) await rm(lockPath, { force: true });
  };
  try {
    const note = await recoverModelFolder(dir);
    if (!resume) {
      const info = await stat(dir).catch(() => null);
      if (info && !info.isDirectory()) throw new MusegenError('BAD_ARGUMENT', 'exists and is not a folder; choose another output', dir);
      if (info && !force && (await stat(join(dir, META_FILE)).catch(() => null))) {
        throw new MusegenError('BAD_ARGUMENT', 'already holds a model; resume its training with --resume, or replace it with --force', dir);
      }
      await checkReplaceable(dir);
    }
    return { ...(note ? { note } : {}), release };
  } catch (e) {
    await release();
    throw e;
  }
}
