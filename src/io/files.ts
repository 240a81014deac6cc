/**
 * Music files on disk: the one part of io that imports node:*, exported by
 * ./node.js, never by ./index.js. @node-only
 *
 *   path ─ readScoreFile ─► bytes ─ readBytes (registry) ─► ReadPiece[]
 *   bytes ─ writeFileAtomic ─► temporary file beside the target (fsync) ─ rename ─► path
 *   bytes ─ stageFiles().write … commit ─► every temporary first, then every rename
 *   bytes ─ writeAllSync(fd) ─► stdout, every byte or an error
 *
 * A write goes to a temporary file that is then renamed over the target (a
 * rename within one folder is atomic): an interrupted write leaves the old
 * file, or none, never a torn one. A target that is a symbolic link is
 * written through to the file it points to; the link stays. Every failure is
 * a MusegenError naming the file and the reason ("t-3.mid: cannot write (no
 * space left on device)").
 */
import { randomBytes } from 'node:crypto';
import { writeSync } from 'node:fs';
import { mkdir, open, readFile, readlink, rename, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { MusegenError, errorMessage, systemErrorReason } from '../errors.js';
import { readBytes, type ReadOptions, type ReadPiece } from './registry.js';

/** Read one music file from disk. Every failure is a MusegenError naming the file. */
export async function readScoreFile(path: string, options: ReadOptions = {}): Promise<ReadPiece[]> {
  let bytes: Uint8Array;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new MusegenError('BAD_ARGUMENT', 'is a folder, not a file', path);
    bytes = await readFile(path);
  } catch (e) {
    if (e instanceof MusegenError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new MusegenError('NOT_FOUND', 'no such file or folder', path);
    if (code === 'EACCES' || code === 'EPERM') throw new MusegenError('UNREADABLE', 'permission denied', path);
    throw new MusegenError('UNREADABLE', errorMessage(e), path);
  }
  return readBytes(bytes, path, options);
}

/** A write error as a MusegenError naming `name`; a MusegenError passes as it is. */
export function writeError(e: unknown, name: string, detail = ''): MusegenError {
  if (e instanceof MusegenError) return e;
  return new MusegenError('UNWRITABLE', `cannot write (${systemErrorReason(e)})${detail}`, name, { cause: e });
}

/** The file a path names once symbolic links are followed (the path itself when it is none, or does not exist yet). */
async function linkTarget(path: string): Promise<string> {
  for (let hops = 0; hops < 40; hops++) {
    let link: string;
    try {
      link = await readlink(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EINVAL' || code === 'ENOENT') return path; // not a link, or nothing there yet
      throw writeError(e, path);
    }
    path = resolve(dirname(path), link);
  }
  throw new MusegenError('UNWRITABLE', 'cannot write (too many levels of symbolic links)', path);
}

/**
 * Create folder `path` and any missing above it. Not Node's `mkdir
 * { recursive }`, which loops for ever where a folder cannot be made in an
 * existing parent (anywhere under /proc): each missing folder is made on its
 * own, from the top, and the first that cannot be made fails (engine's
 * folder.ts does the same for model folders: engine may not import io).
 */
export async function makeFolders(path: string): Promise<void> {
  const missing: string[] = [];
  for (let p = resolve(path); ; p = dirname(p)) {
    if (await stat(p).then(() => true, () => false)) break;
    missing.unshift(p);
    if (dirname(p) === p) break;
  }
  for (const p of missing) {
    await mkdir(p).catch((e: unknown) => {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    });
  }
}

/** Files written to temporaries as they come, then renamed into place together. */
export interface StagedFiles {
  /** Write `data` to a temporary file beside `path` (its link target), flushed to disk. */
  write(path: string, data: Uint8Array | string): Promise<void>;
  /** Rename every temporary over its target; the paths written. */
  commit(): Promise<string[]>;
  /** Remove the temporaries: the targets stay as they were. */
  discard(): Promise<void>;
}

/**
 * Stage a set of files: none replaces its target until every one is written,
 * so a failure (disk full) leaves the old set whole, not a mix of old and new.
 */
export function stageFiles(): StagedFiles {
  const staged: { path: string; target: string; temp: string }[] = [];
  const discard = async (): Promise<void> => {
    await Promise.all(staged.splice(0).map((s) => rm(s.temp, { force: true })));
  };
  return {
    async write(path, data) {
      const target = await linkTarget(path);
      const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        await makeFolders(dirname(target));
        const file = await open(temp, 'wx');
        staged.push({ path, target, temp });
        try {
          await file.writeFile(data);
          await file.sync();
        } finally {
          await file.close();
        }
      } catch (e) {
        throw writeError(e, path);
      }
    },
    async commit() {
      for (const [i, s] of staged.entries()) {
        try {
          await rename(s.temp, s.target);
        } catch (e) {
          staged.splice(0, i);
          await discard();
          throw writeError(e, s.path);
        }
      }
      return staged.splice(0).map((s) => s.path);
    },
    discard,
  };
}

/** Write `data` to `path` atomically, creating missing parent folders; a symbolic link is written through. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const files = stageFiles();
  try {
    await files.write(path, data);
    await files.commit();
  } catch (e) {
    await files.discard();
    throw e;
  }
}

/** Milliseconds to wait when a non-blocking output is full (EAGAIN) before trying again. */
const AGAIN_MS = 5;

/**
 * Write every byte of `data` to the file descriptor `fd` (stdout: 1), or
 * throw a MusegenError naming `name` that says how many were written. A short
 * write is followed by another, never ignored.
 */
export function writeAllSync(fd: number, data: Uint8Array | string, name: string): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let done = 0;
  while (done < bytes.length) {
    try {
      done += writeSync(fd, bytes, done, bytes.length - done);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, AGAIN_MS);
        continue;
      }
      throw writeError(e, name, `; ${done.toLocaleString('en')} of ${bytes.length.toLocaleString('en')} bytes written`);
    }
  }
}
