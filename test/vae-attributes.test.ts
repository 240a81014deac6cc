/**
 * Attribute vectors of a latent space on synthetic latents with a known
 * answer (sampling/attribute-vectors.ts), the bundled VAE's vectors steering
 * its draws (eval's attributeEffects), and the attributes a window is
 * measured by: metric weights and syncopation (encoding/latent-layout.ts).
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ATTRIBUTES, MelodyEncoder, attributeEffects, attributeVectors, createRng, folderSource, initBackend, latentWindows, loadGenerator, metricWeights, readAbc, windowAttributes,
  type AttributeName, type EncodedEvents,
} from '../src/index.js';
import { ROOT } from './helpers/paths.js';

type Measures = Record<AttributeName, number>;

/** n latents z ~ N(0, I) of `size` dimensions and their attributes by `attributes(z, noise)`. */
function synthetic(n: number, size: number, attributes: (z: Float32Array, noise: () => number) => Measures, seed = 1): { codes: { mu: Float32Array }[]; measures: Measures[] } {
  const rng = createRng(seed);
  const mus = Array.from({ length: n }, () => Float32Array.from({ length: size }, () => rng.normal()));
  return { codes: mus.map((mu) => ({ mu })), measures: mus.map((z) => attributes(z, () => rng.normal())) };
}

const sd = (values: number[]): number => {
  const m = values.reduce((s, x) => s + x, 0) / values.length;
  return Math.sqrt(values.reduce((s, x) => s + (x - m) ** 2, 0) / values.length);
};
const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => Array.from(a).reduce((s, x, i) => s + x * b[i]!, 0);

describe('attribute vectors', () => {
  it('by difference (MusicVAE\'s): the top quartile\'s mean latent minus the bottom\'s, per sd of the attribute — along the one dimension that carries it', () => {
    // density = 5 + 2·z₃ (sd 2): the quartiles' means of z₃ lie ±1.27 apart in z and ±1.27 sd apart in density,
    // so one sd of density is one unit of z₃, and no other dimension moves
    const { codes, measures } = synthetic(4000, 8, (z, noise) => ({ density: 5 + 2 * z[3]!, range: 10 + 3 * z[5]!, syncopation: 0.1 + 0.01 * noise() }));
    const v = attributeVectors(codes, measures, 'difference').get('density')!;
    expect(v[3]).toBeCloseTo(1, 1);
    for (let j = 0; j < 8; j++) if (j !== 3) expect(Math.abs(v[j]!)).toBeLessThan(0.08);
    const range = attributeVectors(codes, measures, 'difference').get('range')!;
    expect(range[5]).toBeCloseTo(1, 1);
    expect(Math.abs(range[3]!)).toBeLessThan(0.08);
  });

  it('by regression: one sd of the attribute named and none of the others, where the attributes move together in the latent', () => {
    // range rises with density (both read z₃); syncopation reads z₆ and z₃
    const truth = (z: Float32Array): Measures => ({ density: 5 + 2 * z[3]!, range: 10 + 3 * z[5]! + 1.5 * z[3]!, syncopation: 0.2 * z[6]! - 0.1 * z[3]! });
    const { codes, measures } = synthetic(3000, 10, (z, noise) => {
      const m = truth(z);
      return { density: m.density + 0.1 * noise(), range: m.range + 0.1 * noise(), syncopation: m.syncopation + 0.01 * noise() };
    });
    const spread = Object.fromEntries(ATTRIBUTES.map((a) => [a, sd(measures.map((m) => m[a]))])) as Measures;
    const vectors = attributeVectors(codes, measures);
    const origin = truth(new Float32Array(10));
    for (const name of ATTRIBUTES) {
      const moved = truth(vectors.get(name)!);
      for (const a of ATTRIBUTES) {
        const change = (moved[a] - origin[a]) / spread[a];
        if (a === name) expect(change).toBeCloseTo(1, 1);
        else expect(Math.abs(change)).toBeLessThan(0.03);
      }
    }
    // the shortest such move: nothing along dimensions no attribute reads
    for (const name of ATTRIBUTES) for (const j of [0, 1, 2, 4, 7, 8, 9]) expect(Math.abs(vectors.get(name)![j]!)).toBeLessThan(0.03);
    // MusicVAE's difference carries density's dimension along into range's vector
    const difference = attributeVectors(codes, measures, 'difference').get('range')!;
    expect(difference[3]).toBeGreaterThan(0.3);
    expect(Math.abs(vectors.get('range')![3]!)).toBeLessThan(0.03);
  });

  it('by regression: weighs a dimension by what the decoder can read of it under the noise σ of q(z | x)', () => {
    // density = 5 + 2d. μ₀ = d / 10 carries d exactly but under σ₀ = 1 (the noise the decoder is trained under);
    // μ₃ = d + 0.5η under σ₃ = 0.05. The decoder sees z₀ with variance 1.01 and z₃ with 1.25: regressing d on them,
    // b = Σ⁻¹c = (0.020, 0.798), and the shortest move of one sd of density is b / |b|² = (0.031, 1.252).
    // Fitted on μ alone, μ₀ predicts d exactly and the move goes ~0.1 along z₀ (ridge-shrunk: a little more): nothing the decoder would notice.
    const rng = createRng(5);
    const codes = Array.from({ length: 4000 }, () => {
      const d = rng.normal();
      const mu = Float32Array.from({ length: 6 }, () => rng.normal());
      mu[0] = d / 10;
      mu[3] = d + 0.5 * rng.normal();
      return { d, mu, sigma: Float32Array.from([1, 1, 1, 0.05, 1, 1]) };
    });
    const measures = codes.map(({ d, mu }) => ({ density: 5 + 2 * d, range: 8 + 2 * mu[1]!, syncopation: 0.1 * mu[2]! }));
    const withNoise = attributeVectors(codes, measures).get('density')!;
    expect(withNoise[3]).toBeCloseTo(1.252, 1);
    expect(Math.abs(withNoise[0]!)).toBeLessThan(0.06);
    const muAlone = attributeVectors(codes.map(({ mu }) => ({ mu })), measures).get('density')!;
    expect(muAlone[0]).toBeGreaterThan(Math.abs(muAlone[3]!));
    expect(Math.hypot(...muAlone)).toBeLessThan(0.25);
  });

  it('gives an attribute that never varies a zero vector, ignores dimensions that never vary, and needs 8 windows', () => {
    const { codes, measures } = synthetic(500, 6, (z) => ({ density: 4 + z[0]!, range: 7, syncopation: 0.5 * z[1]! }));
    for (const c of codes) c.mu[4] = 0; // a collapsed dimension: μ always 0
    for (const method of ['regression', 'difference'] as const) {
      const vectors = attributeVectors(codes, measures, method);
      expect([...vectors.get('range')!].every((x) => x === 0)).toBe(true);
      expect(vectors.get('density')![4]).toBe(0);
      expect(dot(vectors.get('density')!, [1, 0, 0, 0, 0, 0])).toBeCloseTo(1, 1);
    }
    expect(() => attributeVectors(codes.slice(0, 7), measures.slice(0, 7))).toThrow(/at least 8 windows/);
  });
});

describe('what a window is measured by', () => {
  const ENCODER = new MelodyEncoder({ features: [], lowest: 48, highest: 84 });
  const SPEC = { bars: 2, meter: { numerator: 4, denominator: 4 }, stepsPerQuarter: 4 };
  const window = (body: string, meter = '4/4', spec = SPEC) => {
    const score = readAbc(`X:1\nT:t\nM:${meter}\nL:1/16\nK:C\n${body}\n`)[0]!.score;
    return windowAttributes(ENCODER, latentWindows(ENCODER.encode(score) as EncodedEvents, spec).windows[0]!.tokens, spec);
  };

  it('weighs each step of a bar by the metric levels that start on it', () => {
    expect(metricWeights({ numerator: 4, denominator: 4 }, 4)).toEqual([5, 1, 2, 1, 3, 1, 2, 1, 4, 1, 2, 1, 3, 1, 2, 1]);
    expect(metricWeights({ numerator: 3, denominator: 4 }, 4)).toEqual([4, 1, 2, 1, 3, 1, 2, 1, 3, 1, 2, 1]);
    // 6/8: the bar, the dotted-quarter beat, the eighths, the sixteenths
    expect(metricWeights({ numerator: 6, denominator: 8 }, 4)).toEqual([4, 1, 2, 1, 2, 1, 3, 1, 2, 1, 2, 1]);
  });

  it('counts a note as syncopated when it sounds over a step stronger than its onset', () => {
    // a half note on beat 2 (over beat 3); quarters starting on off-beat eighths (over beats 2 and 3): 3 of 8 notes
    expect(window('C4 D8 E4 | F2 G4 A4 B2 c4 |').syncopation).toBeCloseTo(3 / 8);
    // dotted rhythms on the beat (a dotted eighth then a sixteenth) are not syncopated; a snap (sixteenth, dotted eighth) is
    expect(window('C3D E3F G3A B3c | d3e f3g a4 g4 |').syncopation).toBe(0);
    expect(window('CD3 EF3 G4 A4 | B4 c4 d4 e4 |').syncopation).toBeCloseTo(2 / 10);
    expect(window('C4 D4 E4 F4 | G4 A4 B4 c4 |')).toEqual({ density: 4, range: 12, syncopation: 0 });
  });
});

describe('the bundled VAE\'s attribute vectors', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('each move the attribute they name, in sd of the plain draws, more than the others (40 draws from the prior)', async () => {
    const { generator } = await loadGenerator(folderSource(join(ROOT, 'models', 'vae')));
    try {
      const effects = attributeEffects(generator, { samples: 40, amount: 1.5, seed: 7 });
      expect(effects.map((e) => e.attribute)).toEqual([...ATTRIBUTES]);
      for (const e of effects) {
        const own = e.standardized[e.attribute as AttributeName];
        expect(own).toBeGreaterThan(0.2);
        for (const a of ATTRIBUTES) if (a !== e.attribute) expect(Math.abs(e.standardized[a])).toBeLessThan(own);
        expect(e.movesItsOwn).toBe(true);
      }
      // and the other way: −1.5 × density thins the notes out
      expect(attributeEffects(generator, { samples: 40, amount: -1.5, seed: 7 })[0]!.change.density).toBeLessThan(-1);
    } finally {
      generator.dispose();
    }
  });
});
