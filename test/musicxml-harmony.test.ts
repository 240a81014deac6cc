/**
 * Chord symbols in MusicXML: the chord-symbol parser and formatter, <harmony>
 * written and read back on a small score, and every chord symbol of the 1,034
 * cleaned Nottingham ABC tunes through writeMusicXml → readMusicXml.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  TICKS_PER_QUARTER as Q,
  createPart,
  createScore,
  formatChordSymbol,
  normalizeChordSymbol,
  parseChordSymbol,
  parsePitch,
  readMusicXml,
  readScoreFile,
  writeMusicXml,
  type ChordSymbol,
  type Score,
} from '../src/index.js';
import { corpusPath, haveCorpus } from './helpers/corpora.js';

const abcDir = `${corpusPath('nottingham-jukedeck/ABC_cleaned')}/`;
const present = haveCorpus('musicxml-harmony: the Nottingham round trip', abcDir);

/** Chord symbols as the writer keeps them: normalised text, blank ones dropped. */
const normalised = (cs: readonly ChordSymbol[]): ChordSymbol[] =>
  cs.flatMap((c) => {
    const text = normalizeChordSymbol(c.text);
    return text === undefined ? [] : [{ tick: c.tick, text }];
  });

describe('chord-symbol text', () => {
  it('parses root, kind and bass, Nottingham spellings included', () => {
    expect(parseChordSymbol('Am7')).toEqual({ root: { step: 'A', alter: 0 }, kind: 'minor-seventh', suffix: 'm7', alternate: false });
    expect(parseChordSymbol('D/f+')).toEqual({
      root: { step: 'D', alter: 0 }, kind: 'major', suffix: '', bass: { step: 'F', alter: 1 }, alternate: false,
    });
    expect(parseChordSymbol('Gm/bb')?.bass).toEqual({ step: 'B', alter: -1 });
    expect(parseChordSymbol('Bbd')).toMatchObject({ root: { step: 'B', alter: -1 }, kind: 'diminished' });
    expect(parseChordSymbol('Ca')?.kind).toBe('augmented');
    expect(parseChordSymbol('Fa7')?.kind).toBe('augmented-seventh');
    expect(parseChordSymbol('F#m')).toMatchObject({ root: { step: 'F', alter: 1 }, kind: 'minor' });
    expect(parseChordSymbol('Dsus4')?.kind).toBe('suspended-fourth');
    expect(parseChordSymbol('Bm7b5')?.kind).toBe('half-diminished');
    expect(parseChordSymbol('Cdim7')?.kind).toBe('diminished-seventh');
    expect(parseChordSymbol('Dm6')?.kind).toBe('minor-sixth');
    expect(parseChordSymbol('C6')?.kind).toBe('major-sixth');
    expect(parseChordSymbol('(E7)')).toMatchObject({ kind: 'dominant', alternate: true });
    expect(parseChordSymbol('E7b9')).toMatchObject({ kind: 'other', suffix: '7b9' });
    expect(parseChordSymbol('N.C.')?.kind).toBe('none');
    expect(parseChordSymbol('  ')).toBeUndefined();
  });

  it('formats the canonical text, a fixed point of normalisation', () => {
    const cases: [string, string][] = [
      ['G', 'G'], ['Am7', 'Am7'], ['D/f+', 'D/F#'], ['Gm/bb', 'Gm/Bb'], ['Cd', 'Cdim'], ['Ca', 'Caug'],
      ['Fa7', 'Faug7'], ['D7/a', 'D7/A'], ['(A7)', '(A7)'], [' Em', 'Em'], ['D m', 'Dm'], ['E7b9', 'E7b9'],
      ['Bbd', 'Bbdim'], ['nc', 'N.C.'], ['?', '?'],
    ];
    for (const [text, canonical] of cases) {
      expect(normalizeChordSymbol(text), text).toBe(canonical);
      expect(normalizeChordSymbol(canonical), canonical).toBe(canonical);
    }
    expect(formatChordSymbol({ root: { step: 'E', alter: -1 }, kind: 'major-seventh', suffix: 'maj7', alternate: false })).toBe('Ebmaj7');
  });
});

describe('<harmony> in MusicXML', () => {
  const score = (): Score => {
    const notes = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({ pitch: parsePitch('G4'), onset: i * Q, duration: Q, velocity: 80, voice: 1 }));
    notes.push({ pitch: parsePitch('D5'), onset: 8 * Q, duration: 4 * Q, velocity: 80, voice: 1 }); // a whole note in bar 3
    return createScore({
      parts: [createPart({ name: 'Melody', notes }), createPart({ name: 'Bass', notes: [{ pitch: parsePitch('G2'), onset: 0, duration: 12 * Q, velocity: 80, voice: 1 }] })],
      chordSymbols: [
        { tick: 0, text: 'G' },
        { tick: 2 * Q, text: 'D7/F#' },
        { tick: 4 * Q, text: 'Em' },
        { tick: 4 * Q, text: '(Am7)' },
        { tick: 8 * Q, text: 'Cdim' },
        { tick: 10 * Q, text: 'E7b9' }, // inside the whole note: needs an <offset>
        { tick: 11 * Q, text: 'N.C.' },
      ],
      end: 12 * Q,
    });
  };

  it('writes root, kind with its text, bass and offset in the first part only', () => {
    const xml = writeMusicXml(score());
    expect(xml.match(/<harmony/g)).toHaveLength(7);
    expect(xml.split('<part id="P2">')[1]).not.toContain('<harmony');
    expect(xml).toContain('<kind text="7">dominant</kind>');
    expect(xml).toMatch(/<bass>\s*<bass-step>F<\/bass-step>\s*<bass-alter>1<\/bass-alter>\s*<\/bass>/);
    expect(xml).toContain('<kind text="7b9">other</kind>');
    expect(xml).toContain('<harmony type="alternate">');
    expect(xml).toMatch(/<offset>\d+<\/offset>/);
  });

  it('reads back the same chord symbols (tick and text)', () => {
    const s = score();
    expect(readMusicXml(writeMusicXml(s)).chordSymbols).toEqual(s.chordSymbols);
  });

  it('reads <harmony> from other programs: offset, alter, unknown kinds', () => {
    const xml = `<?xml version="1.0"?><score-partwise version="3.1"><part-list><score-part id="P1"><part-name>x</part-name></score-part></part-list>
<part id="P1"><measure number="1"><attributes><divisions>2</divisions><time><beats>4</beats><beat-type>4</beat-type></time></attributes>
<harmony><root><root-step>B</root-step><root-alter>-1</root-alter></root><kind text="min7">minor-seventh</kind></harmony>
<note><pitch><step>C</step><octave>5</octave></pitch><duration>8</duration><voice>1</voice></note>
<backup><duration>8</duration></backup>
<harmony><root><root-step>F</root-step></root><kind text="7sus4">other</kind><offset>4</offset></harmony>
<harmony><function>V</function><kind>dominant</kind></harmony>
</measure></part></score-partwise>`;
    expect(readMusicXml(xml).chordSymbols).toEqual([
      { tick: 0, text: 'Bbm7' },
      { tick: 2 * Q, text: 'F7sus4' },
    ]);
  });
});

describe.skipIf(!present)('Nottingham chord symbols through MusicXML', () => {
  it('keeps every chord symbol of the 1,034 tunes (tick and normalised text)', async () => {
    let tunes = 0;
    let symbols = 0;
    const lost: string[] = [];
    for (const file of readdirSync(abcDir).filter((f) => f.endsWith('.abc')).sort()) {
      for (const piece of await readScoreFile(abcDir + file)) {
        tunes++;
        const want = normalised(piece.score.chordSymbols);
        symbols += want.length;
        const got = readMusicXml(writeMusicXml(piece.score)).chordSymbols;
        if (JSON.stringify(got) !== JSON.stringify(want)) lost.push(`${file} ${piece.score.title ?? ''}`);
      }
    }
    console.log(`musicxml-harmony: ${tunes} tunes, ${symbols} chord symbols round-tripped`);
    expect(tunes).toBe(1034);
    expect(symbols).toBeGreaterThan(27000); // 27,064 non-blank symbols in the corpus
    expect(lost).toEqual([]);
  }, 240_000);
});
