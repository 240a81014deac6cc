/**
 * The main job on the bundled default, as the README tells a user to run it:
 * `musegen sample --temp 0.8 > out.mid`, with no other argument, from a
 * folder that is not the package's. Debian's midicsv (an independent MIDI
 * parser) reads the result: notes inside the bundled model's range, within
 * the 16 bars asked for by default (the file ends exactly there), in 4/4 at 120 BPM. models/README.md
 * states that the model beats the 3-gram Markov baseline; so does its musegen.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TICKS_PER_QUARTER as Q } from '../src/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'dist', 'cli', 'musegen.js');
const modelDir = join(root, 'models', 'default');
let tmp: string;

interface Note { on: number; off: number; midi: number }

/** Run musegen with stdout redirected to a file, as `> out.mid` does. */
function sampleTo(file: string, args: string[]): { code: number | null; stderr: string } {
  const fd = openSync(file, 'w');
  try {
    const r = spawnSync(process.execPath, [bin, 'sample', ...args], { cwd: tmp, stdio: ['ignore', fd, 'pipe'], timeout: 60_000 });
    return { code: r.status, stderr: r.stderr.toString('utf8') };
  } finally {
    closeSync(fd);
  }
}

/** Notes and header as midicsv reads them (ticks at the file's division). */
function midicsv(file: string): { division: number; notes: Note[]; tempo: number[]; meter: string[]; end: number } {
  const rows = execFileSync('midicsv', [file], { encoding: 'utf8' }).trim().split('\n').map((l) => l.split(', '));
  const division = Number(rows.find((r) => r[2] === 'Header')![5]);
  const open = new Map<number, number>();
  const notes: Note[] = [];
  for (const r of rows) {
    const t = Number(r[1]);
    const isOn = r[2] === 'Note_on_c' && Number(r[5]) > 0;
    const isOff = r[2] === 'Note_off_c' || (r[2] === 'Note_on_c' && Number(r[5]) === 0);
    if (isOn) open.set(Number(r[4]), t);
    if (isOff) {
      const midi = Number(r[4]);
      notes.push({ on: open.get(midi)!, off: t, midi });
      open.delete(midi);
    }
  }
  return {
    division,
    notes: notes.sort((a, b) => a.on - b.on),
    tempo: rows.filter((r) => r[2] === 'Tempo').map((r) => Number(r[3])),
    meter: rows.filter((r) => r[2] === 'Time_signature').map((r) => `${r[3]}/${2 ** Number(r[4])}`),
    end: Math.max(...rows.filter((r) => r[2] === 'End_track').map((r) => Number(r[1]))),
  };
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'musegen-bundled-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

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
    const out = join(tmp, 'out.mid');
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
    const a = join(tmp, 'a.mid');
    const b = join(tmp, 'b.mid');
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
