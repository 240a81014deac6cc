/**
 * Reading what a recording MIDI port kept (test/live*.test.ts): notes paired
 * from note-ons and note-offs, their ticks counted from the MIDI clock sent
 * before them, and whether every note-on found its note-off.
 *
 * @example
 *   const { notes, hanging } = notesOf(output.log, 120);   // [{ midi, channel, onset, duration }] in ticks
 */
import type { MidiMessage, Recorded } from '../../src/index.js';

export interface LoggedNote {
  midi: number;
  channel: number;
  /** Ticks from the first clock pulse sent, at the scheduled times (NaN without a clock). */
  onset: number;
  duration: number;
  /** Scheduled times (ms) of the note-on and note-off. */
  on: number;
  off: number;
}

/** The notes of a log (a tempo of `bpm`), in the order their note-ons went out; `hanging` counts note-ons that never ended. */
export function notesOf(log: readonly Recorded[], bpm = NaN): { notes: LoggedNote[]; hanging: number; strayOffs: number } {
  const origin = log.find((r) => r.message.type === 'clock')?.at ?? NaN;
  const tickOf = (at: number): number => Math.round(((at - origin) * bpm * 480) / 60_000);
  const open = new Map<number, LoggedNote[]>();
  const notes: LoggedNote[] = [];
  let strayOffs = 0;
  for (const { at, message: m } of log) {
    if (m.type !== 'noteon' && m.type !== 'noteoff') continue;
    const key = m.channel * 128 + m.note;
    const tick = tickOf(at);
    if (m.type === 'noteon' && m.velocity > 0) {
      const note = { midi: m.note, channel: m.channel, onset: tick, duration: NaN, on: at, off: NaN };
      notes.push(note);
      open.set(key, [...(open.get(key) ?? []), note]);
    } else {
      const note = open.get(key)?.shift();
      if (!note) strayOffs++;
      else {
        note.duration = tick - note.onset;
        note.off = at;
      }
    }
  }
  return { notes, hanging: [...open.values()].reduce((s, l) => s + l.length, 0), strayOffs };
}

export const typesOf = (log: readonly Recorded[]): MidiMessage['type'][] => log.map((r) => r.message.type);
