/**
 * A Score as what a synthesiser plays: every note at its time in seconds over
 * the tempo map, per part, with its velocity as a gain. Rendering (Node) and
 * the player page (browser) schedule from the same list.
 *
 *   Score ─ secondsAt(tempo map) ─► Schedule { parts: [{ part, notes: [{ time, duration, midi, gain }] }], seconds }
 */
import { midiOf, secondsAt, type Midi, type Part, type Score, type Seconds } from '../score/index.js';

export interface ScheduledNote {
  time: Seconds;
  duration: Seconds;
  midi: Midi;
  /** Velocity as a gain, 0..1 (velocity / 127). */
  gain: number;
}

export interface ScheduledPart {
  part: Part;
  notes: ScheduledNote[];
}

export interface Schedule {
  parts: ScheduledPart[];
  /** When the music ends (the score's end, at least the last note's): release tails ring on after it. */
  seconds: Seconds;
}

/** The notes of `score` in seconds; parts without notes are left out. */
export function scheduleOf(score: Score): Schedule {
  const parts = score.parts
    .filter((part) => part.notes.length > 0)
    .map((part) => ({
      part,
      notes: part.notes.map((n) => {
        const time = secondsAt(score, n.onset);
        return { time, duration: secondsAt(score, n.onset + n.duration) - time, midi: midiOf(n.pitch), gain: Math.min(1, Math.max(0, n.velocity / 127)) };
      }),
    }));
  return { parts, seconds: secondsAt(score, score.end) };
}

/** How many notes a schedule plays. */
export function scheduledNoteCount(schedule: Schedule): number {
  return schedule.parts.reduce((sum, p) => sum + p.notes.length, 0);
}
