/**
 * MIDI format: registers the Standard MIDI File reader (.mid, .midi) and
 * writer ("midi") with the io registry, and exports both directions.
 *
 *   .mid bytes ─▶ readMidi ─▶ Score ─▶ writeMidi ─▶ .mid bytes (format 1, 480 PPQ)
 */
import { registerReader, registerWriter, type FormatReader, type FormatWriter } from './registry.js';
import { readMidi } from './midi-read.js';
import { writeMidi } from './midi-write.js';

export { readMidi, DRUM_CHANNEL } from './midi-read.js';
export { writeMidi, assignChannels } from './midi-write.js';

export const midiReader: FormatReader = {
  name: 'midi',
  version: 4,
  extensions: ['.mid', '.midi'],
  read: (bytes) => [{ score: readMidi(bytes) }],
};

export const midiWriter: FormatWriter = { name: 'midi', extension: '.mid', write: writeMidi };

registerReader(midiReader);
registerWriter(midiWriter);
