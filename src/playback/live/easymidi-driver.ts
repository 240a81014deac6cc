/**
 * MIDI ports through easymidi (RtMidi: ALSA on Linux, CoreMIDI on macOS,
 * WinMM on Windows). A machine without a MIDI system gets one line saying
 * so and what to install, before RtMidi is touched (it prints to stderr
 * from C and then throws a bare "Failed to initialise RtMidi").
 *
 *   messages.ts message ─ output.send(type, fields) ─► RtMidi ─► the port
 *
 * @example
 *   const driver = easymidiDriver();            // throws MusegenError('UNSUPPORTED') without a MIDI system
 *   driver.outputs();                           // ['Midi Through Port-0', …]
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { MusegenError } from '../../errors.js';
import type { MidiMessage } from './messages.js';
import type { MidiDriver, MidiInput, MidiOutput } from './ports.js';

interface EasyMidiOutput {
  send(type: string, fields: object): void;
  close(): void;
}
interface EasyMidiInput {
  on(event: 'message', handle: (m: MidiMessage & { _type: string }) => void): void;
  close(): void;
}
interface EasyMidi {
  getOutputs(): string[];
  getInputs(): string[];
  Output: new (name: string, virtual?: boolean) => EasyMidiOutput;
  Input: new (name: string, virtual?: boolean) => EasyMidiInput;
}

const NO_SYSTEM =
  'no MIDI system: this machine has no ALSA sequencer (/dev/snd/seq); install ALSA and load it (apt install alsa-utils; modprobe snd-seq), or run musegen where a MIDI system exists (macOS, Windows, a Linux desktop)';

/** Runs `open`, turning RtMidi's bare failures into musegen's lines. */
function rtmidi<T>(what: string, open: () => T): T {
  try {
    return open();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/initiali[sz]e RtMidi/i.test(msg)) throw new MusegenError('UNSUPPORTED', NO_SYSTEM, undefined, { cause: e });
    throw new MusegenError('UNSUPPORTED', `${what}: ${msg}`, undefined, { cause: e });
  }
}

/** The easymidi driver. Throws MusegenError('UNSUPPORTED') where there is no MIDI system. */
export function easymidiDriver(): MidiDriver {
  if (process.platform === 'linux' && !existsSync('/dev/snd/seq')) throw new MusegenError('UNSUPPORTED', NO_SYSTEM);
  const easymidi = rtmidi('loading easymidi', () => createRequire(import.meta.url)('easymidi') as EasyMidi);
  return {
    name: `easymidi (${process.platform === 'linux' ? 'ALSA' : process.platform === 'darwin' ? 'CoreMIDI' : 'WinMM'})`,
    outputs: () => rtmidi('listing MIDI outputs', () => easymidi.getOutputs()),
    inputs: () => rtmidi('listing MIDI inputs', () => easymidi.getInputs()),
    openOutput(name, virtual): MidiOutput {
      const port = rtmidi(`opening MIDI output "${name}"`, () => new easymidi.Output(name, virtual));
      return { name, send: (m) => port.send(m.type, m), close: () => port.close() };
    },
    openInput(name, virtual): MidiInput {
      const port = rtmidi(`opening MIDI input "${name}"`, () => new easymidi.Input(name, virtual));
      return {
        name,
        listen: (handle) => port.on('message', (m) => handle({ ...m, type: m._type } as MidiMessage)),
        close: () => port.close(),
      };
    },
  };
}
