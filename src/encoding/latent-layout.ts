/**
 * The layout of latent (VAE) melody models: a melody cut into windows of a
 * fixed number of whole bars in one meter (MusicVAE's 2-bar and 4-bar
 * melodies: 32 and 64 sixteenths in 4/4), each window one example.
 *
 *   melody tokens [steps] + context ─ latentWindows ─► windows of `bars` whole bars, a bar apart
 *     encoder input  = the window's tokens (read both ways)
 *     decoder input t = token t−1 (START at t = 0) ⊕ z
 *     target t        = token t
 *
 * A window starts on a barline; a note held over from before it becomes a
 * note-on at its first step (the window is a melody of its own). Bars of
 * another meter, or cut short (a pickup, a meter change), start no window.
 * Training keeps windows with at least two note-ons.
 *
 * For training, a prepared piece holds its windows one after another
 * (`tokens` = window 0 ⊕ window 1 ⊕ …), and the layout names its fixed
 * window (`window`: length and hop of one window), so the trainer's windows
 * fall exactly on them.
 */
import { MusegenError } from '../errors.js';
import { barLength, barStarts, isCompound, midiOf, ticksPerStep, timeSignatureAt, type Meter, type Steps } from '../score/index.js';
import { scoreShell } from './context.js';
import type { AnyEncoder } from './from-spec.js';
import type { BatchLayout, BatchWindow, LayoutBatch, PreparedPiece } from './sequences.js';
import type { Encoded, EncodedEvents, StepContext } from './types.js';
import { FIRST_PITCH_TOKEN, HOLD, REST } from './vocabulary.js';

/** Saved in musegen.json (`hyper.sequence`): a model trained under another scheme is refused. */
export const LATENT_SCHEME = 'latent/bar-windows+previous-token+z/1';

/** What one window is: whole bars of one meter. */
export interface LatentWindowSpec {
  bars: number;
  meter: Meter;
  stepsPerQuarter: Steps;
}

/** Steps of one bar of `meter` on a grid of `stepsPerQuarter`; throws when it is not whole. */
export function stepsPerBar(meter: Meter, stepsPerQuarter: Steps): Steps {
  const steps = (meter.numerator * 4 * stepsPerQuarter) / meter.denominator;
  if (!Number.isInteger(steps) || steps < 1) {
    throw new MusegenError('BAD_ARGUMENT', `a bar of ${meter.numerator}/${meter.denominator} is not a whole number of steps at ${stepsPerQuarter} per quarter`);
  }
  return steps;
}

/** Steps of one window. */
export function windowSteps(spec: LatentWindowSpec): Steps {
  return spec.bars * stepsPerBar(spec.meter, spec.stepsPerQuarter);
}

/** One window of a melody. */
export interface LatentWindow {
  /** Its first step in the piece. */
  step: Steps;
  /** Its bar index in the piece (0 = the first bar, the pickup bar when there is one). */
  bar: number;
  /** Tokens [windowSteps], a held-over note made a note-on at step 0. */
  tokens: Int32Array;
  /** Note-ons in it. */
  notes: number;
}

/** What the windows of a melody are, and why some bars start none. */
export interface LatentWindows {
  windows: LatentWindow[];
  /** Bars (full or not) of the piece. */
  bars: number;
  /** Meters of the piece other than the model's, as "3/4". */
  otherMeters: string[];
}

/** The meters of a context, as "n/d" texts, in order of first use. */
export function contextMeters(context: StepContext): string[] {
  return [...new Set(context.timeSignatures.map((t) => `${t.numerator}/${t.denominator}`))];
}

/**
 * Every window of `spec.bars` whole bars of the spec's meter in an encoded
 * melody, `hopBars` bars apart (default 1), in order.
 */
export function latentWindows(e: Pick<EncodedEvents, 'tokens' | 'steps' | 'context'>, spec: LatentWindowSpec, hopBars = 1): LatentWindows {
  const { context, steps } = e;
  if (context.stepsPerQuarter !== spec.stepsPerQuarter) {
    throw new MusegenError('BAD_ARGUMENT', `the melody's grid (${context.stepsPerQuarter} steps per quarter) differs from the model's (${spec.stepsPerQuarter})`);
  }
  const q = ticksPerStep(spec.stepsPerQuarter);
  const barSteps = stepsPerBar(spec.meter, spec.stepsPerQuarter);
  const T = spec.bars * barSteps;
  const shell = scoreShell(context, steps);
  const starts = barStarts(shell).map((t) => Math.round(t / q));
  const want = `${spec.meter.numerator}/${spec.meter.denominator}`;
  const meterOf = (step: Steps): string => {
    const ts = timeSignatureAt(shell, step * q);
    return `${ts.numerator}/${ts.denominator}`;
  };
  // a bar fits when it is whole (its full length) and in the model's meter
  const fits = starts.map((s, i) => {
    const end = starts[i + 1] ?? Math.min(steps, s + barSteps);
    return meterOf(s) === want && end - s === barSteps && Math.round(barLength(timeSignatureAt(shell, s * q)) / q) === barSteps && s + barSteps <= steps;
  });
  const windows: LatentWindow[] = [];
  for (let i = 0; i + spec.bars <= starts.length; i += 1) {
    let ok = true;
    for (let k = 0; k < spec.bars; k++) ok &&= fits[i + k]!;
    if (!ok) continue;
    const step = starts[i]!;
    if (step + T > steps) continue;
    const tokens = Int32Array.from(e.tokens.subarray(step, step + T));
    if (tokens[0] === HOLD) {
      let before = REST;
      for (let s = step - 1; s >= 0; s--) {
        const t = e.tokens[s]!;
        if (t !== HOLD) {
          before = t;
          break;
        }
      }
      if (before >= FIRST_PITCH_TOKEN) tokens[0] = before;
      else for (let s = 0; s < T && tokens[s] === HOLD; s++) tokens[s] = REST;
    }
    let notes = 0;
    for (const t of tokens) if (t >= FIRST_PITCH_TOKEN) notes++;
    windows.push({ step, bar: i, tokens, notes });
  }
  const hop = Math.max(1, Math.round(hopBars));
  const kept = hop === 1 ? windows : windows.filter((w) => (w.bar - windows[0]!.bar) % hop === 0);
  return { windows: kept, bars: starts.length, otherMeters: contextMeters(context).filter((m) => m !== want) };
}

/** A batch of whole windows, batch-major. */
export interface LatentBatch extends LayoutBatch {
  batch: number;
  steps: number;
  /** Tokens [batch·steps] (REST in padding). */
  tokens: Int32Array;
  /** 1 for a real window's step, 0 for padding, [batch·steps]. */
  weights: Float32Array;
}

/** Fewest note-ons in a training window. */
export const MIN_WINDOW_NOTES = 2;

/** The layout latent melody models train and are evaluated in (see the file's comment). */
export class LatentLayout implements BatchLayout<LatentBatch> {
  readonly output = 'latent';
  readonly target = 'token';
  readonly perStep = 1;
  /** Steps of one window. */
  readonly steps: Steps;
  /** The trainer's windows: exactly one model window each. */
  readonly window: { length: number; hop: number };

  constructor(readonly encoder: AnyEncoder, readonly spec: LatentWindowSpec) {
    this.steps = windowSteps(spec);
    this.window = { length: this.steps, hop: this.steps };
  }

  prepare(e: Encoded): PreparedPiece {
    const { windows } = latentWindows(e as EncodedEvents, this.spec);
    const kept = windows.filter((w) => w.notes >= MIN_WINDOW_NOTES);
    const tokens = new Int32Array(kept.length * this.steps);
    kept.forEach((w, i) => tokens.set(w.tokens, i * this.steps));
    return { length: tokens.length, tokens, roll: null, cond: e.features }; // features are not read (the model reads the melody alone)
  }

  batch(windows: readonly BatchWindow[], steps: number): LatentBatch {
    const T = this.steps;
    if (steps !== T) throw new MusegenError('INTERNAL', `latent batches are ${T} steps long, not ${steps}`);
    const B = windows.length;
    const out: LatentBatch = { batch: B, steps: T, tokens: new Int32Array(B * T), weights: new Float32Array(B * T), targets: 0 };
    windows.forEach(({ piece, start }, b) => {
      const end = Math.min(T, piece.length - start);
      out.tokens.set(piece.tokens!.subarray(start, start + end), b * T);
      out.weights.fill(1, b * T, b * T + end);
      out.targets += end;
    });
    return out;
  }
}

/** Why an encoder cannot feed a latent melody model, or null when it can. */
export function latentLayoutUnsupported(encoder: AnyEncoder): string | null {
  if (encoder.spec.encoding !== 'melody') return `latent (VAE) models read one melody: choose --encoding melody, not ${encoder.spec.encoding}`;
  return null;
}

/** Attributes a window is measured by, and that vectors in z are fitted for. */
export const ATTRIBUTES = ['density', 'range', 'syncopation'] as const;
export type AttributeName = (typeof ATTRIBUTES)[number];

/**
 * The metric weight of each step of a bar: how many of the bar's levels
 * (the bar, the half bar of a simple duple meter, the beat — a dotted
 * quarter in compound meters —, the meter's unit and its halves down to one
 * step) start on it. In 4/4 at 16ths: 5 on the downbeat, 4 on beat 3, 3 on
 * beats 2 and 4, 2 on the off-beat eighths, 1 on the other sixteenths.
 */
export function metricWeights(meter: Meter, stepsPerQuarter: Steps): number[] {
  const barSteps = stepsPerBar(meter, stepsPerQuarter);
  const compound = isCompound(meter);
  const unit = barSteps / meter.numerator;
  const levels = new Set<number>([barSteps, compound ? 3 * unit : unit]);
  if (!compound && meter.numerator % 2 === 0 && meter.numerator > 2) levels.add(barSteps / 2);
  for (let l = unit; l >= 1 && Number.isInteger(l); l /= 2) levels.add(l);
  levels.add(1);
  const usable = [...levels].filter((l) => Number.isInteger(l) && barSteps % l === 0);
  return Array.from({ length: barSteps }, (_, p) => usable.filter((l) => p % l === 0).length);
}

/**
 * A window's attributes: `density` note-ons per bar; `range` semitones from
 * its lowest to its highest note; `syncopation` the share of its notes that
 * sound over a step metrically stronger than the one they start on (a half
 * note on beat 2 of 4/4, an eighth on an off-beat held over the beat, a
 * sixteenth-then-dotted-eighth snap; 0 without notes).
 */
export function windowAttributes(encoder: AnyEncoder, tokens: Int32Array, window: LatentWindowSpec): Record<AttributeName, number> {
  const weights = metricWeights(window.meter, window.stepsPerQuarter);
  const weight = (t: number): number => weights[t % weights.length]!;
  const pitches: number[] = [];
  let syncopated = 0;
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t]!;
    if (tok < FIRST_PITCH_TOKEN) continue;
    pitches.push(midiOf(encoder.vocabulary.pitches[tok - FIRST_PITCH_TOKEN]!));
    for (let s = t + 1; s < tokens.length && tokens[s] === HOLD; s++) {
      if (weight(s) > weight(t)) {
        syncopated++;
        break;
      }
    }
  }
  return {
    density: pitches.length / window.bars,
    range: pitches.length === 0 ? 0 : Math.max(...pitches) - Math.min(...pitches),
    syncopation: pitches.length === 0 ? 0 : syncopated / pitches.length,
  };
}
