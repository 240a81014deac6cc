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
