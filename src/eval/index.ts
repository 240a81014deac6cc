/**
 * eval — how good is a model: likelihood on benchmark splits against
 * baselines (an n-gram Markov model), music statistics, copy detection.
 */
export * from './markov.js';
