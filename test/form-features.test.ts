import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createPart, createScore, parsePitch, TICKS_PER_QUARTER as Q, type Note } from '../src/score/index.js';
import { GenerationState, MelodyEncoder, PianoRollEncoder, specOf, type EncodedEvents, type EncodedRoll } from '../src/encoding/index.js';
import { encoderSpecFor, parseBarList, unheededChoices } from '../src/training/index.js';
import { planPiece, parseMeter } from '../src/sampling/index.js';
import { isMusegenError } from '../src/errors.js';
import { musegen } from './helpers/cli.js';
import { FOLK_DEMO } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('form-features');

/** Notes one quarter each (a name, '-' to hold the last note a quarter more, '.' a rest), from `start` quarters. */
function line(text: string, start = 0): Note[] {
  const notes: Note[] = [];
  text.split(' ').forEach((t, i) => {
    const at = (start + i) * Q;
    if (t === '.') return;
    if (t === '-') notes[notes.length - 1]!.duration += Q;
    else notes.push({ pitch: parsePitch(t), onset: at, duration: Q, velocity: 80 });
  });
  return notes;
}

// 4/4 at one step per quarter: a pickup of one quarter, then four bars, the second repeating the first.
//   step   0 | 1 2 3 4 | 5 6 7 8 | 9 10 11 12 | 13 14 15 16
//          G4| C D E F | C D E F | G  -  .  . | C  -  -  -
const TUNE = createScore({
  pickup: Q,
  end: 17 * Q,
  parts: [createPart({ name: 'Tune', notes: line('G4 C4 D4 E4 F4 C4 D4 E4 F4 G4 - . . C4 - - -') })],
});
const enc = new MelodyEncoder({ stepsPerQuarter: 1, lowest: 60, highest: 72, features: ['bar', 'remaining', { name: 'lookback', bars: [1, 2] }] });
const CLASSES = enc.vocabulary.size; // rest, hold, C4 … C5
const tok = (name: string): number => enc.vocabulary.tokenOf(parsePitch(name))!;

function columns(e: EncodedEvents, step: number, name: string): number[] {
  const c = enc.featureLayout.columns.find((x) => x.name === name)!;
  const at = step * e.featureWidth + c.offset;
  return Array.from(e.features.subarray(at, at + c.width));
}
const oneHot = (width: number, i: number | undefined): number[] => Array.from({ length: width }, (_, j) => (j === i ? 1 : 0));

describe('form features on a hand-made tune', () => {
  const e = enc.encode(TUNE) as EncodedEvents;

  it('lays out 5 + 8 + (2 · classes + 2) columns', () => {
    expect(enc.featureLayout.columns.map((c) => [c.name, c.width])).toEqual([['bar', 5], ['remaining', 8], ['lookback', 2 * CLASSES + 2]]);
    expect(e.context.end).toBe(17);
  });

  it('bar: the full bar counter in binary, the pickup flagged', () => {
    expect(columns(e, 0, 'bar')).toEqual([0, 0, 0, 0, 1]);
    expect(columns(e, 1, 'bar')).toEqual([0, 0, 0, 0, 0]);
    expect(columns(e, 4, 'bar')).toEqual([0, 0, 0, 0, 0]);
    expect(columns(e, 5, 'bar')).toEqual([1, 0, 0, 0, 0]);
    expect(columns(e, 9, 'bar')).toEqual([0, 1, 0, 0, 0]);
    expect(columns(e, 16, 'bar')).toEqual([1, 1, 0, 0, 0]);
  });

  it('remaining: bars after this one to the end', () => {
    expect([0, 1, 5, 9, 13, 16].map((s) => columns(e, s, 'remaining').indexOf(1))).toEqual([4, 3, 2, 1, 0, 0]);
  });

  it('lookback: the tokens one and two bars back, and whether the last step repeated them', () => {
    const at = (s: number): { back1: number; back2: number; flags: number[] } => {
      const c = columns(e, s, 'lookback');
      return { back1: c.slice(0, CLASSES).indexOf(1), back2: c.slice(CLASSES, 2 * CLASSES).indexOf(1), flags: c.slice(2 * CLASSES) };
    };
    expect(at(0)).toEqual({ back1: -1, back2: -1, flags: [0, 0] }); // nothing a bar before the pickup
    expect(at(5)).toEqual({ back1: tok('C4'), back2: -1, flags: [0, 0] }); // F (step 4) ≠ G (step 0)
    expect(at(6)).toEqual({ back1: tok('D4'), back2: -1, flags: [1, 0] }); // C at 5 repeats C at 1
    expect(at(9)).toEqual({ back1: tok('C4'), back2: tok('C4'), flags: [1, 0] }); // F at 8 = F at 4, ≠ G at 0
    expect(at(11)).toEqual({ back1: tok('E4'), back2: tok('E4'), flags: [0, 0] }); // hold at 10 ≠ D at 6
    expect(at(13)).toEqual({ back1: tok('G4'), back2: tok('C4'), flags: [0, 0] });
    expect(at(14)).toEqual({ back1: 1, back2: tok('D4'), flags: [0, 1] }); // a hold one bar back; C at 13 = C at 5
    expect(columns(e, 13, 'lookback').slice(0, CLASSES)).toEqual(oneHot(CLASSES, tok('G4')));
  });
});

describe('form features: training and sampling see the same rows', () => {
  it('a state fed the tune token by token asks for the rows its encoding holds', () => {
    const e = enc.encode(TUNE) as EncodedEvents;
    const state = new GenerationState(enc, e.context, 1);
    for (let s = 0; s < e.steps; s++) {
      expect(Array.from(state.featureRow()), `step ${s}`).toEqual(Array.from(e.features.subarray(s * e.featureWidth, (s + 1) * e.featureWidth)));
      state.pushToken(e.tokens[s]!, enc.vocabulary);
    }
  });

  it('a planned piece of 6 bars of 3/4 gets the rows of a real 6-bar tune in 3/4 (lookback 1, 2, 4, 8 bars)', () => {
    const beat = new MelodyEncoder({ stepsPerQuarter: 2, lowest: 60, highest: 72, features: ['beat', 'bar', 'remaining', 'lookback'] });
    expect(beat.spec.features.at(-1)).toEqual({ name: 'lookback', bars: [1, 2, 4, 8] });
    const notes = line('C4 E4 G4 C4 E4 G4 D4 - F4 E4 G4 C5 C4 E4 G4 C4 - -');
    const real = beat.encode(createScore({ timeSignatures: [{ tick: 0, numerator: 3, denominator: 4 }], end: 18 * Q, parts: [createPart({ notes })] })) as EncodedEvents;
    const plan = planPiece(beat, { bars: 6, meter: parseMeter('3/4') });
    expect(plan.steps).toBe(real.steps);
    expect(plan.context.end).toBe(real.steps);
    const state = new GenerationState(beat, plan.context, 1);
    for (let s = 0; s < real.steps; s++) {
      expect(Array.from(state.featureRow()), `step ${s}`).toEqual(Array.from(real.features.subarray(s * real.featureWidth, (s + 1) * real.featureWidth)));
      state.pushToken(real.tokens[s]!, beat.vocabulary);
    }
  });

  it('a primer of 2 bars and 3 more: remaining counts down over the whole piece', () => {
    const two = createScore({ end: 8 * Q, parts: [createPart({ notes: line('C4 D4 E4 F4 G4 - - .') })] });
    const plan = planPiece(enc, { bars: 3 }, two);
    expect(plan.context.end).toBe(20);
    const remaining = (s: number): number => Array.from(enc.featureRow(plan.context, s)).slice(5, 13).indexOf(1);
    expect([0, 4, 8, 12, 16, 19].map(remaining)).toEqual([4, 3, 2, 1, 0, 0]);
  });
});

describe('lookback four bars back', () => {
  // 2/4 at one step per quarter, 2 steps a bar: bars C D | E F | G A | B C5 | C D — bar 5 restates bar 1
  const four = new MelodyEncoder({ stepsPerQuarter: 1, lowest: 60, highest: 72, features: [{ name: 'lookback', bars: [4] }] });
  const e = four.encode(createScore({
    timeSignatures: [{ tick: 0, numerator: 2, denominator: 4 }], end: 10 * Q, parts: [createPart({ notes: line('C4 D4 E4 F4 G4 A4 B4 C5 C4 D4') })],
  })) as EncodedEvents;
  const c = (s: number): number[] => Array.from(e.features.subarray(s * e.featureWidth, (s + 1) * e.featureWidth));
  it('sees the token four bars back, and flags a step that repeated it', () => {
    expect(e.featureWidth).toBe(four.vocabulary.size + 1);
    expect(c(7).indexOf(1)).toBe(-1); // bar 4: nothing four bars before
    expect(c(8).indexOf(1)).toBe(four.vocabulary.tokenOf(parsePitch('C4')));
    expect(c(8).at(-1)).toBe(0); // C5 at 7 ≠ nothing
    expect(c(9).slice(0, -1).indexOf(1)).toBe(four.vocabulary.tokenOf(parsePitch('D4')));
    expect(c(9).at(-1)).toBe(1); // C4 at 8 repeats C4 at 0
  });
});

describe('form features: specs', () => {
  it('are named features of any event encoding', () => {
    expect(specOf('voices', { features: ['bar', 'remaining', 'lookback'] }).features.map((f) => f.name)).toEqual(['bar', 'remaining', 'lookback']);
  });

  it('lookback distances are whole bars, each once', () => {
    for (const bars of [[], [0], [1, 1], 'four']) {
      expect(() => specOf('melody', { features: [{ name: 'lookback', bars }] })).toThrow(/lookback\.bars/);
    }
  });

  it('--lookback-bars: whole bars, each once; refused otherwise in one line', () => {
    expect(parseBarList('1,2,3,4,6,8')).toEqual([1, 2, 3, 4, 6, 8]);
    for (const text of ['1,,2', '1,1', 'two', '1.5', '-1']) {
      let caught: unknown;
      try {
        parseBarList(text);
      } catch (err) {
        caught = err;
      }
      expect(isMusegenError(caught), text).toBe(true);
      expect(String((caught as Error).message)).toMatch(/whole bars, each once/);
    }
    expect(encoderSpecFor({ encoding: 'pianoroll', features: ['beat', 'lookback'], lookbackBars: [1, 8] }).features.at(-1)).toEqual({ name: 'lookback', bars: [1, 8] });
    const spec = encoderSpecFor({ encoding: 'pianoroll', features: ['beat'] });
    expect(unheededChoices({ lookbackBars: [1, 8] }, spec)).toEqual([expect.stringMatching(/--lookback-bars .* no lookback/)]);
  });
});

describe('lookback on a piano roll', () => {
  // 2/4 at one step per quarter, 2 steps a bar, C4..E4 (5 keys, no onsets):
  //   step   0  1  | 2  3  | 4  5    | 6  7
  //          C  E  | C  E  | C+E  .  | C  E
  const roll = new PianoRollEncoder({ stepsPerQuarter: 1, lowest: 60, highest: 64, onsets: false, features: [{ name: 'lookback', bars: [1, 2] }] });
  const notes: Note[] = [
    ...[0, 2, 4, 6].map((q) => ({ pitch: parsePitch('C4'), onset: q * Q, duration: Q, velocity: 80 })),
    ...[1, 3, 4, 7].map((q) => ({ pitch: parsePitch('E4'), onset: q * Q, duration: Q, velocity: 80 })),
  ];
  const e = roll.encode(createScore({ timeSignatures: [{ tick: 0, numerator: 2, denominator: 4 }], end: 8 * Q, parts: [createPart({ notes })] })) as EncodedRoll;
  const C = [1, 0, 0, 0, 0];
  const E = [0, 0, 0, 0, 1];
  const CE = [1, 0, 0, 0, 1];
  const NONE = [0, 0, 0, 0, 0];
  const at = (s: number): { back1: number[]; back2: number[]; flags: number[] } => {
    const f = Array.from(e.features.subarray(s * e.featureWidth, (s + 1) * e.featureWidth));
    return { back1: f.slice(0, 5), back2: f.slice(5, 10), flags: f.slice(10) };
  };

  it('lays out the rows of each distance, then one repeat flag per distance', () => {
    expect(roll.featureLayout.columns).toEqual([{ name: 'lookback', offset: 0, width: 2 * (5 + 1) }]);
  });

  it('holds the rows one and two bars back, and whether the last row repeated them', () => {
    expect(at(1)).toEqual({ back1: NONE, back2: NONE, flags: [0, 0] });
    expect(at(2)).toEqual({ back1: C, back2: NONE, flags: [0, 0] });
    expect(at(3)).toEqual({ back1: E, back2: NONE, flags: [1, 0] }); // C at 2 = C at 0
    expect(at(4)).toEqual({ back1: C, back2: C, flags: [1, 0] }); // E at 3 = E at 1, nothing 2 bars before
    expect(at(5)).toEqual({ back1: E, back2: E, flags: [0, 0] }); // C+E at 4 ≠ C at 2, ≠ C at 0
    expect(at(6)).toEqual({ back1: CE, back2: C, flags: [0, 0] }); // the rest at 5 ≠ E at 3
    expect(at(7)).toEqual({ back1: NONE, back2: E, flags: [0, 1] }); // C at 6 = C at 2
  });

  it('a state fed the roll row by row asks for the rows its encoding holds', () => {
    const state = new GenerationState(roll, e.context, 1);
    for (let s = 0; s < e.steps; s++) {
      expect(Array.from(state.featureRow()), `step ${s}`).toEqual(Array.from(e.features.subarray(s * e.featureWidth, (s + 1) * e.featureWidth)));
      // a sampler's probabilities read as on/off, as the decoder reads them
      state.pushRow(e.roll.subarray(s * e.width, (s + 1) * e.width).map((v) => (v ? 0.9 : 0.2)));
    }
  });
});

describe('form features through the program', () => {
  it('musegen train --features beat,key,bar,remaining,lookback saves a model that samples, with its features in musegen.json', async () => {
    const t = musegen(['train', FOLK_DEMO, '--features', 'beat,key,bar,remaining,lookback', '--units', '8', '--layers', '1', '--epochs', '1', '--seq-len', '32', '--seed', '1', '-o', 'm', '-q'], { cwd: tmp.path });
    expect(t.stderr).not.toMatch(/^\s+at /m);
    expect(t.code).toBe(0);
    const meta = JSON.parse(readFileSync(tmp.join('m', 'musegen.json'), 'utf8'));
    expect(meta.encoder.features.map((f: { name: string }) => f.name)).toEqual(['beat', 'key', 'bar', 'remaining', 'lookback']);
    const s = musegen(['sample', '-m', 'm', '--bars', '3', '--meter', '3/4', '--key', 'D', '--seed', '2', '-o', 'x.mid', '--json'], { cwd: tmp.path });
    expect(s.stderr).not.toMatch(/^\s+at /m);
    expect(s.code).toBe(0);
    expect(JSON.parse(s.text).pieces[0].bars).toBe(3);
  });
});
