/**
 * `musegen live` as a user runs it, through the recording driver
 * (MUSEGEN_MIDI_DRIVER=record:DIR, files that cross the process boundary):
 * SIGINT and SIGTERM in the middle leave no note hanging, and bad input
 * gets one clear line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Recorded } from '../src/index.js';
import { expectOneLine, musegen, startMusegen } from './helpers/cli.js';
import { notesOf } from './helpers/live-log.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('live-cli');
const withRecorder = <T>(run: () => T): T => {
  process.env.MUSEGEN_MIDI_DRIVER = `record:${tmp.path}`;
  try {
    return run();
  } finally {
    delete process.env.MUSEGEN_MIDI_DRIVER;
  }
};
const readLog = (): Recorded[] => readFileSync(tmp.join('musegen recorder.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Recorded);

describe('musegen live, the real process', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} in the middle: a note-off for every note-on, then All Notes Off`, async () => {
      const run = withRecorder(() => startMusegen(['live', '--forever', '--bpm', '300', '--seed', '4', '--channel', '3', '--clock', 'out'], { cwd: tmp.path }, /playing to/));
      await run.seen;
      await new Promise((r) => setTimeout(r, 1500));
      run.child.kill(signal);
      const { code, stderr } = await run.done;
      expect(code, stderr).toBe(130);
      expect(stderr).toMatch(new RegExp(`stopped by ${signal} after \\d+ notes: every note ended, All Notes Off sent`));
      const log = readLog();
      const { notes, hanging, strayOffs } = notesOf(log);
      expect(notes.length).toBeGreaterThan(0);
      expect({ hanging, strayOffs }).toEqual({ hanging: 0, strayOffs: 0 });
      expect(log.at(-1)!.message).toEqual({ type: 'cc', channel: 2, controller: 123, value: 0 });
    });
  }

  it('bad input: an unknown port lists those there are; options that do not go together are usage errors; --list-ports', () => {
    withRecorder(() => {
      expectOneLine(musegen(['live', '--port', 'Nope', '--bars', '1'], { cwd: tmp.path }), 1, 'no MIDI output port named "Nope"; the outputs are: "musegen recorder"');
      expectOneLine(musegen(['live', '--clock', 'in'], { cwd: tmp.path }), 2, /--port-in/);
      expectOneLine(musegen(['live', '--port', 'a', '--virtual', 'b'], { cwd: tmp.path }), 2, /--port .* --virtual/);
      expectOneLine(musegen(['live', '--channel', '17'], { cwd: tmp.path }), 2, /channel is 1 to 16/);
      const listed = musegen(['live', '--list-ports'], { cwd: tmp.path });
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.text).toBe('outputs:\n  musegen recorder\ninputs:\n  (none)\n');
    });
  });

  it.runIf(process.platform === 'linux' && !existsSync('/dev/snd/seq'))('no MIDI system: one line saying so and what to install', () => {
    expectOneLine(musegen(['live', '--bars', '1'], { cwd: tmp.path }), 1, /no MIDI system: .*ALSA sequencer.*apt install/);
  });
});
