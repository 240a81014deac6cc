/**
 * Choosing chords for a melody with a chord model: the model reads the whole
 * melody, then for each beat gives logits over the chord classes; the chord is
 * the likeliest (temperature 0) or drawn at a temperature from a seeded
 * stream. The classes become chord symbols where the chord changes, each
 * spelled in the key in force ("Bb" in F major, "A#m" in F# major).
 *
 *   Score ─ generator.encoder ─ melody ─ chords.session ─ logits ─ choose ─ push … ─► classes per beat ─► ChordSymbol[]
 *
 * @example
 *   const { symbols } = chooseChords(generator, tune, { temperature: 0 });
 *   const withChords = { ...tune, chordSymbols: symbols };
 */
import {
  NO_CHORD, textOfClass, lastAtOrBefore,
  type ChordSlot, type EncodedEvents, type StepContext,
} from '../encoding/index.js';
import { createRng, randomSeed, type Seed } from '../engine/index.js';
import { MusegenError } from '../errors.js';
import type { ChordWriter, Generator } from '../generators/index.js';
import { ticksPerStep, type ChordSymbol, type Score } from '../score/index.js';
import { drawIndex, samplingDistribution } from './distribution.js';

export interface ChordChoiceOptions {
  /** 0: the likeliest chord at every beat (the default); above 0: drawn, higher is wilder. */
  temperature?: number;
  /** Seeds the draws (temperature above 0); default: from the clock. */
  seed?: Seed;
}

export interface ChosenChords {
  /** The melody's beats. */
  slots: ChordSlot[];
  /** The chord class chosen for each beat (encoding's chord vocabulary). */
  classes: Int32Array;
  /** Chord symbols where the chord changes, on the score's time line. */
  symbols: ChordSymbol[];
  seed: Seed;
}

/** Checks a chord temperature: a number from 0 up. */
export function checkChordTemperature(t: number): number {
  if (!(typeof t === 'number' && Number.isFinite(t) && t >= 0 && t <= 100)) throw new MusegenError('BAD_ARGUMENT', `the temperature of chords must be a number from 0 (the likeliest chords) to 100, not ${String(t)}`);
  return t;
}

/** The chord writer of a generator; a model of another kind is refused in one line. */
export function chordWriterOf(generator: Generator, where?: string): ChordWriter {
  if (!generator.chords) {
    throw new MusegenError('UNSUPPORTED', `a '${generator.kind}' model writes no chords: give a chord model (musegen train --kind chords), or leave -m out for the bundled one`, where);
  }
  return generator.chords;
}

/** Chord symbols for the chord classes of some beats: one where the chord changes, "N.C." where chords stop. */
export function chordSymbolsOf(slots: readonly ChordSlot[], classes: ArrayLike<number>, context: StepContext): ChordSymbol[] {
  const q = ticksPerStep(context.stepsPerQuarter);
  const out: ChordSymbol[] = [];
  let last = NO_CHORD;
  slots.forEach((slot, i) => {
    const cls = classes[i]!;
    if (cls === last) return;
    const fifths = lastAtOrBefore(context.keySignatures, slot.step)?.fifths ?? 0;
    out.push({ tick: slot.step * q, text: textOfClass(cls, fifths) ?? 'N.C.' });
    last = cls;
  });
  return out;
}

/** Chords for the melody of `score` (the part the model's encoder reads). Throws MusegenError('EMPTY') for a tune with no notes. */
export function chooseChords(generator: Generator, score: Score, options: ChordChoiceOptions = {}): ChosenChords {
  const writer = chordWriterOf(generator);
  const temperature = checkChordTemperature(options.temperature ?? 0);
  const seed = options.seed ?? randomSeed();
  const encoded = generator.encoder.encode(score);
  if (encoded.kind !== 'events' || encoded.steps === 0) throw new MusegenError('EMPTY', 'the tune has no notes to put chords under');
  const session = writer.session(encoded as EncodedEvents);
  const rng = createRng(seed);
  const classes = new Int32Array(session.slots.length);
  for (let i = 0; i < classes.length; i++) {
    const logits = session.logits();
    let choice = 0;
    if (temperature === 0) {
      for (let k = 1; k < logits.length; k++) if (logits[k]! > logits[choice]!) choice = k;
    } else {
      choice = drawIndex(samplingDistribution(logits, { temperature }), rng);
    }
    classes[i] = choice;
    session.push(choice);
  }
  return { slots: [...session.slots], classes, symbols: chordSymbolsOf(session.slots, classes, encoded.context), seed };
}
