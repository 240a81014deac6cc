/**
 * Standard MIDI File byte structure, checked before any parser sees it.
 *
 *   bytes ─▶ MThd (format, track count, ticks per quarter) ─▶ MTrk chunks
 *
 * `splitSmf` validates the header and every chunk length against the file,
 * and `walkEvents` every event of a track chunk, so corrupt or truncated
 * input fails here with a clear MusegenError instead of deep inside a
 * parser. Also: the one-character-per-byte text that meta events carry.
 */
import { MusegenError } from '../errors.js';

/** MIDI ticks per quarter note of the source file (its own resolution, not the Score's). */
export type Ppq = number;

export interface SmfHeader {
  /** 0: one multi-channel track; 1: simultaneous tracks; 2: independent sequences, one per track. */
  format: 0 | 1 | 2;
  ppq: Ppq;
}

export interface SmfFile {
  header: SmfHeader;
  /** The data of each MTrk chunk, in file order. */
  tracks: Uint8Array[];
}

const HEADER_BYTES = 14;
const CHUNK_HEADER_BYTES = 8;

const u16 = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;
const u32 = (b: Uint8Array, at: number): number => ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;
const ascii = (b: Uint8Array, at: number): string => String.fromCharCode(...b.subarray(at, at + 4));
const isChunkId = (id: string): boolean => /^[\x20-\x7e]{4}$/.test(id);

/** Check the chunk structure of an SMF and cut out its track chunks. */
export function splitSmf(bytes: Uint8Array): SmfFile {
  if (bytes.length === 0) throw new MusegenError('EMPTY', 'empty file');
  if (bytes.length < 4 || ascii(bytes, 0) !== 'MThd') throw new MusegenError('BAD_FORMAT', 'not a MIDI file (no MThd header)');
  if (bytes.length < HEADER_BYTES) throw truncated(`${bytes.length} bytes, the header alone needs ${HEADER_BYTES}`);
  const headerLength = u32(bytes, 4);
  if (headerLength < 6) throw new MusegenError('BAD_FORMAT', `corrupt MIDI header (length ${headerLength}, expected 6)`);
  if (CHUNK_HEADER_BYTES + headerLength > bytes.length) throw truncated(`the header says ${headerLength} bytes, the file ends before`);
  const format = u16(bytes, 8);
  const trackCount = u16(bytes, 10);
  const division = u16(bytes, 12);
  if (format !== 0 && format !== 1 && format !== 2) throw new MusegenError('BAD_FORMAT', `corrupt MIDI header (unknown format ${format})`);
  if (division & 0x8000) throw new MusegenError('UNSUPPORTED', 'SMPTE time division is not supported (only ticks per quarter note)');
  if (division === 0) throw new MusegenError('BAD_FORMAT', 'corrupt MIDI header (0 ticks per quarter note)');
  if (trackCount === 0) throw new MusegenError('EMPTY', 'MIDI file with no tracks');

  const tracks: Uint8Array[] = [];
  let at = CHUNK_HEADER_BYTES + headerLength;
  while (tracks.length < trackCount && at < bytes.length) {
    const which = `track ${tracks.length + 1} of ${trackCount}`;
    if (bytes.length - at < CHUNK_HEADER_BYTES) throw truncated(`${which} is cut off in its chunk header`);
    const id = ascii(bytes, at);
    if (!isChunkId(id)) throw new MusegenError('BAD_FORMAT', `corrupt MIDI file (no chunk header at byte ${at}, where ${which} should start)`);
    const length = u32(bytes, at + 4);
    const start = at + CHUNK_HEADER_BYTES;
    if (start + length > bytes.length) {
      throw truncated(`${id === 'MTrk' ? which : `chunk "${id}"`} needs ${length} bytes, ${bytes.length - start} left`);
    }
    // Chunks other than MTrk are allowed by the standard and skipped.
    if (id === 'MTrk') tracks.push(bytes.subarray(start, start + length));
    at = start + length;
  }
  if (tracks.length < trackCount) throw truncated(`the header announces ${trackCount} tracks, the file holds ${tracks.length}`);
  return { header: { format, ppq: division }, tracks };
}

function truncated(detail: string): MusegenError {
  return new MusegenError('BAD_FORMAT', `truncated MIDI file (${detail})`);
}

/** The bytes before the track data in `oneTrackSmf`'s output. */
export const ONE_TRACK_PREFIX = HEADER_BYTES + CHUNK_HEADER_BYTES;

/** A format-0 file holding a copy of one track chunk: lets a parser read tracks one at a time. */
export function oneTrackSmf(track: Uint8Array, ppq: Ppq): Uint8Array {
  const out = new Uint8Array(ONE_TRACK_PREFIX + track.length);
  const view = new DataView(out.buffer);
  out.set([0x4d, 0x54, 0x68, 0x64], 0); // MThd
  view.setUint32(4, 6);
  view.setUint16(8, 0);
  view.setUint16(10, 1);
  view.setUint16(12, ppq);
  out.set([0x4d, 0x54, 0x72, 0x6b], HEADER_BYTES); // MTrk
  view.setUint32(HEADER_BYTES + 4, track.length);
  out.set(track, ONE_TRACK_PREFIX);
  return out;
}

/**
 * Meta-event text as parsers hand it over (one character per byte) to a
 * clean string: UTF-8 when the bytes are valid UTF-8, else Latin-1 as read;
 * control characters (some files end names with NUL) and outer spaces dropped.
 */
export function metaText(byteChars: string): string {
  const bytes = Uint8Array.from(byteChars, (c) => c.charCodeAt(0) & 0xff);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = byteChars;
  }
  return text.replace(/[\u0000-\u001f\u007f]/g, '').trim();
}

/** A string as one character per UTF-8 byte, for writers that store each character's low byte. */
export function encodeMetaText(text: string): string {
  return String.fromCharCode(...new TextEncoder().encode(text));
}

/** One event of a track chunk, located in its bytes. */
export interface SmfEvent {
  /** Absolute time in the file's own ticks. */
  tick: number;
  /** Status byte: 0x80..0xEF channel messages, 0xF0 / 0xF7 sysex, 0xFF meta. */
  status: number;
  /** The meta-event type (0x51 tempo, 0x59 key signature, ...); -1 for other events. */
  metaType: number;
  /** Where the status byte is; -1 when running status omits it. */
  statusAt: number;
  dataAt: number;
  dataLength: number;
}

/** Longest delta-time or length the standard allows: four bytes. */
const MAX_VARINT_BYTES = 4;

/**
 * Visit every event of a track chunk in order, checking that each is whole
 * and well formed (data bytes below 0x80, running status after a status
 * byte, lengths inside the chunk). `where` names the track in errors.
 */
export function walkEvents(track: Uint8Array, where: string, visit: (e: SmfEvent) => void): void {
  const fail = (at: number, why: string): never => {
    throw new MusegenError('BAD_FORMAT', `corrupt MIDI ${where} (byte ${at} of the track: ${why})`);
  };
  const varInt = (at: number): [value: number, next: number] => {
    let value = 0;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (at + i >= track.length) fail(at, 'the track ends inside an event');
      const b = track[at + i]!;
      value = value * 128 + (b & 0x7f);
      if (!(b & 0x80)) return [value, at + i + 1];
    }
    return fail(at, 'a number longer than four bytes');
  };
  let tick = 0;
  let running = -1;
  let at = 0;
  while (at < track.length) {
    const [delta, statusAt] = varInt(at);
    tick += delta;
    if (statusAt >= track.length) fail(statusAt, 'the track ends inside an event');
    const first = track[statusAt]!;
    let event: SmfEvent;
    if (first === 0xff || first === 0xf0 || first === 0xf7) {
      const metaType = first === 0xff ? track[statusAt + 1] ?? fail(statusAt, 'the track ends inside an event') : -1;
      const [dataLength, dataAt] = varInt(statusAt + (first === 0xff ? 2 : 1));
      event = { tick, status: first, metaType, statusAt, dataAt, dataLength };
    } else if (first > 0xf0) {
      return fail(statusAt, `system message 0x${first.toString(16)} does not belong in a file`);
    } else {
      if (first & 0x80) running = first;
      else if (running < 0) fail(statusAt, 'a data byte before any status byte');
      const dataAt = first & 0x80 ? statusAt + 1 : statusAt;
      const kind = running >> 4;
      const dataLength = kind === 0xc || kind === 0xd ? 1 : 2;
      for (let i = dataAt; i < dataAt + dataLength; i++) {
        if (i >= track.length) fail(i, 'the track ends inside an event');
        if (track[i]! & 0x80) fail(i, 'a data byte of 128 or more');
      }
      event = { tick, status: running, metaType: -1, statusAt: first & 0x80 ? statusAt : -1, dataAt, dataLength };
    }
    if (event.dataAt + event.dataLength > track.length) fail(statusAt, 'an event longer than the rest of the track');
    visit(event);
    at = event.dataAt + event.dataLength;
  }
}

/** The tick of a track's last event (its End of Track), in the file's own ticks. */
export function trackEndTick(track: Uint8Array, where: string): number {
  let end = 0;
  walkEvents(track, where, (e) => (end = e.tick));
  return end;
}

function varIntBytes(value: number): number[] {
  const out = [value & 0x7f];
  for (let v = Math.floor(value / 128); v > 0; v = Math.floor(v / 128)) out.unshift((v & 0x7f) | 0x80);
  return out;
}

/**
 * A copy of an SMF whose tracks end no earlier than `endTick` (file ticks):
 * each End of Track event is moved later when it comes before, so a piece
 * that ends in rests keeps its length.
 */
export function extendTracks(bytes: Uint8Array, endTick: number): Uint8Array {
  const { header, tracks } = splitSmf(bytes);
  const chunks = tracks.map((track, i) => {
    let eotStart = -1;
    let eotTick = 0;
    let previousTick = 0;
    let previousEnd = 0;
    walkEvents(track, `track ${i + 1}`, (e) => {
      if (e.metaType === 0x2f) {
        eotStart = previousEnd;
        eotTick = e.tick;
      } else {
        previousTick = e.tick;
      }
      previousEnd = e.dataAt + e.dataLength;
    });
    if (eotStart < 0 || eotTick >= endTick) return track;
    return Uint8Array.from([...track.subarray(0, eotStart), ...varIntBytes(endTick - previousTick), 0xff, 0x2f, 0x00]);
  });
  const out = new Uint8Array(HEADER_BYTES + chunks.reduce((s, c) => s + CHUNK_HEADER_BYTES + c.length, 0));
  const view = new DataView(out.buffer);
  out.set(bytes.subarray(0, HEADER_BYTES), 0);
  view.setUint32(4, 6);
  view.setUint16(10, chunks.length);
  view.setUint16(12, header.ppq);
  let at = HEADER_BYTES;
  for (const c of chunks) {
    out.set([0x4d, 0x54, 0x72, 0x6b], at); // MTrk
    view.setUint32(at + 4, c.length);
    out.set(c, at + CHUNK_HEADER_BYTES);
    at += CHUNK_HEADER_BYTES + c.length;
  }
  return out;
}
