/**
 * The chord model's pieces: chord classes ⇄ symbols, beat slots per meter,
 * the chord layout's batches, the network (the backward encoder reads each
 * window from its own last beat; the batch-1 stepper gives the trained
 * network's logits), training through the common trainer, save and load,
 * and clear refusals.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHORD_CLASSES, CHORD_START, ChordLayout, ChordModel, ChordsGenerator, IGNORED, MelodyEncoder, MusegenError, NO_CHORD, SLOT_WIDTH,
  chooseChords, chordClassTones, chordSlots, chordTones, classOfText, createPart, createScore, folderSource, initBackend, loadCorpus, loadGenerator,
  modelKind, readAbc, readingOfClass, spellPitchClass, standardEvaluation, textOfClass, train, transposeClass,
  type ChordBatch, type EncodedEvents, type Score,
} from '../src/index.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('chords');

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/** A tune from ABC text. */
const abc = (text: string): Score => readAbc(text)[0]!.score;

const REEL = `X:1\nT:Reel\nM:4/4\nL:1/8\nK:G\n"G"GABc dedB|"C"c2ec "G"B2dB|"D"A2FA "D7"dAFA|"G"G2B2 G4|]\n`;
const JIG = `X:1\nT:Jig\nM:6/8\nL:1/8\nK:D\nA|"D"dfa "A"gfe|"D"dfa "G"g2f|"Em"efe "A"cde|"D"d3 d2|]\n`;

describe('chord classes', () => {
  it('reads every class back from the text it is written as, in any key', () => {
    for (let cls = 0; cls < CHORD_CLASSES; cls++) {
      const r = readingOfClass(cls);
      for (const fifths of [-5, 0, 4]) {
        const text = textOfClass(cls, fifths);
        if (!r) expect(text).toBeUndefined();
        else if (r.quality === 'suspended') expect(classOfText(text!)).toBe(cls - (r.seventh ? 1 : 0)); // 7sus4 is written sus4
        else expect(classOfText(text!)).toBe(cls);
      }
    }
  });

  it('reads the Nottingham spellings and spells roots for the key', () => {
    expect(classOfText('D/f+')).toBe(classOfText('D'));
    expect(textOfClass(classOfText('Cd'))).toBe('Cdim');
    expect(textOfClass(classOfText('A#m'), -1)).toBe('Bbm'); // F major
    expect(textOfClass(classOfText('Bbm'), 5)).toBe('A#m'); // B major
    expect(spellPitchClass(6, 0)).toBe('F#');
    expect(spellPitchClass(8, 0)).toBe('Ab');
    expect(classOfText('N.C.')).toBe(NO_CHORD);
    expect(transposeClass(classOfText('G7'), 2)).toBe(classOfText('A7'));
  });

  it('knows the tones of chords as written and as classes', () => {
    expect(chordTones('D7/F#').sort((a, b) => a - b)).toEqual([0, 2, 6, 9]);
    expect(chordTones('Cmaj7').sort((a, b) => a - b)).toEqual([0, 4, 7, 11]);
    expect(chordTones('G/b').sort((a, b) => a - b)).toEqual([2, 7, 11]);
    expect(chordClassTones(classOfText('Bdim7')).sort((a, b) => a - b)).toEqual([2, 5, 8, 11]);
    expect(chordClassTones(NO_CHORD)).toEqual([]);
  });
});

describe('beat slots', () => {
  const encoder = new MelodyEncoder({ features: [] });
  const slotsOf = (s: Score) => {
    const e = encoder.encode(s);
    return chordSlots(e.context, e.steps);
  };

  it('makes a slot per quarter in 4/4, per dotted quarter in 6/8, and cuts the pickup', () => {
    const reel = slotsOf(abc(REEL));
    expect(reel).toHaveLength(16);
    expect(reel.every((s) => s.end - s.step === 4 && s.beatsInBar === 4)).toBe(true);
    const jig = slotsOf(abc(JIG));
    expect(jig[0]).toMatchObject({ step: 0, end: 2, pickup: true, beat: 1, share: 2 / 6 }); // the eighth-note pickup: end of beat 2 of its bar
    expect(jig.slice(1).every((s) => s.compound && s.beatsInBar === 2)).toBe(true);
    expect(jig.slice(1, -1).every((s) => s.end - s.step === 6)).toBe(true);
    expect(jig.at(-1)!.lastBar).toBe(true);
  });

  it('puts the chord in force at each beat in the layout, and weights a tune without chords 0', () => {
    const layout = new ChordLayout(encoder);
    const piece = layout.prepare(encoder.encode(abc(REEL)));
    expect(Array.from(piece.tokens.slice(0, 8)).map((c) => textOfClass(c, 1))).toEqual(['G', 'G', 'G', 'G', 'C', 'C', 'G', 'G']);
    expect(piece.inputs.length).toBe(16 * SLOT_WIDTH);
    const none = layout.prepare(encoder.encode(abc(REEL.replace(/"[^"]*"/g, ''))));
    expect(Array.from(none.tokens).every((t) => t === IGNORED)).toBe(true);
    const batch = layout.batch([{ piece, start: 2 }, { piece: none, start: 0 }], 20);
    expect(batch.lengths).toEqual(Int32Array.of(14, 16));
    expect(batch.previous[0]).toBe(piece.tokens[1]); // the true chord of the beat before the window
    expect(batch.previous[20]).toBe(CHORD_START);
    expect(batch.targets).toBe(14);
    expect(batch.weights.slice(14, 20).every((w) => w === 0)).toBe(true);
  });
});

describe('the network', () => {
  const config = { inputSize: SLOT_WIDTH, classes: CHORD_CLASSES, units: 8, dropout: 0 };
  const encoder = new MelodyEncoder({ features: [] });
  const layout = new ChordLayout(encoder);
  const reel = layout.prepare(encoder.encode(abc(REEL)));
  const jig = layout.prepare(encoder.encode(abc(JIG)));

  /** Logits of one window's real slots, batch-major rows. */
  const logitsOf = (model: ChordModel, batch: ChordBatch, b: number): number[][] => tf.tidy(() => {
    const rows = model.logits(batch).arraySync();
    return Array.from({ length: batch.lengths[b]! }, (_, t) => rows[t * batch.batch + b]!);
  });

  it('reads each window backwards from its own last slot: padding changes nothing', () => {
    const model = ChordModel.create(config, { seed: 4 });
    const alone = layout.batch([{ piece: jig, start: 0 }], jig.length);
    const padded = layout.batch([{ piece: reel, start: 0 }, { piece: jig, start: 0 }], 24);
    const a = logitsOf(model, alone, 0);
    const b = logitsOf(model, padded, 1);
    expect(b).toHaveLength(a.length);
    a.forEach((row, t) => row.forEach((x, k) => expect(b[t]![k]).toBeCloseTo(x, 5)));
    model.dispose();
  });

  it('gives the backward encoder gradients that match finite differences', () => {
    const model = ChordModel.create(config, { seed: 5 });
    const batch = layout.batch([{ piece: reel, start: 0 }, { piece: jig, start: 0 }], 18);
    const bias = model.variables[5]!; // encoder_backward/bias
    const loss = (): tf.Scalar => model.loss(batch, batch.classes, batch.weights);
    const grad = tf.tidy(() => tf.variableGrads(loss, [bias]).grads[bias.name]!.arraySync() as number[]);
    const values = bias.arraySync() as number[];
    for (const i of [0, 9, 20, 31]) {
      const at = (d: number): number => {
        const moved = [...values];
        moved[i]! += d;
        bias.assign(tf.tensor1d(moved));
        return tf.tidy(() => loss().dataSync()[0]!);
      };
      const numeric = (at(1e-2) - at(-1e-2)) / 2e-2;
      expect(Math.abs(numeric - grad[i]!)).toBeLessThan(2e-3 + 0.05 * Math.abs(numeric));
    }
    bias.assign(tf.tensor1d(values));
    model.dispose();
  });

  it('steps the decoder one beat at a time to the logits of the whole-window pass, leaving no tensor behind', () => {
    const generator = ChordsGenerator.create(encoder, { units: 8, dropout: 0 }, { seed: 6 });
    const model = (generator as unknown as { model: ChordModel }).model;
    const batch = layout.batch([{ piece: reel, start: 0 }], reel.length);
    const whole = logitsOf(model, batch, 0);
    const before = tf.memory().numTensors;
    for (let round = 0; round < 3; round++) {
      const session = generator.chords.session(encoder.encode(abc(REEL)) as EncodedEvents);
      for (let t = 0; t < session.slots.length; t++) {
        const logits = session.logits();
        whole[t]!.forEach((x, k) => expect(logits[k]).toBeCloseTo(x, 4));
        session.push(reel.tokens[t]!);
      }
      expect(() => session.push(0)).toThrow(MusegenError);
    }
    expect(tf.memory().numTensors).toBe(before);
    generator.dispose();
  });
});

describe('training through the common trainer', () => {
  it('learns the chords of a few tunes, saves, loads by its kind and writes chords', async () => {
    const dir = tmp.join('corpus');
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(dir);
    writeFileSync(`${dir}/reel.abc`, REEL);
    writeFileSync(`${dir}/reel-copy.abc`, REEL); // held out of training beside the reel: validation sees a tune it learned
    writeFileSync(`${dir}/jig.abc`, JIG);
    writeFileSync(`${dir}/plain.abc`, REEL.replace(/"[^"]*"/g, '').replace('T:Reel', 'T:Plain'));
    const corpus = await loadCorpus([dir], { cacheDir: tmp.join('cache') });
    const result = await train(corpus, {
      output: tmp.join('model'), evaluation: standardEvaluation,
      options: { kind: 'chords', model: { units: 32, dropout: 0 }, encoder: { encoding: 'melody', features: [] }, seqLen: 16, batch: 4, epochs: 60, patience: 60, learningRate: 0.01, transpose: [-2, 2], seed: 7, validFraction: 0.5 },
    });
    const { generator, meta } = await loadGenerator(folderSource(tmp.join('model')));
    const history = (meta.metrics.history as { trainLoss: number; validLoss: number }[]);
    expect(history).toHaveLength(60);
    expect(result.validNll).toBeLessThan(0.6 * history[0]!.validLoss); // the held-out copy of the reel
    expect(meta.kind).toBe('chords');
    expect(generator.chords?.classes).toBe(CHORD_CLASSES);
    expect(generator.leftToRight).toBeUndefined();
    const tune = abc(REEL);
    const { symbols, classes } = chooseChords(generator, { ...tune, chordSymbols: [] }, { temperature: 0 });
    expect(symbols[0]).toMatchObject({ tick: 0 });
    expect(classes.filter((c, i) => c === layoutClasses(tune)[i]).length).toBeGreaterThan(classes.length / 2); // more than half the beats right
    const again = chooseChords(generator, tune, { temperature: 1.5, seed: 3 });
    expect(chooseChords(generator, tune, { temperature: 1.5, seed: 3 }).symbols).toEqual(again.symbols);
    generator.dispose();
  }, 120_000);

  it('refuses what it cannot do in one line', () => {
    expect(modelKind('chords').unsupported(new MelodyEncoder({ stepsPerQuarter: 3 }))).toMatch(/--steps-per-quarter must be even/);
    const generator = ChordsGenerator.create(new MelodyEncoder({ features: [] }), { units: 4 }, { seed: 1 });
    const empty = createScore({ parts: [createPart({ notes: [] })] });
    expect(() => chooseChords(generator, empty)).toThrow(/no notes/);
    expect(() => chooseChords(generator, abc(REEL), { temperature: -1 })).toThrow(/temperature of chords/);
    generator.dispose();
  });
});

/** The real chord class of each beat of a tune. */
function layoutClasses(score: Score): Int32Array {
  const encoder = new MelodyEncoder({ features: [] });
  return new ChordLayout(encoder).read(encoder.encode(score) as EncodedEvents).classes;
}
