/**
 * Humdrum **kern as other editions write it, one small file per class in
 * test/fixtures/notation/: rests placed on the staff, signifiers in any
 * order, ties across sub-spines, and the spine paths of the Humdrum
 * reference (split, local comments, null tokens, a sub-spine ending alone,
 * exchange, added spine, barline variants, a 3%2 duration, a grace note).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pitchName, readKern, TICKS_PER_QUARTER as Q, type Score } from '../src/index.js';
import { ROOT } from './helpers/paths.js';

const fixture = (name: string): Score => {
  const scores = readKern(readFileSync(join(ROOT, 'test', 'fixtures', 'notation', name), 'utf8'));
  expect(scores).toHaveLength(1);
  return scores[0]!;
};
/** "E4@960+480 v2 tied fermata" per note, in the part's order. */
const notesOf = (s: Score, part = 0): string[] =>
  s.parts[part]!.notes.map(
    (n) => `${pitchName(n.pitch)}@${n.onset}+${n.duration} v${n.voice ?? 1}${n.tied ? ' tied' : ''}${n.fermata ? ' fermata' : ''}`,
  );

describe('kern: rests that carry a staff position', () => {
  it('reads 4rF, 8rb, 4ryy, 2.rdd and 1rGG; as rests that take their time', () => {
    const s = fixture('kern-positioned-rests.krn');
    expect(notesOf(s)).toEqual([`C4@0+${Q} v1`, `D4@${2.5 * Q}+${Q / 2} v1`, `E4@${7 * Q}+${Q} v1`]);
    expect(s.end).toBe(12 * Q);
  });
});

describe('kern: signifiers in any order', () => {
  it('reads 16b]-, 16dd^#J, (8qa;-/, 8ccnn\\, 8/G#X, (4.dd-; and 8)eeJ', () => {
    const s = fixture('kern-signifier-order.krn');
    expect(notesOf(s)).toEqual([
      `Bb4@0+${0.75 * Q} v1 tied`, // [8b- then 16b]-: the tie's end written before the flat
      `D#5@${0.75 * Q}+${Q / 4} v1`, // accent between the letters and the sharp
      // (8qa;-/ is a grace note: no time
      `C5@${Q}+${Q / 2} v1`, // two naturals, a stem
      `G#3@${1.5 * Q}+${Q / 2} v1`, // stem first, editorial mark last
      `Db5@${2 * Q}+${1.5 * Q} v1 fermata`,
      `E5@${3.5 * Q}+${Q / 2} v1`,
    ]);
  });

  it('still refuses a token that names two pitches or mixes sharps and flats', () => {
    const head = '**kern\n*M4/4\n';
    expect(() => readKern(`${head}4cd\n*-\n`)).toThrow('line 3: unknown token "4cd"');
    expect(() => readKern(`${head}4c#-\n*-\n`)).toThrow('line 3: unknown token "4c#-"');
  });
});

describe('kern: ties across sub-spines', () => {
  it('keeps a tie in the sub-spine that started it when another sub-spine strikes the same pitch', () => {
    const s = fixture('kern-subspine-ties.krn');
    expect(notesOf(s)).toEqual([
      `C4@0+${4 * Q} v1 tied`, // [2c … 2c] while sub-spine 2 plays 4c 4c
      `C4@0+${Q} v2`,
      `C4@${Q}+${Q} v2`,
      `E4@${2 * Q}+${2 * Q} v2`,
      `C4@${4 * Q}+${2 * Q} v1`,
      `E4@${6 * Q}+${2 * Q} v1`,
      `G4@${6 * Q}+${4 * Q} v2 tied`, // started in sub-spine 2, ended after the merge
    ]);
  });
});

describe('kern: spine paths of the Humdrum reference', () => {
  it('reads splits, local comments, null tokens, a sub-spine ending alone, *x, *+, barline variants and 3%2', () => {
    const s = fixture('kern-spine-paths.krn');
    expect(s.parts.map((p) => p.name)).toEqual(['Bass', 'Soprano']); // *x does not reorder the parts
    expect(notesOf(s, 0)).toEqual([`C3@0+${3 * Q} v1`, `E3@${3 * Q}+${3 * Q} v1`, `F3@${6 * Q}+${Q} v1`]);
    expect(notesOf(s, 1)).toEqual([
      `C4@0+${Q} v1`,
      `E4@0+${Q} v2`,
      `D4@${Q}+${Q / 2} v1`, // after a local comment line; the bass has a null token
      `G4@${Q}+${Q} v2`,
      `E4@${1.5 * Q}+${Q / 2} v1`, // the grace note 8qf before it takes no time
      `F4@${2 * Q}+${Q} v1`,
      `A4@${2 * Q}+${Q} v2`,
      `F4@${3 * Q}+${(8 * Q) / 3} v1`, // 3%2: two thirds of a whole
      `G4@${3 * Q + (8 * Q) / 3}+${Q / 3} v1`, // the sub-spine ended alone: one voice again
      `A4@${6 * Q}+${Q} v1`, // after =:|! and an added **dynam spine
    ]);
    expect(s.end).toBe(7 * Q);
  });
});

describe('kern: lines that end in a tab', () => {
  it('reads past trailing tabs (and spaces), still naming a real extra column', () => {
    const s = readKern('**kern\t**kern\t\n*M2/4\t*M2/4\t \n2c\t2e\t\n*-\t*-\n')[0]!;
    expect(s.parts.map((p) => notesOf({ ...s, parts: [p] }))).toEqual([[`C4@0+${2 * Q} v1`], [`E4@0+${2 * Q} v1`]]);
    expect(() => readKern('**kern\n2c\t2e\n*-\n')).toThrow('line 2: 2 columns where 1 spines are open');
  });
});
