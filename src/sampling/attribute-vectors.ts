/**
 * Attribute vectors of a latent space: for each attribute of a window (note
 * density, pitch range, syncopation), the move in z that raises it by one
 * standard deviation (its spread over the windows fitted on), so
 * `--attribute density=+1.5` asks for 1.5 sd more notes.
 *
 *   windows ─ latent.encode ─ μ ─┐
 *   windows ─ windowAttributes ──┴─ attributeVectors(method) ─ one vector per attribute
 *
 * 'regression' (the default): each attribute fitted as a linear function of
 * z by least squares (standardized: a_k / sd_k ≈ c_k + b_k·z), z as the
 * decoder sees it in training, drawn from q(z | x) = N(μ, σ²): in expectation
 * the normal equations of μ with Σσ² added to the diagonal, so a dimension
 * whose μ carries an attribute below the noise σ the decoder reads it under
 * is given little weight. The vector of attribute k is the shortest move v
 * with b_k·v = 1 and b_j·v = 0 for the others (v = Bᵀ(BBᵀ)⁻¹e_k): one sd of
 * its own, none of the others, as far as the latent carries them linearly.
 * 'difference' (MusicVAE's): mean μ of the windows in the attribute's top
 * quartile minus that of its bottom quartile, divided by the two quartiles'
 * distance in sd of the attribute.
 * 'decoder': the regression's vectors fitted on what the decoder writes
 * rather than on what the encoder reads: z drawn from the prior, decoded
 * (the likeliest token each step, or at a temperature), each window measured; one sd is still
 * the corpus windows' (a latent whose encoder places an attribute where its
 * decoder does not read it — the decoder writing pitches from its own
 * previous tokens — steers by this one).
 */
import { ATTRIBUTES, windowAttributes, type AttributeName } from '../encoding/index.js';
import { MusegenError } from '../errors.js';
import { createRng, type Seed } from '../engine/index.js';
import { latentOf, priorSample, type Generator, type LatentCode } from '../generators/index.js';

/** How attribute vectors are fitted (see the file's comment). */
export type AttributeMethod = 'regression' | 'difference' | 'decoder';

/** Draws from the prior the 'decoder' method decodes and measures. */
export const DECODER_FIT_DRAWS = 2000;

/** Fewest windows attribute vectors are fitted on. */
export const MIN_ATTRIBUTE_WINDOWS = 8;

/**
 * Attribute vectors from latent codes (q(z | x) of each window: μ, and σ,
 * taken as 0 where not given) and the windows' measured attributes, one sd
 * of the attribute each (or `units[attribute]` of it). An attribute that does
 * not vary over the windows gets a zero vector. Throws MusegenError('EMPTY') with fewer than
 * MIN_ATTRIBUTE_WINDOWS windows.
 */
export function attributeVectors(
  latentCodes: readonly (Pick<LatentCode, 'mu'> & Partial<Pick<LatentCode, 'sigma'>>)[], measures: readonly Record<AttributeName, number>[],
  method: Exclude<AttributeMethod, 'decoder'> = 'regression', units?: Record<AttributeName, number>,
): Map<AttributeName, Float32Array> {
  const codes = latentCodes.map((c) => c.mu);
  const n = codes.length;
  if (n < MIN_ATTRIBUTE_WINDOWS || measures.length !== n) {
    throw new MusegenError('EMPTY', `attribute vectors need at least ${MIN_ATTRIBUTE_WINDOWS} windows with their measures, not ${n} (and ${measures.length} measured)`);
  }
  const Z = codes[0]!.length;
  const stats = ATTRIBUTES.map((a) => {
    const m = measures.reduce((s, x) => s + x[a], 0) / n;
    return { m, sd: Math.sqrt(measures.reduce((s, x) => s + (x[a] - m) ** 2, 0) / n) };
  });
  const out = new Map<AttributeName, Float32Array>();
  if (method === 'difference') {
    ATTRIBUTES.forEach((name, k) => {
      const order = measures.map((x, i) => ({ v: x[name], i })).sort((a, b) => a.v - b.v);
      const q = Math.max(1, Math.floor(n / 4));
      const top = order.slice(-q);
      const bottom = order.slice(0, q);
      const gap = (top.reduce((s, x) => s + x.v, 0) - bottom.reduce((s, x) => s + x.v, 0)) / q / (stats[k]!.sd || 1);
      const v = new Float32Array(Z);
      if (gap > 0) for (let j = 0; j < Z; j++) v[j] = (top.reduce((s, { i }) => s + codes[i]![j]!, 0) - bottom.reduce((s, { i }) => s + codes[i]![j]!, 0)) / q / gap;
      out.set(name, v);
    });
    return inUnits(out, stats, units);
  }
  // centred μ: M [n, Z], noise S = diag(Σ σ²); B = (MᵀM + S + λI)⁻¹ Mᵀ A, A standardized [n, k]
  const mean = new Float64Array(Z);
  for (const c of codes) for (let j = 0; j < Z; j++) mean[j]! += c[j]! / n;
  const MtM = Array.from({ length: Z }, () => new Float64Array(Z));
  const MtA = Array.from({ length: Z }, () => new Float64Array(ATTRIBUTES.length));
  const row = new Float64Array(Z);
  codes.forEach((c, i) => {
    for (let j = 0; j < Z; j++) row[j] = c[j]! - mean[j]!;
    for (let r = 0; r < Z; r++) {
      const x = row[r]!;
      if (x === 0) continue;
      const target = MtM[r]!;
      for (let j = r; j < Z; j++) target[j]! += x * row[j]!;
      ATTRIBUTES.forEach((a, k) => {
        if (stats[k]!.sd > 0) MtA[r]![k]! += x * (measures[i]![a] - stats[k]!.m) / stats[k]!.sd;
      });
    }
  });
  for (const c of latentCodes) if (c.sigma) for (let j = 0; j < Z; j++) MtM[j]![j]! += c.sigma[j]! ** 2;
  let trace = 0;
  for (let r = 0; r < Z; r++) {
    for (let j = 0; j < r; j++) MtM[r]![j] = MtM[j]![r]!;
    trace += MtM[r]![r]!;
  }
  const lambda = 1e-3 * (trace / Z) + 1e-9;
  for (let r = 0; r < Z; r++) MtM[r]![r]! += lambda;
  const solved = solve(MtM, MtA); // [Z, k]: column k is b_k
  const varying = ATTRIBUTES.map((_, k) => stats[k]!.sd > 0);
  const K = ATTRIBUTES.length;
  // G = B Bᵀ over the varying attributes, v_k = Σ_c B_c (G⁻¹)_{c,k}
  const idx = [...Array(K).keys()].filter((k) => varying[k]);
  const G = idx.map((a) => Float64Array.from(idx, (b) => {
    let s = 0;
    for (let j = 0; j < Z; j++) s += solved[j]![a]! * solved[j]![b]!;
    return s;
  }));
  const Ginv = solve(G, idx.map((_, r) => Float64Array.from(idx, (__, c) => (r === c ? 1 : 0))));
  ATTRIBUTES.forEach((name, k) => {
    const v = new Float32Array(Z);
    const at = idx.indexOf(k);
    if (at >= 0) {
      for (let j = 0; j < Z; j++) {
        let s = 0;
        idx.forEach((c, ci) => {
          s += solved[j]![c]! * Ginv[ci]![at]!;
        });
        v[j] = s;
      }
    }
    out.set(name, v);
  });
  return inUnits(out, stats, units);
}

/** Vectors of one sd (`stats`) of each attribute rescaled to `units` of it. */
function inUnits(vectors: Map<AttributeName, Float32Array>, stats: readonly { sd: number }[], units: Record<AttributeName, number> | undefined): Map<AttributeName, Float32Array> {
  if (units) {
    ATTRIBUTES.forEach((name, k) => {
      const sd = stats[k]!.sd;
      if (sd > 0) vectors.set(name, vectors.get(name)!.map((x) => (x * units[name]) / sd));
    });
  }
  return vectors;
}

/** X solving A X = B for a square A (Gauss–Jordan, partial pivoting); A and B are left as they were. */
function solve(A: readonly Float64Array[], B: readonly Float64Array[]): Float64Array[] {
  const n = A.length;
  const a = A.map((r) => Float64Array.from(r));
  const b = B.map((r) => Float64Array.from(r));
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    [b[c], b[p]] = [b[p]!, b[c]!];
    const d = a[c]![c]!;
    if (Math.abs(d) < 1e-300) throw new MusegenError('INTERNAL', 'attribute vectors: a singular system');
    for (let j = c; j < n; j++) a[c]![j]! /= d;
    for (let j = 0; j < b[c]!.length; j++) b[c]![j]! /= d;
    for (let r = 0; r < n; r++) {
      const f = a[r]![c]!;
      if (r === c || f === 0) continue;
      for (let j = c; j < n; j++) a[r]![j]! -= f * a[c]![j]!;
      for (let j = 0; j < b[r]!.length; j++) b[r]![j]! -= f * b[c]![j]!;
    }
  }
  return b;
}

/**
 * A latent model's attribute vectors fitted on windows of melody (its
 * encoder's tokens): q(z | x) of each and each measured, or ('decoder')
 * `draws` decodings of the prior at `temperature` (default 0: the likeliest)
 * measured, in sd of the windows' attributes.
 */
export function fitAttributes(
  generator: Generator, windows: readonly Int32Array[], method: AttributeMethod = 'regression',
  options: { draws?: number; seed?: Seed; temperature?: number; onDraw?: (done: number) => void } = {},
): Map<AttributeName, Float32Array> {
  const latent = latentOf(generator);
  if (windows.length < MIN_ATTRIBUTE_WINDOWS) {
    const { bars, meter } = latent.window;
    throw new MusegenError('EMPTY', `attribute vectors need at least ${MIN_ATTRIBUTE_WINDOWS} windows of ${bars} bars of ${meter.numerator}/${meter.denominator}, not ${windows.length}`);
  }
  const measure = (w: Int32Array): Record<AttributeName, number> => windowAttributes(generator.encoder, w, latent.window);
  const measures = windows.map(measure);
  if (method !== 'decoder') return attributeVectors(latent.encode(windows), measures, method);
  const units = Object.fromEntries(ATTRIBUTES.map((a) => {
    const m = measures.reduce((s, x) => s + x[a], 0) / measures.length;
    return [a, Math.sqrt(measures.reduce((s, x) => s + (x[a] - m) ** 2, 0) / measures.length)];
  })) as Record<AttributeName, number>;
  const rng = createRng(options.seed ?? 1);
  const draws = Array.from({ length: Math.max(MIN_ATTRIBUTE_WINDOWS, options.draws ?? DECODER_FIT_DRAWS) }, () => ({ mu: priorSample(latent.size, rng) }));
  const temperature = options.temperature ?? 0;
  const decoded = draws.map(({ mu }, i) => {
    const m = measure(latent.decode(mu, { temperature, seed: rng.int(2 ** 32) }));
    options.onDraw?.(i + 1);
    return m;
  });
  return attributeVectors(draws, decoded, 'regression', units);
}
