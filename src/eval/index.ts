/**
 * eval — how good a model is, in numbers: its loss on held-out windows
 * (validation.ts) and the n-gram baseline beside it (baseline.ts), bundled
 * as the evaluation a training run is given (standard.ts). The evaluation
 * issue adds benchmark likelihoods, music statistics and copy detection here;
 * the harmoniser's measures over voice cells sit beside them: voice leading
 * (voice-leading.ts) and Coconet's likelihood protocols for any Infill model
 * (infill-likelihood.ts).
 *
 *   pieces + windows ─ layout batches ─ model.loss ─► mean NLL per target
 *   training pieces ─ n-gram counts ─► baseline NLL on the same windows
 *
 * Imports generators and encoding.
 */
export * from './baseline.js';
export * from './validation.js';
export * from './standard.js';
export * from './likelihood.js';
export * from './benchmarks.js';
export * from './features.js';
export * from './compare.js';
export * from './copies.js';
export * from './stats.js';
export * from './voice-leading.js';
export * from './infill-likelihood.js';
export * from './harmoniser.js';
export * from './chord-accuracy.js';
export * from './vae.js';
