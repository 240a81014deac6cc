/**
 * MIDI format 2 (independent sequences) on a small file of three sequences,
 * test/fixtures/notation/midi-format2.mid (96 ticks a quarter): "Verse" at
 * 100 BPM in 3/4, three quarters; "Chorus" with no tempo or meter of its own,
 * a half note and a drum, four quarters long; a third at 90 BPM, a whole note
 * and a quarter of silence. Read as consecutive sections, one after the other.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { midiOf, pitchName, readMidi, readScoreFile, TICKS_PER_QUARTER as Q } from '../src/index.js';
import { ROOT } from './helpers/paths.js';

const FILE = join(ROOT, 'test', 'fixtures', 'notation', 'midi-format2.mid');

describe('MIDI format 2', () => {
  it('plays each sequence after the one before: notes, tempo and meter maps, end', () => {
    const s = readMidi(readFileSync(FILE));
    const chorus = 3 * Q; // the verse's End of Track
    const third = chorus + 4 * Q;
    expect(s.parts.map((p) => [p.name, p.channel, p.isDrum])).toEqual([['Verse', 0, false], ['Chorus', 9, true]]);
    expect(s.parts[0]!.notes.map((n) => `${pitchName(n.pitch)}@${n.onset}+${n.duration}`)).toEqual([
      `C4@0+${Q}`, `E4@${Q}+${Q}`, `G4@${2 * Q}+${Q}`, `A4@${chorus}+${2 * Q}`, `F4@${third}+${4 * Q}`,
    ]);
    expect(s.parts[1]!.notes.map((n) => [midiOf(n.pitch), n.onset, n.duration])).toEqual([[36, chorus, Q]]);
    expect(s.tempos.map((t) => [t.tick, Math.round(t.bpm)])).toEqual([[0, 100], [chorus, 120], [third, 90]]); // the chorus: MIDI's default
    expect(s.timeSignatures).toEqual([
      { tick: 0, numerator: 3, denominator: 4 },
      { tick: chorus, numerator: 4, denominator: 4 },
    ]);
    expect(s.end).toBe(third + 5 * Q); // the last sequence's silence kept
  });

  it('loads through the format registry like any MIDI file', async () => {
    const pieces = await readScoreFile(FILE);
    expect(pieces).toHaveLength(1);
    expect(pieces[0]!.score.parts.flatMap((p) => p.notes)).toHaveLength(6);
  });
});
