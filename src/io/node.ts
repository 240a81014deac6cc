/**
 * io for Node: every format of ./index.js (browser-safe, bytes ⇄ Score) plus
 * the file-system helpers of files.ts — `readScoreFile` (read a file, pick
 * the format by extension, name the file in every error) and
 * `writeFileAtomic`. Importing this registers the formats too, so
 * `readScoreFile` knows them all.
 */
export * from './index.js';
export * from './files.js';
