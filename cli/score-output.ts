/**
 * Where a command's music goes: -o FILE (the format from its extension, or
 * --format) written atomically, or MIDI on stdout when stdout is not a
 * terminal. Shared by every command that writes scores.
 */
import { basename, extname } from 'node:path';
import { MusegenError, writeFileAtomic, writerNamed, type Score } from '../src/index.js';
import { writeStdout } from './stdout.js';

/** `-o -`: standard output. */
export const STDOUT = '-';

const FORMAT_OF_EXTENSION: Record<string, string> = { '.mid': 'midi', '.midi': 'midi', '.musicxml': 'musicxml', '.xml': 'musicxml', '.mxl': 'mxl' };

/** The writer's name for -o and --format; refuses an unknown name or extension. */
export function formatFor(output: string | undefined, format: string | undefined): string {
  if (format) return writerNamed(format).name; // refuses unknown names, listing the known
  if (!output || output === STDOUT) return 'midi';
  const ext = extname(output).toLowerCase();
  const name = FORMAT_OF_EXTENSION[ext];
  if (!name) throw new MusegenError('BAD_ARGUMENT', `cannot tell the format from "${ext || basename(output)}": name the file .mid, .musicxml or .mxl, or give --format midi|musicxml|mxl`, output);
  return name;
}

/** The file to write, or undefined for stdout; refuses binary to a terminal and --json without a file (usage errors). */
export function outputFile(opts: { output?: string; json?: boolean }, format: string): string | undefined {
  const output = opts.output === STDOUT ? undefined : opts.output;
  if (!output) {
    if (opts.json) throw new MusegenError('BAD_ARGUMENT', '--json prints what was written on stdout, so the music needs a file: give -o');
    if (process.stdout.isTTY && format !== 'musicxml') throw new MusegenError('BAD_ARGUMENT', `refusing to write ${format === 'midi' ? 'MIDI' : 'a zip archive'} to a terminal; redirect (> out.mid) or use -o`);
  }
  return output;
}

/** Write one score to the file (atomically) or to stdout. */
export async function writeScore(score: Score, output: string | undefined, format: string): Promise<void> {
  const bytes = writerNamed(format).write(score);
  if (output) await writeFileAtomic(output, bytes);
  else writeStdout(bytes);
}
