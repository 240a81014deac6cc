/**
 * The music21 Bach chorales (408 .mxl, 2 .xml): every file reads, the
 * statistics of ../shared/corpora/bach-chorales-music21/SOURCE.md hold, and
 * read → write → read gives the same music on every one.
 */
import { readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { noteCount, readMusicXml, readScoreFile, writeMusicXml, type Score } from '../src/index.js';
import { corpusPath, haveCorpus } from './helpers/corpora.js';

const bach = `${corpusPath('bach-chorales-music21/music21/corpus/bach')}/`;
const present = haveCorpus('musicxml-corpus: the Bach chorale tests', bach);

const tally = (keys: string[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
};

/** The music without the writer's own choices: how a note was split (tied) and its voice number. */
const sounding = (s: Score): Score => ({
  ...s,
  parts: s.parts.map((p) => ({ ...p, notes: p.notes.map(({ tied: _t, voice: _v, ...n }) => n) })),
});
const voices = (s: Score): number[][] => s.parts.map((p) => p.notes.map((n) => n.voice ?? 0));

describe.skipIf(!present)('Bach chorales, music21 MusicXML', () => {
  const scores = new Map<string, Score>();

  beforeAll(async () => {
    for (const f of readdirSync(bach).filter((x) => /\.(mxl|xml)$/.test(x)).sort()) {
      const pieces = await readScoreFile(bach + f);
      expect(pieces).toHaveLength(1);
      scores.set(f, pieces[0]!.score);
    }
  });
  const mxl = (): Score[] => [...scores].filter(([f]) => f.endsWith('.mxl')).map(([, s]) => s);

  it('reads all 408 .mxl chorales and the 2 uncompressed .xml ones', () => {
    expect(mxl()).toHaveLength(408);
    expect([...scores.keys()].filter((f) => f.endsWith('.xml'))).toEqual(['bwv67.4.xml', 'bwv69.6.xml']);
    for (const [f, s] of scores) expect(noteCount(s), f).toBeGreaterThan(0);
  });

  it('merges ties: 109,560 Notes from 110,743 written pitched notes', () => {
    // 110,743 pitched notes outside grace notes (SOURCE.md's 110,746 less 3 grace notes; Python ElementTree),
    // 1,184 of them tie stops. All but one continue their tie-start note: in bwv362 (tenor, m. 18-20) a B-flat
    // tie start is followed by a C, so the later B-flat tie stop has nothing to continue and stays a note.
    expect(mxl().reduce((sum, s) => sum + noteCount(s), 0)).toBe(109_560);
  });

  it('fermatas: 404 chorales, 8,668 Notes', () => {
    // SOURCE.md counts 8,665 <fermata> elements; all sit in <notations> of pitched notes. 24 are on tied
    // pieces (19 on the stop, 5 on the start) and no tied note has two, so merged Notes carry 8,665 too,
    // plus 3 notes of chords in bwv846 whose fermata is written on another note of the chord.
    const perFile = mxl().map((s) => s.parts.reduce((sum, p) => sum + p.notes.filter((n) => n.fermata).length, 0));
    expect(perFile.filter((c) => c > 0)).toHaveLength(404);
    expect(perFile.reduce((a, b) => a + b, 0)).toBe(8_668);
  });

  it('first time signatures, first keys and parts per score match SOURCE.md', () => {
    const first = mxl().map((s) => `${s.timeSignatures[0]!.numerator}/${s.timeSignatures[0]!.denominator}`);
    expect(tally(first)).toEqual({ '4/4': 364, '3/4': 42, '3/2': 1, '12/8': 1 });
    const fifths = tally(mxl().map((s) => String(s.keySignatures[0]!.fifths)));
    expect(fifths).toEqual({ '0': 91, '1': 76, '2': 61, '-2': 59, '-1': 57, '3': 38, '-3': 14, '4': 10, '-4': 2 });
    expect(tally(mxl().map((s) => s.keySignatures[0]!.mode))).toEqual({ major: 225, minor: 183 });
    const parts = tally(mxl().map((s) => String(s.parts.length)));
    expect(parts['4']).toBe(364);
    expect(parts['1']).toBe(1);
    expect(Object.entries(parts).filter(([n]) => Number(n) >= 5 && Number(n) <= 15).reduce((a, [, c]) => a + c, 0)).toBe(43);
  });

  it('keeps meter changes and pickups at their ticks', () => {
    const changes = [...scores].filter(([, s]) => s.timeSignatures.length > 1).map(([f]) => f);
    expect(changes).toEqual(['bwv171.6.mxl', 'bwv27.6.mxl', 'bwv304.mxl', 'bwv362.mxl', 'bwv41.6.mxl']);
    expect(scores.get('bwv27.6.mxl')!.timeSignatures).toEqual([
      { tick: 0, numerator: 4, denominator: 4 },
      { tick: 26_880, numerator: 3, denominator: 2 },
    ]);
    expect(scores.get('bwv1.6.mxl')!.pickup).toBe(480);
    expect(mxl().filter((s) => s.pickup > 0).length).toBe(282);
  });

  it('read → write → read gives the same music on every chorale', () => {
    const voiceChanged: string[] = [];
    for (const [f, s] of scores) {
      const back = readMusicXml(writeMusicXml(s));
      expect(sounding(back), f).toEqual(sounding(s));
      if (JSON.stringify(voices(back)) !== JSON.stringify(voices(s))) voiceChanged.push(f);
    }
    // Only where the source's voice 1 holds notes that overlap unevenly (E5 held under moving notes in
    // bwv248.9-1, trumpet part) does the writer need a second voice.
    expect(voiceChanged).toEqual(['bwv248.9-1.mxl']);
  });
});
