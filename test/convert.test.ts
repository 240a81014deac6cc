/**
 * `musegen convert` and what it rests on: a MIDI performance of a piece
 * written on a grid (onsets jittered by a few ticks, every note a tick or
 * more short, as recorded or exported MIDI is) comes back as the piece's
 * notation — every note with a <type>, tuplets only where triplets are
 * played, ties only at barlines or for lengths no single value writes, the
 * notes those of the original; repeats and endings kept as written in
 * MusicXML and played out in MIDI; parts in score order with clefs from
 * their range; every input format; errors in one line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  chooseNotationGrid, createPart, createScore, gridOfNoteValue, isOnGrid, midiOf, packMxl, playRepeats, quantizeForNotation,
  readAbc, readKern, readMidi, readMusicXml, spellMidi, writeMidi, writeMusicXml, type Note, type Score,
} from '../src/index.js';
import { expectOneLine, musegen } from './helpers/cli.js';
import { corpusPath, haveCorpus } from './helpers/corpora.js';
import { ROOT } from './helpers/paths.js';
import { rng } from './helpers/random.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('convert');
const TUNES = join(ROOT, 'test', 'fixtures', 'convert', 'tunes.abc');
const tunes = (unfoldRepeats = false): Score[] => readAbc(readFileSync(TUNES, 'utf8'), { unfoldRepeats }).map((t) => t.score);

/** The score played: each onset moved by up to ±`jitter` ticks, each note 1 to 10 ticks short. */
function perform(score: Score, seed: number, jitter = 8): Score {
  const next = rng(seed);
  return {
    ...score,
    parts: score.parts.map((p) => ({
      ...p,
      notes: p.notes.map((n) => {
        const onset = Math.max(0, n.onset + Math.round((next() * 2 - 1) * jitter));
        return { ...n, onset, duration: Math.max(1, n.onset + n.duration - onset - 1 - Math.floor(next() * 10)) };
      }),
    })),
  };
}

/** Pitch, onset and length of every note, part by part (parts keyed by name). */
const sounding = (s: Score): Record<string, string[]> =>
  Object.fromEntries(s.parts.map((p) => [p.name, p.notes.map((n) => `${midiOf(n.pitch)}@${n.onset}+${n.duration}`).sort()]));

const count = (xml: string, re: RegExp): number => xml.match(re)?.length ?? 0;

/** <note> elements without a <type>, whole-measure rests aside (they have none). */
const untyped = (xml: string): number =>
  (xml.match(/<note[ >][\s\S]*?<\/note>/g) ?? []).filter((n) => !n.includes('<type>') && !n.includes('<rest measure="yes"/>')).length;

describe('the notation grid', () => {
  const line = (onsets: number[]): Score =>
    createScore({ parts: [createPart({ notes: onsets.map((onset): Note => ({ pitch: spellMidi(60), onset, duration: 60, velocity: 80 })) })] });
  const played = (grid: number[], seed: number): number[] => {
    const next = rng(seed);
    return grid.map((t) => Math.max(0, t + Math.round((next() * 2 - 1) * 8)));
  };

  it('is the coarsest grid that explains the played onsets: straight, triplets, both', () => {
    const eighths = [0, 240, 480, 720, 960, 1200, 1440, 1680];
    const sixteenths = [0, 120, 240, 360, 480, 720, 960, 1080];
    const triplets = [0, 160, 320, 480, 640, 800, 960, 1440];
    const both = [0, 120, 240, 360, 480, 640, 800, 960];
    expect(chooseNotationGrid(line(played(eighths, 1)))).toBe(2);
    expect(chooseNotationGrid(line(played(sixteenths, 2)))).toBe(4);
    expect(chooseNotationGrid(line(played(triplets, 3)))).toBe(3);
    expect(chooseNotationGrid(line(played(both, 4)))).toBe(12);
    expect(chooseNotationGrid(line([0, 480, 960]))).toBe(1);
  });

  it('reads --grid as a note value, and refuses one that is not', () => {
    expect([4, 8, 16, 32, 12, 24].map(gridOfNoteValue)).toEqual([1, 2, 4, 8, 3, 6]);
    expect(() => gridOfNoteValue(5)).toThrow(/a grid of 5 is not a note value/);
  });

  it('snaps a performance, and legato overlaps of one step end where the next note starts', () => {
    const s = createScore({
      parts: [createPart({ notes: [
        { pitch: spellMidi(60), onset: 3, duration: 530, velocity: 80 }, // runs 53 ticks into the next
        { pitch: spellMidi(62), onset: 478, duration: 235, velocity: 80 },
        { pitch: spellMidi(64), onset: 722, duration: 1000, velocity: 80 },
      ] })],
    });
    const q = quantizeForNotation(s);
    expect(q.parts[0]!.notes.map((n) => [n.onset, n.duration])).toEqual([[0, 480], [480, 240], [720, 960]]);
    expect(isOnGrid(q, 2)).toBe(true);
  });
});

describe('musegen convert: a MIDI performance of a grid piece becomes its notation', () => {
  /** Convert `original`'s performance through the CLI; the MusicXML written. */
  function convertPerformance(original: Score, name: string, seed: number): string {
    writeFileSync(tmp.join(`${name}.mid`), writeMidi(perform(original, seed)));
    const r = musegen(['convert', `${name}.mid`, '-o', `${name}.musicxml`], { cwd: tmp.path });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`converted ${name}\\.mid → ${name}\\.musicxml \\(musicxml: .*quantized to`));
    return readFileSync(tmp.join(`${name}.musicxml`), 'utf8');
  }

  it('a jig with triplets and endings (played out): every note typed, the triplets and only they tuplets, the notes the original\'s', () => {
    const original = tunes(true)[1]!;
    const xml = convertPerformance(original, 'jig', 11);
    expect(untyped(xml)).toBe(0);
    const tripletNotes = original.parts[0]!.notes.filter((n) => n.duration === 160).length;
    expect(tripletNotes).toBe(6); // (3efg), played twice
    expect(count(xml, /<time-modification>/g)).toBe(tripletNotes);
    expect(count(xml, /<tuplet type="start"/g)).toBe(2);
    expect(sounding(readMusicXml(xml))).toEqual(sounding(original));
    // ties exactly where the original, written as notation, has them
    expect(count(xml, /<tie type="start"\/>/g)).toBe(count(writeMusicXml(original), /<tie type="start"\/>/g));
  });

  it('a whole performance of the six-part tune, notes and ties as written, no tuplet', () => {
    const original = tunes(true)[0]!;
    const xml = convertPerformance(original, 'hornpipe', 12);
    expect(untyped(xml)).toBe(0);
    expect(count(xml, /<time-modification>/g)).toBe(0);
    expect(sounding(readMusicXml(xml))).toEqual(sounding(original));
    expect(count(xml, /<tie type="start"\/>/g)).toBe(count(writeMusicXml(original), /<tie type="start"\/>/g));
  });

  const kern = corpusPath('bach-370-chorales-kern', 'kern');
  it.skipIf(!haveCorpus('convert: the kern chorales', kern))('ten Bach chorales (kern) performed: notes as written, all typed, no tuplet, soprano on top', () => {
    for (let k = 1; k <= 10; k++) {
      const file = `chor${String(k).padStart(3, '0')}.krn`;
      const original = readKern(readFileSync(join(kern, file), 'utf8'))[0]!;
      const xml = convertPerformance(original, `chorale${k}`, 100 + k);
      expect(untyped(xml), file).toBe(0);
      expect(count(xml, /<time-modification>/g), file).toBe(0);
      const back = readMusicXml(xml);
      expect(sounding(back), file).toEqual(sounding(original));
      expect(back.parts.map((p) => p.name), file).toEqual(['Soprano', 'Alto', 'Tenor', 'Bass']);
      // MIDI has no pickup: ties where the original, barred as the MIDI file bars it, has them
      expect(count(xml, /<tie type="start"\/>/g), file).toBe(count(writeMusicXml({ ...original, pickup: 0 }), /<tie type="start"\/>/g));
    }
  });
});

describe('musegen convert: formats, repeats, parts', () => {
  it('writes ABC repeats and endings as barlines, and plays them out in MIDI', () => {
    let r = musegen(['convert', TUNES, '--piece', '2', '-o', 'jig.musicxml'], { cwd: tmp.path });
    expect(r.code, r.stderr).toBe(0);
    const xml = readFileSync(tmp.join('jig.musicxml'), 'utf8');
    expect(count(xml, /<repeat direction="forward"\/>/g)).toBe(2);
    expect(count(xml, /<repeat direction="backward"\/>/g)).toBe(2);
    expect(count(xml, /<ending number="1" type="start">1\.<\/ending>/g)).toBe(2);
    expect(count(xml, /<ending number="2" type="start">2\.<\/ending>/g)).toBe(2);
    expect(count(xml, /<ending number="1" type="stop"\/>/g)).toBe(2);
    const written = tunes()[1]!;
    expect(readMusicXml(xml).repeats).toEqual(written.repeats);
    expect(sounding(readMusicXml(xml))).toEqual(sounding(written)); // each ending once, not both endings played in a row

    r = musegen(['convert', 'jig.musicxml', '-o', 'jig.mid'], { cwd: tmp.path });
    expect(r.code, r.stderr).toBe(0);
    expect(sounding(readMidi(readFileSync(tmp.join('jig.mid'))))).toEqual(sounding(tunes(true)[1]!));
  });

  it('gives a :| without |: its |: after the last :| (abc2midi): the six-part tune is six repeated parts', () => {
    const r = musegen(['convert', TUNES, '-o', 'six.musicxml'], { cwd: tmp.path });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/holds 3 pieces; converting the first \(--piece N for another\)/);
    const xml = readFileSync(tmp.join('six.musicxml'), 'utf8');
    expect(count(xml, /<repeat direction="backward"\/>/g)).toBe(6);
    expect(count(xml, /<repeat direction="forward"\/>/g)).toBe(5);
    expect(musegen(['convert', 'six.musicxml', '-o', 'six.mid'], { cwd: tmp.path }).code).toBe(0);
    const played = readMidi(readFileSync(tmp.join('six.mid')));
    expect(played.parts[0]!.notes).toHaveLength(2 * tunes()[0]!.parts[0]!.notes.length);
    expect(sounding(played)).toEqual(sounding(tunes(true)[0]!));
  });

  it('keeps kern repeat barlines (=:|! =!|:): written in MusicXML, played out in MIDI', () => {
    const text = ['**kern', '*M2/4', '4c', '=1', '4d', '4e', '=:|!', '4f', '4g', '=!|:', '2a', '=:|!', '2b', '==', '*-'].join('\n');
    writeFileSync(tmp.join('rep.krn'), `${text}\n`);
    const [written] = readKern(text);
    expect(written!.repeats).toEqual({ starts: [5 * 480], ends: [3 * 480, 7 * 480], endings: [] });
    expect(musegen(['convert', 'rep.krn', '-o', 'rep.musicxml'], { cwd: tmp.path }).code).toBe(0);
    const xml = readFileSync(tmp.join('rep.musicxml'), 'utf8');
    expect([count(xml, /<repeat direction="forward"\/>/g), count(xml, /<repeat direction="backward"\/>/g)]).toEqual([1, 2]);
    expect(musegen(['convert', 'rep.krn', '-o', 'rep.mid'], { cwd: tmp.path }).code).toBe(0);
    // c d e (c d e) f g a (a) b: the first :| goes back to the start, the second to its |:
    expect(readMidi(readFileSync(tmp.join('rep.mid'))).parts[0]!.notes.map((n) => midiOf(n.pitch))).toEqual([60, 62, 64, 60, 62, 64, 65, 67, 69, 69, 71]);
  });

  it('reads every input format and writes .musicxml, .xml, .mxl and .mid; -o - writes to stdout', () => {
    const tune = tunes()[2]!;
    writeFileSync(tmp.join('in.abc'), readFileSync(TUNES));
    writeFileSync(tmp.join('in.musicxml'), writeMusicXml(tune));
    writeFileSync(tmp.join('in.mxl'), packMxl(writeMusicXml(tune)));
    writeFileSync(tmp.join('in.mid'), writeMidi(tune));
    writeFileSync(tmp.join('in.krn'), '**kern\n*M3/4\n=1\n4c\n4d\n4e\n=2\n2.f\n==\n*-\n');
    for (const input of ['in.abc', 'in.musicxml', 'in.mxl', 'in.mid', 'in.krn']) {
      for (const output of ['out.musicxml', 'out.xml', 'out.mxl', 'out.mid']) {
        const r = musegen(['convert', input, '--piece', '1', '-o', output], { cwd: tmp.path });
        expect(r.code, `${input} → ${output}: ${r.stderr}`).toBe(0);
      }
      const back = readMusicXml(readFileSync(tmp.join('out.xml'), 'utf8'));
      expect(back.parts[0]!.notes.length, input).toBeGreaterThan(0);
    }
    const r = musegen(['convert', 'in.mid', '-o', '-', '--format', 'musicxml'], { cwd: tmp.path });
    expect(r.code, r.stderr).toBe(0);
    expect(r.text).toMatch(/^<\?xml[\s\S]*<\/score-partwise>\n$/);
    expect(r.stderr).toMatch(/→ stdout/);
  });

  it('quantizes to --grid when asked, whatever the source', () => {
    const swung = createScore({
      parts: [createPart({ name: 'Flute', notes: [0, 130, 250, 370, 480].map((onset): Note => ({ pitch: spellMidi(72), onset, duration: 100, velocity: 80 })) })],
    });
    writeFileSync(tmp.join('swung.musicxml'), writeMusicXml(swung, { grid: 'exact' }));
    const r = musegen(['convert', 'swung.musicxml', '--grid', '8', '-o', 'eighths.musicxml'], { cwd: tmp.path });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/quantized to eighth notes/);
    const notes = readMusicXml(readFileSync(tmp.join('eighths.musicxml'), 'utf8')).parts[0]!.notes;
    expect(notes.every((n) => n.onset % 240 === 0 && n.duration % 240 === 0)).toBe(true);
  });

  it('puts parts in score order with clefs from their range', () => {
    const part = (name: string, low: number, high: number) =>
      createPart({ name, notes: [low, high].map((m, i): Note => ({ pitch: spellMidi(m), onset: i * 480, duration: 480, velocity: 80 })) });
    // listed from the bottom up, as kern lists spines; names no voice names
    const s = createScore({ parts: [part('Cello', 36, 57), part('Viola', 50, 67), part('Violin', 67, 86)] });
    const xml = writeMusicXml(s);
    expect([...xml.matchAll(/<part-name>(.*?)<\/part-name>/g)].map((m) => m[1])).toEqual(['Violin', 'Viola', 'Cello']);
    expect([...xml.matchAll(/<sign>(.)<\/sign>/g)].map((m) => m[1])).toEqual(['G', 'C', 'F']);
    const satb = createScore({ parts: [part('Bass', 40, 60), part('Tenor', 48, 67), part('Alto', 55, 72), part('Soprano', 60, 79)] });
    const choir = writeMusicXml(satb);
    expect([...choir.matchAll(/<part-name>(.*?)<\/part-name>/g)].map((m) => m[1])).toEqual(['Soprano', 'Alto', 'Tenor', 'Bass']);
    expect(choir).toMatch(/<part-name>Soprano[\s\S]*<sign>G<\/sign>[\s\S]*<sign>G<\/sign>[\s\S]*<sign>G<\/sign>\s*<line>2<\/line>\s*<clef-octave-change>-1<\/clef-octave-change>[\s\S]*<sign>F<\/sign>/);
  });

  it('fails in one line on a file it cannot read, or a piece the file lacks (exit 1)', () => {
    expectOneLine(musegen(['convert', 'missing.mid', '-o', 'x.musicxml'], { cwd: tmp.path }), 1, 'missing.mid', /no such file/);
    expectOneLine(musegen(['convert', TUNES, '--piece', '9', '-o', 'x.musicxml'], { cwd: tmp.path }), 1, /has 3 pieces, not 9/);
    writeFileSync(tmp.join('junk.mid'), 'not midi');
    expectOneLine(musegen(['convert', 'junk.mid', '-o', 'x.musicxml'], { cwd: tmp.path }), 1, 'junk.mid');
  });
});

describe('playing written repeats out', () => {
  it('follows |: :| and first, second and third endings', () => {
    const bar = 1920;
    const notes = Array.from({ length: 6 }, (_, i): Note => ({ pitch: spellMidi(60 + i), onset: i * bar, duration: bar, velocity: 80 }));
    const s = createScore({
      parts: [createPart({ notes })],
      end: 6 * bar,
      repeats: {
        starts: [bar],
        ends: [3 * bar, 4 * bar],
        endings: [
          { start: 2 * bar, end: 3 * bar, numbers: [1] },
          { start: 3 * bar, end: 4 * bar, numbers: [2] },
          { start: 4 * bar, end: 5 * bar, numbers: [3], open: true },
        ],
      },
    });
    const order = [60, 61, 62, 61, 63, 61, 64, 65]; // bars 0 1 2(first ending) 1 3(second) 1 4(third) 5
    const played = playRepeats(s);
    expect(played.parts[0]!.notes.map((n) => midiOf(n.pitch))).toEqual(order);
    expect([played.end, played.repeats]).toEqual([8 * bar, undefined]);
    writeFileSync(tmp.join('repeats.musicxml'), writeMusicXml(s));
    expect(musegen(['convert', 'repeats.musicxml', '-o', 'repeats.mid'], { cwd: tmp.path }).code).toBe(0);
    const out = readMidi(readFileSync(tmp.join('repeats.mid')));
    expect(out.parts[0]!.notes.map((n) => midiOf(n.pitch))).toEqual(order);
    expect(readMusicXml(readFileSync(tmp.join('repeats.musicxml'), 'utf8')).repeats).toEqual(s.repeats);
  });
});
