/**
 * The top line of a part that may hold chords: at each onset its highest
 * note; a higher note starting while another sounds cuts that one short, and
 * a lower one starting under a sounding note is left out. What a melody is
 * when a harmoniser is handed a part with chords in it.
 */
import { midiOf } from './pitch.js';
import type { Note } from './score.js';

/** The top line of notes (any order) and how many notes were left out or cut short. */
export function topLine(notes: readonly Note[]): { notes: Note[]; changed: number } {
  const sorted = [...notes].sort((a, b) => a.onset - b.onset || midiOf(b.pitch) - midiOf(a.pitch));
  const out: Note[] = [];
  let changed = 0;
  for (const n of sorted) {
    const last = out.at(-1);
    if (last && n.onset < last.onset + last.duration) {
      if (n.onset === last.onset || midiOf(n.pitch) <= midiOf(last.pitch)) {
        changed++; // under the sounding note (or a lower note of the same chord)
        continue;
      }
      out[out.length - 1] = { ...last, duration: n.onset - last.onset };
      changed++;
    }
    out.push(n);
  }
  return { notes: out, changed };
}
