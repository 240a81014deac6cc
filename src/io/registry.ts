/**
 * Formats by file extension: which reader turns a file's bytes into Scores
 * and which writer turns a Score into bytes. Each format file registers here.
 * Bytes in, bytes out: reading files from disk is files.ts's (Node only).
 */
import { MusegenError, errorMessage } from '../errors.js';
import { scoreLimitProblem, type Score } from '../score/index.js';
import { extensionOf, fileNameOf } from './file-name.js';

/** The split a benchmark file assigns a piece to. */
export type Split = 'train' | 'valid' | 'test';

/** One piece read from a file; a file may hold several (ABC tunes, benchmark JSON). */
export interface ReadPiece {
  score: Score;
  /** The split the source assigns, when it assigns one (benchmark JSON). */
  split?: Split;
}

/** Options every reader accepts. */
export interface ReadOptions {
  /**
   * Collects one line per piece skipped inside a file that still gave others
   * ('tunes.abc: tune X:12 "Name": no K: line'). A file where nothing parses throws instead.
   */
  warnings?: string[];
}

export interface FormatReader {
  /** Short name: "midi", "musicxml", "kern", "abc", "jsb-json". */
  name: string;
  /** Lower-case extensions with the dot: [".mid", ".midi"]. */
  extensions: string[];
  /** Bump when the Scores this reader returns change: the corpus cache keys on it. */
  version: number;
  /** Parse bytes; throw MusegenError('BAD_FORMAT', reason) without the file name (the caller adds it). */
  read(bytes: Uint8Array, fileName: string, options?: ReadOptions): ReadPiece[];
}

export interface FormatWriter {
  name: string;
  extension: string;
  write(score: Score): Uint8Array;
}

const readers: FormatReader[] = [];
const writers: FormatWriter[] = [];

export function registerReader(r: FormatReader): void {
  readers.push(r);
}
export function registerWriter(w: FormatWriter): void {
  writers.push(w);
}

export function supportedExtensions(): string[] {
  return readers.flatMap((r) => r.extensions);
}

export function readerFor(path: string): FormatReader | undefined {
  const ext = extensionOf(path).toLowerCase();
  return readers.find((r) => r.extensions.includes(ext));
}

export function writerNamed(name: string): FormatWriter {
  const w = writers.find((x) => x.name === name);
  if (!w) throw new MusegenError('BAD_ARGUMENT', `unknown output format "${name}" (known: ${writers.map((x) => x.name).join(', ')})`);
  return w;
}

/**
 * Parse bytes already in memory with the reader for `path`'s extension; errors
 * name the file. Every piece is checked against the score limits
 * (score/limits.ts): a piece past them is listed in `options.warnings` when the
 * file gives others, and the file is refused with its reason when it gives
 * none. A file that holds no piece at all is refused too (EMPTY).
 */
export function readBytes(bytes: Uint8Array, path: string, options: ReadOptions = {}): ReadPiece[] {
  const reader = readerFor(path);
  const name = fileNameOf(path);
  if (!reader) {
    throw new MusegenError('UNSUPPORTED', `unsupported file type "${extensionOf(path) || '(none)'}" (supported: ${supportedExtensions().join(' ')})`, name);
  }
  let pieces: ReadPiece[];
  try {
    pieces = reader.read(bytes, name, options);
  } catch (e) {
    if (e instanceof MusegenError) throw e.file ? e : new MusegenError(e.code, e.message, name, { cause: e });
    throw new MusegenError('BAD_FORMAT', `not a valid ${reader.name} file (${errorMessage(e)})`, name, { cause: e });
  }
  if (pieces.length === 0) throw new MusegenError('EMPTY', 'holds no piece of music', name);
  const problems = pieces.map((p) => scoreLimitProblem(p.score));
  const kept = pieces.filter((_, i) => problems[i] === undefined);
  const first = problems.find((p) => p !== undefined);
  if (first === undefined) return pieces;
  if (kept.length === 0) throw new MusegenError('OUT_OF_RANGE', first, name);
  problems.forEach((p, i) => {
    if (p !== undefined) options.warnings?.push(`${name}: piece ${i + 1}${pieces[i]!.score.title ? ` "${pieces[i]!.score.title}"` : ''}: ${p}`);
  });
  return kept;
}
