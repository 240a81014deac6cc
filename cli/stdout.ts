/**
 * stdout carries data only (MIDI bytes, JSON, a table), written with checked
 * byte counts: every byte reaches it, or the command fails with one line
 * ("stdout: cannot write (no space left on device); 4,096 of 210,123 bytes
 * written") and exit 1. A short write is never taken for a whole one.
 */
import { writeAllSync } from '../src/index.js';

const STDOUT_FD = 1;

/** Write all of `data` to stdout, or throw a MusegenError saying why not. */
export function writeStdout(data: Uint8Array | string): void {
  writeAllSync(STDOUT_FD, data, 'stdout');
}
