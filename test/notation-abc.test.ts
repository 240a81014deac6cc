/**
 * ABC as large tune books write it, one small file per class in
 * test/fixtures/notation/: the invisible bar line [|], ABC 2.0's `!` line
 * breaks, stray and reserved characters (read past, the true strays named in
 * the warnings), `&` voice overlays, and ABC 1.6's `+…+` chords.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pitchName, readAbc, TICKS_PER_QUARTER as Q, type AbcTune, type Score } from '../src/index.js';
import { ROOT } from './helpers/paths.js';

const read = (name: string, warnings: string[] = []): AbcTune[] =>
  readAbc(readFileSync(join(ROOT, 'test', 'fixtures', 'notation', name), 'utf8'), { fileName: name, warnings });
/** "E4@960+480" per note of the first part (" v2" on overlaid voices, " fermata"), in the part's order. */
const notesOf = (s: Score): string[] =>
  s.parts[0]!.notes.map((n) => `${pitchName(n.pitch)}@${n.onset}+${n.duration}${n.voice ? ` v${n.voice}` : ''}${n.fermata ? ' fermata' : ''}`);
/** Onsets and lengths in eighths, for tunes in L:1/8. */
const inEighths = (s: Score): string[] => s.parts[0]!.notes.map((n) => `${pitchName(n.pitch)}@${n.onset / (Q / 2)}+${n.duration / (Q / 2)}`);

describe('ABC: the invisible bar line [|]', () => {
  it('reads [|] as a bar line', () => {
    const warnings: string[] = [];
    const [tune] = read('abc-invisible-bar.abc', warnings);
    expect(inEighths(tune!.score)).toEqual(['G4@0+1', 'A4@1+1', 'B4@2+1', 'C5@3+1', 'D5@4+2', 'B4@6+2', 'C5@8+2', 'A4@10+2', 'B4@12+4']);
    expect(warnings).toEqual([]);
  });
});

describe('ABC: "!" as a line break (ABC 2.0)', () => {
  it('reads "!" at line ends as line breaks, keeps !trill! a decoration, and !…! decorations in other tunes (one with a space)', () => {
    const warnings: string[] = [];
    const tunes = read('abc-bang-line-breaks.abc', warnings);
    expect(tunes.map((t) => t.x)).toEqual([1, 2, 3, 4]);
    const [old, header, decorated, spaced] = tunes.map((t) => t.score);
    expect(inEighths(old!)).toEqual([
      'A4@0+1',
      ...['D5', 'F#5', 'A5', 'A5', 'F#5', 'D5'].map((p, i) => `${p}@${1 + i}+1`),
      ...['E5', 'F#5', 'G5', 'G5', 'F#5', 'E5'].map((p, i) => `${p}@${7 + i}+1`),
      ...['D5', 'F#5', 'A5', 'A5', 'F#5', 'D5'].map((p, i) => `${p}@${13 + i}+1`), // after !trill!
      'E5@19+1', 'C#5@20+1', 'A4@21+1', 'A4@22+3',
    ]);
    expect(inEighths(header!)).toEqual(['G4@0+1', 'A4@1+1', 'B4@2+1', 'C5@3+1', 'D5@4+2', 'D5@6+2']); // I:linebreak !
    expect(notesOf(decorated!)).toEqual([`G4@0+${Q / 2}`, `A4@${Q / 2}+${Q / 2}`, `B4@${Q}+${Q} fermata`, `C5@${2 * Q}+${2 * Q}`]);
    expect(inEighths(spaced!)).toEqual(['G4@0+1', 'A4@1+1', 'B4@2+1', 'C5@3+1', 'D5@4+4']); // !D.S. al coda! adds no notes
    expect(warnings).toEqual([]);
  });
});

describe('ABC: stray characters', () => {
  it('reads past spacers, reserved characters and strays, naming the strays line by line', () => {
    const warnings: string[] = [];
    const [tune] = read('abc-stray-characters.abc', warnings);
    const s = tune!.score;
    expect(s.title).toBe('Strays');
    const steps = ['C4', 'D4', 'E4', 'F4', 'G4', 'A4', 'B4', 'C5', 'D5', 'E5', 'F5', 'C4', 'D4', 'E4', 'C5'];
    const onsets = [0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
    const lengths = [1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3];
    expect(notesOf(s)).toEqual(steps.map((p, i) => `${p}@${onsets[i]! * Q}+${lengths[i]! * Q}`));
    expect(warnings).toEqual([
      'abc-stray-characters.abc: tune X:1 "Strays": line 10: read past ":" (not ABC music)',
      'abc-stray-characters.abc: tune X:1 "Strays": line 12: read past "[", "]", "Y" (not ABC music)',
    ]);
  });

  it('still refuses a tune whose fields are wrong, naming it', () => {
    expect(() => readAbc('X:7\nT:Bad\nM:3/4\nL:0\nK:C\nCDE|\n')).toThrow('tune X:7 "Bad": L:0 is not a note length');
  });
});

describe('ABC: voice overlays (&)', () => {
  it('starts what follows & at the start of the bar, as another voice of the part', () => {
    const warnings: string[] = [];
    const [tune] = read('abc-voice-overlay.abc', warnings);
    const s = tune!.score;
    expect(notesOf(s)).toEqual([
      `C4@0+${2 * Q} v2`,
      `C5@0+${Q}`,
      `D5@${Q}+${Q}`,
      `G3@${2 * Q}+${2 * Q} v2`,
      `E5@${2 * Q}+${Q}`,
      `F5@${3 * Q}+${Q}`,
      `G5@${4 * Q}+${4 * Q}`,
      `G3@${8 * Q}+${2 * Q} v3`,
      `E4@${8 * Q}+${2 * Q} v2`,
      `C5@${8 * Q}+${2 * Q}`,
    ]);
    expect(s.end).toBe(10 * Q);
    expect(warnings).toEqual([]);
  });
});

describe('ABC: +…+ chords (ABC 1.6) beside +…+ decorations', () => {
  it('reads +GB+ and +E3c3+ as chords, +trill+ and +p+ as decorations', () => {
    const warnings: string[] = [];
    const [tune] = read('abc-plus-chords.abc', warnings);
    expect(inEighths(tune!.score)).toEqual([
      'B4@0+0.5', 'G4@0.5+0.5', 'B4@0.5+0.5', 'G4@1+1', 'B4@1+1', 'D5@2+2', 'G5@2+2', 'E4@4+3', 'C5@4+3',
    ]);
    expect(tune!.score.end).toBe(8 * (Q / 2));
    expect(warnings).toEqual([]);
  });
});
