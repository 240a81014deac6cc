/**
 * Reading MIDI with Debian's midicsv, a parser independent of musegen's, so
 * a test of what musegen writes does not trust musegen's own reader.
 *
 * Where midicsv is not installed, the tests that use it are skipped —
 * `it.skipIf(!hasMidicsv)(…)` — and the console says so once per file.
 *
 * @example
 *   const { division, notes, meter } = midicsvSummary('out.mid');
 *   it.skipIf(!hasMidicsv)('writes MIDI that midicsv reads', () => { … });
 */
import { execFileSync, spawnSync } from 'node:child_process';

/** Whether midicsv can be run (Debian's package midicsv). */
export const hasMidicsv = spawnSync('midicsv', ['-u']).error === undefined;
if (!hasMidicsv) console.warn('midicsv is not installed (apt-get install midicsv): the tests that read MIDI with it are skipped');

/** A note as midicsv sees it, in ticks of the file's division. */
export interface CsvNote { on: number; off: number; midi: number }

/** midicsv's rows of a file (or of bytes): [track, time, type, ...fields]. */
export function midicsvRows(input: string | Uint8Array): string[][] {
  const text = typeof input === 'string'
    ? execFileSync('midicsv', [input], { encoding: 'utf8' })
    : execFileSync('midicsv', ['-'], { input, encoding: 'utf8' });
  return text.trim().split('\n').map((l) => l.split(', '));
}

/** The notes of the rows, note-on velocity 0 read as a note-off, in onset order. */
export function csvNotes(rows: string[][]): CsvNote[] {
  const open = new Map<number, number>();
  const out: CsvNote[] = [];
  for (const r of rows) {
    const [time, type, key, velocity] = [Number(r[1]), r[2], Number(r[4]), Number(r[5])];
    if (type === 'Note_on_c' && velocity > 0) open.set(key, time);
    else if (type === 'Note_off_c' || (type === 'Note_on_c' && velocity === 0)) {
      out.push({ on: open.get(key)!, off: time, midi: key });
      open.delete(key);
    }
  }
  return out.sort((a, b) => a.on - b.on);
}

/** Division, notes, tempos (µs per quarter), meters ("3/4") and the last End_track time of a file. */
export function midicsvSummary(input: string | Uint8Array): { division: number; notes: CsvNote[]; tempo: number[]; meter: string[]; end: number } {
  const rows = midicsvRows(input);
  return {
    division: Number(rows.find((r) => r[2] === 'Header')![5]),
    notes: csvNotes(rows),
    tempo: rows.filter((r) => r[2] === 'Tempo').map((r) => Number(r[3])),
    meter: rows.filter((r) => r[2] === 'Time_signature').map((r) => `${r[3]}/${2 ** Number(r[4])}`),
    end: Math.max(...rows.filter((r) => r[2] === 'End_track').map((r) => Number(r[1]))),
  };
}
