/**
 * The chord figures (src/eval/chord-accuracy.ts) on a tune whose answers are
 * worked by hand: two bars of C major, "C" then "G", a melody note on every
 * beat — for a model that always writes the real chord, one that always
 * writes the same, and the two baselines.
 */
import { describe, expect, it } from 'vitest';
import {
  ChordLayout, MelodyEncoder, MusegenError, chordAccuracy, classOfText, readAbc,
  type ChordSession, type EncodedEvents, type Generator,
} from '../src/index.js';

// bar 1: C E G E under "C"; bar 2: B D G F under "G" (F is no tone of G: the triad is read)
const TUNE = readAbc('X:1\nM:4/4\nL:1/4\nK:C\n"C"c e g e|"G"B d g f|]\n')[0]!.score;
const NO_CHORDS = readAbc('X:1\nM:4/4\nL:1/4\nK:C\nc e g e|]\n')[0]!.score;

/** A chord "model" that writes what `pick` says for each beat (its index and the real class). */
function fakeModel(pick: (beat: number, real: number) => number): Generator {
  const encoder = new MelodyEncoder({ features: [] });
  const layout = new ChordLayout(encoder);
  return {
    kind: 'fake', encoder, hyper: {}, dispose: () => {},
    chords: {
      classes: 121,
      session(melody: EncodedEvents): ChordSession {
        const { slots, classes } = layout.read(melody);
        let position = 0;
        return {
          slots,
          get position() {
            return position;
          },
          logits: () => {
            const out = new Float32Array(121).fill(-10);
            out[pick(position, classes[position]!)] = 10;
            return out;
          },
          push: () => void position++,
        };
      },
    },
  };
}

describe('chord accuracy', () => {
  it('gives the hand-worked figures for a perfect model, a one-chord model and the baselines', () => {
    const perfect = chordAccuracy(fakeModel((_, real) => real), [TUNE, NO_CHORDS], [TUNE]);
    expect(perfect).toMatchObject({ pieces: 1, skipped: 1, beats: 8, strongBeatNotes: 8 });
    expect(perfect.chordModel).toEqual({ accuracy: 1, rootAccuracy: 1, chordTones: 7 / 8 });
    expect(perfect.real.chordTones).toBe(7 / 8);
    // the key's chord, fitted on the training tune: C and G tie, four beats each; the first (C) wins
    expect(perfect.keyChords.major).toBe(classOfText('C'));
    expect(perfect.keyBaseline).toEqual({ accuracy: 4 / 8, rootAccuracy: 4 / 8, chordTones: 5 / 8 });
    // the melody's chord: C C C C | G G C (G: both cover it, C is first) C (F: neither, so the key's)
    expect(perfect.melodyBaseline).toEqual({ accuracy: 6 / 8, rootAccuracy: 6 / 8, chordTones: 7 / 8 });

    const am = chordAccuracy(fakeModel(() => classOfText('Am')), [TUNE], [TUNE]);
    expect(am.chordModel).toEqual({ accuracy: 0, rootAccuracy: 0, chordTones: 3 / 8 }); // A C E holds C, E, E of bar 1 and nothing of bar 2
  });

  it('refuses a model that writes no chords, and tunes without any', () => {
    const lstm = { ...fakeModel(() => 0), kind: 'lstm', chords: undefined } as Generator;
    expect(() => chordAccuracy(lstm, [TUNE], [TUNE])).toThrow(MusegenError);
    expect(() => chordAccuracy(fakeModel(() => 0), [NO_CHORDS], [TUNE])).toThrow(/no tune among these has chord symbols/);
  });
});
