/**
 * The MusicXML writer as notation: repeat barlines and endings (a short bar
 * before a :| ends its measure there), tuplet brackets over played triplets
 * only, clefs from the range, score order — and on the Nottingham tunes, the
 * repeats of every tune surviving write → read, and played out from the
 * written marks (playRepeats) as the ABC reader plays them out.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clefFor, measureBarlines } from '../src/io/musicxml-staff.js';
import {
  createPart, createScore, midiOf, playRepeats, readAbc, readMusicXml, scoreOrder, spellMidi, writeMusicXml, type Note, type Part, type Score,
} from '../src/index.js';
import { corpusPath, haveCorpus } from './helpers/corpora.js';

const Q = 480;
const note = (midi: number, onset: number, duration: number): Note => ({ pitch: spellMidi(midi), onset, duration, velocity: 80 });
const part = (name: string, notes: Note[], program = 0): Part => createPart({ name, program, notes });
const count = (xml: string, re: RegExp): number => xml.match(re)?.length ?? 0;
const played = (s: Score): string[] => s.parts.flatMap((p) => p.notes.map((n) => `${midiOf(n.pitch)}@${n.onset}+${n.duration}`));

describe('repeat barlines and endings', () => {
  it('puts each mark on the measure bound at its tick; a mark inside a bar splits it, and bars go on as the meter counts', () => {
    // 2/4 with a quarter upbeat: |: two bars, a first ending of a bar, a second ending of a bar whose :| falls
    // after its first beat (the second beat is the next section's upbeat, as in a chorale), a last bar
    const notes = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => note(60 + i, i * Q, Q));
    const s = createScore({
      parts: [part('Melody', notes)],
      timeSignatures: [{ tick: 0, numerator: 2, denominator: 4 }],
      pickup: Q,
      repeats: { starts: [Q], ends: [5 * Q, 8 * Q], endings: [{ start: 5 * Q, end: 7 * Q, numbers: [2], open: true }, { start: 3 * Q, end: 5 * Q, numbers: [1] }] },
    });
    const xml = writeMusicXml(s);
    const measures = [...xml.matchAll(/<measure number="(\d+)"[^>]*>([\s\S]*?)<\/measure>/g)].map((m) => [Number(m[1]), m[2]!] as const);
    expect(measures.map(([, body]) => count(body, /<note>/g))).toEqual([1, 2, 2, 2, 1, 1, 1]); // the bar [7, 9) split at 8
    expect(measures[1]![1]).toMatch(/<barline location="left">\s*<bar-style>heavy-light<\/bar-style>\s*<repeat direction="forward"\/>/);
    expect(measures[2]![1]).toMatch(/<barline location="left">\s*<bar-style>regular<\/bar-style>\s*<ending number="1" type="start">1\.<\/ending>/);
    expect(measures[2]![1]).toMatch(/<barline location="right">\s*<bar-style>light-heavy<\/bar-style>\s*<ending number="1" type="stop"\/>\s*<repeat direction="backward"\/>/);
    expect(measures[3]![1]).toMatch(/<ending number="2" type="start">2\.<\/ending>[\s\S]*<ending number="2" type="discontinue"\/>/);
    expect(measures[4]![1]).toMatch(/<barline location="right">\s*<bar-style>light-heavy<\/bar-style>\s*<repeat direction="backward"\/>/);
    expect(count(xml, /<barline/g)).toBe(6);
    expect(readMusicXml(xml).repeats).toEqual(s.repeats && { ...s.repeats, endings: [...s.repeats.endings].reverse() });
    expect(played(readMusicXml(xml))).toEqual(played(s));
  });

  it('snaps marks to the nearest measure bound, and gives a bound nothing on its far side', () => {
    const spans: [number, number][] = [[0, 1920], [1920, 3840]];
    expect(measureBarlines(spans, { starts: [0, 1900], ends: [3840], endings: [] })).toEqual([
      { left: { repeat: true } },
      { left: { repeat: true }, right: { repeat: true } },
    ]);
  });
});

describe('tuplets, clefs and score order', () => {
  it('brackets each group of triplets and writes straight notes without <time-modification>', () => {
    const notes = [note(60, 0, 160), note(62, 160, 160), note(64, 320, 160), note(65, 480, 320), note(67, 800, 160), note(69, 960, 480), note(71, 1440, 480)];
    const xml = writeMusicXml(createScore({ parts: [part('Flute', notes)] }));
    expect(count(xml, /<time-modification>/g)).toBe(5);
    expect(count(xml, /<tuplet type="start" bracket="yes"\/>/g)).toBe(2);
    expect(count(xml, /<tuplet type="stop"\/>/g)).toBe(2);
    expect(count(xml, /<type>/g)).toBe(notes.length);
  });

  it('chooses treble, bass, treble-8vb for a tenor and alto for a viola', () => {
    const range = (low: number, high: number): Note[] => [low, high, Math.round((low + high) / 2)].map((m, i) => note(m, i * Q, Q));
    expect(clefFor(part('Flute', range(72, 91)))).toEqual({ sign: 'G', line: 2 });
    expect(clefFor(part('Bass', range(40, 62)))).toEqual({ sign: 'F', line: 4 });
    expect(clefFor(part('Tenor', range(48, 67)))).toEqual({ sign: 'G', line: 2, octaveChange: -1 });
    expect(clefFor(part('Track 3', range(48, 67), 41))).toEqual({ sign: 'C', line: 3 });
    expect(clefFor(part('Viola', range(67, 84)))).toEqual({ sign: 'G', line: 2 }); // high enough for treble
    expect(clefFor(part('Empty', []))).toEqual({ sign: 'G', line: 2 });
  });

  it('orders voices by name, turns a bottom-up list round, keeps any other order, drums last', () => {
    const p = (name: string, midi: number, isDrum = false): Part => ({ ...part(name, [note(midi, 0, Q)]), isDrum });
    const names = (ps: Part[]): string[] => scoreOrder(ps).map((x) => x.name);
    expect(names([p('B.', 48), p('S.', 72), p('T.', 55), p('A.', 64)])).toEqual(['S.', 'A.', 'T.', 'B.']);
    expect(names([p('Drums', 40, true), p('Low', 40), p('High', 70)])).toEqual(['High', 'Low', 'Drums']);
    expect(names([p('Horn', 60), p('Trumpet', 70), p('Tuba', 40)])).toEqual(['Horn', 'Trumpet', 'Tuba']);
  });
});

const abcDir = corpusPath('nottingham-jukedeck', 'ABC_cleaned');
describe.skipIf(!haveCorpus('musicxml-write: the Nottingham ABC tunes', abcDir))('the Nottingham tunes\' repeats', () => {
  it('survive MusicXML write → read on every tune, and play out as the ABC reader plays them (tunes without P: parts)', () => {
    let tunes = 0;
    let withRepeats = 0;
    let compared = 0;
    const lost: string[] = [];
    const differ: string[] = [];
    for (const f of readdirSync(abcDir).filter((x) => x.endsWith('.abc')).sort()) {
      const text = readFileSync(join(abcDir, f), 'utf8');
      const written = readAbc(text);
      const unfolded = readAbc(text, { unfoldRepeats: true });
      written.forEach(({ x, score }, i) => {
        tunes++;
        if (score.repeats) withRepeats++;
        if (JSON.stringify(sorted(readMusicXml(writeMusicXml(score)).repeats)) !== JSON.stringify(sorted(score.repeats))) lost.push(`${f} X:${x}`);
        const own = text.split(/^(?=X:)/m).find((t) => new RegExp(`^X:\\s*${x}\\s*$`, 'm').test(t.split('\n')[0]!))!;
        if (/^P:/m.test(own)) return; // the reader plays P: parts in their order; written marks know no parts
        compared++;
        if (played(playRepeats(score)).join() !== played(unfolded[i]!.score).join()) differ.push(`${f} X:${x}`);
      });
    }
    expect(tunes).toBe(1034);
    expect(withRepeats).toBeGreaterThan(800); // 819 when written
    expect(compared).toBe(641);
    expect(lost).toEqual([]);
    // G4- tied into a first ending: unfolded, the tie joins the second ending's G; played from the marks, it rings on
    expect(differ).toEqual(['reelsh-l.abc X:53']);
  }, 120_000);
});

/** Marks with their endings' keys in one order, to compare as JSON. */
function sorted(marks: Score['repeats']): unknown {
  return marks && { ...marks, endings: marks.endings.map((e) => ({ start: e.start, end: e.end, numbers: e.numbers, open: e.open === true })) };
}
