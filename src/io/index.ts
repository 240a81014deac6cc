/**
 * io — bytes ⇄ Score, one file per format (MIDI, MusicXML/.mxl, Humdrum kern,
 * ABC, benchmark JSON). Each format registers its reader (and writer) by
 * extension; `readScoreFile` picks by extension and names the file in every
 * error. Readers never see a tensor.
 */
export * from './registry.js';
