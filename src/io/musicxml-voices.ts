/**
 * Voices for the MusicXML writer. A written voice is a line of chords, one
 * after another; a chord is notes with the same onset and duration. Each
 * Note.voice (1 when unset) becomes one written voice with its number, and
 * notes that voice cannot hold (overlaps, chords of mixed lengths) go to
 * extra voices numbered from the lowest number not in use.
 */
import { midiOf, type Note, type Ticks } from '../score/index.js';

export interface Chord {
  onset: Ticks;
  duration: Ticks;
  /** Low to high. */
  notes: Note[];
}

export interface Lane {
  /** MusicXML voice number. */
  voice: number;
  /** In time order, never overlapping. */
  chords: Chord[];
}

/** The written voices of a part's notes, by voice number. Notes of no duration are left out. */
export function assignVoices(notes: readonly Note[]): Lane[] {
  const byVoice = new Map<number, Note[]>();
  for (const n of notes) {
    if (n.duration <= 0) continue;
    const v = n.voice ?? 1;
    if (!byVoice.has(v)) byVoice.set(v, []);
    byVoice.get(v)!.push(n);
  }
  const used = new Set(byVoice.keys());
  let free = 1;
  const freeVoice = (): number => {
    while (used.has(free)) free++;
    used.add(free);
    return free;
  };

  const lanes: Lane[] = [];
  for (const [voice, voiceNotes] of [...byVoice].sort((a, b) => a[0] - b[0])) {
    const own: (Lane & { end: Ticks })[] = [];
    voiceNotes.sort((a, b) => a.onset - b.onset || midiOf(a.pitch) - midiOf(b.pitch));
    for (const n of voiceNotes) {
      const joins = own.find((l) => {
        const last = l.chords[l.chords.length - 1]!;
        return last.onset === n.onset && last.duration === n.duration;
      });
      if (joins) {
        joins.chords[joins.chords.length - 1]!.notes.push(n);
        continue;
      }
      let lane = own.find((l) => l.end <= n.onset);
      if (!lane) {
        lane = { voice: own.length === 0 ? voice : freeVoice(), chords: [], end: 0 };
        own.push(lane);
        lanes.push(lane);
      }
      lane.chords.push({ onset: n.onset, duration: n.duration, notes: [n] });
      lane.end = n.onset + n.duration;
    }
  }
  return lanes
    .map(({ voice, chords }) => ({ voice, chords }))
    .sort((a, b) => a.voice - b.voice);
}
