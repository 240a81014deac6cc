/**
 * The Humdrum **kern reader: tokens, spines, maps and errors on small
 * hand-written files, then all 370 Bach chorales against the figures in the
 * corpus's SOURCE.md.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_VELOCITY, isMusegenError, midiOf, pitchName, readBytes, readKern, readMusicXml, TICKS_PER_QUARTER as Q, writeMusicXml,
  type Note, type Score,
} from '../src/index.js';
import { corpusPath, haveCorpus } from './helpers/corpora.js';

const kernDir = `${corpusPath('bach-370-chorales-kern', 'kern')}/`;
const present = haveCorpus('kern: the Bach chorale corpus tests', kernDir);

/** Columns joined by tabs: kern(['4c', '4e'], ['.', '4g']) → "4c\t4e\n.\t4g". */
const kern = (...rows: string[][]): string => rows.map((r) => r.join('\t')).join('\n');
const one = (text: string): Score => {
  const scores = readKern(text);
  expect(scores).toHaveLength(1);
  return scores[0]!;
};
const notesOf = (s: Score, part = 0): string[] => s.parts[part]!.notes.map((n) => `${pitchName(n.pitch)}@${n.onset}+${n.duration}`);

describe('kern tokens', () => {
  it('reads pitches, octaves, accidentals, dots and tuplet durations', () => {
    const s = one(kern(['**kern'], ['4c'], ['8.cc#'], ['16BB-'], ['3d'], ['6e'], ['6f'], ['6g'], ['12a'], ['24b'], ['0C'], ['00c'], ['2..r'], ['4cn'], ['*-']));
    expect(notesOf(s)).toEqual([
      `C4@0+${Q}`,
      `C#5@${Q}+${(Q * 3) / 4}`,
      `Bb2@${(Q * 7) / 4}+${Q / 4}`,
      `D4@${2 * Q}+${(Q * 4) / 3}`, // 3 = a third of a whole: triplet half
      `E4@${(Q * 10) / 3}+${(Q * 2) / 3}`,
      `F4@${4 * Q}+${(Q * 2) / 3}`,
      `G4@${(Q * 14) / 3}+${(Q * 2) / 3}`,
      `A4@${(Q * 16) / 3}+${Q / 3}`,
      `B4@${(Q * 17) / 3}+${Q / 6}`,
      `C3@${(Q * 35) / 6}+${8 * Q}`, // 0 = breve
      `C4@${(Q * 83) / 6}+${16 * Q}`, // 00 = long
      `C4@${(Q * 83) / 6 + 16 * Q + (Q * 7) / 2}+${Q}`, // after a double-dotted half rest
    ]);
  });

  it('reads chords, ties, fermatas and skips grace notes and null tokens', () => {
    const s = one(kern(
      ['**kern', '**kern'],
      ['4c 4e 4g', '[2G'],
      ['8qd', '.'], // grace note: no time
      ['4d;', '.'],
      ['=1', '=1'],
      ['2e', '4G_'],
      ['.', '4G];'],
      ['*-', '*-'],
    ));
    expect(notesOf(s, 0)).toEqual([`C4@0+${Q}`, `E4@0+${Q}`, `G4@0+${Q}`, `D4@${Q}+${Q}`, `E4@${2 * Q}+${2 * Q}`]);
    expect(s.parts[0]!.notes.filter((n) => n.fermata).map((n) => pitchName(n.pitch))).toEqual(['D4']);
    const tied = s.parts[1]!.notes;
    expect(tied).toHaveLength(1);
    expect(tied[0]).toMatchObject({ onset: 0, duration: 4 * Q, tied: true, fermata: true });
  });

  it('names the line of an unknown token', () => {
    const text = kern(['**kern'], ['4c'], ['xyz'], ['*-']);
    expect(() => readKern(text)).toThrow('line 3: unknown token "xyz"');
    try {
      readBytes(new TextEncoder().encode(text), 'bad/chorale.krn');
      expect.unreachable();
    } catch (e) {
      expect(isMusegenError(e) && e.code).toBe('BAD_FORMAT');
      expect((e as Error).message).toBe('chorale.krn: line 3: unknown token "xyz"');
    }
    expect(() => readKern(kern(['**kern'], ['4c 4r'], ['*-']))).toThrow('line 2: unknown token "4c 4r"');
    expect(() => readKern(kern(['**kern', '**kern'], ['4c'], ['*-', '*-']))).toThrow(/line 2: 1 columns where 2 spines/);
  });
});

describe('kern spines and maps', () => {
  it('names parts from *I tokens and keeps the left-to-right order', () => {
    const s = one(kern(
      ['**kern', '**kern', '**kern', '**dynam'],
      ['*ICvox', '*ICvox', '*', '*'],
      ['*Ibass', '*Isoprn', '*Ipiano', '*'],
      ['*I"Bass', '*', '*', '*'],
      ['4C', '4c', '4e', 'p'],
      ['*-', '*-', '*-', '*-'],
    ));
    expect(s.parts.map((p) => p.name)).toEqual(['Bass', 'Soprano', 'piano']);
    expect(s.parts.map((p) => p.program)).toEqual([52, 52, 0]);
  });

  it('keeps split sub-spines in their part as voices and merges them again', () => {
    const s = one(kern(
      ['**kern', '**kern'],
      ['*^', '*'],
      ['2c', '4e', '2C'],
      ['.', '4f', '.'],
      ['*v', '*v', '*'],
      ['4d', '4D'],
      ['*-', '*-'],
    ));
    expect(s.parts).toHaveLength(2);
    expect(s.parts[0]!.notes.map((n) => `${pitchName(n.pitch)}@${n.onset}v${n.voice}`)).toEqual(['C4@0v1', 'E4@0v2', `F4@${Q}v2`, `D4@${2 * Q}v1`]);
    expect(s.parts[1]!.notes.map((n) => `${pitchName(n.pitch)}@${n.onset}v${n.voice}`)).toEqual(['C3@0v1', `D3@${2 * Q}v1`]);
  });

  it('reads key, mode, meter changes, tempo, pickup and title, and ignores expansion lists', () => {
    const s = one([
      '!!!COM: Bach, Johann Sebastian',
      '!!!OTL@EN: Translated',
      '!!!OTL@@DE: Aus meines Herzens Grunde',
      kern(
        ['**kern'],
        ['*>[A,A,B]'],
        ['*>A'],
        ['*k[b-]'],
        ['*g:dor'],
        ['*M3/4'],
        ['*MM100'],
        ['! a local comment'],
        ['4g'],
        ['=1'],
        ['2.a'],
        ['=2'],
        ['*>B'],
        ['*M4/4'],
        ['*k[]'],
        ['*C:'],
        ['1c'],
        ['=='],
        ['*-'],
      ),
      '!!!EED: someone',
    ].join('\n'));
    expect(s.title).toBe('Aus meines Herzens Grunde');
    expect(s.pickup).toBe(Q);
    expect(s.timeSignatures).toEqual([
      { tick: 0, numerator: 3, denominator: 4 },
      { tick: 4 * Q, numerator: 4, denominator: 4 },
    ]);
    expect(s.keySignatures).toEqual([
      { tick: 0, fifths: -1, mode: 'dorian' },
      { tick: 4 * Q, fifths: 0, mode: 'major' },
    ]);
    expect(s.tempos).toEqual([{ tick: 0, bpm: 100 }]);
    expect(s.end).toBe(8 * Q);
    expect(notesOf(s)).toEqual([`G4@0+${Q}`, `A4@${Q}+${3 * Q}`, `C4@${4 * Q}+${4 * Q}`]); // played once: repeats not unfolded
  });

  it('makes maps of one event per tick, without restatements, and 120 BPM and 4/4 when the file gives none', () => {
    const s = one(kern(['**kern'], ['*M3/4'], ['*M2/4'], ['*MM90'], ['4c'], ['*M2/4'], ['*MM90'], ['*k[f#]'], ['4d'], ['*k[f#]'], ['4e'], ['*-']));
    expect(s.timeSignatures).toEqual([{ tick: 0, numerator: 2, denominator: 4 }]);
    expect(s.tempos).toEqual([{ tick: 0, bpm: 90 }]);
    expect(s.keySignatures).toEqual([{ tick: Q, fifths: 1, mode: 'major' }]);
    const bare = one(kern(['**kern'], ['4c'], ['*-']));
    expect([bare.tempos, bare.timeSignatures]).toEqual([[{ tick: 0, bpm: 120 }], [{ tick: 0, numerator: 4, denominator: 4 }]]);
  });

  it('gives every note DEFAULT_VELOCITY (kern has no dynamics): written as MusicXML, no note carries <dynamics>', () => {
    const s = one(kern(['**kern', '**kern'], ['4c', '4e'], ['4d', '4f'], ['*-', '*-']));
    expect(s.parts.flatMap((p) => p.notes.map((n) => n.velocity))).toEqual([80, 80, 80, 80]);
    const xml = writeMusicXml(s);
    expect(xml).not.toContain('dynamics');
    expect(readMusicXml(xml).parts.flatMap((p) => p.notes.map((n) => n.velocity))).toEqual([80, 80, 80, 80]);
  });

  it('gives the key signature of a key token without *k, and no pickup for a full first bar', () => {
    const s = one(kern(['**kern'], ['*e:phr'], ['*M2/4'], ['2e'], ['=1'], ['2f'], ['*-']));
    expect(s.keySignatures).toEqual([{ tick: 0, fifths: 0, mode: 'phrygian' }]);
    expect(s.pickup).toBe(0);
  });
});

describe.skipIf(!present)('370 Bach chorales (kern)', () => {
  let scores: Score[] = [];
  let notes: Note[] = [];
  beforeAll(() => {
    const files = readdirSync(kernDir).filter((f) => f.endsWith('.krn')).sort();
    scores = files.flatMap((f) => readBytes(readFileSync(kernDir + f), f).map((p) => p.score));
    notes = scores.flatMap((s) => s.parts.flatMap((p) => p.notes));
  });

  it('reads every file into Bass, Tenor, Alto, Soprano', () => {
    expect(scores).toHaveLength(370);
    for (const s of scores) expect(s.parts.map((p) => p.name)).toEqual(['Bass', 'Tenor', 'Alto', 'Soprano']);
    expect(scores.every((s) => s.title !== undefined && s.title.length > 0)).toBe(true);
  });

  it('has the corpus figures: fermatas, first meters, keys, notes, range', () => {
    // Every fermata token is on a note and none on a tie's later piece, so the merged notes carry all 9,104.
    expect(notes.filter((n) => n.fermata)).toHaveLength(9104);
    const meters = new Map<string, number>();
    for (const s of scores) {
      const m = `${s.timeSignatures[0]!.numerator}/${s.timeSignatures[0]!.denominator}`;
      meters.set(m, (meters.get(m) ?? 0) + 1);
    }
    expect(Object.fromEntries(meters)).toEqual({ '4/4': 331, '3/4': 38, '3/2': 1 });
    const modes = new Map<string, number>();
    for (const s of scores) modes.set(s.keySignatures[0]!.mode, (modes.get(s.keySignatures[0]!.mode) ?? 0) + 1);
    expect(Object.fromEntries(modes)).toEqual({ major: 184, minor: 138, dorian: 37, mixolydian: 9, phrygian: 2 });
    // 86,065 pitched tokens as written; 1,442 of them continue a tie ("_" 7, "]" 1,435) and merge into the note before.
    expect(notes).toHaveLength(86065 - 1442);
    expect(notes.filter((n) => n.tied)).toHaveLength(1435);
    const midis = notes.map((n) => midiOf(n.pitch));
    expect([Math.min(...midis), Math.max(...midis)]).toEqual([36, 81]);
    expect(notes.every((n) => n.velocity === DEFAULT_VELOCITY)).toBe(true);
    expect(writeMusicXml(scores[0]!)).not.toContain('dynamics');
  });

  it('keeps the first bar short where the chorale starts with a pickup', () => {
    const chor001 = scores[0]!; // 3/4, one quarter before =1
    expect(chor001.pickup).toBe(Q);
    expect(chor001.keySignatures[0]).toEqual({ tick: 0, fifths: 1, mode: 'major' });
    expect(chor001.tempos[0]!.bpm).toBe(100);
  });
});
