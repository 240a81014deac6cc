/**
 * The model folder a training run writes (-o), made ready before any
 * training: a name that is not empty, a lock, what a killed run left put
 * right, and a folder the run may replace. @node-only
 *
 * The lock is a file beside the folder, `.<name>.lock`, holding the pid of
 * the run that writes it: a second run on the same folder is refused with
 * that pid, and a lock whose process is gone (killed) is taken over. Making
 * it is also the test that the folder's parent can be written, so a
 * read-only place fails at once, not an epoch later.
 *
 * @example
 *   const output = await claimOutput('my-model', { resume: false, force: false });
 *   try { … train … } finally { await output.release(); }
 */
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { checkReplaceable, processAlive, recoverModelFolder } from '../engine/node.js';
import { MusegenError, systemErrorReason } from '../errors.js';
import { META_FILE } from '../engine/index.js';

export interface ClaimedOutput {
  /** What was put right (a model restored after a killed write), if anything. */
  note?: string;
  /** Remove the lock. */
  release(): Promise<void>;
}

/** Take the lock on `dir`, or say which live process holds it. */
async function lock(dir: string): Promise<string> {
  const path = join(dirname(dir), `.${basename(dir)}.lock`);
  const cannot = (e: unknown): MusegenError => new MusegenError('UNWRITABLE', `cannot write the model here (${systemErrorReason(e)})`, dir, { cause: e });
  await mkdir(dirname(dir), { recursive: true }).catch((e: unknown) => {
    throw cannot(e);
  });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, `${process.pid}\n`, { flag: 'wx' });
      return path;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw cannot(e);
    }
    const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (holder > 0 && processAlive(holder)) {
      throw new MusegenError('UNWRITABLE', `another musegen train (process ${holder}) is writing this model; wait for it or stop it`, dir);
    }
    await rm(path, { force: true }); // its process is gone: take it over
  }
  throw new MusegenError('UNWRITABLE', 'another musegen train took the lock on this model at the same moment', dir);
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
    const holder = await readFile(lockPath, 'utf8').catch(() => '');
    if (Number(holder.trim()) === process.pid) await rm(lockPath, { force: true });
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
