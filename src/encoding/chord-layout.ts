/**
 * The layout of chord models: a melody read as one slot per beat (a dotted
 * quarter in 6/8, a quarter in 3/4 and 4/4, a half in 2/2), and one chord
 * class per slot — the chord symbol in force where the beat starts.
 *
 *   melody tokens [steps] + context ─ chordSlots ─► slots (beats, on the grid)
 *     input  s = what the melody does in slot s (SLOT_FEATURES columns, below) ─► encoder (both directions)
 *     input' s = chord class of slot s − 1 (START at s = 0)                     ─► decoder (left to right)
 *     target s = chord class of slot s (chord-vocabulary.ts)
 *
 * Slot features (SLOT_WIDTH columns):
 *   0–11   share of the slot each pitch class sounds       12–23  pitch class sounding where the slot starts
 *   24     share of the slot that is rest                  25–36  the key's tonic (pitch class), 37: a minor-like mode
 *   38–45  beat in the bar (the 8th and later share one)    46–49  beats in the bar: 2, 3, 4, other
 *   50     compound meter (6/8, 9/8, 12/8)                  51     the pickup bar
 *   52     the first full bar                              53     the last bar
 *   54     the slot's length in beats (a pickup's part beat is less than 1)
 *
 * A piece without a single chord symbol teaches nothing: its targets are
 * weighted 0 (`IGNORED`). Batches are batch-major, padded at the end with
 * weight 0; `lengths` gives each window's real slots, so the backward
 * encoder can read each window from its own last slot.
 */
import { barLength, barStarts, beatsInBar, hasMinorThird, isCompound, midiOf, ticksPerStep, timeSignatureAt, type Steps } from '../score/index.js';
import { lastAtOrBefore, scoreShell } from './context.js';
import { CHORD_CLASSES, classOfText, tonicPitchClass } from './chord-vocabulary.js';
import type { AnyEncoder } from './from-spec.js';
import type { BatchLayout, BatchWindow, LayoutBatch, PreparedPiece } from './sequences.js';
import type { Encoded, EncodedEvents, StepContext } from './types.js';
import { FIRST_PITCH_TOKEN, HOLD, REST } from './vocabulary.js';

/** Columns of a slot's input row. */
export const SLOT_WIDTH = 55;
/** The decoder's input class before the first slot. */
export const CHORD_START = CHORD_CLASSES;
/** A target that teaches nothing (a piece with no chord symbols). */
export const IGNORED = -1;
/** Saved in musegen.json (`hyper.sequence`): a model trained under another scheme is refused. */
export const CHORD_SCHEME = 'chords/beat-slots+previous-chord/1';

/** One beat of the melody: [step, end) on the grid. */
export interface ChordSlot {
  step: Steps;
  end: Steps;
  /** Bar index (0 = the first bar, the pickup bar when there is one). */
  bar: number;
  /** Beat in the bar, from 0 (a pickup's beats count from its full bar's start). */
  beat: number;
  beatsInBar: number;
  compound: boolean;
  /** Length in beats (1 but for a beat cut by the pickup, a meter change or the end). */
  share: number;
  pickup: boolean;
  lastBar: boolean;
}

/** The beats of a context `steps` long. */
export function chordSlots(context: StepContext, steps: Steps): ChordSlot[] {
  if (steps <= 0) return [];
  const q = ticksPerStep(context.stepsPerQuarter);
  const shell = scoreShell(context, steps);
  const starts = barStarts(shell);
  const end = steps * q;
  const slots: ChordSlot[] = [];
  starts.forEach((start, bar) => {
    const barEnd = starts[bar + 1] ?? end;
    const ts = timeSignatureAt(shell, start);
    const length = barLength(ts);
    const compound = isCompound(ts);
    const beats = beatsInBar(ts);
    const beatLength = length / beats;
    const pickup = bar === 0 && context.pickup > 0;
    const origin = pickup ? start - (length - context.pickup * q) : start;
    for (let k = 0; ; k++) {
      const bs = origin + k * beatLength;
      const be = bs + beatLength;
      if (bs >= barEnd) break;
      if (be <= start) continue;
      const from = Math.round(Math.max(bs, start) / q);
      const to = Math.round(Math.min(be, barEnd) / q);
      if (to <= from) continue;
      slots.push({
        step: from, end: to, bar, beat: k, beatsInBar: beats, compound, share: ((to - from) * q) / beatLength, pickup, lastBar: bar === starts.length - 1,
      });
    }
  });
  return slots;
}

/** The pitch class sounding at each step of a melody's tokens (−1 in a rest), and whether a note starts there. */
export function melodyPitchClasses(encoder: AnyEncoder, tokens: ArrayLike<number>, steps: Steps): { pc: Int8Array; onset: Uint8Array } {
  const pc = new Int8Array(steps).fill(-1);
  const onset = new Uint8Array(steps);
  const pitches = encoder.vocabulary.pitches;
  let current = -1;
  for (let s = 0; s < steps; s++) {
    const t = tokens[s]!;
    if (t === REST) current = -1;
    else if (t >= FIRST_PITCH_TOKEN) {
      current = midiOf(pitches[t - FIRST_PITCH_TOKEN]!) % 12;
      onset[s] = 1;
    } else if (t !== HOLD) current = -1;
    pc[s] = current;
  }
  return { pc, onset };
}

/** The input rows of a melody's slots, [slots, SLOT_WIDTH]. */
export function slotInputs(slots: readonly ChordSlot[], pc: Int8Array, context: StepContext): Float32Array {
  const out = new Float32Array(slots.length * SLOT_WIDTH);
  const firstFull = slots.find((s) => !s.pickup)?.bar ?? 0;
  slots.forEach((slot, i) => {
    const row = i * SLOT_WIDTH;
    const n = slot.end - slot.step;
    for (let s = slot.step; s < slot.end; s++) {
      const p = pc[s] ?? -1;
      if (p >= 0) out[row + p]! += 1 / n;
      else out[row + 24]! += 1 / n;
    }
    const atStart = pc[slot.step] ?? -1;
    if (atStart >= 0) out[row + 12 + atStart] = 1;
    const key = lastAtOrBefore(context.keySignatures, slot.step);
    const tonic = tonicPitchClass(key);
    if (tonic !== undefined) out[row + 25 + tonic] = 1;
    if (key && hasMinorThird(key.mode)) out[row + 37] = 1;
    out[row + 38 + Math.min(slot.beat, 7)] = 1;
    out[row + 46 + (slot.beatsInBar === 2 ? 0 : slot.beatsInBar === 3 ? 1 : slot.beatsInBar === 4 ? 2 : 3)] = 1;
    if (slot.compound) out[row + 50] = 1;
    if (slot.pickup) out[row + 51] = 1;
    if (slot.bar === firstFull) out[row + 52] = 1;
    if (slot.lastBar) out[row + 53] = 1;
    out[row + 54] = slot.share;
  });
  return out;
}

/** The chord class in force where each slot starts (NO_CHORD before the first symbol). */
export function slotChordClasses(slots: readonly ChordSlot[], context: StepContext): Int32Array {
  const classes = new Map<string, number>();
  const out = new Int32Array(slots.length);
  slots.forEach((slot, i) => {
    const chord = lastAtOrBefore(context.chords, slot.step);
    if (!chord) return;
    if (!classes.has(chord.text)) classes.set(chord.text, classOfText(chord.text));
    out[i] = classes.get(chord.text)!;
  });
  return out;
}

/** A piece as chord models train on it: slots' inputs, and chord classes (`tokens`) as targets. */
export interface ChordPiece extends PreparedPiece {
  /** [slots, SLOT_WIDTH] */
  inputs: Float32Array;
  /** The chord class of each slot, IGNORED in a piece with no chord symbol. */
  tokens: Int32Array;
}

/** A batch of windows of slots, batch-major. */
export interface ChordBatch extends LayoutBatch {
  batch: number;
  steps: number;
  /** [batch, steps, SLOT_WIDTH], zeros in padding. */
  inputs: Float32Array;
  /** Real slots of each window (the rest is padding), [batch]. */
  lengths: Int32Array;
  /** The decoder's input class: the chord of the slot before (CHORD_START at a piece's start), [batch·steps]. */
  previous: Int32Array;
  /** Target classes [batch·steps] (0 where weighted 0). */
  classes: Int32Array;
  /** 1 where a slot's chord is taught, [batch·steps]. */
  weights: Float32Array;
}

/** The layout chord models train and are evaluated in (see the file's comment). */
export class ChordLayout implements BatchLayout<ChordBatch> {
  readonly output = 'chords';
  readonly target = 'beat';
  readonly perStep = 1;

  constructor(readonly encoder: AnyEncoder) {}

  /** Slots, their inputs and their chord classes, of one encoded melody. */
  read(e: EncodedEvents): { slots: ChordSlot[]; inputs: Float32Array; classes: Int32Array } {
    const slots = chordSlots(e.context, e.steps);
    const { pc } = melodyPitchClasses(this.encoder, e.tokens.subarray(0, e.steps), e.steps);
    return { slots, inputs: slotInputs(slots, pc, e.context), classes: slotChordClasses(slots, e.context) };
  }

  prepare(e: Encoded): ChordPiece {
    const { slots, inputs, classes } = this.read(e as EncodedEvents);
    if (e.context.chords.length === 0) classes.fill(IGNORED);
    return { length: slots.length, tokens: classes, roll: null, cond: e.features, inputs };
  }

  batch(windows: readonly BatchWindow[], steps: number): ChordBatch {
    const B = windows.length;
    const out: ChordBatch = {
      batch: B, steps, targets: 0,
      inputs: new Float32Array(B * steps * SLOT_WIDTH), lengths: new Int32Array(B),
      previous: new Int32Array(B * steps).fill(CHORD_START), classes: new Int32Array(B * steps), weights: new Float32Array(B * steps),
    };
    windows.forEach(({ piece, start }, b) => {
      const { inputs, tokens } = piece as ChordPiece;
      const end = Math.min(steps, piece.length - start);
      out.lengths[b] = end;
      out.inputs.set(inputs.subarray(start * SLOT_WIDTH, (start + end) * SLOT_WIDTH), b * steps * SLOT_WIDTH);
      for (let i = 0; i < end; i++) {
        const p = start + i;
        const r = b * steps + i;
        const before = p > 0 ? tokens[p - 1]! : CHORD_START;
        out.previous[r] = before === IGNORED ? CHORD_START : before;
        const target = tokens[p]!;
        if (target === IGNORED) continue;
        out.classes[r] = target;
        out.weights[r] = 1;
        out.targets++;
      }
    });
    return out;
  }
}

/** Why an encoder cannot feed a chord model, or null when it can. */
export function chordLayoutUnsupported(encoder: AnyEncoder): string | null {
  if (encoder.spec.encoding !== 'melody') return `chord models read a melody: choose --encoding melody, not ${encoder.spec.encoding}`;
  if (encoder.spec.stepsPerQuarter % 2 !== 0) return `chord models need a beat of 6/8 (three eighths) to be whole steps: --steps-per-quarter must be even, not ${encoder.spec.stepsPerQuarter}`;
  return null;
}
