/**
 * sampling — new music from a generator: temperature, top-k and top-p over
 * its logits with a seeded stream, priming with a Score, the meter, key,
 * tempo and length of the piece; steers on a melody's decoding (the
 * restatement hold, the cadence) and checks on whole pieces (the key asked,
 * a caller's measure such as copies), drawn again until they pass.
 *
 *   Score primer? ─ encode ─┐
 *   meter, key, tempo, bars ┴─ plan (StepContext) ─ session ─ logits ─ choose ─ push … ─ decode ─ Score
 *
 * Imports generators, encoding, engine (seeded streams) and score.
 */
export * from './distribution.js';
export * from './context.js';
export * from './sample.js';
export * from './steer.js';
export * from './cadence.js';
export * from './restatement.js';
export * from './resample.js';
export * from './checked-run.js';
export * from './performance.js';
export * from './gibbs.js';
export * from './harmonise.js';
export * from './infill-region.js';
export * from './chords.js';
export * from './comping.js';
export * from './accompany.js';
export * from './latent.js';
export * from './attribute-vectors.js';
