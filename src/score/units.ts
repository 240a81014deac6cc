/** Named unit types: a signature says what a number means. */

/** Time in integer ticks; always TICKS_PER_QUARTER per quarter note. */
export type Ticks = number;
/** A count of grid steps (see `stepsPerQuarter`). */
export type Steps = number;
/** A MIDI note number, 0..127 (60 = middle C = C4). */
export type Midi = number;
/** MIDI velocity 0..127. */
export type Velocity = number;
/** Quarter notes per minute. */
export type BPM = number;
/** Time in seconds (see `secondsAt` for ticks → seconds over a tempo map). */
export type Seconds = number;
/** A probability 0..1. */
export type Probability = number;
/** Position on the line of fifths relative to C (G = 1, F = -1, C# = 7, Db = -5). */
export type Fifths = number;

/** The fixed resolution of every Score. Divisible by 2, 3, 4, 5, 8, 16, 32. */
export const TICKS_PER_QUARTER: Ticks = 480;
