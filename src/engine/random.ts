/**
 * Seeded random numbers and weight initializers, in plain JavaScript.
 *
 * Everything random in the engine (initial weights, dropout masks) draws from
 * an `Rng` made here, never from Math.random or TensorFlow's global seed, so
 * that the same seed gives the same model and the same training run on the CPU
 * backends. The initializers follow Keras: Glorot-uniform kernels, orthogonal
 * recurrent kernels (by Gram–Schmidt on small matrices, not tf's slow
 * orthogonal initializer).
 */

/** A seed: any integer; only its low 32 bits are used. */
export type Seed = number;

/** A stream of pseudo-random numbers. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (mean 0, deviation 1). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** A fresh 32-bit seed for a child stream (e.g. one per dropout mask). */
  fork(): Rng;
}

/** A seed from the clock, for runs where the user gave none. */
export function randomSeed(): Seed {
  return (Date.now() ^ (performance.now() * 1000)) >>> 0;
}

/** A seeded generator (sfc32, seeded through splitmix32). */
export function createRng(seed: Seed): Rng {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const u32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) u32();
  let spare: number | undefined;
  const rng: Rng = {
    next: () => u32() / 4294967296,
    normal: () => {
      if (spare !== undefined) {
        const v = spare;
        spare = undefined;
        return v;
      }
      let u = 0;
      while (u === 0) u = rng.next();
      const r = Math.sqrt(-2 * Math.log(u));
      const theta = 2 * Math.PI * rng.next();
      spare = r * Math.sin(theta);
      return r * Math.cos(theta);
    },
    int: (n) => Math.floor(rng.next() * n),
    fork: () => createRng(u32()),
  };
  return rng;
}

/** Row-major [rows, cols] uniform in ±sqrt(6 / (rows + cols)) (Keras glorot_uniform for a 2-D kernel). */
export function glorotUniform(rows: number, cols: number, rng: Rng): Float32Array {
  const limit = Math.sqrt(6 / (rows + cols));
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = (2 * rng.next() - 1) * limit;
  return out;
}

/**
 * Row-major [rows, cols] with orthonormal rows (rows ≤ cols) or columns
 * (rows > cols), as Keras' orthogonal initializer: QR of a normal matrix with
 * the signs fixed by R's diagonal, which Gram–Schmidt gives directly.
 */
export function orthogonal(rows: number, cols: number, rng: Rng, gain = 1): Float32Array {
  const n = Math.min(rows, cols); // number of orthonormal vectors
  const len = Math.max(rows, cols); // their length
  const v = new Float64Array(n * len);
  for (let i = 0; i < v.length; i++) v[i] = rng.normal();
  for (let k = 0; k < n; k++) {
    const vk = k * len;
    // Modified Gram–Schmidt in double precision (a random normal matrix is
    // well conditioned, so one pass is orthogonal to float precision).
    for (let q = 0; q < k; q++) {
      const vq = q * len;
      let dot = 0;
      for (let i = 0; i < len; i++) dot += v[vq + i] * v[vk + i];
      for (let i = 0; i < len; i++) v[vk + i] -= dot * v[vq + i];
    }
    let norm = 0;
    for (let i = 0; i < len; i++) norm += v[vk + i] * v[vk + i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < len; i++) v[vk + i] /= norm;
  }
  const out = new Float32Array(rows * cols);
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < len; i++) {
      // rows ≤ cols: vector k is row k; otherwise vector k is column k.
      if (rows <= cols) out[k * cols + i] = gain * v[k * len + i];
      else out[i * cols + k] = gain * v[k * len + i];
    }
  }
  return out;
}
