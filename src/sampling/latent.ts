/**
 * Working in a latent model's space (MusicVAE's uses): melodies in and out,
 * spherical interpolation, attribute vectors, and pieces strung from
 * decoded latents.
 *
 *   Score ─ melodyWindowsFor (top line, meter checked, moved into range) ─ windows ─ latent.encode ─ μ
 *   μ_a, μ_b ─ slerp × steps ─ latent.decode ─ windows ─ one Score, one after another
 *   (attribute vectors are fitted in attribute-vectors.ts)
 *   z ~ N(0, I), each next z = ρ·z + √(1−ρ²)·ε ─ decode ─ windows strung ─ a piece (`musegen sample -m <vae>`)
 */
import {
  HOLD, REST, createStepContext, latentWindows, stepsPerBar, contextMeters,
  type EncodedEvents, type LatentWindow, type MelodyEncoder, type StepContext, type TrackNote,
} from '../encoding/index.js';
import type { Rng } from '../engine/index.js';
import { MusegenError } from '../errors.js';
import { latentOf, priorSample, withAttributes, type Generator, type Latent } from '../generators/index.js';
import { createScore, intervalForSemitones, midiOf, pitchName, spellMidi, transpose, type Score } from '../score/index.js';
import { melodyLine } from './accompany.js';
import type { PiecePlan } from './context.js';
import type { PieceStepper } from './sample.js';

/** What the model reads of a melody: its windows, and what was done to fit it. */
export interface LatentInput {
  windows: LatentWindow[];
  /** One line per thing changed or left out (a polyphonic part's top line, a transposition, bars of another meter). */
  warnings: string[];
  /** Semitones the melody was moved to fit the model's range (0: none). */
  transposed: number;
  /** Bars of the melody. */
  bars: number;
}

const meterText = (m: { numerator: number; denominator: number }): string => `${m.numerator}/${m.denominator}`;

/**
 * The windows a latent model reads of a melody. A polyphonic melody gives its
 * top line (said); a melody outside the model's range is moved by octaves
 * (else semitones) into it (said); a melody in no bar of the model's meter,
 * or shorter than one window, is refused (MusegenError 'BAD_ARGUMENT').
 */
export function melodyWindowsFor(generator: Generator, score: Score, name = 'the melody'): LatentInput {
  const latent = latentOf(generator);
  const encoder = generator.encoder;
  const { window } = latent;
  const want = meterText(window.meter);
  const line = melodyLine(score);
  const { part } = line;
  const warnings = line.warnings.map((w) => `${name}: ${w}`);
  let melody: Score = { ...score, parts: [part] };
  const meters = [...new Set(score.timeSignatures.map((t) => meterText(t)))];
  if (!meters.includes(want)) {
    throw new MusegenError('BAD_ARGUMENT', `${name} is in ${meters.join(', ')}; this model reads ${window.bars} bars of ${want}`);
  }
  if (meters.length > 1) warnings.push(`${name} changes meter (${meters.join(', ')}): only its bars of ${want} are read`);
  const { lowest, highest } = encoder.vocabulary;
  const pitches = part.notes.map((n) => midiOf(n.pitch));
  const low = Math.min(...pitches);
  const high = Math.max(...pitches);
  let shift = 0;
  if (low < lowest || high > highest) {
    if (high - low > highest - lowest) {
      throw new MusegenError('BAD_ARGUMENT', `${name} spans ${pitchName(spellMidi(low))}–${pitchName(spellMidi(high))}, wider than the model's range ${pitchName(spellMidi(lowest))}–${pitchName(spellMidi(highest))}`);
    }
    const fits = (s: number): boolean => low + s >= lowest && high + s <= highest;
    const octaves = Array.from({ length: 21 }, (_, i) => (i - 10) * 12).filter(fits).sort((a, b) => Math.abs(a) - Math.abs(b));
    shift = octaves[0] ?? (low < lowest ? lowest - low : highest - high);
    melody = transpose(melody, intervalForSemitones(shift, score.keySignatures[0]?.fifths ?? 0));
    const how = shift % 12 === 0 ? `${Math.abs(shift / 12)} octave${Math.abs(shift) === 12 ? '' : 's'}` : `${Math.abs(shift)} semitones`;
    warnings.push(`${name} (${pitchName(spellMidi(low))}–${pitchName(spellMidi(high))}) is outside the model's range ${pitchName(spellMidi(lowest))}–${pitchName(spellMidi(highest))}: moved ${shift > 0 ? 'up' : 'down'} ${how} to fit`);
  }
  const e = encoder.encode(melody) as EncodedEvents;
  const { windows, bars } = latentWindows(e, window);
  if (windows.length === 0) {
    const barSteps = stepsPerBar(window.meter, window.stepsPerQuarter);
    const full = Math.floor(e.steps / barSteps);
    throw new MusegenError('BAD_ARGUMENT', full < window.bars
      ? `${name} is shorter than the model's window: ${full} whole bar${full === 1 ? '' : 's'} of ${want}, the model reads ${window.bars}`
      : `${name} holds no ${window.bars} whole bars of ${want} in a row (its meters: ${contextMeters(e.context).join(', ')})`);
  }
  return { windows, warnings, transposed: shift, bars };
}

/** "density=+1.5" → ['density', 1.5]; refuses unknown names and non-numbers. */
export function parseAttribute(text: string): [string, number] {
  const m = /^\s*([a-z]+)\s*=\s*([+-]?\d+(?:\.\d+)?)\s*$/i.exec(text);
  if (!m) throw new MusegenError('BAD_ARGUMENT', `"${text}" is not an attribute change like density=+1.5`);
  return [m[1]!.toLowerCase(), Number(m[2])];
}

/** The context of windows written one after another: the model's meter and grid, `tempo`, one melody track. */
export function latentContext(latent: Latent, init: Partial<StepContext> = {}): StepContext {
  const { meter, stepsPerQuarter } = latent.window;
  return createStepContext({ stepsPerQuarter, tracks: [{ name: 'Melody', program: 0, channel: 0 }], ...init, timeSignatures: [{ step: 0, ...meter }] });
}

/** Windows one after another as a Score (a window starting in a hold begins with a rest). */
export function windowsScore(generator: Generator, windows: readonly Int32Array[], init: Partial<StepContext> = {}): Score {
  const latent = latentOf(generator);
  const T = latent.window.steps;
  const tokens = new Int32Array(windows.length * T);
  windows.forEach((w, i) => {
    const copy = Int32Array.from(w);
    if (copy[0] === HOLD) copy[0] = REST;
    tokens.set(copy, i * T);
  });
  if (windows.length === 0) return createScore();
  return (generator.encoder as unknown as MelodyEncoder).decode({ tokens, context: latentContext(latent, init) });
}

/** How strongly each next latent of a strung piece follows the last (0: independent). */
export const STRING_CORRELATION = 0.8;

/**
 * A piece strung from decoded latents, for `samplePieces`: z₀ ~ N(0, I),
 * each next z = ρ·z + √(1−ρ²)·ε (still N(0, I), ρ = STRING_CORRELATION, so
 * neighbouring windows are alike), moved by the attribute changes, decoded
 * at `temperature` and cut to the plan's steps.
 */
export function latentPiece(generator: Generator, plan: PiecePlan, temperature: number, rng: Rng, attributes: [string, number][] = []): PieceStepper {
  const latent = latentOf(generator);
  if (plan.primer) throw new MusegenError('BAD_ARGUMENT', 'a latent (VAE) model does not continue a primer: use musegen interpolate to start from a melody');
  const want = meterText(latent.window.meter);
  const meters = [...new Set(plan.context.timeSignatures.map(meterText))];
  if (meters.some((m) => m !== want)) throw new MusegenError('BAD_ARGUMENT', `this model writes ${want} (its windows are ${latent.window.bars} bars of it), not ${meters.join(', ')}`);
  const T = latent.window.steps;
  const decoder = generator.encoder.streamDecoder(plan.context);
  let tokens: Int32Array | null = null;
  let step = 0;
  const draw = (): Int32Array => {
    const out = new Int32Array(Math.ceil(plan.steps / T) * T);
    const rho = STRING_CORRELATION;
    let z = priorSample(latent.size, rng);
    for (let w = 0; w * T < plan.steps; w++) {
      if (w > 0) {
        const e = priorSample(latent.size, rng);
        z = z.map((x, i) => rho * x + Math.sqrt(1 - rho * rho) * e[i]!);
      }
      const window = latent.decode(withAttributes(latent, z, attributes), { temperature, seed: rng.int(2 ** 32) });
      out.set(window, w * T);
    }
    return out;
  };
  return {
    get step() {
      return step;
    },
    next: () => {
      tokens ??= draw();
      const ended: TrackNote[] = decoder.push(tokens.subarray(step, step + 1));
      step++;
      return { ended, started: decoder.started() };
    },
    finish: () => decoder.finish(),
    score: () => decoder.score(),
  };
}
