/**
 * playback — hearing a Score. Notes are turned into seconds over the tempo
 * map (schedule.ts) and played by one Tone.js instrument per part
 * (ensemble.ts: synthesised timbres by program, a drum kit for channel 10),
 * either offline into audio (render.ts, node-web-audio-api in Node; wav.ts
 * writes it) or live in the player page that `musegen play` serves
 * (server.ts; the page itself is player/ at the package root).
 *
 *   Score ─ scheduleOf ─► notes in seconds ─ Ensemble (Tone.js) ─┬─ OfflineContext ─► RenderedAudio ─ encodeWav ─► .wav
 *                                                                └─ the page's transport ─► speakers
 */
export * from './schedule.js';
export * from './timbres.js';
export * from './drums.js';
export * from './ensemble.js';
export * from './render.js';
export * from './wav.js';
export * from './live/index.js';
export * from './server.js';
