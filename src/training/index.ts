/**
 * training — the training loop over a loaded corpus.
 *
 *   Corpus ─ prepareData (split, encode once, transpositions, windows) ─┐
 *   seeded epochs of shuffled batches ─ Trainer (Adam, clipping) ───────┴─ validation ─ schedule / early stop
 *   ─ every epoch: model folder (best weights, musegen.json metrics, loss.svg) + checkpoint/, atomically
 *
 * `train(corpus, { output, options, resume, signal, onEvent })` runs it; a
 * resumed run continues exactly where the checkpoint left off. Imports
 * generators (the LSTM, and the n-gram Markov model as the baseline),
 * encoding, corpus, engine.
 */
export * from './options.js';
export * from './choices.js';
export * from './data.js';
export * from './baseline.js';
export * from './loss-plot.js';
export * from './checkpoint.js';
export * from './train.js';
