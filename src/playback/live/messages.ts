/**
 * The MIDI messages live output sends and reads, shaped as easymidi names
 * them (a type and its fields), so the easymidi driver passes them through
 * and a recording port writes them as they are:
 *
 *   notes      { type: 'noteon' | 'noteoff', channel 0–15, note 0–127, velocity 0–127 }
 *   controls   { type: 'cc', channel, controller, value }           (123: All Notes Off)
 *   clock      { type: 'clock' | 'start' | 'continue' | 'stop' }      (24 clocks a quarter)
 *              { type: 'position', value }                           (song position, in sixteenths)
 *
 * @example
 *   port.send(noteOn(0, 60, 80));
 *   port.send(allNotesOff(0));
 */

export type NoteMessage = { type: 'noteon' | 'noteoff'; channel: number; note: number; velocity: number };
export type ControlMessage = { type: 'cc'; channel: number; controller: number; value: number };
export type ClockMessage = { type: 'clock' | 'start' | 'continue' | 'stop' };
export type PositionMessage = { type: 'position'; value: number };
export type MidiMessage = NoteMessage | ControlMessage | ClockMessage | PositionMessage;

/** MIDI clock: pulses per quarter note. */
export const CLOCKS_PER_QUARTER = 24;
/** Controller 123: every note on the channel off. */
export const ALL_NOTES_OFF = 123;

export const noteOn = (channel: number, note: number, velocity: number): NoteMessage => ({ type: 'noteon', channel, note, velocity });
export const noteOff = (channel: number, note: number): NoteMessage => ({ type: 'noteoff', channel, note, velocity: 0 });
export const allNotesOff = (channel: number): ControlMessage => ({ type: 'cc', channel, controller: ALL_NOTES_OFF, value: 0 });

/** A note-on with velocity 0 is a note-off (running status, as keyboards send it). */
export function isNoteStart(m: NoteMessage): boolean {
  return m.type === 'noteon' && m.velocity > 0;
}
