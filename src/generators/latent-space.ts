/**
 * Moving about a latent space (the Latent capability): spherical
 * interpolation, draws from the prior, attribute vectors added to z, and an
 * interpolation decoded step by step. Pure arithmetic on z; sampling and
 * evaluation both use it.
 */
import { createRng, type Rng, type Seed } from '../engine/index.js';
import { MusegenError } from '../errors.js';
import type { Generator, Latent } from './generator.js';

/** The latent capability of a generator; throws MusegenError('UNSUPPORTED') for a model without one. */
export function latentOf(generator: Generator): Latent {
  if (!generator.latent) throw new MusegenError('UNSUPPORTED', `a '${generator.kind}' model has no latent space (train one with --kind vae)`);
  return generator.latent;
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

