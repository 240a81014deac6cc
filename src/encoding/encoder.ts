/**
 * What every encoder does the same way:
 *
 *   Score ─ count off-grid ─ quantize ─ choose parts ─ fit range/vocabulary ─ shape track ─┐
 *                                                                                           ├─ arrays + features + report
 *   context (meter, keys, fermatas, chords, melody) ────────────── feature rows ───────────┘
 *
 *   arrays + context ─ step rows ─ stream decoder ─ grid notes ─ Score (maps from the context)
 *
 * Decoding reads the arrays step by step through the same stream decoder a
 * live generator uses (`streamDecoder`, stream.ts), so a piece decoded whole
 * and one decoded while it is generated never differ.
 *
 * Subclasses say which parts become tracks, how a track is shaped
 * (skyline / one note per pitch), how tracks are written to their arrays,
 * and how the arrays are read back one step at a time.
 */
import { MusegenError } from '../errors.js';
import {
  intervalForSemitones, midiOf, pitchName, quantize, samePitch, spellMidi, ticksPerStep, transpose,
  type Interval, type Pitch, type Score, type Steps,
} from '../score/index.js';
import { contextOfQuantized } from './context.js';
import { featureLayout, featureRows, type FeatureLayout, type Sounding } from './features.js';
import type { ValuesAt } from './form-features.js';
import { ReportBuilder } from './report.js';
import { rollRowWidth, trackCount, type EncoderSpec } from './spec.js';
import { StreamDecoder, type GridStepReader } from './stream.js';
import {
  countOffGrid, fermataSpans, fitToVocabulary, partsOf, selectTracks, skyline, toGrid, type GridNote,
} from './tracks.js';
import type { Encoded, EncodedBase, StepContext } from './types.js';
import { EventVocabulary } from './vocabulary.js';

/** One transposition that fits the encoder: the interval chosen for it and the moved Score. */
export interface Transposition {
  semitones: number;
  interval: Interval;
  score: Score;
}

/** Semitones to try: n means −n..n; [low, high] both inclusive. */
export type SemitoneRange = number | readonly [number, number];

export abstract class ScoreEncoder<S extends EncoderSpec, E extends Encoded, D extends { context: StepContext }> {
  /** The spec, complete with defaults: save it with the model, rebuild with `encoderFromSpec`. */
  readonly spec: S;
  /** Number of tracks (token streams or rolls). */
  readonly tracks: number;
  /** Where each feature's columns sit in a feature row. */
  readonly featureLayout: FeatureLayout;
  /** The pitches this encoder holds (rolls use only its range). */
  readonly vocabulary: EventVocabulary;

  protected constructor(spec: S) {
    this.spec = spec;
    this.tracks = trackCount(spec);
    this.vocabulary = new EventVocabulary({
      lowest: spec.lowest,
      highest: spec.highest,
      spelled: spec.encoding !== 'pianoroll' && spec.spelled,
      alters: spec.encoding !== 'pianoroll' ? spec.alters : [],
    });
    const roll = spec.encoding === 'pianoroll';
    this.featureLayout = featureLayout(spec.features, { tracks: this.tracks, classes: roll ? 0 : this.vocabulary.size, row: roll ? rollRowWidth(spec) : 0 });
  }

  /** Which parts of a Score become the tracks. */
  protected abstract partsOf(score: Score): 'merged' | readonly number[];
  /** What a polyphony problem means here, for the report. */
  protected abstract get polyphonyWording(): string;
  /** Make one track fit the representation (skyline, one note per pitch), counting what changes. */
  protected abstract shape(notes: GridNote[], q: number, report: ReportBuilder): GridNote[];
  /** Write the shaped tracks into this encoding's arrays. */
  protected abstract write(tracks: GridNote[][], steps: Steps, base: EncodedBase): E;
  /** A reader of this encoding's values one step at a time (a step's tokens, or a roll row) into grid notes per track. */
  protected abstract stepReader(context: StepContext): GridStepReader;
  /** The arrays as steps: how many, and the values of each as the step reader takes them. */
  protected abstract stepRows(arrays: D): { steps: Steps; row: (step: Steps) => ArrayLike<number> };

  /** Score → arrays, features and a report of what could not be kept. Never throws for musical content. */
  encode(score: Score): E {
    const { stepsPerQuarter } = this.spec;
    const q = ticksPerStep(stepsPerQuarter);
    const report = new ReportBuilder(score, {
      range: `${pitchName(spellMidi(this.spec.lowest))}–${pitchName(spellMidi(this.spec.highest))}`,
      alters: this.vocabulary.alters.join(', '),
      stepsPerQuarter,
      polyphony: this.polyphonyWording,
    });
    countOffGrid(selectTracks(score, this.partsOf(score)).notes.flat(), stepsPerQuarter, report);
    const quantized = quantize(score, stepsPerQuarter);
    const selected = selectTracks(quantized, this.partsOf(quantized), report);
    const steps = quantized.end / q;
    const tracks = selected.notes.map((notes) => this.shape(fitToVocabulary(toGrid(notes, stepsPerQuarter), this.vocabulary, q, report), q, report));
    const context = contextOfQuantized(quantized, stepsPerQuarter, selected.info);
    const melodyFeature = this.spec.features.find((f) => f.name === 'melody');
    // the conditioning melody (accompaniment): its fermatas count too, as they will when generating
    const melody = melodyFeature?.name === 'melody' ? skyline(toGrid(selectTracks(quantized, partsOf(melodyFeature.part, quantized)).notes[0]!, stepsPerQuarter), q) : [];
    context.melody = melody.map((n) => ({ step: n.step, end: n.end, midi: midiOf(n.pitch) }));
    context.fermatas = fermataSpans([...tracks, melody]);
    const encoded = this.write(tracks, steps, { steps, context, features: new Float32Array(0), featureWidth: this.featureLayout.width, report: report.build() });
    const sounding = this.spec.features.some((f) => f.name === 'spelling') ? soundingTable(tracks, steps) : undefined;
    const valuesAt = encoded.kind === 'events' ? tokensOfStep(encoded.tokens, encoded.tracks, steps) : rowsOfStep(encoded.roll, encoded.width, steps);
    encoded.features = featureRows(this.spec.features, this.featureLayout, context, 0, steps, (step) => sounding?.[step] ?? [], valuesAt);
    return encoded;
  }

  /** Arrays (and the context they were encoded or generated with) → Score: the stream decoder run over every step. */
  decode(arrays: D): Score {
    const decoder = this.streamDecoder(arrays.context);
    const { steps, row } = this.stepRows(arrays);
    for (let s = 0; s < steps; s++) decoder.push(row(s));
    return decoder.score();
  }

  /**
   * A decoder that takes a piece one step at a time while it is generated — per
   * step one token per track (event encoders, track 0 first) or one roll row —
   * and gives the notes each step finishes; `finish()` gives those still
   * sounding, `score()` the Score so far. Its notes are exactly `decode`'s.
   */
  streamDecoder(context: StepContext): StreamDecoder {
    if (context.stepsPerQuarter !== this.spec.stepsPerQuarter) {
      throw new MusegenError('BAD_ARGUMENT', `the context's grid (${context.stepsPerQuarter} steps per quarter) differs from the encoder's (${this.spec.stepsPerQuarter})`);
    }
    return new StreamDecoder(this.stepReader(context), context, this.tracks);
  }

  /**
   * The feature row of one step of a context: what a sampler feeds while
   * generating. `valuesAt` gives the tokens or roll rows already generated at earlier steps (for `lookback`).
   */
  featureRow(context: StepContext, step: Steps, sounding: Sounding = [], valuesAt?: ValuesAt): Float32Array {
    return featureRows(this.spec.features, this.featureLayout, context, step, step + 1, () => sounding, valuesAt);
  }

  /** Does every note of the encoded parts fit the range (and, spelled, the vocabulary) as written? */
  fits(score: Score): boolean {
    return selectTracks(score, this.partsOf(score)).notes.every((notes) =>
      notes.every((n) => {
        const p = this.vocabulary.fit(n.pitch);
        return p !== undefined && samePitch(p, n.pitch);
      }),
    );
  }

  /**
   * Transpositions of the score by each number of semitones in the range that
   * fit this encoder, spelled correctly (the interval keeps the new key within
   * 6 flats … 6 sharps). 0 is among them when the score itself fits.
   */
  augment(score: Score, semitones: SemitoneRange): Transposition[] {
    const [low, high] = typeof semitones === 'number' ? [-Math.abs(semitones), Math.abs(semitones)] : semitones;
    if (!Number.isInteger(low) || !Number.isInteger(high) || high < low) {
      throw new MusegenError('BAD_ARGUMENT', `transposition range must be whole semitones, low to high, not ${JSON.stringify(semitones)}`);
    }
    const keyFifths = score.keySignatures[0]?.fifths ?? 0;
    const out: Transposition[] = [];
    for (let s = low; s <= high; s++) {
      const interval = intervalForSemitones(s, keyFifths);
      const moved = s === 0 ? score : transpose(score, interval);
      if (this.fits(moved)) out.push({ semitones: s, interval, score: moved });
    }
    return out;
  }

  /** Steps in an array of `length` values with `perStep` values per step; throws when it does not divide. */
  protected static lengthOf(length: number, perStep: number, what: string): Steps {
    if (perStep === 0 || length % perStep !== 0) {
      throw new MusegenError('BAD_ARGUMENT', `${what} has ${length} values, not a whole number of steps of ${perStep}: does the model match this encoder?`);
    }
    return length / perStep;
  }
}

/** The tokens of each track at a step, from tokens laid out [tracks, steps]. */
function tokensOfStep(tokens: Int32Array, tracks: number, steps: Steps): ValuesAt {
  const row = new Int32Array(tracks);
  return (step) => {
    if (step < 0 || step >= steps) return undefined;
    for (let t = 0; t < tracks; t++) row[t] = tokens[t * steps + step]!;
    return row;
  };
}

/** The roll row of a step, from a roll laid out [steps, width]. */
function rowsOfStep(roll: Float32Array, width: number, steps: Steps): ValuesAt {
  return (step) => (step < 0 || step >= steps ? undefined : roll.subarray(step * width, (step + 1) * width));
}

/** The pitch sounding in each track at each step: [step][track]. */
function soundingTable(tracks: readonly GridNote[][], steps: Steps): (Pitch | undefined)[][] {
  const table: (Pitch | undefined)[][] = Array.from({ length: steps }, () => new Array<Pitch | undefined>(tracks.length));
  tracks.forEach((notes, t) => {
    for (const n of notes) for (let s = n.step; s < n.end; s++) table[s]![t] = n.pitch;
  });
  return table;
}
