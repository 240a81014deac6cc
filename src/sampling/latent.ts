/**
 * Working in a latent model's space (MusicVAE's uses): melodies in and out,
 * spherical interpolation, attribute vectors, and pieces strung from
 * decoded latents.
 *
 *   Score ─ melodyWindowsFor (top line, meter checked, moved into range) ─ windows ─ latent.encode ─ μ
 *   μ_a, μ_b ─ slerp × steps ─ latent.decode ─ windows ─ one Score, one after another
 *   corpus windows ─ fitAttributes (mean μ of the top quartile − of the bottom, per attribute) ─ vectors
 *   z ~ N(0, I), each next z = ρ·z + √(1−ρ²)·ε ─ decode ─ windows strung ─ a piece (`musegen sample -m <vae>`)
 */
import {
  FIRST_PITCH_TOKEN, HOLD, REST, createStepContext, latentWindows, stepsPerBar, contextMeters,
  type AnyEncoder, type EncodedEvents, type MelodyEncoder, type LatentWindow, type StepContext, type TrackNote,
} from '../encoding/index.js';
import { createRng, type Rng, type Seed } from '../engine/index.js';
import { MusegenError } from '../errors.js';
import type { Generator, Latent } from '../generators/index.js';
import { createScore, intervalForSemitones, midiOf, pitchName, spellMidi, transpose, type Score } from '../score/index.js';
import { melodyLine } from './accompany.js';
import type { PiecePlan } from './context.js';
import type { PieceStepper } from './sample.js';

/** The latent capability of a generator; throws MusegenError('UNSUPPORTED') for a model without one. */
export function latentOf(generator: Generator): Latent {
  if (!generator.latent) throw new MusegenError('UNSUPPORTED', `a '${generator.kind}' model has no latent space (train one with --kind vae)`);
  return generator.latent;
}

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
  const { part, warnings } = melodyLine(score);
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

/** Spherical interpolation between a and b at t ∈ [0, 1] (linear when they are parallel). */
export function slerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  if (a.length !== b.length) throw new MusegenError('BAD_ARGUMENT', `latents of ${a.length} and ${b.length} values`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  const cos = Math.max(-1, Math.min(1, dot / (Math.sqrt(na * nb) || 1)));
  const omega = Math.acos(cos);
  const out = new Float32Array(a.length);
  if (Math.abs(Math.sin(omega)) < 1e-6) {
    for (let i = 0; i < a.length; i++) out[i] = (1 - t) * a[i]! + t * b[i]!;
    return out;
  }
  const wa = Math.sin((1 - t) * omega) / Math.sin(omega);
  const wb = Math.sin(t * omega) / Math.sin(omega);
  for (let i = 0; i < a.length; i++) out[i] = wa * a[i]! + wb * b[i]!;
  return out;
}

/** Attributes a window is measured by, and that vectors in z are fitted for. */
export const ATTRIBUTES = ['density', 'range', 'syncopation'] as const;
export type AttributeName = (typeof ATTRIBUTES)[number];

/**
 * A window's attributes: `density` note-ons per bar; `range` semitones from
 * its lowest to its highest note; `syncopation` the share of its notes that
 * start off the beat and sound on over the next beat (0 without notes).
 */
export function windowAttributes(encoder: AnyEncoder, tokens: Int32Array, window: Latent['window']): Record<AttributeName, number> {
  const barSteps = stepsPerBar(window.meter, window.stepsPerQuarter);
  const compound = window.meter.numerator % 3 === 0 && window.meter.numerator > 3;
  const beat = compound ? (3 * barSteps) / window.meter.numerator : barSteps / window.meter.numerator;
  const pitches: number[] = [];
  let syncopated = 0;
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t]!;
    if (tok < FIRST_PITCH_TOKEN) continue;
    pitches.push(midiOf(encoder.vocabulary.pitches[tok - FIRST_PITCH_TOKEN]!));
    if ((t % barSteps) % beat === 0) continue;
    let end = t + 1;
    while (end < tokens.length && tokens[end] === HOLD) end++;
    const nextBeat = Math.ceil(t / beat) * beat;
    if (end > nextBeat) syncopated++;
  }
  return {
    density: pitches.length / window.bars,
    range: pitches.length === 0 ? 0 : Math.max(...pitches) - Math.min(...pitches),
    syncopation: pitches.length === 0 ? 0 : syncopated / pitches.length,
  };
}

/**
 * Attribute vectors (MusicVAE's): for each attribute, the mean μ of the
 * windows in its top quartile minus the mean μ of those in its bottom
 * quartile. Throws MusegenError('EMPTY') with fewer than 8 windows.
 */
export function fitAttributes(generator: Generator, windows: readonly Int32Array[]): Map<AttributeName, Float32Array> {
  const latent = latentOf(generator);
  if (windows.length < 8) throw new MusegenError('EMPTY', `attribute vectors need at least 8 windows of ${latent.window.bars} bars of ${meterText(latent.window.meter)}, not ${windows.length}`);
  const codes = latent.encode(windows).map((c) => c.mu);
  const measures = windows.map((w) => windowAttributes(generator.encoder, w, latent.window));
  const out = new Map<AttributeName, Float32Array>();
  for (const name of ATTRIBUTES) {
    const order = measures.map((m, i) => ({ v: m[name], i })).sort((a, b) => a.v - b.v);
    const q = Math.max(1, Math.floor(order.length / 4));
    const mean = (list: { i: number }[]): Float32Array => {
      const m = new Float32Array(latent.size);
      for (const { i } of list) for (let j = 0; j < m.length; j++) m[j]! += codes[i]![j]! / list.length;
      return m;
    };
    const top = mean(order.slice(-q));
    const bottom = mean(order.slice(0, q));
    out.set(name, top.map((x, j) => x - bottom[j]!));
  }
  return out;
}

/** "density=+1.5" → ['density', 1.5]; refuses unknown names and non-numbers. */
export function parseAttribute(text: string): [string, number] {
  const m = /^\s*([a-z]+)\s*=\s*([+-]?\d+(?:\.\d+)?)\s*$/i.exec(text);
  if (!m) throw new MusegenError('BAD_ARGUMENT', `"${text}" is not an attribute change like density=+1.5`);
  return [m[1]!.toLowerCase(), Number(m[2])];
}

/** z moved by the named attribute vectors, each times its amount; throws MusegenError for an attribute the model has no vector for. */
export function withAttributes(latent: Latent, z: Float32Array, changes: readonly [string, number][]): Float32Array {
  const out = Float32Array.from(z);
  for (const [name, amount] of changes) {
    const v = latent.attributes.get(name);
    if (!v) {
      const known = [...latent.attributes.keys()];
      throw new MusegenError('BAD_ARGUMENT', known.length === 0
        ? `this model has no attribute vectors yet: fit them with musegen attributes -m <model> <corpus>`
        : `unknown attribute '${name}' (this model has ${known.join(', ')})`);
    }
    for (let i = 0; i < out.length; i++) out[i]! += amount * v[i]!;
  }
  return out;
}

/** A draw from N(0, I). */
export function priorSample(size: number, rng: Rng): Float32Array {
  const z = new Float32Array(size);
  for (let i = 0; i < size; i++) z[i] = rng.normal();
  return z;
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

export interface InterpolateOptions {
  /** Latents from a to b, both ends included (at least 2). */
  steps: number;
  temperature?: number;
  seed?: Seed;
  /** Attribute changes added to every latent. */
  attributes?: [string, number][];
}

export interface Interpolation {
  /** The latents, a first, b last. */
  latents: Float32Array[];
  /** Each latent decoded. */
  windows: Int32Array[];
}

/** Spherical interpolation from z_a to z_b in `steps` latents, each decoded (temperature 0 by default: the likeliest). */
export function interpolateLatents(generator: Generator, a: Float32Array, b: Float32Array, options: InterpolateOptions): Interpolation {
  const latent = latentOf(generator);
  if (!(Number.isInteger(options.steps) && options.steps >= 2 && options.steps <= 1000)) {
    throw new MusegenError('BAD_ARGUMENT', `steps must be a whole number from 2 to 1000, not ${String(options.steps)}`);
  }
  const latents = Array.from({ length: options.steps }, (_, i) => withAttributes(latent, slerp(a, b, i / (options.steps - 1)), options.attributes ?? []));
  const rng = createRng(options.seed ?? 0);
  const windows = latents.map((z) => latent.decode(z, { temperature: options.temperature ?? 0, seed: rng.int(2 ** 32) }));
  return { latents, windows };
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
