/**
 * The time line a piece is generated over: meter, key and tempo as a
 * musician writes them ("6/8", "E minor", 120), its length in bars, and the
 * primer it continues, turned into the StepContext the generator's feature
 * channels read and the decoder writes into the Score.
 */
import { createStepContext, encoderFromSpec, type AnyEncoder, type PartChoice, type StepContext, type TrackInfo } from '../encoding/index.js';
import { MusegenError } from '../errors.js';
import {
  DEFAULT_METER, alterOfAccidental, barLength, estimateKey, keySignatureFifths, weightedPitches, modeFromName, ticksPerStep, type BPM, type Key, type Meter, type Score, type Step, type Steps,
} from '../score/index.js';

/** The key a piece is generated in (the score room's `Key`, by its older name). */
export type KeyChoice = Key;

/** "4/4", "6/8", "3/2". */
export function parseMeter(text: string): Meter {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const numerator = m ? Number(m[1]) : NaN;
  const denominator = m ? Number(m[2]) : NaN;
  if (!(numerator >= 1 && numerator <= 64 && [1, 2, 4, 8, 16, 32].includes(denominator))) {
    throw new MusegenError('BAD_ARGUMENT', `meter "${text}" is not a time signature like 4/4, 3/4 or 6/8`);
  }
  return { numerator, denominator };
}

/** "G", "Bb", "F# minor", "Em", "D dorian": a tonic and an optional mode (major when none). */
export function parseKey(text: string): KeyChoice {
  const m = /^\s*([A-Ga-g])(#{1,2}|b{1,2})?\s*([A-Za-z]*)\s*$/.exec(text);
  const mode = m ? modeFromName(m[3]!) : undefined;
  if (!m || !mode) throw new MusegenError('BAD_ARGUMENT', `key "${text}" is not a key like G, Bb, "E minor", Em or "D dorian"`);
  const step = m[1]!.toUpperCase() as Step;
  const alter = alterOfAccidental(m[2] ?? '');
  const fifths = keySignatureFifths({ step, alter }, mode);
  if (Math.abs(fifths) > 7) {
    throw new MusegenError('BAD_ARGUMENT', `key "${text}" would need ${Math.abs(fifths)} ${fifths > 0 ? 'sharps' : 'flats'}; choose its enharmonic twin`);
  }
  return { fifths, mode };
}

export interface PieceShape {
  /** Bars to generate (after the primer, if any). */
  bars: number;
  /** Override the primer's (or the default 4/4). */
  meter?: Meter;
  /**
   * Override the primer's. None: the primer's key signature; for a model
   * trained with the `key` feature, which needs one, the primer's estimated
   * key, or C major without a primer.
   */
  key?: KeyChoice;
  /** Override the primer's (or the default 120). */
  tempo?: BPM;
  /** The primer's part a melody model continues (default: the part the model reads, its spec's). */
  primerPart?: PartChoice;
}

/** The context and length of a piece to generate; with a primer, its encoding starts the piece. */
export interface PiecePlan {
  context: StepContext;
  /** Steps of the whole piece (primer included). */
  steps: Steps;
  /** Steps taken from the primer. */
  primerSteps: Steps;
  /** The primer's tokens [tracks, primerSteps] (events) or roll [primerSteps, width]; null without a primer. */
  primer: { tokens: Int32Array } | { roll: Float32Array } | null;
}

function defaultTracks(encoder: AnyEncoder): TrackInfo[] {
  return Array.from({ length: encoder.tracks }, (_, i) => ({
    name: encoder.spec.encoding === 'melody' ? 'Melody' : `Voice ${i + 1}`, program: 0, channel: i,
  }));
}

/** Whether the model learned the key feature (so a key steers its notes). */
export function usesKey(encoder: AnyEncoder): boolean {
  return reads(encoder, 'key');
}

function reads(encoder: AnyEncoder, feature: string): boolean {
  return encoder.spec.features.some((f) => f.name === feature);
}

/**
 * What a shape asks that the model cannot act on, one line each: a key for a
 * model that did not learn the key feature, a meter for one without the beat
 * feature (the piece is written in them, but they do not steer the notes).
 */
export function unheededShape(encoder: AnyEncoder, shape: Partial<PieceShape>): string[] {
  const lines: string[] = [];
  if (shape.key && !reads(encoder, 'key')) lines.push('this model did not learn the key feature: --key sets the key signature written, but does not steer the notes');
  if (shape.meter && !reads(encoder, 'beat')) lines.push('this model did not learn the beat feature: --meter sets the time signature written, but does not steer the rhythm');
  return lines;
}

/** The key a key-conditioned model is given when none is asked for: the primer's estimated key, else C major. */
function defaultKey(primer: Score | undefined): KeyChoice {
  if (!primer) return { fifths: 0, mode: 'major' };
  return estimateKey(weightedPitches(primer));
}

/** The encoder a primer is read with: the model's own, a melody model's reading the part asked for. */
function primerEncoder(encoder: AnyEncoder, part: PartChoice | undefined): AnyEncoder {
  return part === undefined || encoder.spec.encoding !== 'melody' ? encoder : encoderFromSpec({ ...encoder.spec, part });
}

/** Plan a piece: its context (meter, key, tempo, the primer's time line) and length. */
export function planPiece(encoder: AnyEncoder, shape: PieceShape, primer?: Score): PiecePlan {
  if (!(Number.isInteger(shape.bars) && shape.bars >= 1 && shape.bars <= 10_000)) {
    throw new MusegenError('BAD_ARGUMENT', `bars must be a whole number from 1 to 10000, not ${String(shape.bars)}`);
  }
  if (shape.tempo !== undefined && !(shape.tempo > 0 && shape.tempo <= 1000)) {
    throw new MusegenError('BAD_ARGUMENT', `tempo must be above 0 and at most 1000 BPM, not ${String(shape.tempo)}`);
  }
  const { stepsPerQuarter } = encoder.spec;
  const encoded = primer ? primerEncoder(encoder, shape.primerPart).encode(primer) : null;
  if (encoded && encoded.steps === 0) throw new MusegenError('BAD_ARGUMENT', 'the primer holds no music');
  const base = encoded?.context ?? createStepContext({ stepsPerQuarter, tracks: defaultTracks(encoder) });
  const context: StepContext = {
    ...base,
    timeSignatures: shape.meter ? [{ step: 0, ...shape.meter }] : base.timeSignatures,
    keySignatures: shape.key ? [{ step: 0, ...shape.key }] : base.keySignatures.length > 0 || !usesKey(encoder) ? base.keySignatures : [{ step: 0, ...defaultKey(primer) }],
    tempos: shape.tempo !== undefined ? [{ step: 0, bpm: shape.tempo }] : base.tempos,
  };
  const primerSteps = encoded?.steps ?? 0;
  const meter = context.timeSignatures.filter((t) => t.step <= primerSteps).at(-1) ?? DEFAULT_METER;
  const barSteps = barLength(meter) / ticksPerStep(stepsPerQuarter);
  if (!Number.isInteger(barSteps)) {
    throw new MusegenError('BAD_ARGUMENT', `a bar of ${meter.numerator}/${meter.denominator} is not a whole number of steps at ${stepsPerQuarter} steps per quarter (the model's grid)`);
  }
  const primerArrays = !encoded ? null : encoded.kind === 'events' ? { tokens: encoded.tokens } : { roll: encoded.roll };
  const steps = primerSteps + shape.bars * barSteps;
  // the whole piece's length: what the `remaining` feature counts down to
  return { context: { ...context, end: steps }, steps, primerSteps, primer: primerArrays };
}
