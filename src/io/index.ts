/**
 * io — bytes ⇄ Score, one file per format (MIDI, MusicXML/.mxl, Humdrum kern,
 * ABC, benchmark JSON). Each format registers its reader (and writer) by
 * extension; `readScoreFile` picks by extension and names the file in every
 * error. Readers never see a tensor.
 */
export * from './registry.js';
export * from './atomic.js';
export * from './midi.js';
export * from './kern.js';
export * from './musicxml.js';
export * from './abc.js';
export * from './benchmark-json.js';
