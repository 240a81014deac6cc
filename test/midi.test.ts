import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createPart, createScore, keyAt, midiOf, MusegenError, noteCount, parsePitch, pitchName, readBytes, readMidi,
  readScoreFile, spellMidi, writeMidi, writerNamed, estimateKey, type Score,
} from '../src/index.js';
import { corpusPath, haveCorpus } from './helpers/corpora.js';
import { hasMidicsv, midicsvRows } from './helpers/midicsv.js';
import { useTempDir } from './helpers/temp.js';

const midiDir = corpusPath('midi-test-files/tonejs-midi/test/midi');
const exists = haveCorpus('midi: the Tone.js test file tests', midiDir);

function midiFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? midiFiles(p) : p.endsWith('.mid') ? [p] : [];
  }).sort();
}
const read = (rel: string): Score => readMidi(readFileSync(join(midiDir, rel)));

/** The .mid.txt ground truth (pretty_midi): per instrument `track <name>` then `pitch\tstart\tend` lines. */
function groundTruth(path: string): { name: string; notes: number }[] {
  const groups: { name: string; notes: number }[] = [];
  for (const line of readFileSync(path, 'latin1').split('\n')) {
    if (line.startsWith('track')) groups.push({ name: line.slice(6).replace(/\0/g, '').trim(), notes: 0 });
    else if (line.trim()) groups[groups.length - 1]!.notes++;
  }
  return groups;
}
const countsByName = (groups: { name: string; notes: number }[]): Map<string, number> => {
  const m = new Map<string, number>();
  for (const g of groups) m.set(g.name, (m.get(g.name) ?? 0) + g.notes);
  return m;
};
const partCounts = (s: Score) => s.parts.map((p) => ({ name: p.name, notes: p.notes.length }));

/** A note as numbers, for comparing round trips. */
const plain = (s: Score) => s.parts.map((p) => p.notes.map((n) => [midiOf(n.pitch), n.onset, n.duration, n.velocity]));

describe.skipIf(!exists)('MIDI reader on the Tone.js test files', () => {
  const files = exists ? midiFiles(midiDir) : [];

  it('parses all 21 files', () => {
    expect(files).toHaveLength(21);
    for (const f of files) {
      const s = readMidi(readFileSync(f));
      expect(noteCount(s), relative(midiDir, f)).toBeGreaterThan(0);
      for (const p of s.parts) for (const n of p.notes) {
        expect(Number.isInteger(n.onset) && Number.isInteger(n.duration) && n.duration >= 1).toBe(true);
      }
    }
  });

  it('matches the pretty_midi note counts of every complete ground truth, track by track', () => {
    const truths = files.filter((f) => existsSync(`${f}.txt`) && !f.includes('concerto_for_orchestra'));
    expect(truths).toHaveLength(16);
    for (const f of truths) {
      const truth = groundTruth(`${f}.txt`);
      const score = readMidi(readFileSync(f));
      const ours = partCounts(score);
      const label = relative(midiDir, f);
      // pretty_midi splits a track at program changes, musegen by channel only: compare per track name,
      // and part by part where both sides have the same number of parts.
      expect(countsByName(ours), label).toEqual(countsByName(truth));
      if (truth.length === ours.length) expect(ours, label).toEqual(truth);
      expect(noteCount(score), label).toBe(truth.reduce((a, g) => a + g.notes, 0));
    }
  });

  it('matches the partial Bartók ground truth on its first 7 parts, and counts all 19,083 note-ons less the silent ones', () => {
    const f = join(midiDir, 'bartok/concerto_for_orchestra_1.mid');
    const truth = groundTruth(`${f}.txt`);
    expect(truth).toHaveLength(7);
    const score = readMidi(readFileSync(f));
    expect(partCounts(score).slice(0, 7)).toEqual(truth);
    // 6,013 of its note-ons are closed on their own tick; they sound nothing and are dropped.
    expect(noteCount(score)).toBe(19_083 - 6_013);
  });

  it('round-trips every file: notes, velocities, tempo, meter and key maps survive write → read', () => {
    for (const f of files) {
      const a = readMidi(readFileSync(f));
      const b = readMidi(writeMidi(a));
      const label = relative(midiDir, f);
      expect(plain(b), label).toEqual(plain(a));
      expect(b.parts.map((p) => p.notes), label).toEqual(a.parts.map((p) => p.notes));
      expect(b.parts.map((p) => [p.name, p.program, p.isDrum]), label).toEqual(a.parts.map((p) => [p.name, p.program, p.isDrum]));
      expect(b.tempos, label).toEqual(a.tempos);
      expect(b.timeSignatures, label).toEqual(a.timeSignatures);
      expect(b.keySignatures, label).toEqual(a.keySignatures);
      expect(b.title, label).toBe(a.title);
    }
  });

  it('keeps drums on channel 10 apart as drum parts', () => {
    const multi = read('230_bpm_multitrack.mid');
    expect(multi.parts.map((p) => [p.channel, p.isDrum, p.notes.length])).toEqual([[9, true, 1234], [0, false, 795], [1, false, 1174]]);
    const beat = read('beat.mid');
    expect(beat.parts).toHaveLength(1);
    expect(beat.parts[0]!.isDrum).toBe(true);
    expect(beat.parts[0]!.notes).toHaveLength(390);
    // a drum part's pitches are spelled plainly, whatever the key
    expect(beat.parts[0]!.notes.every((n) => pitchName(n.pitch) === pitchName(spellMidi(midiOf(n.pitch), 0)))).toBe(true);
  });

  it('keeps tempo changes exact to the microsecond', () => {
    const s = read('bach/bach_846.mid');
    expect(s.tempos.length).toBeGreaterThan(100);
    expect(s.tempos[0]!.tick).toBe(0);
    for (let i = 1; i < s.tempos.length; i++) {
      expect(s.tempos[i]!.tick).toBeGreaterThan(s.tempos[i - 1]!.tick);
      expect(s.tempos[i]!.bpm).not.toBe(s.tempos[i - 1]!.bpm);
    }
    for (const t of s.tempos) {
      const micros = 60_000_000 / t.bpm;
      expect(Math.abs(micros - Math.round(micros))).toBeLessThan(1e-6);
    }
    expect(read('230_bpm_multitrack.mid').tempos.map((t) => Math.round(t.bpm))).toEqual([230]);
  });

  it('reads key signatures and spells every pitch in the key in force (The Entertainer: C, F, C)', () => {
    const s = read('joplin/TheEntertainer.mid');
    // 10 key-signature events in the file: the same 5 in both tracks, with repeats
    expect(s.keySignatures).toEqual([
      { tick: 0, fifths: 0, mode: 'major' },
      { tick: 81_600, fifths: -1, mode: 'major' },
      { tick: 112_320, fifths: 0, mode: 'major' },
    ]);
    for (const p of s.parts) for (const n of p.notes) {
      const key = keyAt(s, n.onset)!;
      expect(n.pitch).toEqual(spellMidi(midiOf(n.pitch), key.fifths, key.mode));
    }
    const flatSide = s.parts.flatMap((p) => p.notes).filter((n) => n.onset >= 81_600 && n.onset < 112_320 && midiOf(n.pitch) % 12 === 10);
    expect(flatSide.length).toBeGreaterThan(0);
    expect(flatSide.every((n) => n.pitch.step === 'B' && n.pitch.alter === -1)).toBe(true);
  });

  it('spells a file without key signatures in an estimated key, without inventing a key signature', () => {
    const s = read('tchaikovsky_seasons.mid');
    expect(s.keySignatures).toEqual([]);
    const notes = s.parts.flatMap((p) => p.notes);
    const key = estimateKey(notes.map((n) => ({ midi: midiOf(n.pitch), duration: n.duration })));
    for (const n of notes) expect(n.pitch).toEqual(spellMidi(midiOf(n.pitch), key.fifths, key.mode));
  });

  it('reads format 0 and a one-track file of many channels as one part per channel', () => {
    const f0 = read('bach/bach_format0.mid');
    expect(f0.parts).toHaveLength(1);
    expect(f0.parts[0]!.notes).toHaveLength(415);
    expect(f0.title).toBe('Piano right');
    // PPQ 96 scales exactly: every time is a multiple of 480 / 96 = 5
    expect(f0.parts[0]!.notes.every((n) => n.onset % 5 === 0 && n.duration % 5 === 0)).toBe(true);
    const single = read('beethoven/symphony_7_2_singletrack.mid');
    const multi = read('beethoven/symphony_7_2.mid');
    expect(new Set(single.parts.map((p) => p.channel)).size).toBe(single.parts.length);
    expect(single.parts).toHaveLength(12);
    expect(noteCount(single)).toBe(noteCount(multi));
    const byChannel = (s: Score) => new Map(s.parts.map((p) => [p.channel, [p.program, p.notes.length]]));
    expect(byChannel(single)).toEqual(byChannel(multi));
  });

  it('names errors through the registry', () => {
    const bytes = readFileSync(join(midiDir, 'beat.mid'));
    expect(() => readBytes(bytes.subarray(0, 300), 'beat.mid')).toThrow(/^beat\.mid: truncated MIDI file \(/);
    expect(readBytes(bytes, 'beat.mid')[0]!.score.parts[0]!.notes).toHaveLength(390);
  });
});

describe('MIDI writer and reader without the corpus', () => {
  /** A format-0 file of the given track events (delta-timed bytes) and an End of Track, 96 ticks per quarter. */
  const format0 = (events: number[]): Uint8Array => {
    const track = [...events, 0, 0xff, 0x2f, 0];
    const bytes = Uint8Array.from([0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, 0, 96, 0x4d, 0x54, 0x72, 0x6b, 0, 0, 0, 0, ...track]);
    new DataView(bytes.buffer).setUint32(18, track.length);
    return bytes;
  };

  it('round-trips velocities 1..127, odd tempos, 6/8, flat and sharp minor keys, drums and non-ASCII names', () => {
    const notes = Array.from({ length: 127 }, (_, i) => ({
      pitch: parsePitch(i % 2 ? 'Eb4' : 'F#3'), onset: i * 120, duration: 100 + i, velocity: i + 1,
    }));
    const score = createScore({
      title: 'Étude für Flöte',
      parts: [
        createPart({ name: 'Flûte', program: 73, channel: 0, notes }),
        createPart({ name: 'Batterie', channel: 9, isDrum: true, notes: [{ pitch: spellMidi(36), onset: 0, duration: 60, velocity: 100 }] }),
      ],
      tempos: [{ tick: 0, bpm: 93.7 }, { tick: 1920, bpm: 61.333 }],
      timeSignatures: [{ tick: 0, numerator: 6, denominator: 8 }, { tick: 2880, numerator: 5, denominator: 4 }],
      keySignatures: [{ tick: 0, fifths: -3, mode: 'minor' }, { tick: 1440, fifths: 6, mode: 'major' }, { tick: 2880, fifths: -7, mode: 'major' }],
    });
    const back = readMidi(writeMidi(score));
    expect(back.title).toBe('Étude für Flöte');
    expect(back.parts.map((p) => [p.name, p.program, p.channel, p.isDrum])).toEqual([['Flûte', 73, 0, false], ['Batterie', 0, 9, true]]);
    expect(back.parts[0]!.notes.map((n) => n.velocity)).toEqual(notes.map((n) => n.velocity));
    expect(back.parts[0]!.notes.map((n) => [midiOf(n.pitch), n.onset, n.duration])).toEqual(notes.map((n) => [midiOf(n.pitch), n.onset, n.duration]));
    expect(back.timeSignatures).toEqual(score.timeSignatures);
    expect(back.keySignatures).toEqual(score.keySignatures);
    // whole microseconds per quarter: the nearest to the asked tempo, kept exactly
    expect(back.tempos.map((t) => 60_000_000 / t.bpm)).toEqual([640_342, 978_266]);
    expect(readMidi(writeMidi(back)).tempos).toEqual(back.tempos);
    // spelled in C minor's signature (3 flats) then F# major's (6 sharps)
    expect(back.parts[0]!.notes.slice(0, 2).map((n) => pitchName(n.pitch))).toEqual(['Gb3', 'Eb4']);
    expect(pitchName(back.parts[0]!.notes.find((n) => n.onset >= 1440 && n.onset < 2880 && midiOf(n.pitch) === 63)!.pitch)).toBe('D#4');
  });

  it.skipIf(!hasMidicsv)('keeps closing rests: every track ends at the score\'s end, and the reader takes its end from there', () => {
    const score = createScore({
      parts: [createPart({ notes: [{ pitch: parsePitch('C4'), onset: 0, duration: 480, velocity: 90 }] })],
      end: 4 * 1920, // four bars of 4/4, three and three quarters of them rest
    });
    const bytes = writeMidi(score);
    expect(readMidi(bytes).end).toBe(4 * 1920);
    expect(readMidi(bytes).parts[0]!.notes.map((n) => [n.onset, n.duration])).toEqual([[0, 480]]);
    // an independent parser sees every End of Track at bar 5
    const ends = midicsvRows(bytes).filter((r) => r[2] === 'End_track');
    expect(ends.map((r) => Number(r[1]))).toEqual([4 * 1920, 4 * 1920]);
    // a score that ends with its last note is not lengthened
    const tight = createScore({ parts: score.parts });
    expect(readMidi(writeMidi(tight)).end).toBe(480);
  });

  it('is the registered "midi" writer', () => {
    const score = createScore({ parts: [createPart({ notes: [{ pitch: parsePitch('C4'), onset: 0, duration: 480, velocity: 90 }] })] });
    expect(readMidi(writerNamed('midi').write(score)).parts[0]!.notes[0]!.velocity).toBe(90);
  });

  it('gives pitched parts that clash on a channel channels of their own, drums channel 10', () => {
    const note = { pitch: parsePitch('C4'), onset: 0, duration: 480, velocity: 90 };
    const score = createScore({
      parts: [
        createPart({ program: 0, channel: 0, notes: [note] }), createPart({ program: 40, channel: 0, notes: [note] }),
        createPart({ program: 0, channel: 0, isDrum: true, notes: [note] }),
      ],
    });
    expect(readMidi(writeMidi(score)).parts.map((p) => [p.channel, p.program, p.isDrum])).toEqual([[0, 0, false], [1, 40, false], [9, 0, true]]);
  });

  it('refuses what MIDI cannot hold', () => {
    const high = createScore({ parts: [createPart({ notes: [{ pitch: parsePitch('A9'), onset: 0, duration: 1, velocity: 1 }] })] });
    expect(() => writeMidi(high)).toThrow(/A9 .* outside the MIDI range/);
    expect(() => writeMidi(createScore({ timeSignatures: [{ tick: 0, numerator: 3, denominator: 6 }] }))).toThrow(/3\/6/);
  });

  it('splits a format-0 track by channel, keeps notes held across a program change, and drums apart', () => {
    const bytes = format0([
      0, 0xc0, 40, // ch 1: violin
      0, 0x90, 60, 100, // C4 on
      0, 0x92, 64, 70, // ch 3: E4 on
      0, 0x99, 36, 120, // drums: kick
      48, 0xc0, 45, // ch 1: pizzicato while C4 still sounds
      48, 0x80, 60, 0, 0, 0x82, 64, 0, 0, 0x89, 36, 0,
      0, 0x90, 62, 50, 96, 0x90, 62, 0, // D4, note-off as velocity 0
    ]);
    const s = readMidi(bytes);
    expect(s.parts.map((p) => [p.channel, p.program, p.isDrum, p.notes.map((n) => [pitchName(n.pitch), n.onset, n.duration, n.velocity])])).toEqual([
      [0, 40, false, [['C4', 0, 480, 100], ['D4', 480, 480, 50]]],
      [2, 0, false, [['E4', 0, 480, 70]]],
      [9, 0, true, [['C2', 0, 480, 120]]],
    ]);
  });

  it('refuses a track whose note-ons and note-offs do not pair up, quickly', () => {
    const events: number[] = [];
    for (let i = 0; i < 15_000; i++) events.push(0, 0x80, 1, 0);
    for (let i = 0; i < 15_000; i++) events.push(1, 0x90, 2, 64);
    expect(() => readMidi(format0(events))).toThrow(/do not pair up/);
  });

  describe('bad files, by name', () => {
    const tmp = useTempDir('midi');
    beforeAll(async () => {
      const dir = tmp.path;
      await writeFile(join(dir, 'empty.mid'), new Uint8Array());
      await writeFile(join(dir, 'notes.mid'), 'These are my notes on the concert.\n');
      await writeFile(join(dir, 'cut.mid'), format0([0, 0x90, 60, 100, 96, 0x80, 60, 0]).subarray(0, 30));
      await writeFile(join(dir, 'smpte.mid'), Uint8Array.from([0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, 0xe7, 0x28]));
    });
    const expectError = async (file: string, message: RegExp): Promise<void> => {
      const e = await readScoreFile(tmp.join(file)).then(() => undefined, (x: unknown) => x);
      expect(e).toBeInstanceOf(MusegenError);
      expect((e as Error).message).toMatch(message);
      expect((e as Error).message).not.toContain('\n');
    };
    it('empty file', () => expectError('empty.mid', /empty\.mid: empty file$/));
    it('a text file named .mid', () => expectError('notes.mid', /notes\.mid: not a MIDI file \(no MThd header\)$/));
    it('a truncated file', () => expectError('cut.mid', /cut\.mid: truncated MIDI file \(track 1 of 1 needs \d+ bytes, \d+ left\)$/));
    it('SMPTE timing', () => expectError('smpte.mid', /smpte\.mid: SMPTE time division is not supported/));
  });
});
