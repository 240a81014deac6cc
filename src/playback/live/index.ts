/**
 * playback/live — generated music streamed to a MIDI port in time: on
 * musegen's clock (sending MIDI clock if asked), on a DAW's clock, or
 * answering what a player plays; never leaving a note hanging. Ports sit
 * behind one interface: easymidi where a MIDI system exists, a recording
 * driver for tests and benchmarks.
 *
 * @example
 *   const timer = new PreciseTimer();
 *   await playLive({ generator, driver: midiDriver(), output: { port: 'IAC Driver Bus 1' }, bpm: 120, bars: 16, timer });
 */
export * from './messages.js';
export * from './ports.js';
export * from './driver.js';
export * from './easymidi-driver.js';
export * from './record-driver.js';
export * from './guard.js';
export * from './timer.js';
export * from './feed.js';
export * from './perform.js';
export * from './follow.js';
export * from './listen.js';
export * from './live.js';
