/**
 * The main job on the bundled default, as the README tells a user to run it:
 * `musegen sample --temp 0.8 > out.mid`, with no other argument, from a
 * folder that is not the package's. Debian's midicsv (an independent MIDI
 * parser) reads the result: notes inside the bundled model's range, within
 * the 16 bars asked for by default (the file ends exactly there), in 4/4 at 120 BPM. models/README.md
 * states that the model beats the 3-gram Markov baseline; so does its musegen.json.
 */
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TICKS_PER_QUARTER as Q } from '../src/index.js';
import { musegen } from './helpers/cli.js';
import { midicsvSummary as midicsv } from './helpers/midicsv.js';
import { BUNDLED_MODEL as modelDir } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('bundled');

/** Run musegen with stdout redirected to a file, as `> out.mid` does, from a folder that is not the package's. */
function sampleTo(file: string, args: string[]): { code: number | null; stderr: string } {
  const fd = openSync(file, 'w');
  try {
    return musegen(['sample', ...args], { cwd: tmp.path, stdoutFd: fd, timeout: 60_000 });
  } finally {
    closeSync(fd);
  }
}

describe('the bundled model', () => {
  it('is shipped with its metadata, and beats the 3-gram Markov baseline', async () => {
    const meta = JSON.parse(await readFile(join(modelDir, 'musegen.json'), 'utf8'));
    expect(meta.kind).toBe('lstm');
    const m = meta.metrics;
    expect(m.validNll).toBeGreaterThan(0);
    expect(m.validNll).toBeLessThan(m.markov3ValidNll);
  });

  it('samples a new tune with no argument but the temperature: MIDI that midicsv reads, in range and length', async () => {
    const meta = JSON.parse(await readFile(join(modelDir, 'musegen.json'), 'utf8'));
    const { lowest, highest } = meta.encoder;
    const out = tmp.join('out.mid');
    const r = sampleTo(out, ['--temp', '0.8']);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.code).toBe(0);
    const midi = midicsv(out);
    expect(midi.meter).toEqual(['4/4']);
    expect(midi.tempo).toEqual([500_000]);
    expect(midi.notes.length).toBeGreaterThanOrEqual(8);
    const bar = 4 * midi.division;
    for (const n of midi.notes) {
      expect(n.midi).toBeGreaterThanOrEqual(lowest);
      expect(n.midi).toBeLessThanOrEqual(highest);
      expect(n.off).toBeGreaterThan(n.on);
      expect(n.off).toBeLessThanOrEqual(16 * bar);
    }
    expect(midi.end).toBe(16 * bar);
  });

  it('fills the bars asked for, and the same seed gives the same tune', async () => {
    const a = tmp.join('a.mid');
    const b = tmp.join('b.mid');
    expect(sampleTo(a, ['--temp', '0.8', '--bars', '8', '--seed', '11']).code).toBe(0);
    expect(sampleTo(b, ['--temp', '0.8', '--bars', '8', '--seed', '11']).code).toBe(0);
    expect(await readFile(a)).toEqual(await readFile(b));
    const { notes, division, end } = midicsv(a);
    expect(division).toBe(Q);
    expect(end).toBe(8 * 4 * division);
    const last = Math.max(...notes.map((n) => n.off));
    expect(last).toBeLessThanOrEqual(end);
    expect(last).toBeGreaterThan(7 * 4 * division);
  });
});
