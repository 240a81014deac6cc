/**
 * Loading a corpus: find the music files under the paths given, read each
 * (from the cache when its bytes are unchanged), assign splits, and collect
 * the files that fail with their reasons instead of stopping at them.
 *
 *     paths → findMusicFiles → [read bytes → cache hit? : reader → cache put] → Corpus
 *
 * @example
 *   const corpus = await loadCorpus(['corpus/'], { onProgress: (p) => bar.update(p.done) });
 *   for (const f of corpus.failures) console.error(`${f.file}: ${f.message}`);
 */
import { readFileSync } from 'node:fs';
import { MusegenError, errorMessage } from '../errors.js';
import { readBytes, readerFor, readScoreFile, supportedExtensions, type Split } from '../io/node.js';
import type { Score } from '../score/index.js';
import { ScoreCache, cacheKey, defaultCacheDir, type CacheReport } from './cache.js';
import type { FileContent } from './serialize.js';
import { DEFAULT_SPLIT, checkSplitFractions, splitOf, type SplitFractions } from './split.js';
import { findMusicFiles, type Failure } from './walk.js';

export interface CorpusPiece {
  /** The file it came from, as found under the paths given. */
  file: string;
  /** The file's path inside the folder given ("melody/jigs12.mid"). */
  relPath: string;
  /** Index of the piece within its file (ABC files and benchmark JSON hold several). */
  index: number;
  split: Split;
  score: Score;
}

export interface Corpus {
  /** The paths the corpus was loaded from. */
  paths: string[];
  /** Pieces in file order. */
  pieces: CorpusPiece[];
  /** Music files found (read or failed). */
  files: number;
  /** Files that could not be read, sorted by file. */
  failures: Failure[];
  /** Pieces skipped inside files that gave others, one line each naming the file ("tunes.abc: tune X:12 …"). */
  warnings: string[];
  ignored: { hidden: number; unsupported: number };
  cache: CacheReport;
}

export interface LoadProgress {
  done: number;
  total: number;
  file: string;
}

export interface LoadOptions {
  /** Use the cache of parsed files (default true). */
  cache?: boolean;
  /** Cache folder (default `defaultCacheDir()`). */
  cacheDir?: string;
  /** Files in progress at once, their cache writes overlapping (default 4). */
  concurrency?: number;
  /** Fractions for files whose source gives no split (default 0.8 / 0.1 / 0.1). */
  split?: SplitFractions;
  /** Called after each file, read or failed. */
  onProgress?: (p: LoadProgress) => void;
}

/** The defaults of LoadOptions (an option given as undefined takes its default). */
export const LOAD_DEFAULTS = { cache: true, concurrency: 4, split: DEFAULT_SPLIT } as const;

/** The message of an error without the "file: " prefix a MusegenError puts before it. */
function reasonOf(e: unknown): string {
  const message = errorMessage(e);
  const file = e instanceof MusegenError ? e.file : undefined;
  return file !== undefined && message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message;
}

/**
 * What one file holds: from the cache when its bytes are known, else parsed
 * and cached. Reads are synchronous: music files and cache entries are small,
 * and a synchronous read of one costs a sixth of a thread-pool round trip
 * (measured on the Nottingham corpus); the cache writes are what overlap.
 */
async function readContent(path: string, cache: ScoreCache): Promise<FileContent> {
  let bytes: Uint8Array;
  const warnings: string[] = [];
  try {
    bytes = readFileSync(path);
  } catch {
    // throws the registry's error naming the file and the reason (or reads it, if it has just appeared)
    return { pieces: await readScoreFile(path, { warnings }), warnings };
  }
  const reader = readerFor(path);
  if (!reader) return { pieces: readBytes(bytes, path), warnings }; // throws UNSUPPORTED, listing what is
  const key = cacheKey(bytes, path, reader);
  const cached = cache.get(key, path);
  if (cached) return cached;
  const content = { pieces: readBytes(bytes, path, { warnings }), warnings };
  await cache.put(key, content);
  return content;
}

/** Run `fn` over `items` with at most `limit` calls in flight; results keep the items' order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/**
 * Load every music file under `paths`. Bad files become `failures`; the load
 * throws only when a path given does not exist, when no music file is found
 * (EMPTY), or when not one file could be read (a single file's own error).
 */
export async function loadCorpus(paths: string[], options: LoadOptions = {}): Promise<Corpus> {
  if (paths.length === 0) throw new MusegenError('BAD_ARGUMENT', 'no corpus paths given');
  const fractions = checkSplitFractions(options.split ?? LOAD_DEFAULTS.split);
  const found = await findMusicFiles(paths);
  const where = paths.join(', ');
  if (found.files.length === 0 && found.failures.length === 0) {
    throw new MusegenError('EMPTY', `no music files found (supported: ${supportedExtensions().join(' ')})`, where);
  }

  const cache = new ScoreCache(options.cacheDir ?? defaultCacheDir(), options.cache ?? LOAD_DEFAULTS.cache);
  const failures = [...found.failures];
  const total = found.files.length;
  let done = 0;
  const perFile = await mapLimit(found.files, options.concurrency ?? LOAD_DEFAULTS.concurrency, async (f) => {
    let content: FileContent = { pieces: [], warnings: [] };
    try {
      content = await readContent(f.path, cache);
    } catch (e) {
      failures.push({ file: f.path, message: reasonOf(e), code: e instanceof MusegenError ? e.code : 'INTERNAL' });
    }
    options.onProgress?.({ done: ++done, total, file: f.path });
    return content;
  });

  const pieces = found.files.flatMap((f, i) => {
    const inFile = perFile[i]!.pieces;
    // a file of many pieces (an ABC tune book) is split piece by piece
    const splitKey = (index: number): string => (inFile.length > 1 ? `${f.relPath}#${index}` : f.relPath);
    return inFile.map((p, index) => ({
      file: f.path, relPath: f.relPath, index, split: p.split ?? splitOf(splitKey(index), fractions), score: p.score,
    }));
  });
  failures.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  if (pieces.length === 0 && failures.length > 0) {
    const first = failures[0]!;
    const fileCount = found.files.length + found.failures.length;
    if (fileCount === 1) throw new MusegenError(first.code, first.message, first.file);
    throw new MusegenError('EMPTY', `none of the ${fileCount} music files could be read (first: ${first.file}: ${first.message})`, where);
  }
  const warnings = perFile.flatMap((c) => c.warnings);
  return { paths, pieces, files: total + found.failures.length, failures, warnings, ignored: found.ignored, cache: cache.report };
}
