/**
 * Score → Standard MIDI File (format 1, 480 ticks per quarter).
 *
 *   Score ─▶ conductor track: title, tempo, meter and key maps
 *         ─▶ one track per part: name, channel, program, notes
 *         ─▶ @tonejs/midi encodes ─▶ key-signature bytes set right
 *
 * Exact round trips through @tonejs/midi need care: it floors velocity × 127
 * and 60,000,000 / BPM on writing, so it is handed values half a unit above
 * the integers meant; it writes key signatures wrongly (fifths + 14), so those
 * bytes are rewritten after encoding; it stores a character's low byte, so
 * names go in as UTF-8 bytes. Drum parts go on channel 10. Every track ends
 * at the score's end, so closing rests keep the piece's length.
 */
import { MusegenError } from '../errors.js';
import { midiOf, pitchName, type BPM, type KeySignatureEvent, type Part, type Score, type Velocity } from '../score/index.js';
import { DRUM_CHANNEL, TIME_SIGNATURE_DENOMINATORS } from './midi-read.js';
import { encodeMetaText, extendTracks, splitSmf, walkEvents } from './midi-smf.js';
import { Midi } from './midi-tonejs.js';

const MAX_MICROS_PER_QUARTER = 0xffffff;

/** Encode a Score as SMF format-1 bytes. Throws MusegenError when the score cannot be stored in MIDI. */
export function writeMidi(score: Score): Uint8Array {
  const midi = new Midi();
  midi.header.name = encodeMetaText(score.title ?? '');
  midi.header.tempos = score.tempos.map((t) => ({ ticks: t.tick, bpm: flooredTempo(t.bpm) }));
  midi.header.timeSignatures = score.timeSignatures.map((ts) => {
    if (!TIME_SIGNATURE_DENOMINATORS.includes(ts.denominator) || !(ts.numerator >= 1 && ts.numerator <= 255)) {
      throw new MusegenError('UNSUPPORTED', `MIDI cannot store the time signature ${ts.numerator}/${ts.denominator}`);
    }
    return { ticks: ts.tick, timeSignature: [ts.numerator, ts.denominator] };
  });
  // Placeholder keys: the real bytes are set after encoding.
  midi.header.keySignatures = score.keySignatures.map((k) => ({ ticks: k.tick, key: 'C', scale: 'major' }));
  midi.header.update();

  const channels = assignChannels(score.parts);
  score.parts.forEach((part, i) => {
    const track = midi.addTrack();
    track.name = encodeMetaText(part.name);
    track.channel = channels[i]!;
    track.instrument.number = checkedProgram(part);
    for (const n of part.notes) {
      const m = midiOf(n.pitch);
      if (!(m >= 0 && m <= 127)) {
        throw new MusegenError('OUT_OF_RANGE', `${pitchName(n.pitch)} in part "${part.name}" is outside the MIDI range (C-1..G9)`);
      }
      track.addNote({ midi: m, ticks: n.onset, durationTicks: n.duration, velocity: flooredVelocity(n.velocity) });
    }
  });

  const bytes = midi.toArray();
  setKeySignatures(bytes, score.keySignatures);
  return extendTracks(bytes, score.end);
}

/** Write the real data (sf, mi) into the key-signature events of the conductor track, in order. */
function setKeySignatures(smf: Uint8Array, keys: readonly KeySignatureEvent[]): void {
  const conductor = splitSmf(smf).tracks[0]!;
  let k = 0;
  walkEvents(conductor, 'conductor track', (e) => {
    if (e.metaType !== 0x59 || e.dataLength !== 2) return;
    const key = keys[k++]!;
    conductor[e.dataAt] = key.fifths & 0xff;
    conductor[e.dataAt + 1] = key.mode === 'minor' || key.mode === 'aeolian' ? 1 : 0;
  });
  if (k !== keys.length) throw new MusegenError('INTERNAL', `${keys.length} key signatures to write, ${k} found`);
}

/** The BPM that @tonejs/midi turns into exactly the nearest whole microseconds per quarter (it floors). */
function flooredTempo(bpm: BPM): BPM {
  if (!(bpm > 0 && Number.isFinite(bpm))) throw new MusegenError('BAD_ARGUMENT', `cannot write a tempo of ${bpm} BPM`);
  const micros = Math.min(MAX_MICROS_PER_QUARTER, Math.max(1, Math.round(60_000_000 / bpm)));
  return 60_000_000 / (micros + 0.5);
}

/** The 0..1 velocity that @tonejs/midi turns into exactly `v` (it floors v × 127); a note-on needs at least 1. */
function flooredVelocity(v: Velocity): number {
  const whole = Math.min(127, Math.max(1, Math.round(v)));
  return (whole + 0.5) / 127;
}

function checkedProgram(part: Part): number {
  if (!(Number.isInteger(part.program) && part.program >= 0 && part.program <= 127)) {
    throw new MusegenError('BAD_ARGUMENT', `part "${part.name}" has program ${part.program}; MIDI programs are 0..127`);
  }
  return part.program;
}

/**
 * A channel per part: drums on channel 10. Pitched parts keep their own
 * channels, unless one sits on channel 10 or out of range, or two with
 * different programs share one; then pitched parts are numbered afresh.
 */
export function assignChannels(parts: readonly Part[]): number[] {
  const programOn = new Map<number, number>();
  const clash = parts.some((p) => {
    if (p.isDrum) return false;
    if (!(Number.isInteger(p.channel) && p.channel >= 0 && p.channel <= 15) || p.channel === DRUM_CHANNEL) return true;
    const program = programOn.get(p.channel);
    programOn.set(p.channel, p.program);
    return program !== undefined && program !== p.program;
  });
  const free = [...Array(16).keys()].filter((c) => c !== DRUM_CHANNEL);
  let next = 0;
  return parts.map((p) => (p.isDrum ? DRUM_CHANNEL : clash ? free[next++ % free.length]! : p.channel));
}
