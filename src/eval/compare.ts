/**
 * Comparing two sets of pieces feature by feature, as MGEval does (Yang &
 * Lerch 2019): for each feature, the distances between the pieces of the
 * generated set (intra-set) and between each generated piece and each piece
 * of the reference set (inter-set) are smoothed into densities (Gaussian
 * kernels, Scott's bandwidth); then
 *
 *   overlapping area  OA = ∫ min(p_intra, p_inter)          1 when the sets cannot be told apart
 *   KL divergence     KL = ∫ p_intra · log(p_intra / p_inter)   0 when they cannot
 *
 * Distances: |a − b| for numbers, Euclidean for vectors and matrices.
 */
import { MGEVAL_FEATURES, type PieceFeatures } from './features.js';

export interface FeatureComparison {
  feature: (typeof MGEVAL_FEATURES)[number];
  /** Means of the feature's scalar form (a vector: its norm) over each set. */
  generatedMean: number;
  referenceMean: number;
  overlap: number;
  kl: number;
}

type Value = number | number[];

function distance(a: Value, b: Value): number {
  if (typeof a === 'number' || typeof b === 'number') return Math.abs((a as number) - (b as number));
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s);
}

const magnitude = (v: Value): number => (typeof v === 'number' ? v : Math.sqrt(v.reduce((s, x) => s + x * x, 0)));
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** A Gaussian kernel density of samples, with Scott's bandwidth (floored so a constant sample still spreads). */
export function kernelDensity(samples: readonly number[]): (x: number) => number {
  const n = samples.length;
  const m = mean(samples);
  const sd = Math.sqrt(samples.reduce((s, x) => s + (x - m) ** 2, 0) / Math.max(1, n - 1));
  const h = Math.max(sd * n ** -0.2, 1e-3 * Math.max(1, Math.abs(m)), 1e-6);
  const c = 1 / (n * h * Math.sqrt(2 * Math.PI));
  return (x) => {
    let s = 0;
    for (const y of samples) s += Math.exp(-0.5 * ((x - y) / h) ** 2);
    return c * s;
  };
}

/** OA and KL(p ‖ q) of two densities of samples, integrated numerically over both supports. */
export function overlapAndKl(p: readonly number[], q: readonly number[], points = 1000): { overlap: number; kl: number } {
  const all = [...p, ...q];
  const spread = Math.max(...all) - Math.min(...all) || 1;
  const lo = Math.min(...all) - spread;
  const hi = Math.max(...all) + spread;
  const dp = kernelDensity(p);
  const dq = kernelDensity(q);
  const step = (hi - lo) / points;
  let overlap = 0;
  let kl = 0;
  for (let i = 0; i < points; i++) {
    const x = lo + (i + 0.5) * step;
    const a = dp(x);
    const b = dq(x);
    overlap += Math.min(a, b) * step;
    if (a > 1e-300) kl += a * Math.log(a / Math.max(b, 1e-300)) * step;
  }
  return { overlap: Math.min(1, overlap), kl: Math.max(0, kl) };
}

/** Compare a generated set with a reference set on every MGEval feature (each set needs two pieces or more). */
export function compareSets(generated: readonly PieceFeatures[], reference: readonly PieceFeatures[]): FeatureComparison[] {
  return MGEVAL_FEATURES.map((feature) => {
    const g = generated.map((f) => f[feature] as Value);
    const r = reference.map((f) => f[feature] as Value);
    const intra: number[] = [];
    for (let i = 0; i < g.length; i++) for (let j = i + 1; j < g.length; j++) intra.push(distance(g[i]!, g[j]!));
    const inter: number[] = [];
    for (const a of g) for (const b of r) inter.push(distance(a, b));
    return { feature, generatedMean: mean(g.map(magnitude)), referenceMean: mean(r.map(magnitude)), ...overlapAndKl(intra, inter) };
  });
}
