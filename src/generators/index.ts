/**
 * generators — the models behind one `Generator` interface (generator.ts):
 * its encoder, hyper-parameters, and sessions that generate a piece position
 * by position (logits → the sampler's choice → push).
 *
 *   encoded pieces ─ sequences.ts (inputs, targets, batches) ─ LstmGenerator.loss ─► training
 *   context ─ generator.session ─ logits ⇄ choices ─► tokens / roll ─ encoder.decode ─► Score
 *
 * Here: the sequence layout shared by training and sampling, the stacked
 * LSTM (events with softmax, piano rolls with sigmoid), loading by kind,
 * and an n-gram Markov model over tokens (markov.ts), the baseline every
 * neural generator must beat. Convolutional and VAE generators are to come behind the same interface.
 * Imports engine and encoding; never reads a file itself (the engine does).
 */
export * from './generator.js';
export * from './sequences.js';
export * from './lstm.js';
export * from './load.js';
export * from './markov.js';
