/**
 * A pure-JS MIDI driver that records: what tests and the benchmark run live
 * output through where no MIDI system exists. Every message sent is kept with
 * the time it was due (`at`) and the time it went out (`t`), both in ms from
 * the port's opening; a file named for the port gets one JSON line per
 * message, written at once, so a process stopped by a signal leaves its log
 * whole. Inputs play back a file of timed messages.
 *
 *   MUSEGEN_MIDI_DRIVER=record:DIR      (tests only; see README, `musegen live`)
 *     outputs: "musegen recorder", or any --virtual NAME  ─► DIR/<name>.jsonl   {"at":…,"t":…,"message":{…}}
 *     inputs:  DIR/<name>.in.jsonl  {"t": ms after listening starts, "message": {…}} ─► played back
 *
 * @example
 *   const out = recordingOutput('test');            // in memory
 *   out.send(noteOn(0, 60, 80), performance.now());
 *   out.log;                                        // [{ at, t, message }]
 */
import { closeSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { MidiMessage } from './messages.js';
import type { MidiDriver, MidiInput, MidiOutput } from './ports.js';

/** A message as recorded: due at `at`, sent at `t` (ms from the port's opening). */
export interface Recorded {
  at: number;
  t: number;
  message: MidiMessage;
}

/** A message to play into an input, `t` ms after it starts listening. */
export interface TimedMessage {
  t: number;
  message: MidiMessage;
}

export interface RecordingOutput extends MidiOutput {
  readonly log: Recorded[];
}

/** The output port the recording driver always has. */
export const RECORDER_PORT = 'musegen recorder';

/** An output that keeps every message (and, given a file, appends it there as a JSON line). */
export function recordingOutput(name: string, file?: string): RecordingOutput {
  const origin = performance.now();
  const fd = file === undefined ? null : openSync(file, 'w');
  const log: Recorded[] = [];
  return {
    name,
    log,
    send(message, at) {
      const entry = { at: at - origin, t: performance.now() - origin, message };
      log.push(entry);
      if (fd !== null) writeSync(fd, `${JSON.stringify(entry)}\n`);
    },
    close() {
      if (fd !== null) closeSync(fd);
    },
  };
}

/** An input that plays `messages` at their times once listened to. */
export function playbackInput(name: string, messages: readonly TimedMessage[]): MidiInput {
  const timers: NodeJS.Timeout[] = [];
  return {
    name,
    listen(handle) {
      const origin = performance.now();
      for (const { t, message } of messages) timers.push(setTimeout(() => handle(message, origin + t), Math.max(0, origin + t - performance.now())));
    },
    close: () => timers.forEach(clearTimeout),
  };
}

const IN_SUFFIX = '.in.jsonl';

/** The recording driver over a folder (see the top of this file). */
export function recordDriver(dir: string): MidiDriver {
  return {
    name: `recording to ${dir}`,
    outputs: () => [RECORDER_PORT],
    inputs: () => readdirSync(dir).filter((f) => f.endsWith(IN_SUFFIX)).map((f) => f.slice(0, -IN_SUFFIX.length)).sort(),
    openOutput: (name) => recordingOutput(name, join(dir, `${name}.jsonl`)),
    openInput(name, virtual) {
      const lines = virtual ? [] : readFileSync(join(dir, `${name}${IN_SUFFIX}`), 'utf8').split('\n').filter((l) => l.trim() !== '');
      return playbackInput(name, lines.map((l) => JSON.parse(l) as TimedMessage));
    },
  };
}
