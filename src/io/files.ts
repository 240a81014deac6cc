/**
 * Music files on disk: the one part of io that imports node:*, exported by
 * ./node.js, never by ./index.js. @node-only
 *
 *   path ─ readScoreFile ─► bytes ─ readBytes (registry) ─► ReadPiece[]
 *   bytes ─ writeFileAtomic ─► temporary file beside the target ─ rename ─► path
 *
 * A write goes to a temporary file that is then renamed over the target (a
 * rename within one folder is atomic): an interrupted write leaves the old
 * file, or none, never a torn one.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MusegenError, errorMessage } from '../errors.js';
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

/** Write `data` to `path` atomically, creating missing parent folders. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}
