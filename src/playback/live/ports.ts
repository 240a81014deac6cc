/**
 * The port interface live output runs behind: a driver lists and opens MIDI
 * ports by name; an output takes messages, an input hands them over as they
 * come. easymidi is the driver where a MIDI system exists; a recording
 * driver (record-driver.ts) stands in where none does, for tests.
 *
 *   driver.outputs() ─► names      driver.openOutput(name | virtual) ─► MidiOutput.send(message, at)
 *   driver.inputs()  ─► names      driver.openInput(name | virtual)  ─► MidiInput.listen(message ⇒ …)
 *
 * `at` is when the message was due (performance.now() ms): a port that sends
 * at once (easymidi) ignores it; a recording port keeps it beside the time
 * it really went out, which is how lateness is measured.
 *
 * @example
 *   const driver = await midiDriver();
 *   const out = openOutput(driver, { port: 'IAC Driver Bus 1' });   // unknown name: an error listing the ports
 *   out.send(noteOn(0, 60, 80), performance.now());
 */
import { MusegenError } from '../../errors.js';
import type { MidiMessage } from './messages.js';

export interface MidiOutput {
  readonly name: string;
  send(message: MidiMessage, at: number): void;
  close(): void;
}

export interface MidiInput {
  readonly name: string;
  /**
   * Every message from now on goes to `handle`, with the time it was played
   * (performance.now() ms) when the driver knows it; without one, the time it
   * arrived stands in.
   */
  listen(handle: (message: MidiMessage, playedAt?: number) => void): void;
  close(): void;
}

export interface MidiDriver {
  /** What the driver is, for messages ("easymidi (ALSA)", "recording to /tmp/x"). */
  readonly name: string;
  outputs(): string[];
  inputs(): string[];
  /** Open a port that exists, or (virtual) make one others can connect to. */
  openOutput(name: string, virtual: boolean): MidiOutput;
  openInput(name: string, virtual: boolean): MidiInput;
}

/** Which port to use: one that exists (`port`), or a virtual one made under that name. */
export interface PortChoice {
  port?: string;
  virtual?: string;
}

const listed = (names: string[]): string => (names.length > 0 ? names.map((n) => `"${n}"`).join(', ') : 'none');

function pick(kind: 'output' | 'input', names: string[], choice: PortChoice): { name: string; virtual: boolean } {
  if (choice.virtual !== undefined) return { name: choice.virtual, virtual: true };
  const name = choice.port ?? names[0];
  if (name === undefined) throw new MusegenError('NOT_FOUND', `no MIDI ${kind} port exists; make one with --virtual NAME (or start your DAW's or OS's virtual MIDI bus)`);
  if (!names.includes(name)) throw new MusegenError('NOT_FOUND', `no MIDI ${kind} port named "${name}"; the ${kind}s are: ${listed(names)}`);
  return { name, virtual: false };
}

/** Open the output port chosen (default: the first there is). */
export function openOutput(driver: MidiDriver, choice: PortChoice): MidiOutput {
  const { name, virtual } = pick('output', driver.outputs(), choice);
  return driver.openOutput(name, virtual);
}

/** Open the input port named. */
export function openInput(driver: MidiDriver, name: string): MidiInput {
  const picked = pick('input', driver.inputs(), { port: name });
  return driver.openInput(picked.name, picked.virtual);
}
