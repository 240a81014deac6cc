/**
 * Which MIDI driver live output uses: easymidi, unless MUSEGEN_MIDI_DRIVER
 * names the recording driver (`record:DIR`, for tests: it crosses process
 * boundaries through files in DIR, where a virtual port opened in one
 * process could not).
 *
 * @example
 *   const driver = midiDriver();   // MUSEGEN_MIDI_DRIVER=record:/tmp/midi → recordDriver('/tmp/midi')
 */
import { MusegenError } from '../../errors.js';
import { easymidiDriver } from './easymidi-driver.js';
import type { MidiDriver } from './ports.js';
import { recordDriver } from './record-driver.js';

export const MIDI_DRIVER_VARIABLE = 'MUSEGEN_MIDI_DRIVER';

export function midiDriver(env: Readonly<Record<string, string | undefined>> = process.env): MidiDriver {
  const choice = env[MIDI_DRIVER_VARIABLE] ?? 'easymidi';
  if (choice === 'easymidi') return easymidiDriver();
  if (choice.startsWith('record:') && choice.length > 'record:'.length) return recordDriver(choice.slice('record:'.length));
  throw new MusegenError('BAD_ARGUMENT', `${MIDI_DRIVER_VARIABLE}="${choice}" is not a MIDI driver: easymidi, or record:DIR (for tests)`);
}
