/**
 * Exit codes, and the one place errors become a line on stderr.
 *
 *   0  done               1  an expected failure (bad file, missing path, disk full)
 *   2  usage (unknown command or option, bad option value)
 *   70 a bug in musegen (EX_SOFTWARE)
 *   129 / 130 / 143 stopped by SIGHUP / Ctrl-C (SIGINT) / SIGTERM, after saving what it could (128 + the signal's number)
 *
 * Every error is ONE line, `musegen: <message>`; the stack follows only with MUSEGEN_DEBUG=1.
 */
import { CommanderError } from 'commander';
import { errorMessage, isMusegenError } from '../src/index.js';

export const EXIT = { OK: 0, FAILURE: 1, USAGE: 2, INTERNAL: 70, HANGUP: 129, INTERRUPTED: 130, TERMINATED: 143 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The signals a long command stops on as it does on Ctrl-C, with the exit code each calls for. */
export const STOP_SIGNALS = { SIGINT: EXIT.INTERRUPTED, SIGTERM: EXIT.TERMINATED, SIGHUP: EXIT.HANGUP } as const;
export type StopSignal = keyof typeof STOP_SIGNALS;

/** A command stopped by a signal (Ctrl-C, SIGTERM, SIGHUP); its message says what was saved and how to go on. */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
  constructor(message: string, readonly signal: StopSignal = 'SIGINT') {
    super(message);
  }
}

interface ErrorSink {
  write(s: string): unknown;
}

/** The longest error line printed: a message echoing a file's contents is cut there. */
const MAX_LINE = 400;

/** A message as one printable line: control characters shown as \xNN, cut at MAX_LINE characters. */
export function printable(line: string): string {
  const shown = line.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return shown.length > MAX_LINE ? `${shown.slice(0, MAX_LINE - 1)}…` : shown;
}

/** An operating-system error (disk full, permission denied): expected, not a bug. */
function isSystemError(e: unknown): boolean {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).syscall === 'string';
}

/** Print `e` the musegen way and return the exit code it calls for. */
export function reportError(e: unknown, stderr: ErrorSink = process.stderr, env: NodeJS.ProcessEnv = process.env): ExitCode {
  const debug = Boolean(env.MUSEGEN_DEBUG) && env.MUSEGEN_DEBUG !== '0';
  const say = (line: string): void => {
    stderr.write(`musegen: ${printable(line)}\n`);
    if (debug && e instanceof Error && e.stack) stderr.write(`${e.stack}\n`);
  };
  if (e instanceof CommanderError) {
    if (e.exitCode === 0) return EXIT.OK; // --help, --version: already printed
    // help shown because a command was left out: commander printed it on stderr
    if (e.code !== 'commander.help') say(e.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').trim());
    return EXIT.USAGE;
  }
  if (e instanceof Interrupted) {
    say(e.message);
    return STOP_SIGNALS[e.signal];
  }
  if (isMusegenError(e) || isSystemError(e)) {
    say(errorMessage(e));
    return EXIT.FAILURE;
  }
  say(`internal error: ${errorMessage(e)}${debug ? '' : ' (run with MUSEGEN_DEBUG=1 for details)'}`);
  return EXIT.INTERNAL;
}
