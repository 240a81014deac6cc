/**
 * io — bytes ⇄ Score, one file per format (MIDI, MusicXML/.mxl, Humdrum kern,
 * ABC, benchmark JSON). Each format registers its reader (and writer) by
 * extension; `readBytes` picks by a file's name and names it in every error.
 * Readers never see a tensor.
 *
 *   Uint8Array ─ readBytes(bytes, name) ─► ReadPiece[] (Score, split?)
 *   Score ─ writerNamed('midi').write ─► Uint8Array
 *
 * Everything here is browser-safe: no node:* import. Reading and writing
 * files on disk (`readScoreFile`, `writeFileAtomic`) is the Node-only part,
 * exported by ./node.js.
 */
export * from './registry.js';
export * from './midi.js';
export * from './kern.js';
export * from './musicxml.js';
export * from './abc.js';
export * from './benchmark-json.js';
export * from './convert.js';
