/**
 * A small seeded stream of numbers in [0, 1) (mulberry32) for tests that make
 * random pieces: the same seed, the same pieces, in every run.
 *
 * @example
 *   const next = rng(7);
 *   const pitch = 48 + Math.floor(next() * 36);
 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
