/**
 * What a piece is taken to have when its source does not say: one home for
 * the defaults, so every reader, encoder, sampler and writer agrees.
 *
 * DEFAULT_VELOCITY is also the velocity of generated notes (encodings keep no
 * dynamics), and the MusicXML writer leaves it unwritten: a piece read from a
 * file without dynamics is written back without them.
 */
import type { Meter } from './score.js';
import type { BPM, Velocity } from './units.js';

/** Quarter notes per minute. */
export const DEFAULT_TEMPO: BPM = 120;
/** 4/4. */
export const DEFAULT_METER: Readonly<Meter> = Object.freeze({ numerator: 4, denominator: 4 });
/** MIDI velocity of notes whose source gives no dynamics (mezzo-forte). */
export const DEFAULT_VELOCITY: Velocity = 80;
