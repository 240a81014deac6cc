/**
 * @node-only Model folders on disk (see model-folder.ts for what they hold).
 *
 *   folderSource(dir) ─► readModelFolder / loadGenerator      reading
 *   files ─► writeModelFolder(dir) ─► temp folder, fsync, rename into place
 *
 * Writing is atomic: everything goes into a temporary folder beside the
 * target, which is then renamed into place (an existing model is renamed
 * aside first and removed last), so a folder at `dir` is always whole — or,
 * after a kill between the two renames, whole at `.<name>.old-<pid>-<time>`,
 * where `recoverModelFolder` (run before the next write or resume) puts it
 * back, removing the temporaries of dead processes.
 *
 * Test-only: MUSEGEN_TEST_SWAP_PAUSE_MS=<ms> pauses between the two renames
 * (after saying "swap paused" on stderr), so a test can kill a process there.
 */
import { cp, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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
    if (existed) {
      await rename(dir, old);
      await testPauseInSwap();
    }
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

/** Test-only (MUSEGEN_TEST_SWAP_PAUSE_MS): a pause between the two renames of a swap, where a test kills the process. */
async function testPauseInSwap(): Promise<void> {
  const ms = Number(process.env.MUSEGEN_TEST_SWAP_PAUSE_MS);
  if (!(ms > 0)) return;
  process.stderr.write('swap paused\n');
  await sleep(ms);
}

/** What a swap leaves beside `dir` when killed: `.<name>.tmp-<pid>-<time>` and `.<name>.old-<pid>-<time>` (after the prefix). */
const LEFTOVER = /^(tmp|old)-(\d+)-([0-9a-z]+)$/;

/** Whether process `pid` is alive (one we may not signal counts as alive). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Put back a model folder a killed swap left aside, and remove what killed
 * writes left behind: when `dir` is missing, the newest `.<name>.old-*` is
 * renamed back to it; every other `.<name>.old-*` and `.<name>.tmp-*` of a
 * process no longer alive is removed. Returns a line for what was done, if anything.
 */
export async function recoverModelFolder(dir: string): Promise<string | undefined> {
  const parent = dirname(dir);
  const prefix = `.${basename(dir)}.`;
  const leftovers: { path: string; kind: string; time: number }[] = [];
  for (const name of await readdir(parent).catch(() => [] as string[])) {
    const m = name.startsWith(prefix) ? LEFTOVER.exec(name.slice(prefix.length)) : null;
    if (m && !processAlive(Number(m[2]))) leftovers.push({ path: join(parent, name), kind: m[1]!, time: parseInt(m[3]!, 36) });
  }
  const newestOld = leftovers.filter((l) => l.kind === 'old').sort((x, y) => y.time - x.time)[0];
  const restore = newestOld !== undefined && !(await exists(dir));
  if (restore) await rename(newestOld.path, dir);
  for (const l of leftovers) if (!(restore && l === newestOld)) await rm(l.path, { recursive: true, force: true });
  return restore ? `restored the model an interrupted write had left aside in ${basename(newestOld.path)}` : undefined;
}

/**
 * Create folder `path` and any missing above it. Not Node's `mkdir
 * { recursive }`, which loops for ever where a folder cannot be made in an
 * existing parent (anywhere under /proc): each missing folder is made on its
 * own, from the top, and the first that cannot be made fails (io's makeFolders
 * does the same for files: engine may not import io).
 */
export async function ensureFolders(path: string): Promise<void> {
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

/** Refuse to replace anything but a model folder or an empty folder. */
export async function checkReplaceable(dir: string): Promise<void> {
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

/**
 * Change a model folder's musegen.json (e.g. a VAE's attribute vectors in
 * `hyper`), keeping every other file (weights, loss.svg, a checkpoint); the
 * folder is replaced atomically like any model write.
 */
export async function updateModelMeta(dir: string, change: (meta: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
  const text = await readFile(join(dir, META_FILE), 'utf8').catch((e: unknown) => {
    throw new MusegenError('NOT_FOUND', `no ${META_FILE} in the model folder (${errorMessage(e)})`, dir);
  });
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new MusegenError('BAD_MODEL', `${META_FILE} is not JSON: ${errorMessage(e)}`, dir);
  }
  const next = { ...change(meta), savedAt: new Date().toISOString() };
  const entries = (await readdir(dir)).filter((name) => name !== META_FILE);
  await writeModelFolder(dir, new Map([[META_FILE, new TextEncoder().encode(JSON.stringify(next, null, 2) + '\n')]]), {
    extra: async (temp) => {
      for (const name of entries) await cp(join(dir, name), join(temp, name), { recursive: true });
    },
  });
}
