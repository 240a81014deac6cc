/**
 * The one error type of musegen. Every room may import this leaf module.
 *
 * A MusegenError carries a machine-readable `code` and a message a musician
 * can act on ("bach.mid: not a MIDI file (no MThd header)"). The CLI prints
 * `musegen: <message>` and exits non-zero; it never shows a stack trace for one.
 */
export type ErrorCode =
  | 'NOT_FOUND'
  | 'UNREADABLE'
  | 'UNWRITABLE'
  | 'BAD_FORMAT'
  | 'UNSUPPORTED'
  | 'EMPTY'
  | 'BAD_ARGUMENT'
  | 'BAD_MODEL'
  | 'INCOMPATIBLE_MODEL'
  | 'OUT_OF_RANGE'
  | 'INTERNAL';

export class MusegenError extends Error {
  override readonly name = 'MusegenError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The file the error is about, when there is one. */
    readonly file?: string,
    options?: { cause?: unknown },
  ) {
    super(file !== undefined ? `${file}: ${message}` : message, options);
  }
}

export function isMusegenError(e: unknown): e is MusegenError {
  return e instanceof MusegenError;
}

/** The message of any thrown value, as one line. */
export function errorMessage(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0]!.trim();
}

/**
 * A value from outside (a file, a model's JSON) as an error shows it: JSON,
 * nesting below three levels and lists past eight items shown as …, cut to
 * `max` characters — never serialized whole, for it may nest 100,000 deep or
 * run to megabytes.
 */
export function shownValue(x: unknown, max = 60): string {
  const show = (v: unknown, depth: number): string => {
    if (Array.isArray(v)) return depth >= 3 ? '[…]' : `[${v.slice(0, 8).map((e) => show(e, depth + 1)).join(',')}${v.length > 8 ? ',…' : ''}]`;
    if (typeof v === 'object' && v !== null) {
      if (depth >= 3) return '{…}';
      const entries = Object.entries(v).slice(0, 9);
      return `{${entries.slice(0, 8).map(([k, e]) => `${JSON.stringify(k.slice(0, max))}:${show(e, depth + 1)}`).join(',')}${entries.length > 8 ? ',…' : ''}}`;
    }
    if (typeof v === 'string') return JSON.stringify(v.length > max ? `${v.slice(0, max)}…` : v);
    return JSON.stringify(v) ?? String(v);
  };
  const text = show(x, 0);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** What an operating-system error means, in words. */
const SYSTEM_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EPIPE: 'the program reading the output has stopped',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  EISDIR: 'is a folder',
  ENOTDIR: 'a folder on the path is a file',
  ENOENT: 'no such file or folder',
  EIO: 'input/output error',
};

/** An operating-system error in words ("no space left on device"), without the paths Node puts in its message; else `errorMessage`. */
export function systemErrorReason(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return (typeof code === 'string' ? SYSTEM_ERRORS[code] : undefined) ?? errorMessage(e);
}
