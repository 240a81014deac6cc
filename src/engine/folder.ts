/**
 * @node-only Model folders on disk (see model-folder.ts for what they hold).
 *
 *   folderSource(dir) ─► readModelFolder / loadGenerator      reading
 *   files ─► writeModelFolder(dir) ─► temp folder, fsync, rename into place
 *
 * Writing is atomic: everything goes into a temporary folder beside the
 * target, which is then renamed into place (an existing model is renamed
 * aside first and removed last), so a folder at `dir` is always whole.
 */
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MusegenError, errorMessage } from '../errors.js';
import { META_FILE, type ModelSource } from './model-folder.js';

/** A model folder on disk as a ModelSource. */
export function folderSource(dir: string): ModelSource {
  let checked = false;
  return {
    location: dir,
    async read(file: string): Promise<Uint8Array | null> {
      if (!checked) {
        const info = await stat(dir).catch(() => null);
        if (!info) throw new MusegenError('NOT_FOUND', 'no such model folder', dir);
        if (!info.isDirectory()) throw new MusegenError('BAD_MODEL', 'not a model folder (a model is a folder holding musegen.json, model.json and weights)', dir);
        checked = true;
      }
      return readFile(join(dir, file)).then((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength), () => null);
    },
  };
}

export interface WriteFolderOptions {
  /**
   * Write more into the new folder before it replaces the old one (e.g. a
   * training checkpoint), so that everything in it changes at once.
   */
  extra?: (temp: string) => Promise<void>;
}

/** Write a model folder's files atomically, replacing an existing model folder at `dir`. */
export async function writeModelFolder(dir: string, files: Map<string, Uint8Array>, options: WriteFolderOptions = {}): Promise<void> {
  await checkReplaceable(dir);
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  const temp = join(dirname(dir), `.${basename(dir)}.tmp-${tag}`);
  const old = join(dirname(dir), `.${basename(dir)}.old-${tag}`);
  try {
    await mkdir(temp, { recursive: true });
    for (const [name, bytes] of files) await writeSynced(join(temp, name), bytes);
    await options.extra?.(temp);
    const existed = await exists(dir);
    if (existed) await rename(dir, old);
    try {
      await rename(temp, dir);
    } catch (e) {
      if (existed) await rename(old, dir);
      throw e;
    }
    if (existed) await rm(old, { recursive: true, force: true });
  } catch (e) {
    await rm(temp, { recursive: true, force: true });
    if (e instanceof MusegenError) throw e;
    throw new MusegenError('UNREADABLE', `cannot write the model: ${errorMessage(e)}`, dir, { cause: e });
  }
}

/** Refuse to replace anything but a model folder or an empty folder. */
async function checkReplaceable(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => null);
  if (!info) return;
  const ok = info.isDirectory() && ((await readdir(dir)).length === 0 || (await exists(join(dir, META_FILE))));
  if (!ok) throw new MusegenError('BAD_ARGUMENT', 'exists and is not a musegen model folder; not replacing it', dir);
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null)) !== null;
}

async function writeSynced(path: string, data: Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
