/**
 * score — the canonical model every room speaks.
 *
 * A Score is parts of Notes on one integer time line (480 ticks per quarter)
 * with spelled pitches (step, alter, octave; the MIDI number derived), and
 * tempo, meter and key maps. Here: building scores, the defaults a source
 * leaves out, event maps, bars and beats, ticks ⇄ seconds, quantizing to a
 * grid, transposing by a spelled interval, slicing by bars. No I/O and no
 * tensors.
 */
export * from './units.js';
export * from './pitch.js';
export * from './score.js';
export * from './defaults.js';
export * from './event-map.js';
export * from './time.js';
export * from './meter.js';
export * from './quantize.js';
export * from './repeats.js';
export * from './notation-grid.js';
export * from './part-order.js';
export * from './transpose.js';
export * from './slice.js';
export * from './key.js';
export * from './chord-symbol.js';
export * from './limits.js';
export * from './top-line.js';
