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
