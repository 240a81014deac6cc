/**
 * The corpus cache: what was parsed from a file, stored under a hash of
 * the file's bytes, its name and the reader (name and version) that parsed
 * it, so a second load of an unchanged corpus skips parsing. One small file
 * per source file, written atomically. An entry is checked as a fresh parse
 * is (serialize.ts): one that cannot be read back, or holds what no reader
 * gives, is parsed again from its source and written anew, with a note in
 * the report.
 *
 *     <dir>/v<PACK_VERSION>/<2 hex>/<sha256>.json
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { errorMessage, systemErrorReason } from '../errors.js';
import { writeFileAtomic, type FormatReader } from '../io/node.js';
import { PACK_VERSION, packFile, unpackFile, type FileContent } from './serialize.js';

/**
 * Where the cache lives: MUSEGEN_CACHE_DIR, else $XDG_CACHE_HOME/musegen,
 * else ~/.cache/musegen.
 */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env.MUSEGEN_CACHE_DIR) return env.MUSEGEN_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'musegen');
}

/** The cache key of a file's bytes as read by `reader`. */
export function cacheKey(bytes: Uint8Array, path: string, reader: FormatReader): string {
  return createHash('sha256')
    .update(`${reader.name}@${reader.version}\0${basename(path)}\0`)
    .update(bytes)
    .digest('hex');
}

export interface CacheReport {
  /** False with --no-cache. */
  enabled: boolean;
  dir: string;
  hits: number;
  misses: number;
  /** Why writing stopped, when it did (read-only disk, disk full); reading goes on. */
  error?: string;
  /** One line per entry found bad and parsed again ("x.krn: cache entry … bad meters; read again"). */
  notes: string[];
}

export class ScoreCache {
  readonly report: CacheReport;
  private writable = true;

  constructor(dir: string, enabled = true) {
    this.report = { enabled, dir, hits: 0, misses: 0, notes: [] };
  }

  private pathOf(key: string): string {
    return join(this.report.dir, `v${PACK_VERSION}`, key.slice(0, 2), `${key}.json`);
  }

  /** The cached content of `file`, or undefined when absent or bad (a bad entry is noted in the report). */
  get(key: string, file: string): FileContent | undefined {
    if (!this.report.enabled) return undefined;
    const path = this.pathOf(key);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      this.report.misses++;
      return undefined;
    }
    try {
      const content = unpackFile(text);
      this.report.hits++;
      return content;
    } catch (e) {
      this.report.misses++;
      this.report.notes.push(`${file}: cache entry ${path} is bad (${errorMessage(e).slice(0, 200)}); read the file again`);
      return undefined;
    }
  }

  /** Store a file's content; a failed write stops further writes instead of failing the load. */
  async put(key: string, content: FileContent): Promise<void> {
    if (!this.report.enabled || !this.writable) return;
    try {
      await writeFileAtomic(this.pathOf(key), packFile(content));
    } catch (e) {
      this.writable = false;
      this.report.error = `cannot write the cache in ${this.report.dir} (${systemErrorReason((e as { cause?: unknown }).cause ?? e)})`;
    }
  }
}
