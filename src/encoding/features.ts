/**
 * Feature channels: extra columns any encoder can add beside its tokens or
 * roll, one row per step, in the order the spec lists them.
 *
 *   name      width                     per step
 *   beat      maxBarSteps + 1           one-hot of the step within the bar (default maxBarSteps:
 *                                       6 quarters of steps, e.g. 3/2 or 12/8; a pickup counts from
 *                                       its full bar's start; clamped to the last column), then the
 *                                       metrical strength 0..1 (beat.ts)
 *   fermata   2                         [a fermata note starts here, this step is under a fermata]
 *   spelling  6 per track               accidental −2..+2 one-hot, then line-of-fifths position
 *                                       (fifths − 2) / 17 (Fbb = −1, D = 0, B𝄪 = 1) of the pitch
 *                                       sounding in the track; zeros in a rest (spelled encoders only)
 *   key       highest − lowestFifths + 2  tonic on the line of fifths one-hot (C = 0, G = 1, A = 3;
 *                                       zeros when unknown or outside; default −7..10, Cb … A#),
 *                                       then 1 for a minor-like mode
 *                                       (minor, aeolian, dorian, phrygian, locrian)
 *   chord     19                        chord symbol in force: root pitch class one-hot (12), quality
 *                                       one-hot (major, minor, diminished, augmented, suspended),
 *                                       seventh added, no chord
 *   melody    13                        pitch class one-hot of the conditioning melody (12), then rest
 *   bar, remaining, lookback            the form features: bar counter, bars to the end, the tokens (or roll rows) one
 *                                       and two bars back (form-features.ts)
 *
 * All but `spelling` and `lookback` come from the StepContext alone, so a
 * sampler can ask for the row of any step it is about to generate
 * (`featureRow`). `spelling` describes the music itself: pass the pitches
 * sounding at that step; `lookback` reads the values of earlier steps.
 */
import {
  barLength, barPosition, barStarts, fifthsOf, hasMinorThird, ticksPerStep, tonicFifths, type BarPosition, type Pitch, type Score, type Steps, type Ticks,
} from '../score/index.js';
import { metricalStrength } from './beat.js';
import { CHORD_QUALITIES, readChordSymbol, type ChordReading } from './chords.js';
import { lastAtOrBefore, scoreShell } from './context.js';
import {
  BAR_FEATURE_WIDTH, REMAINING_FEATURE_WIDTH, fillBarCounter, fillLookback, fillRemaining, lookbackWidth, type StepShape, type ValuesAt,
} from './form-features.js';
import type { FeatureName, FeatureSpec } from './spec.js';
import type { StepContext } from './types.js';

/** Where a feature's columns sit in a row. */
export interface FeatureColumn {
  name: FeatureName;
  offset: number;
  width: number;
}

export interface FeatureLayout {
  /** Columns per row, all features together. */
  width: number;
  columns: FeatureColumn[];
  /** What one step of the encoder holds (what `spelling` and `lookback` are laid out over). */
  step: StepShape;
}

/** The pitch sounding in each track at one step (undefined in a rest), for the `spelling` feature. */
export type Sounding = readonly (Pitch | undefined)[];


/** Width of one feature's columns for an encoder whose steps are of this shape. */
export function featureWidth(f: FeatureSpec, step: StepShape): number {
  switch (f.name) {
    case 'beat': return f.maxBarSteps + 1;
    case 'fermata': return 2;
    case 'spelling': return 6 * step.tracks;
    case 'key': return f.highestFifths - f.lowestFifths + 2;
    case 'chord': return 12 + CHORD_QUALITIES.length + 2;
    case 'melody': return 13;
    case 'bar': return BAR_FEATURE_WIDTH;
    case 'remaining': return REMAINING_FEATURE_WIDTH;
    case 'lookback': return lookbackWidth(step, f.bars.length);
  }
}

export function featureLayout(features: readonly FeatureSpec[], step: StepShape): FeatureLayout {
  let offset = 0;
  const columns = features.map((f) => {
    const c = { name: f.name, offset, width: featureWidth(f, step) };
    offset += c.width;
    return c;
  });
  return { width: offset, columns, step };
}

/** A context with its look-ups made once: bar lines, fermata coverage, parsed chords. */
class PreparedContext {
  readonly q: Ticks;
  readonly shell: Score;
  readonly starts: Ticks[];
  readonly fermataStarts: Set<Steps>;
  /** Disjoint spans under a fermata, sorted. */
  readonly fermataCover: { step: Steps; end: Steps }[] = [];
  readonly chords: { step: Steps; reading: ChordReading | undefined }[];
  /** Index of the piece's last bar, when the context knows where the piece ends. */
  readonly lastBar: number | undefined;
  /** The bar of the last `barAt` call: steps run in order, so most calls reuse it. */
  private bar: { start: Ticks; end: Ticks; position: BarPosition } | undefined;

  constructor(readonly context: StepContext, steps: Steps) {
    this.q = ticksPerStep(context.stepsPerQuarter);
    this.shell = scoreShell(context, Math.max(steps, context.end ?? 0, 1));
    this.starts = barStarts(this.shell);
    this.lastBar = context.end !== undefined && context.end > 0 ? barPosition(this.shell, (context.end - 1) * this.q, this.starts).bar : undefined;
    this.fermataStarts = new Set(context.fermatas.map((f) => f.step));
    for (const f of context.fermatas) {
      const last = this.fermataCover[this.fermataCover.length - 1];
      if (last && f.step <= last.end) last.end = Math.max(last.end, f.end);
      else this.fermataCover.push({ step: f.step, end: f.end });
    }
    const readings = new Map<string, ChordReading | undefined>();
    this.chords = context.chords.map((c) => {
      if (!readings.has(c.text)) readings.set(c.text, readChordSymbol(c.text));
      return { step: c.step, reading: readings.get(c.text) };
    });
  }

  /** Bar index (a pickup bar is 0), offset in the bar (ticks, a pickup counting from its full bar's start) and meter at a step. */
  barAt(step: Steps): { bar: number; offset: Ticks; timeSignature: BarPosition['timeSignature'] } {
    const tick = step * this.q;
    let bar = this.bar;
    if (!bar || tick < bar.start || tick >= bar.end) {
      const position = barPosition(this.shell, tick, this.starts);
      const start = position.barStart;
      bar = this.bar = { start, end: this.starts[position.bar + 1] ?? Infinity, position: { ...position, offset: position.offset - (tick - start) } };
    }
    return { bar: bar.position.bar, offset: bar.position.offset + (tick - bar.start), timeSignature: bar.position.timeSignature };
  }
}

/** What a feature row reads besides the context: the pitches sounding at the step, the values of earlier steps. */
interface StepMusic {
  sounding: Sounding | undefined;
  valuesAt: ValuesAt | undefined;
  step: StepShape;
}

function fill(f: FeatureSpec, out: Float32Array, at: number, pc: PreparedContext, step: Steps, music: StepMusic): void {
  const ctx = pc.context;
  switch (f.name) {
    case 'beat': {
      const pos = pc.barAt(step);
      out[at + Math.min(Math.floor(pos.offset / pc.q), f.maxBarSteps - 1)] = 1;
      out[at + f.maxBarSteps] = metricalStrength(pos.offset, pos.timeSignature);
      return;
    }
    case 'fermata': {
      if (pc.fermataStarts.has(step)) out[at] = 1;
      const span = lastAtOrBefore(pc.fermataCover, step);
      if (span && step < span.end) out[at + 1] = 1;
      return;
    }
    case 'spelling':
      music.sounding?.forEach((p, track) => {
        if (!p) return;
        out[at + 6 * track + p.alter + 2] = 1;
        out[at + 6 * track + 5] = (fifthsOf(p) - 2) / 17;
      });
      return;
    case 'key': {
      const key = lastAtOrBefore(ctx.keySignatures, step);
      if (!key) return;
      const tonic = tonicFifths(key);
      if (tonic >= f.lowestFifths && tonic <= f.highestFifths) out[at + tonic - f.lowestFifths] = 1;
      if (hasMinorThird(key.mode)) out[at + f.highestFifths - f.lowestFifths + 1] = 1;
      return;
    }
    case 'chord': {
      const reading = lastAtOrBefore(pc.chords, step)?.reading;
      if (!reading) {
        out[at + 12 + CHORD_QUALITIES.length + 1] = 1;
        return;
      }
      out[at + reading.root] = 1;
      out[at + 12 + CHORD_QUALITIES.indexOf(reading.quality)] = 1;
      if (reading.seventh) out[at + 12 + CHORD_QUALITIES.length] = 1;
      return;
    }
    case 'melody': {
      const note = lastAtOrBefore(ctx.melody, step);
      out[at + (note && step < note.end ? note.midi % 12 : 12)] = 1;
      return;
    }
    case 'bar':
      fillBarCounter(out, at, pc.barAt(step).bar, ctx.pickup > 0);
      return;
    case 'remaining':
      fillRemaining(out, at, pc.barAt(step).bar, pc.lastBar);
      return;
    case 'lookback': {
      const { timeSignature } = pc.barAt(step);
      fillLookback(out, at, step, barLength(timeSignature) / pc.q, f.bars, music.step, music.valuesAt);
      return;
    }
  }
}

/**
 * Feature rows for steps [from, to) of a context: Float32Array [to − from, layout.width].
 * `sounding(step)` gives the pitches sounding per track (only the `spelling` feature reads it);
 * `valuesAt(step)` the values of an earlier step, its tokens or roll row (only `lookback` reads it).
 */
export function featureRows(
  features: readonly FeatureSpec[],
  layout: FeatureLayout,
  context: StepContext,
  from: Steps,
  to: Steps,
  sounding?: (step: Steps) => Sounding,
  valuesAt?: ValuesAt,
): Float32Array {
  const out = new Float32Array(Math.max(0, to - from) * layout.width);
  if (layout.width === 0 || to <= from) return out;
  const pc = new PreparedContext(context, to);
  const needsSounding = features.some((f) => f.name === 'spelling');
  const music: StepMusic = { sounding: undefined, valuesAt, step: layout.step };
  for (let step = from; step < to; step++) {
    music.sounding = needsSounding ? sounding?.(step) : undefined;
    const base = (step - from) * layout.width;
    features.forEach((f, i) => fill(f, out, base + layout.columns[i]!.offset, pc, step, music));
  }
  return out;
}
