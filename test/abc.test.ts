/**
 * The ABC reader: fields, rhythms, accidentals, chord symbols, repeats and
 * errors on small tunes, then the 1,034 cleaned Nottingham tunes, 20 of them
 * against their melody MIDI files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_VELOCITY, isMusegenError, midiOf, pitchName, quantize, readAbc, readBytes, readScoreFile, TICKS_PER_QUARTER as Q,
  type AbcReadOptions, type AbcTune, type Score,
} from '../src/index.js';
import { corpusPath, haveCorpus } from './helpers/corpora.js';

const nottingham = `${corpusPath('nottingham-jukedeck')}/`;
const present = haveCorpus('abc: the Nottingham corpus tests', `${nottingham}ABC_cleaned`, `${nottingham}MIDI/melody`);

const E = Q / 2; // an eighth, the unit length of most tunes below
const tune = (body: string, opts: AbcReadOptions = {}): Score => {
  const tunes = readAbc(`X:1\nT:Test\n${body}\n`, opts);
  expect(tunes).toHaveLength(1);
  return tunes[0]!.score;
};
const notesOf = (s: Score): string[] => s.parts[0]!.notes.map((n) => `${pitchName(n.pitch)}@${n.onset}+${n.duration}`);
const pitchesOf = (s: Score): string[] => s.parts[0]!.notes.map((n) => pitchName(n.pitch));

describe('ABC fields', () => {
  it('reads K: with modes and explicit accidentals', () => {
    const key = (k: string): Score => tune(`M:4/4\nL:1/8\nK:${k}\nFBcf|`);
    expect(key('G').keySignatures).toEqual([{ tick: 0, fifths: 1, mode: 'major' }]);
    expect(key('Em').keySignatures[0]).toMatchObject({ fifths: 1, mode: 'minor' });
    expect(key('A dorian').keySignatures[0]).toMatchObject({ fifths: 1, mode: 'dorian' });
    expect(key('Dmix').keySignatures[0]).toMatchObject({ fifths: 1, mode: 'mixolydian' });
    expect(key('Bb').keySignatures[0]).toMatchObject({ fifths: -2, mode: 'major' });
    expect(key('F#m').keySignatures[0]).toMatchObject({ fifths: 3, mode: 'minor' });
    expect(pitchesOf(key('D'))).toEqual(['F#4', 'B4', 'C#5', 'F#5']);
    expect(pitchesOf(key('Bb'))).toEqual(['F4', 'Bb4', 'C5', 'F5']);
    expect(pitchesOf(key('D exp ^c'))).toEqual(['F4', 'B4', 'C#5', 'F5']);
    expect(key('none').keySignatures).toEqual([]);
    expect(() => readAbc('X:1\nT:Odd\nK:Gxyz\nabc|\n')).toThrow('tune X:1 "Odd": K:Gxyz — "xyz" is not a mode');
  });

  it('reads M: (C, C|, changes mid-tune), the default L: and Q:', () => {
    const common = tune('M:C\nQ:1/4=90\nK:C\nc4 d4|');
    expect(common.timeSignatures).toEqual([{ tick: 0, numerator: 4, denominator: 4 }]);
    expect(common.tempos).toEqual([{ tick: 0, bpm: 90 }]);
    expect(notesOf(common)).toEqual([`C5@0+${4 * E}`, `D5@${4 * E}+${4 * E}`]); // 4/4: L defaults to 1/8
    const cut = tune('M:C|\nK:C\nc2 d2|');
    expect(cut.timeSignatures[0]).toMatchObject({ numerator: 2, denominator: 2 });
    const short = tune('M:2/4\nQ:3/8=60\nK:C\nc4 d4|'); // 2/4 < 3/4: L defaults to 1/16
    expect(notesOf(short)).toEqual([`C5@0+${Q}`, `D5@${Q}+${Q}`]);
    expect(short.tempos[0]!.bpm).toBe(90);
    const change = tune('M:6/8\nL:1/8\nK:G\nabc abc|[M:3/4] d2 d2 d2|\nM:2/4\nL:1/4\ne e|');
    expect(change.timeSignatures).toEqual([
      { tick: 0, numerator: 6, denominator: 8 },
      { tick: 6 * E, numerator: 3, denominator: 4 },
      { tick: 12 * E, numerator: 2, denominator: 4 },
    ]);
    expect(notesOf(change).slice(-2)).toEqual([`E5@${12 * E}+${Q}`, `E5@${12 * E + Q}+${Q}`]);
  });
});

describe('ABC rhythm and pitch', () => {
  it('reads lengths, broken rhythms, triplets, ties and rests', () => {
    const s = tune('M:4/4\nL:1/8\nK:C\nA>B c<d (3efg c3/2d/2|c2-c2 z2 G//G//G//G//|');
    expect(notesOf(s)).toEqual([
      `A4@0+${(E * 3) / 2}`,
      `B4@${(E * 3) / 2}+${E / 2}`,
      `C5@${2 * E}+${E / 2}`,
      `D5@${(E * 5) / 2}+${(E * 3) / 2}`,
      `E5@${4 * E}+${(E * 2) / 3}`,
      `F5@${(E * 14) / 3}+${(E * 2) / 3}`,
      `G5@${(E * 16) / 3}+${(E * 2) / 3}`,
      `C5@${6 * E}+${(E * 3) / 2}`,
      `D5@${(E * 15) / 2}+${E / 2}`,
      `C5@${8 * E}+${4 * E}`, // c2-c2 is one tied note
      `G4@${14 * E}+${E / 4}`,
      `G4@${(E * 57) / 4}+${E / 4}`,
      `G4@${(E * 58) / 4}+${E / 4}`,
      `G4@${(E * 59) / 4}+${E / 4}`,
    ]);
    expect(s.parts[0]!.notes.filter((n) => n.tied)).toHaveLength(1);
  });

  it('keeps accidentals to the bar (and octave), across ties, and as the reach option says', () => {
    const body = 'M:4/4\nL:1/8\nK:C\n^c c C c-|c c =c c|';
    expect(pitchesOf(tune(body))).toEqual(['C#5', 'C#5', 'C4', 'C#5', 'C5', 'C5', 'C5']); // the tie carries C#5 over the bar
    expect(pitchesOf(tune(body, { accidentals: 'pitch' }))).toEqual(['C#5', 'C#5', 'C#4', 'C#5', 'C5', 'C5', 'C5']);
    expect(pitchesOf(tune(body, { accidentals: 'not' }))).toEqual(['C#5', 'C5', 'C4', 'C5', 'C5', 'C5', 'C5']);
    expect(pitchesOf(tune('M:4/4\nL:1/8\nK:C\n_B B __e ^^f =f F, f\'|'))).toEqual(['Bb4', 'Bb4', 'Ebb5', 'F##5', 'F5', 'F3', 'F6']);
  });

  it('reads chords, chord symbols, annotations and fermatas', () => {
    const s = tune('M:3/4\nL:1/4\nK:G\n"G"[GBd]2 "^text"[B/d/][c/e/]|"Am7"A "D/f#"!fermata!d Hg|');
    expect(notesOf(s).slice(0, 3)).toEqual([`G4@0+${2 * Q}`, `B4@0+${2 * Q}`, `D5@0+${2 * Q}`]);
    expect(s.chordSymbols).toEqual([
      { tick: 0, text: 'G' },
      { tick: 3 * Q, text: 'Am7' },
      { tick: 4 * Q, text: 'D/f#' },
    ]);
    expect(s.parts[0]!.notes.filter((n) => n.fermata).map((n) => pitchName(n.pitch))).toEqual(['D5', 'G5']);
  });

  it('gives every note DEFAULT_VELOCITY, and maps of one event per tick without restatements', () => {
    const s = tune('M:3/4\nL:1/4\nQ:1/4=90\nK:G\nGAB|[K:G][Q:1/4=90]GAB|[M:3/4][M:2/4][K:D]GA|[K:G]G2|');
    expect(s.parts[0]!.notes.every((n) => n.velocity === DEFAULT_VELOCITY)).toBe(true);
    expect(s.keySignatures).toEqual([
      { tick: 0, fifths: 1, mode: 'major' }, { tick: 6 * Q, fifths: 2, mode: 'major' }, { tick: 8 * Q, fifths: 1, mode: 'major' },
    ]);
    expect(s.timeSignatures).toEqual([{ tick: 0, numerator: 3, denominator: 4 }, { tick: 6 * Q, numerator: 2, denominator: 4 }]);
    expect(s.tempos).toEqual([{ tick: 0, bpm: 90 }]);
  });

  it('finds the pickup', () => {
    expect(tune('M:6/8\nL:1/8\nK:D\nA|def fed|d3 d2|').pickup).toBe(E);
    expect(tune('M:6/8\nL:1/8\nK:D\n|:def fed|d3 d3:|').pickup).toBe(0);
  });
});

describe('ABC repeats', () => {
  const body = 'M:2/4\nL:1/8\nK:C\nG|:cd ef|[1 g4:|[2 c4||A4|';
  it('keeps repeats as written by default', () => {
    expect(pitchesOf(tune(body))).toEqual(['G4', 'C5', 'D5', 'E5', 'F5', 'G5', 'C5', 'A4']);
  });
  it('unfolds |: :| and endings on request, with the key in force at the repeat', () => {
    const s = tune(body, { unfoldRepeats: true });
    expect(pitchesOf(s)).toEqual(['G4', 'C5', 'D5', 'E5', 'F5', 'G5', 'C5', 'D5', 'E5', 'F5', 'C5', 'A4']);
    expect(s.pickup).toBe(E);
    const keyed = tune('M:2/4\nL:1/4\nK:C\nF F:|[K:G] F F|]', { unfoldRepeats: true });
    expect(pitchesOf(keyed)).toEqual(['F4', 'F4', 'F4', 'F4', 'F#4', 'F#4']);
    expect(keyed.keySignatures.map((k) => k.fifths)).toEqual([0, 1]);
  });
  it('goes back to the last :| or the start when there is no |: (abc2midi; "replay": the Jukedeck converter), and plays the play order (Y: or P:)', () => {
    expect(pitchesOf(tune('M:2/4\nL:1/4\nK:C\nC D:|E F:|', { unfoldRepeats: true }))).toEqual(['C4', 'D4', 'C4', 'D4', 'E4', 'F4', 'E4', 'F4']);
    expect(pitchesOf(tune('M:2/4\nL:1/4\nK:C\nC D:|E F:|', { unfoldRepeats: 'replay' }))).toEqual(
      ['C4', 'D4', 'C4', 'D4', 'E4', 'F4', 'C4', 'D4', 'C4', 'D4', 'E4', 'F4'], // the inner repeat plays again
    );
    const parts = 'M:2/4\nL:1/4\nK:C\nP:A\nC D:|\nP:B\nE F|';
    expect(pitchesOf(tune(`Y:BAB\n${parts}`, { unfoldRepeats: true }))).toEqual(['E4', 'F4', 'C4', 'D4', 'C4', 'D4', 'E4', 'F4']);
    expect(pitchesOf(tune(`P:AB\n${parts}`, { unfoldRepeats: true }))).toEqual(['C4', 'D4', 'C4', 'D4', 'E4', 'F4']);
  });
});

describe('ABC files with several tunes', () => {
  const file = [
    'X:1', 'T:Good One', 'M:2/4', 'K:G', 'GA Bc|', '',
    'X:12', 'T:Keyless', 'M:2/4', 'GA Bc|', '',
    'X:3', 'T:Good Two', 'M:2/4', 'K:D', 'de fg|', '',
  ].join('\n');

  it('reads the good tunes and reports the one with no K: line', () => {
    const warnings: string[] = [];
    const pieces = readBytes(new TextEncoder().encode(file), 'folder/tunes.abc', { warnings });
    expect(pieces.map((p) => p.score.title)).toEqual(['Good One', 'Good Two']);
    expect(warnings).toEqual(['tunes.abc: tune X:12 "Keyless": no K: line']);
    expect(readAbc(file).map((t: AbcTune) => t.x)).toEqual([1, 3]);
  });

  it('throws, naming the file and the tune, when no tune can be read', () => {
    const bad = 'X:12\nT:Name\nM:4/4\nabc|\n';
    try {
      readBytes(new TextEncoder().encode(bad), 'bad.abc');
      expect.unreachable();
    } catch (e) {
      expect(isMusegenError(e) && e.code).toBe('BAD_FORMAT');
      expect((e as Error).message).toBe('bad.abc: tune X:12 "Name": no K: line');
    }
    expect(() => readAbc('X:1\nT:Odd\nK:C\nab c0d|\n')).toThrow('tune X:1 "Odd": line 4: a note of length 0');
  });
});

/** The melody as [MIDI, onset, duration] in steps of 1/12 quarter from the first note; the top note of a chord. */
function melody(score: Score): { notes: [number, number, number][]; tied: boolean[] } {
  const step = Q / 12;
  const top = new Map<number, { midi: number; duration: number; tied: boolean }>();
  for (const n of quantize(score, 12).parts[0]!.notes) {
    const m = midiOf(n.pitch);
    if ((top.get(n.onset)?.midi ?? -1) < m) top.set(n.onset, { midi: m, duration: n.duration, tied: n.tied === true });
  }
  const rows = [...top.entries()].sort((a, b) => a[0] - b[0]);
  const t0 = rows[0]![0];
  return {
    notes: rows.map(([onset, v]) => [v.midi, (onset - t0) / step, v.duration / step]),
    tied: rows.map(([, v]) => v.tied),
  };
}

/**
 * Where the ABC melody and the MIDI one part, or -1 when they agree. A tied ABC
 * note matches the run of MIDI notes of its pitch that fill it (the renderer
 * strikes tied chord notes again); onsets and lengths may be one step apart
 * (it places the third note of a triplet 1/24 of a quarter late).
 */
function firstDifference(abc: ReturnType<typeof melody>, midi: ReturnType<typeof melody>): number {
  let j = 0;
  for (let i = 0; i < abc.notes.length; i++) {
    const [pitch, onset, duration] = abc.notes[i]!;
    const m = midi.notes[j];
    if (!m) return i;
    let length = m[2];
    j++;
    while (abc.tied[i] && length < duration && midi.notes[j]?.[0] === pitch && midi.notes[j]![1] === m[1] + length) length += midi.notes[j++]![2];
    if (m[0] !== pitch || Math.abs(m[1] - onset) > 1 || Math.abs(length - duration) > 1) return i;
  }
  return j === midi.notes.length ? -1 : abc.notes.length;
}

describe.skipIf(!present)('Nottingham (Jukedeck cleaned ABC)', () => {
  const files = present ? readdirSync(`${nottingham}ABC_cleaned`).filter((f) => f.endsWith('.abc')).sort() : [];
  const tunes = new Map<string, { tune: AbcTune; text: string }>();
  const warnings: string[] = [];
  beforeAll(() => {
    for (const f of files) {
      const text = readFileSync(`${nottingham}ABC_cleaned/${f}`, 'utf8');
      // As the MIDI files were made: repeats played out (a :| without |: replaying what came before), an accidental only on its own note.
      for (const t of readAbc(text, { unfoldRepeats: 'replay', accidentals: 'not', fileName: f, warnings })) {
        const own = text.split(/^(?=X:)/m).find((x) => new RegExp(`^X:\\s*${t.x}\\s*$`, 'm').test(x.split('\n')[0]!))!;
        tunes.set(`${f.replace(/\.abc$/, '')}${t.x}`, { tune: t, text: own });
      }
    }
  });

  it('reads all 1,034 tunes of the 14 files', () => {
    expect(files).toHaveLength(14);
    expect(warnings).toEqual([]);
    expect(tunes.size).toBe(1034);
    const all = [...tunes.values()].map((t) => t.tune.score);
    expect(all.every((s) => s.title && s.parts[0]!.notes.length > 0 && s.keySignatures.length > 0)).toBe(true);
    expect(all.filter((s) => s.chordSymbols.length > 0).length).toBeGreaterThan(1000);
  });

  // The renderer of the MIDI files follows Y: play orders but not the standard P: ones (tunes with a
  // P: play order in the header, or part labels and no Y:, hold only their first part there), so the
  // 20 are spread evenly over the 979 tunes without those.
  it('matches the melody MIDI files of 20 tunes, in quarter notes at 12 steps', async () => {
    const eligible = [...tunes.entries()].filter(([, { text }]) => {
      const header = text.slice(0, text.search(/^K:/m));
      return !/^P:/m.test(header) && (!/^P:/m.test(text) || /^Y:/m.test(text));
    });
    expect(eligible).toHaveLength(979);
    const every = Math.floor(eligible.length / 20);
    const chosen = eligible.filter((_, i) => i % every === 0).slice(0, 20);
    for (const [name, { tune: t }] of chosen) {
      const [piece] = await readScoreFile(`${nottingham}MIDI/melody/${name}.mid`);
      const abc = melody(t.score);
      const midi = melody(piece!.score);
      expect({ name, differsAt: firstDifference(abc, midi) }).toEqual({ name, differsAt: -1 });
      expect(abc.notes.length).toBeGreaterThan(40);
    }
  });
});
