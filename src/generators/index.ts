/**
 * generators — the models, behind one `Generator` interface and the
 * capabilities each declares (generator.ts): left to right (sessions:
 * logits → the sampler's choice → push), infill, latent, and trainable (a
 * loss on a batch, a learner, weights) for the one trainer.
 *
 *   encoding's sequence layout ─ batches ─► trainable.learner.step ─► weights ─► model folder contents
 *   context ─ leftToRight.session ─ logits ⇄ choices ─► notes as they finish ─► Score
 *   model folder (any ModelSource) ─ loadGenerator ─ registry by kind ─► Generator
 *
 * Kinds: 'lstm' (stacked LSTM, lstm*.ts) and 'ngram' (the n-gram Markov
 * model, markov.ts + ngram.ts), 'nade' (LSTM-NADE, nade*.ts: a roll's rows
 * modelled jointly); a new kind registers itself (registry.ts).
 * Imports engine and encoding; never reads a file itself (a ModelSource does).
 */
export * from './generator.js';
export * from './registry.js';
export * from './session.js';
export * from './lstm-model.js';
export * from './lstm-stepper.js';
export * from './lstm-folder.js';
export * from './lstm.js';
export * from './markov.js';
export * from './ngram.js';
export * from './conv.js';
export * from './load.js';
export * from './chords-model.js';
export * from './chords.js';
export * from './vae-model.js';
export * from './vae.js';
export * from './latent-space.js';
export * from './row-chain.js';
export * from './nade-model.js';
export * from './nade.js';
