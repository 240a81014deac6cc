/**
 * What a latent (VAE) melody model does, measured (MusicVAE's measures):
 *
 *   windows of whole bars (the split's melodies, as training cuts them)
 *     ─ encode (z = μ) ─ teacher-forced logits ─ argmax = the true token?       reconstruction, teacher-forced, per token
 *     ─ encode (z = μ) ─ decode, each step fed its own likeliest token ─ = ?      reconstruction, sampled (greedy), per token
 *     ─ KL(q(z_d | x) ‖ N(0, 1)) per dimension d, mean over windows > threshold   active dimensions
 *   pairs of windows (a, b) ─ slerp in `steps` ─ decode (greedy)
 *     ─ ends against a and b (accuracy per token); note-level edit distance between neighbours against the ends'
 *   100 draws from the prior, decoded with and without +amount × an attribute vector (same seeds)
 *     ─ each attribute's mean change, in standard deviations of its spread over the plain draws
 */
import { ATTRIBUTES, FIRST_PITCH_TOKEN, HOLD, MIN_WINDOW_NOTES, latentWindows, windowAttributes, type AttributeName, type EncodedEvents } from '../encoding/index.js';
import { createRng, type Seed } from '../engine/index.js';
import { MusegenError } from '../errors.js';
import { interpolateLatents, latentOf, priorSample, withAttributes, type Generator, type Latent } from '../generators/index.js';
import type { Score } from '../score/index.js';

/** The windows of the pieces a latent model reads, as training cuts them (whole bars in its meter, a bar apart, at least two notes). */
export function evaluationWindows(generator: Generator, scores: readonly Score[]): Int32Array[] {
  const latent = latentOf(generator);
  const out: Int32Array[] = [];
  for (const score of scores) {
    const e = generator.encoder.encode(score) as EncodedEvents;
    for (const w of latentWindows(e, latent.window).windows) if (w.notes >= MIN_WINDOW_NOTES) out.push(w.tokens);
  }
  return out;
}

export interface ReconstructionReport {
  windows: number;
  tokens: number;
  /** Share of tokens the teacher-forced decoder's likeliest token gets right (z = μ). */
  teacherForced: number;
  /** Share of tokens right when the decoder runs on its own likeliest tokens (z = μ). */
  sampled: number;
  /** The same two shares over the note-on tokens alone (the notes, without holds and rests). */
  noteOns: { tokens: number; teacherForced: number; sampled: number };
  /** Mean KL per window, nats. */
  kl: number;
  /** Mean KL per dimension, nats (size of z). */
  klPerDimension: number[];
  /** Dimensions whose mean KL is above `threshold`. */
  activeDimensions: number;
  threshold: number;
}

/** The KL threshold (nats, mean over windows) above which a dimension counts as active. */
export const ACTIVE_KL_THRESHOLD = 0.1;

/** Reconstruction accuracy and active dimensions on windows; `onWindow` for progress. */
export function latentReconstruction(generator: Generator, windows: readonly Int32Array[], options: { threshold?: number; onWindow?: (done: number) => void } = {}): ReconstructionReport {
  const latent = latentOf(generator);
  if (windows.length === 0) throw new MusegenError('EMPTY', `no window of ${latent.window.bars} bars of ${latent.window.meter.numerator}/${latent.window.meter.denominator} to measure on`);
  const threshold = options.threshold ?? ACTIVE_KL_THRESHOLD;
  const codes = latent.encode(windows);
  const logits = latent.decodeLogits(codes.map((c) => c.mu), windows);
  const T = latent.window.steps;
  let forced = 0;
  let sampled = 0;
  let onTokens = 0;
  let onForced = 0;
  let onSampled = 0;
  const klDim = new Float64Array(latent.size);
  windows.forEach((w, i) => {
    const rows = logits[i]!;
    const V = rows.length / T;
    for (let t = 0; t < T; t++) {
      let best = 0;
      for (let k = 1; k < V; k++) if (rows[t * V + k]! > rows[t * V + best]!) best = k;
      if (best === w[t]) forced++;
      if (w[t]! >= FIRST_PITCH_TOKEN) {
        onTokens++;
        if (best === w[t]) onForced++;
      }
    }
    const decoded = latent.decode(codes[i]!.mu, { temperature: 0 });
    for (let t = 0; t < T; t++) {
      if (decoded[t] !== w[t]) continue;
      sampled++;
      if (w[t]! >= FIRST_PITCH_TOKEN) onSampled++;
    }
    const { mu, sigma } = codes[i]!;
    for (let d = 0; d < latent.size; d++) {
      const s = Math.max(sigma[d]!, 1e-8);
      klDim[d]! += 0.5 * (mu[d]! * mu[d]! + s * s - 1) - Math.log(s);
    }
    options.onWindow?.(i + 1);
  });
  const perDim = [...klDim].map((x) => x / windows.length);
  const tokens = windows.length * T;
  return {
    windows: windows.length, tokens, teacherForced: forced / tokens, sampled: sampled / tokens,
    noteOns: { tokens: onTokens, teacherForced: onForced / Math.max(1, onTokens), sampled: onSampled / Math.max(1, onTokens) },
    kl: perDim.reduce((a, b) => a + b, 0), klPerDimension: perDim, activeDimensions: perDim.filter((x) => x > threshold).length, threshold,
  };
}

/** The notes of a window: (onset step, pitch token, steps) in order. */
function windowNotes(tokens: Int32Array): [number, number, number][] {
  const notes: [number, number, number][] = [];
  for (let t = 0; t < tokens.length; t++) {
    if (tokens[t]! < FIRST_PITCH_TOKEN) continue;
    let end = t + 1;
    while (end < tokens.length && tokens[end] === HOLD) end++;
    notes.push([t, tokens[t]!, end - t]);
  }
  return notes;
}

/** Note-level edit distance: insertions, deletions and substitutions of notes (a note equal in onset, pitch and length matches). */
export function noteEditDistance(a: Int32Array, b: Int32Array): number {
  const x = windowNotes(a).map((n) => n.join(','));
  const y = windowNotes(b).map((n) => n.join(','));
  let row = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const next = [i];
    for (let j = 1; j <= y.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    row = next;
  }
  return row[y.length]!;
}

export interface InterpolationReport {
  pairs: number;
  steps: number;
  /** Share of tokens of step 0 equal to a's and of step N to b's (greedy decoding of μ). */
  endAccuracy: number;
  /** Mean note edit distance between neighbouring steps. */
  neighbourDistance: number;
  /** Mean largest neighbour distance of a path. */
  largestNeighbourDistance: number;
  /** Mean note edit distance between the two decoded ends. */
  endDistance: number;
  /** Mean over paths of Σ neighbour distances ÷ the ends' distance (1: every step moves straight on; paths with equal ends left out). */
  pathRatio: number;
}

/** Interpolations between pairs of windows (window i with window i + half, so pairs come from different tunes), decoded greedily. */
export function interpolationSmoothness(generator: Generator, windows: readonly Int32Array[], options: { pairs?: number; steps?: number; seed?: Seed } = {}): InterpolationReport {
  const latent = latentOf(generator);
  const steps = options.steps ?? 7;
  const rng = createRng(options.seed ?? 1);
  const n = Math.min(options.pairs ?? 100, Math.floor(windows.length / 2));
  if (n < 1) throw new MusegenError('EMPTY', 'interpolation needs at least two windows');
  const pick = Array.from({ length: windows.length }, (_, i) => i);
  for (let i = pick.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [pick[i], pick[j]] = [pick[j]!, pick[i]!];
  }
  let ends = 0;
  let neighbour = 0;
  let largest = 0;
  let endDistance = 0;
  let ratio = 0;
  let ratioPaths = 0;
  const T = latent.window.steps;
  for (let p = 0; p < n; p++) {
    const a = windows[pick[2 * p]!]!;
    const b = windows[pick[2 * p + 1]!]!;
    const [ca, cb] = latent.encode([a, b]);
    const { windows: path } = interpolateLatents(generator, ca!.mu, cb!.mu, { steps, temperature: 0 });
    for (let t = 0; t < T; t++) {
      if (path[0]![t] === a[t]) ends++;
      if (path[steps - 1]![t] === b[t]) ends++;
    }
    const d = path.slice(1).map((w, i) => noteEditDistance(path[i]!, w));
    const sum = d.reduce((x, y) => x + y, 0);
    neighbour += sum / d.length;
    largest += Math.max(...d);
    const e = noteEditDistance(path[0]!, path[steps - 1]!);
    endDistance += e;
    if (e > 0) {
      ratio += sum / e;
      ratioPaths++;
    }
  }
  return {
    pairs: n, steps, endAccuracy: ends / (2 * n * T), neighbourDistance: neighbour / n, largestNeighbourDistance: largest / n,
    endDistance: endDistance / n, pathRatio: ratioPaths > 0 ? ratio / ratioPaths : 1,
  };
}

export interface AttributeEffect {
  attribute: string;
  amount: number;
  samples: number;
  /** Each measured attribute's mean change (shifted − plain), in its own units. */
  change: Record<AttributeName, number>;
  /** The same in standard deviations of the attribute over the plain samples. */
  standardized: Record<AttributeName, number>;
  /** Each attribute's standard deviation over the plain samples (1 where they never vary). */
  spread: Record<AttributeName, number>;
  /** Temperature the samples were decoded at. */
  temperature: number;
  /** Whether the named attribute moved the way asked, and more (in standard deviations) than every other. */
  movesItsOwn: boolean;
}

/**
 * For each attribute vector: `samples` draws from the prior decoded at
 * `temperature` (default 0.5) with the same seed, plain and moved by
 * `amount` × the vector (a vector is one sd of its attribute: see
 * sampling's attribute-vectors.ts).
 */
export function attributeEffects(generator: Generator, options: { samples?: number; amount?: number; temperature?: number; seed?: Seed } = {}): AttributeEffect[] {
  const latent: Latent = latentOf(generator);
  const samples = options.samples ?? 100;
  const amount = options.amount ?? 1.5;
  const temperature = options.temperature ?? 0.5;
  if (latent.attributes.size === 0) throw new MusegenError('BAD_ARGUMENT', 'this model has no attribute vectors yet: fit them with musegen attributes -m <model> <corpus>');
  const rng = createRng(options.seed ?? 1);
  const draws = Array.from({ length: samples }, () => ({ z: priorSample(latent.size, rng), seed: rng.int(2 ** 32) }));
  const measure = (z: Float32Array, seed: number) => windowAttributes(generator.encoder, latent.decode(z, { temperature, seed }), latent.window);
  const plain = draws.map(({ z, seed }) => measure(z, seed));
  const spread = Object.fromEntries(ATTRIBUTES.map((a) => {
    const m = plain.reduce((s, x) => s + x[a], 0) / samples;
    const v = plain.reduce((s, x) => s + (x[a] - m) ** 2, 0) / Math.max(1, samples - 1);
    return [a, Math.sqrt(v) || 1];
  })) as Record<AttributeName, number>;
  return [...latent.attributes.keys()].map((name) => {
    const moved = draws.map(({ z, seed }) => measure(withAttributes(latent, z, [[name, amount]]), seed));
    const change = Object.fromEntries(ATTRIBUTES.map((a) => [a, moved.reduce((s, x, i) => s + x[a] - plain[i]![a], 0) / samples])) as Record<AttributeName, number>;
    const standardized = Object.fromEntries(ATTRIBUTES.map((a) => [a, change[a] / spread[a]])) as Record<AttributeName, number>;
    const own = (standardized[name as AttributeName] ?? 0) * Math.sign(amount);
    const movesItsOwn = own > 0 && ATTRIBUTES.every((a) => a === name || Math.abs(standardized[a]) < own);
    return { attribute: name, amount, samples, change, standardized, spread, temperature, movesItsOwn };
  });
}
