/**
 * training — one trainer for any model kind that is trainable.
 *
 *   Corpus ─ prepareData (split, encode once, transpositions, windows) ─┐
 *   seeded epochs of shuffled batches ─ the model's learner (Adam; counting) ─┴─ validation ─ schedule / early stop
 *   ─ every epoch: model folder (best weights, musegen.json metrics, loss.svg) + checkpoint/, atomically
 *
 * `train(corpus, { output, options: { kind, model, … }, evaluation, resume, signal, onEvent })`
 * runs it; a resumed run continues exactly where the checkpoint left off.
 * The kind comes from generators' registry; the validation and baseline from
 * the evaluation given (eval's `standardEvaluation`). Imports generators,
 * encoding, corpus, engine.
 */
export * from './options.js';
export * from './choices.js';
export * from './data.js';
export * from './loss-plot.js';
export * from './checkpoint.js';
export * from './train.js';
export * from './output.js';
