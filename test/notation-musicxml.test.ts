/**
 * MusicXML as notation programs export it, one small file per class in
 * test/fixtures/notation/: an overfull measure in one part, numeric character
 * references, a fermata on one note of a chord, no <divisions>, and the
 * measure cases of MusicXML 4.0 around them (chord notes of another length,
 * cue notes, <backup> past the start, <forward> without a voice, an implicit
 * measure mid-piece, a whole-measure rest of the wrong length, an empty
 * measure), and transposing instruments written at their pitch (<transpose>).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pitchName, readMusicXml, TICKS_PER_QUARTER as Q, type Score } from '../src/index.js';
import { ROOT } from './helpers/paths.js';

const fixture = (name: string): Score => readMusicXml(readFileSync(join(ROOT, 'test', 'fixtures', 'notation', name), 'utf8'));
/** "E4@960+480 v2" per note of a part, in the part's order. */
const notesOf = (s: Score, part = 0): string[] =>
  s.parts[part]!.notes.map((n) => `${pitchName(n.pitch)}@${n.onset}+${n.duration} v${n.voice ?? 1}${n.fermata ? ' fermata' : ''}`);
const W = 4 * Q;

describe('MusicXML: one part overfull', () => {
  it('keeps every measure one 4/4 bar long: no silence enters the other parts', () => {
    const s = fixture('musicxml-overfull-measure.musicxml');
    expect(notesOf(s, 0)).toEqual([`C5@0+${W} v1`, `D5@${W}+${W} v1`, `E5@${2 * W}+${W} v1`]);
    expect(notesOf(s, 1)).toEqual([`A4@${W}+${W} v1`, `B4@${2 * W}+${W} v1`]); // after its two whole-measure rests
    expect(notesOf(s, 2)).toEqual([
      `C3@0+${W} v1`,
      `C3@${W}+${Q} v1`,
      `D3@${W + Q}+${Q} v1`,
      `E3@${W + 2 * Q}+${Q} v1`,
      `F3@${W + 3 * Q}+${Q} v1`, // the dotted quarter cut at the bar line; the fifth quarter, past it, left out
      `C3@${2 * W}+${W} v1`,
    ]);
    expect(s.end).toBe(3 * W);
    expect(s.timeSignatures).toEqual([{ tick: 0, numerator: 4, denominator: 4 }]);
  });
});

describe('MusicXML: numeric character references', () => {
  it('decodes &#233; and &#xE9; in titles and part names, line breaks in them as spaces', () => {
    const s = fixture('musicxml-character-references.musicxml');
    expect(s.title).toBe('Café “Crème” & Co');
    expect(s.parts.map((p) => p.name)).toEqual(['Flûte & Hautbois', 'Violoncelle Basso \u{1D122}']); // a line break written in a name: a space
  });
});

describe('MusicXML: a fermata on a chord', () => {
  it('marks every note of the chord, whichever note carries it', () => {
    const s = fixture('musicxml-chord-fermata.musicxml');
    expect(notesOf(s)).toEqual([
      `C4@0+${Q} v1 fermata`,
      `E4@0+${Q} v1 fermata`,
      `G4@0+${Q} v1 fermata`,
      `D4@${Q}+${Q} v1 fermata`,
      `F4@${Q}+${Q} v1 fermata`,
      `E4@${2 * Q}+${Q} v1`,
      `G4@${2 * Q}+${Q} v1`,
    ]);
  });
});

describe('MusicXML: no <divisions>', () => {
  it('reads durations in quarter notes (divisions 1, the default)', () => {
    const s = fixture('musicxml-no-divisions.musicxml');
    expect(notesOf(s)).toEqual([`G4@0+${Q} v1`, `A4@${Q}+${Q} v1`, `B4@${2 * Q}+${2 * Q} v1`, `C5@${W}+${W} v1`]);
  });
});

describe('MusicXML 4.0: the measure cases around them', () => {
  it('reads chord notes of another length, cue notes, backup past the start, forward without voice, an implicit measure, a wrong whole-measure rest and an empty measure', () => {
    const s = fixture('musicxml-relatives.musicxml');
    const split = W + 3 * Q; // the implicit measure X1 begins after a 3-beat measure 2
    expect(notesOf(s, 0)).toEqual([
      `C4@0+${Q} v1`,
      `E4@0+${2 * Q} v1`, // a <chord/> note keeps its own length
      `G3@${Q}+${3 * Q} v2`, // <backup> past the start stops there; <forward> moves every voice on
      `D4@${Q}+${Q} v1`, // the cue note after it takes time but sounds nothing
      `A4@${W}+${3 * Q} v1`,
      `B4@${split}+${Q} v1`,
      // measure 3: a whole-measure rest of 3 quarters beside a whole note; measure 4 empty in both parts: a bar each
      `C5@${split + Q + 2 * W}+${W} v1`,
    ]);
    expect(notesOf(s, 1)).toEqual([
      `C3@0+${W} v1`, `D3@${W}+${3 * Q} v1`, `E3@${split}+${Q} v1`, `G2@${split + Q}+${W} v1`, `C3@${split + Q + 2 * W}+${W} v1`,
    ]);
    expect(s.pickup).toBe(0);
    expect(s.end).toBe(split + Q + 3 * W);
  });

  it('gives a measure of whole-measure rests their length, up to a bar: a pickup stays, a whole rest in 3/4 is one bar', () => {
    const part = (notes: string): string =>
      `<measure number="0"><attributes><divisions>1</divisions><time><beats>3</beats><beat-type>4</beat-type></time></attributes>${notes}</measure>`
      + '<measure number="1"><note><pitch><step>C</step><octave>4</octave></pitch><duration>3</duration></note></measure>';
    const xml = '<score-partwise><part-list><score-part id="P1"/><score-part id="P2"/></part-list>'
      + `<part id="P1">${part('<note><rest measure="yes"/><duration>1</duration></note>')}</part>`
      + `<part id="P2">${part('<note><rest measure="yes"/><duration>1</duration></note>')}</part></score-partwise>`;
    const s = readMusicXml(xml);
    expect(s.pickup).toBe(Q);
    expect(notesOf(s, 0)).toEqual([`C4@${Q}+${3 * Q} v1`]);
    const wholeIn34 = readMusicXml(xml.replaceAll('<duration>1</duration>', '<duration>4</duration>'));
    expect(wholeIn34.pickup).toBe(0);
    expect(notesOf(wholeIn34, 0)).toEqual([`C4@${3 * Q}+${3 * Q} v1`]);
  });
});

describe('MusicXML: transposing instruments (<transpose>)', () => {
  it('reads notes, key and chord symbols at sounding pitch', () => {
    const s = fixture('musicxml-transposing.musicxml');
    expect(notesOf(s, 0)).toEqual([`C5@0+${Q} v1`, `D5@${Q}+${Q} v1`, `E5@${2 * Q}+${2 * Q} v1`]); // clarinet in B-flat
    expect(notesOf(s, 1)).toEqual([`C4@0+${2 * Q} v1`, `E4@${2 * Q}+${2 * Q} v1`]); // horn in F
    expect(notesOf(s, 2)).toEqual([`E3@0+${W} v1`]); // guitar, an octave down
    expect(s.keySignatures).toEqual([{ tick: 0, fifths: 0, mode: 'major' }]); // the clarinet's D major sounds C major
    expect(s.chordSymbols).toEqual([{ tick: 0, text: 'C' }]);
  });
});
