/**
 * An output that knows which notes sound, so none is left hanging: every
 * note-on is counted until its note-off, and `panic()` ends them all with
 * note-offs and then All Notes Off (CC 123) on every channel used — what
 * live output does on Ctrl-C, SIGTERM, SIGHUP, an error, and a DAW's Stop.
 * A note-off for a note not sounding (already ended by a Stop) is dropped,
 * so note-ons and note-offs always pair.
 *
 *   messages ─► GuardedOutput (sounding: channel·note → count) ─► MidiOutput
 *
 * @example
 *   const out = new GuardedOutput(port);
 *   out.send(noteOn(0, 60, 80), at);
 *   out.panic(performance.now());   // noteoff 60, then cc 123 on channel 0
 */
import { allNotesOff, isNoteStart, noteOff, type MidiMessage } from './messages.js';
import type { MidiOutput } from './ports.js';

export class GuardedOutput {
  /** channel·128 + note → how many times it was struck and not yet ended. */
  private readonly sounding = new Map<number, number>();
  private readonly channels = new Set<number>();
  /** Note-ons sent. */
  notesSent = 0;

  constructor(readonly port: MidiOutput) {}

  send(message: MidiMessage, at: number): void {
    if (message.type === 'noteon' || message.type === 'noteoff') {
      const key = message.channel * 128 + message.note;
      const n = this.sounding.get(key) ?? 0;
      if (isNoteStart(message)) {
        this.sounding.set(key, n + 1);
        this.channels.add(message.channel);
        this.notesSent++;
      } else if (n === 0) {
        return;
      } else if (n > 1) {
        this.sounding.set(key, n - 1);
      } else {
        this.sounding.delete(key);
      }
    }
    this.port.send(message, at);
  }

  /** Notes sounding now. */
  get soundingCount(): number {
    let n = 0;
    for (const c of this.sounding.values()) n += c;
    return n;
  }

  /** A note-off for every note sounding, then All Notes Off on every channel used. */
  panic(at: number): void {
    for (const [key, count] of this.sounding) {
      for (let i = 0; i < count; i++) this.port.send(noteOff(Math.floor(key / 128), key % 128), at);
    }
    this.sounding.clear();
    for (const channel of [...this.channels].sort((a, b) => a - b)) this.port.send(allNotesOff(channel), at);
  }
}
