/**
 * Finding the music files of a corpus: the paths given may be files or
 * folders; folders are walked recursively and every file whose extension a
 * reader supports is taken. Hidden entries (".git", ".DS_Store") and files of
 * other types are ignored but counted. A file named directly is always taken,
 * whatever its extension, so reading it reports what is wrong with it.
 */
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, extname, join, relative, resolve, sep } from 'node:path';
import { MusegenError, errorMessage, type ErrorCode } from '../errors.js';
import { supportedExtensions } from '../io/index.js';

export interface MusicFile {
  /** The path to open: the folder given joined with the path inside it. */
  path: string;
  /** Path inside the folder given, with "/" ("melody/jigs12.mid"); the file name for a file given directly. */
  relPath: string;
}

/** A file that could not be read, and why. */
export interface Failure {
  file: string;
  /** The reason, without the file name: "not a MIDI file (no MThd header)". */
  message: string;
  code: ErrorCode;
}

export interface FileSet {
  files: MusicFile[];
  /** Entries found that are not music files or could not be opened. */
  failures: Failure[];
  ignored: { hidden: number; unsupported: number };
}

export interface FindOptions {
  /** Extensions to take, lower case with the dot; default: every registered reader's. */
  extensions?: string[];
}

const isHidden = (name: string): boolean => name.startsWith('.');

/** stat that follows links; a dangling link or a vanished entry gives undefined. */
async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

/** Why a path that stat cannot follow is not there: a broken link, or nothing at all. */
async function missingReason(path: string): Promise<string> {
  const link = await lstat(path).catch(() => undefined);
  return link?.isSymbolicLink() ? 'broken symbolic link (its target does not exist)' : 'no such file or folder';
}

/**
 * The music files under `paths`, sorted by path, each once. Throws NOT_FOUND
 * for a path given that does not exist; problems inside folders become failures.
 */
export async function findMusicFiles(paths: string[], options: FindOptions = {}): Promise<FileSet> {
  const extensions = new Set(options.extensions ?? supportedExtensions());
  const set: FileSet = { files: [], failures: [], ignored: { hidden: 0, unsupported: 0 } };
  const seen = new Set<string>();
  const take = (path: string, relPath: string): void => {
    const key = resolve(path);
    if (!seen.has(key)) {
      seen.add(key);
      set.files.push({ path, relPath });
    }
  };

  const visitedFolders = new Set<string>();
  async function walk(root: string, folder: string): Promise<void> {
    const real = await realpath(folder);
    if (visitedFolders.has(real)) return; // a link back up the tree
    visitedFolders.add(real);
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (e) {
      set.failures.push({ file: folder, message: `cannot list folder (${errorMessage(e)})`, code: 'UNREADABLE' });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (isHidden(entry.name)) {
        set.ignored.hidden++;
        continue;
      }
      const st = entry.isSymbolicLink() ? await statOrUndefined(path) : undefined;
      if (entry.isDirectory() || st?.isDirectory()) {
        await walk(root, path);
        continue;
      }
      if (!extensions.has(extname(entry.name).toLowerCase())) {
        set.ignored.unsupported++;
        continue;
      }
      if (entry.isSymbolicLink() && !st) set.failures.push({ file: path, message: await missingReason(path), code: 'NOT_FOUND' });
      else if (!(entry.isFile() || st?.isFile())) set.failures.push({ file: path, message: 'not a regular file', code: 'UNREADABLE' });
      else take(path, relative(root, path).split(sep).join('/'));
    }
  }

  for (const given of paths) {
    const st = await statOrUndefined(given);
    if (!st) throw new MusegenError('NOT_FOUND', await missingReason(given), given);
    if (st.isDirectory()) await walk(given, given);
    else if (st.isFile()) take(given, basename(given));
    else throw new MusegenError('UNREADABLE', 'not a regular file (a device, socket or pipe?)', given);
  }
  set.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return set;
}
