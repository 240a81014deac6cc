/**
 * Standard MIDI File → Score.
 *
 *   bytes ─▶ splitSmf (checks the chunks) ─▶ one @tonejs/midi parse per track
 *         ─▶ parts: one per (track, channel) ─▶ ticks scaled to 480 per quarter
 *         ─▶ tempo / meter / key maps merged ─▶ pitches spelled in the key
 *
 * A track holding several channels (format 0, or a format-1 track that
 * mixes them) gives one Part per channel; channel 10 gives drum parts
 * (`isDrum`). Format 2 (independent sequences, one per track) is read as
 * consecutive sections: each track starts where the one before ends (its End
 * of Track), with 120 BPM and 4/4 until it states its own, and the sections'
 * notes join one Part per channel. A part takes the program in force at its first note (later
 * program changes are not kept). Source ticks scale exactly when the
 * resolution divides 480 (96, 120, 480, ...) and round to the nearest Score
 * tick otherwise. Tempo, meter and key events with impossible values are
 * skipped; a malformed event anywhere makes the file corrupt. Spelling
 * follows the key signature in force, or a key estimated from the notes when
 * the file has none (used for spelling only, never stored as a key).
 */
import { MusegenError, errorMessage } from '../errors.js';
import {
  createScore, createPart, DEFAULT_METER, DEFAULT_TEMPO, eventAt, eventMap, TICKS_PER_QUARTER,
  type KeySignatureEvent, type Part, type Score, type TempoEvent, type Ticks, type TimeSignatureEvent,
} from '../score/index.js';
import { spellNotes, spellingKeys, type KeyLookup, type MidiNote } from './midi-spelling.js';
import { metaText, ONE_TRACK_PREFIX, oneTrackSmf, splitSmf, trackEndTick, walkEvents, type Ppq } from './midi-smf.js';
import { Midi, type ToneMidi, type ToneTrack } from './midi-tonejs.js';

/** The MIDI channel (from 0) that General MIDI reserves for drums: channel 10. */
export const DRUM_CHANNEL = 9;
/** The denominators a MIDI time signature can state (it stores a power of two). */
export const TIME_SIGNATURE_DENOMINATORS: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 128];
/** Key names by fifths + 7, as @tonejs/midi reports key signatures. */
const KEY_NAMES = ['Cb', 'Gb', 'Db', 'Ab', 'Eb', 'Bb', 'F', 'C', 'G', 'D', 'A', 'E', 'B', 'F#', 'C#'];
/** Later than this, a time is taken for corrupt data (keeps ticks 32-bit). */
const MAX_TICKS: Ticks = 2 ** 31 - 1;
const C_MAJOR: KeyLookup = () => ({ fifths: 0, mode: 'major' });
/** Comparisons @tonejs/midi may spend pairing notes in one track (about a quarter second). */
const MAX_PAIRING_WORK = 1e8;
/** What an empty track chunk is read as: a lone End of Track. */
const END_OF_TRACK = Uint8Array.of(0x00, 0xff, 0x2f, 0x00);

interface RawPart {
  part: Part;
  notes: MidiNote[];
}

/** A program change, in Score ticks. */
interface ProgramChange {
  track: number;
  tick: Ticks;
  channel: number;
  program: number;
}

/** Parse a Standard MIDI File (format 0, 1 or 2). Throws MusegenError on any bad input. */
export function readMidi(bytes: Uint8Array): Score {
  const { header, tracks } = splitSmf(bytes);
  const scale = tickScaler(header.ppq);
  const ends = tracks.map((chunk, index) => trackEndTick(chunk, `track ${index + 1} of ${tracks.length}`));
  // Where each track starts, in the file's ticks: 0, or in format 2 after the tracks before it.
  const starts = ends.map((_, index) => (header.format === 2 ? ends.slice(0, index).reduce((a, b) => a + b, 0) : 0));
  const tempos: TempoEvent[] = [];
  const timeSignatures: TimeSignatureEvent[] = [];
  const keySignatures: KeySignatureEvent[] = [];
  const programs: ProgramChange[] = [];
  const parsed = tracks.map((chunk, index) => {
    const where = `track ${index + 1} of ${tracks.length}`;
    const toTicks = (t: number): Ticks => scale(starts[index]! + t);
    const midi = parseTrack(chunk, header.ppq, where, (tick, channel, program) => {
      programs.push({ track: index, tick: toTicks(tick), channel, program });
    });
    if (header.format === 2 && index > 0) {
      // an independent sequence starts from MIDI's defaults; its own events at its start replace them (eventMap keeps the last)
      tempos.push({ tick: toTicks(0), bpm: DEFAULT_TEMPO });
      timeSignatures.push({ tick: toTicks(0), ...DEFAULT_METER });
    }
    collectMaps(midi, toTicks, tempos, timeSignatures, keySignatures);
    return { midi, name: metaText(midi.header.name), toTicks };
  });

  // A program change acts on its channel from any track; files that share
  // channels between tracks mean the changes in the part's own track.
  const programAt = (track: number, channel: number, tick: Ticks): number => {
    const onChannel = programs.filter((p) => p.channel === channel);
    const own = onChannel.filter((p) => p.track === track);
    return eventAt((own.length ? own : onChannel).sort((a, b) => a.tick - b.tick), tick)?.program ?? 0;
  };
  const perTrack = parsed.flatMap(({ midi, name, toTicks }, index) =>
    channelParts(midi.tracks, name, toTicks, (channel, tick) => programAt(index, channel, tick)));
  const raw = header.format === 2 ? joinByChannel(perTrack) : perTrack;
  const first = parsed[0]!;
  const title = first.name && (header.format === 0 || first.midi.tracks.every((t) => t.notes.length === 0)) ? first.name : undefined;

  const keys = eventMap(keySignatures);
  const pitchedKey = spellingKeys(keys, raw.filter((r) => !r.part.isDrum).flatMap((r) => r.notes));
  for (const r of raw) r.part.notes = spellNotes(r.notes, r.part.isDrum ? C_MAJOR : pitchedKey);

  const end = Math.max(...ends.map((e, index) => scale(starts[index]! + e)));
  return createScore({
    ...(title !== undefined && { title }),
    end,
    parts: raw.map((r) => r.part),
    tempos: eventMap(tempos, { bpm: DEFAULT_TEMPO }),
    timeSignatures: eventMap(timeSignatures, DEFAULT_METER),
    keySignatures: keys,
  });
}

/** Format 2's sections as one Part per channel: the first section's name and program, every section's notes in order. */
function joinByChannel(parts: RawPart[]): RawPart[] {
  const byChannel = new Map<number, RawPart>();
  for (const r of parts) {
    const joined = byChannel.get(r.part.channel);
    if (joined) joined.notes.push(...r.notes);
    else byChannel.set(r.part.channel, { part: r.part, notes: [...r.notes] });
  }
  return [...byChannel.values()];
}

/** Source ticks → Score ticks: exact when the source resolution divides 480, else rounded. */
function tickScaler(ppq: Ppq): (t: number) => Ticks {
  return (t) => {
    const ticks = Math.round((t * TICKS_PER_QUARTER) / ppq);
    if (ticks > MAX_TICKS) {
      throw new MusegenError('BAD_FORMAT', `corrupt MIDI file (an event lies at tick ${t}, beyond any plausible length)`);
    }
    return ticks;
  };
}

/**
 * Check one track event by event, take its program changes out, and let
 * @tonejs/midi parse it. That parser splits a track at every program change
 * and drops notes held across one, so program changes reach it as channel
 * aftertouch (same size, and ignored). It pairs note-ons with note-offs by a
 * linear search, so a track of many unpaired ones would take minutes: such
 * a track is refused first.
 */
function parseTrack(
  chunk: Uint8Array, ppq: Ppq, where: string, onProgram: (tick: number, channel: number, program: number) => void,
): ToneMidi {
  const smf = oneTrackSmf(chunk.length > 0 ? chunk : END_OF_TRACK, ppq);
  const track = smf.subarray(ONE_TRACK_PREFIX);
  const pairing = new PairingWork();
  walkEvents(track, where, (e) => {
    const kind = e.status >> 4;
    const channel = e.status & 0x0f;
    if (kind === 0x8 || kind === 0x9) {
      pairing.add(channel, track[e.dataAt]!, kind === 0x9 && track[e.dataAt + 1]! > 0);
    } else if (kind === 0xc) {
      onProgram(e.tick, channel, track[e.dataAt]!);
      if (e.statusAt >= 0) track[e.statusAt] = 0xd0 | channel;
    }
  });
  if (pairing.total() > MAX_PAIRING_WORK) {
    throw new MusegenError('BAD_FORMAT', `corrupt MIDI ${where} (too many note-ons and note-offs that do not pair up)`);
  }
  try {
    return new Midi(smf);
  } catch (e) {
    throw new MusegenError('BAD_FORMAT', `corrupt MIDI ${where} (${errorMessage(e)})`, undefined, { cause: e });
  }
}

/**
 * Roughly how many comparisons pairing a track's notes takes: each search
 * for a note-off passes over the note-offs left unpaired before it, and a
 * note-on that is never closed searches them all.
 */
class PairingWork {
  private readonly open = new Uint32Array(16 * 128);
  private readonly offs = new Float64Array(16);
  private readonly lonelyOffs = new Float64Array(16);
  private work = 0;

  add(channel: number, pitch: number, isOn: boolean): void {
    const key = channel * 128 + pitch;
    if (isOn) {
      this.open[key]!++;
      this.work += this.lonelyOffs[channel]!;
    } else {
      this.offs[channel]!++;
      if (this.open[key]! > 0) this.open[key]!--;
      else this.lonelyOffs[channel]!++;
    }
  }

  total(): number {
    let work = this.work;
    for (let key = 0; key < this.open.length; key++) work += this.open[key]! * this.offs[key >> 7]!;
    return work;
  }
}

/**
 * The notes of one track, one part per channel; the program is the one in
 * force at the part's first note. A note whose note-off falls on its own
 * note-on tick sounds nothing and is dropped (as pretty_midi does); any other
 * note keeps at least one tick.
 */
function channelParts(
  pieces: ToneTrack[], name: string, toTicks: (t: number) => Ticks, programAt: (channel: number, tick: Ticks) => number,
): RawPart[] {
  return pieces.flatMap((piece) => {
    const notes = piece.notes.filter((n) => n.durationTicks > 0).map((n): MidiNote => {
      const onset = toTicks(n.ticks);
      const duration = Math.max(1, toTicks(n.ticks + n.durationTicks) - onset);
      return { midi: n.midi, onset, duration, velocity: Math.round(n.velocity * 127) };
    });
    if (notes.length === 0) return [];
    const channel = piece.channel;
    const program = programAt(channel, notes[0]!.onset);
    return [{ part: createPart({ name, channel, program, isDrum: channel === DRUM_CHANNEL }), notes }];
  });
}

/** Tempo, meter and key events of one parsed track, skipping impossible values. */
function collectMaps(
  midi: ToneMidi, toTicks: (t: number) => Ticks,
  tempos: TempoEvent[], timeSignatures: TimeSignatureEvent[], keySignatures: KeySignatureEvent[],
): void {
  for (const t of midi.header.tempos) {
    if (Number.isFinite(t.bpm) && t.bpm > 0) tempos.push({ tick: toTicks(t.ticks), bpm: t.bpm });
  }
  for (const ts of midi.header.timeSignatures) {
    const [numerator, denominator] = ts.timeSignature as [number, number];
    if (Number.isInteger(numerator) && numerator >= 1 && TIME_SIGNATURE_DENOMINATORS.includes(denominator)) {
      timeSignatures.push({ tick: toTicks(ts.ticks), numerator, denominator });
    }
  }
  for (const k of midi.header.keySignatures) {
    const fifths = KEY_NAMES.indexOf(k.key) - 7;
    if (fifths >= -7) keySignatures.push({ tick: toTicks(k.ticks), fifths, mode: k.scale === 'minor' ? 'minor' : 'major' });
  }
}
