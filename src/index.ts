/**
 * musegen — the library's public face. Everything the CLI uses is importable from here.
 */
export * from './errors.js';
export * from './score/index.js';
export * from './io/index.js';
export * from './io/node.js';
export * from './corpus/index.js';
export * from './encoding/index.js';
export * from './engine/index.js';
export * from './engine/node.js';
export * from './generators/index.js';
export * from './training/index.js';
export * from './sampling/index.js';
export * from './eval/index.js';
export * from './playback/index.js';
