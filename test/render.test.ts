/**
 * Rendering a Score to a WAV file through Tone.js offline (node-web-audio-api),
 * read back and measured: the length (the piece plus at most one release
 * tail), the peak (normalised below 0 dBFS), sound where notes are and
 * near-silence where none are, the tempo map followed, velocities heard, the
 * drum kit sounding; and `musegen render` as a user runs it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  RELEASE_TAIL, TICKS_PER_QUARTER as Q, createPart, createScore, encodeWav, isMusegenError, parsePitch, renderScore, secondsAt, timbreOf, writerNamed,
  type Note, type Score,
} from '../src/index.js';
import { expectOneLine, musegen } from './helpers/cli.js';
import { useTempDir } from './helpers/temp.js';
import { peakOf, readWav, rmsBetween, type Wav } from './helpers/wav.js';

const tmp = useTempDir('render');
const BAR = 4 * Q;
const note = (name: string, onset: number, duration: number, velocity = 90): Note => ({ pitch: parsePitch(name), onset, duration, velocity });

/**
 * Bar 1 at 120 BPM (0–2 s): a piano phrase and a bass note; then 60 BPM: bar 2
 * silent (2–6 s); bar 3 (6–10 s): one soft note (velocity 30) then one loud (120),
 * and a kick drum. Were the tempo map ignored, bar 3 would start at 4 s.
 */
function fixture(): Score {
  return createScore({
    title: 'render fixture',
    parts: [
      createPart({ name: 'Piano', program: 0, notes: [note('C4', 0, Q), note('E4', Q, Q), note('G4', 2 * Q, 2 * Q), note('C5', 2 * BAR, Q, 30), note('C5', 2 * BAR + 2 * Q, Q, 120)] }),
      createPart({ name: 'Bass', program: 33, channel: 1, notes: [note('C2', 0, BAR, 80)] }),
      createPart({ name: 'Drums', channel: 9, isDrum: true, notes: [note('C2', 2 * BAR + Q, Q / 2, 100)] }),
    ],
    tempos: [{ tick: 0, bpm: 120 }, { tick: BAR, bpm: 60 }],
    end: 3 * BAR,
  });
}

let rendered: Wav | undefined;
async function fixtureWav(): Promise<Wav> {
  rendered ??= readWav(encodeWav(await renderScore(fixture())));
  return rendered;
}

describe('renderScore → encodeWav', () => {
  it('writes 16-bit PCM stereo at 44.1 kHz, as long as the piece plus at most one release tail', async () => {
    const wav = await fixtureWav();
    const score = fixture();
    const piece = secondsAt(score, score.end);
    expect(piece).toBe(10);
    expect({ channels: wav.channels, rate: wav.sampleRate, bits: wav.bitsPerSample }).toEqual({ channels: 2, rate: 44_100, bits: 16 });
    expect(wav.seconds).toBeGreaterThanOrEqual(piece);
    expect(wav.seconds).toBeLessThanOrEqual(piece + RELEASE_TAIL + 0.01);
  });

  it('is normalised: the peak is below 0 dBFS, at about −1 dBFS', async () => {
    const peak = peakOf(await fixtureWav());
    expect(peak).toBeLessThan(1);
    expect(20 * Math.log10(peak)).toBeCloseTo(-1, 1);
  });

  it('sounds where notes are and is near-silent where none are, following the tempo map', async () => {
    const wav = await fixtureWav();
    const loud = rmsBetween(wav, 0, 2);
    expect(loud).toBeGreaterThan(0.02);
    // bar 2 (2–6 s) is empty: after the release tail of bar 1, silence
    expect(rmsBetween(wav, 2 + RELEASE_TAIL, 5.95)).toBeLessThan(loud / 300);
    // at 60 BPM bar 3 starts at 6 s, not at 4 s
    expect(rmsBetween(wav, 6, 6.5)).toBeGreaterThan(0.005);
  });

  it('plays velocities: a note at velocity 120 is louder than the same note at 30', async () => {
    const wav = await fixtureWav();
    const soft = rmsBetween(wav, 6, 6.4);
    const loud = rmsBetween(wav, 8, 8.4);
    expect(loud / soft).toBeGreaterThan(2);
  });

  it('sounds the drum kit on channel 10', async () => {
    const drumsOnly = createScore({ parts: [createPart({ channel: 9, isDrum: true, notes: [note('C2', Q, Q / 4, 110), note('D2', 3 * Q, Q / 4, 110), note('F#2', 5 * Q, Q / 4, 110)] })], end: 4 * Q * 2 });
    const wav = readWav(encodeWav(await renderScore(drumsOnly, { channels: 1 })));
    expect(wav.channels).toBe(1);
    for (const t of [0.5, 1.5, 2.5]) expect(rmsBetween(wav, t, t + 0.1), `a drum at ${t} s`).toBeGreaterThan(0.01);
    expect(rmsBetween(wav, 0, 0.45)).toBeLessThan(0.001);
  });

  it('refuses a score without notes', async () => {
    const e = await renderScore(createScore({ title: 'empty', end: BAR })).catch((x: unknown) => x);
    expect(isMusegenError(e) && e.code).toBe('EMPTY');
    expect(String((e as Error).message)).toBe('empty: has no notes to render');
  });

  it('maps General MIDI programs to a few timbres', () => {
    expect([0, 19, 25, 33, 41, 48, 53, 56, 73, 81, 89, 105].map(timbreOf)).toEqual(
      ['piano', 'organ', 'plucked', 'bass', 'strings', 'strings', 'strings', 'lead', 'lead', 'lead', 'strings', 'plucked'],
    );
  });
});

describe('musegen render', () => {
  it('renders a MIDI file to a WAV file, saying what it wrote', () => {
    writeFileSync(tmp.join('fixture.mid'), writerNamed('midi').write(fixture()));
    const r = musegen(['render', 'fixture.mid', '-o', 'out/fixture.wav', '--mono'], { cwd: tmp.path });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/rendered fixture\.mid → out\/fixture\.wav \(1\d\.\d s, mono, 44100 Hz\)/);
    const wav = readWav(readFileSync(tmp.join('out', 'fixture.wav')));
    expect(wav.channels).toBe(1);
    expect(peakOf(wav)).toBeLessThan(1);
    expect(rmsBetween(wav, 2 + RELEASE_TAIL, 5.95)).toBeLessThan(rmsBetween(wav, 0, 2) / 300);
  });

  it('fails with one line for a file without notes, an unreadable file, and a name that is not .wav', () => {
    writeFileSync(tmp.join('silent.mid'), writerNamed('midi').write(createScore({ parts: [createPart({ name: 'Empty' })], end: BAR })));
    writeFileSync(tmp.join('junk.mid'), 'not music');
    expectOneLine(musegen(['render', 'silent.mid', '-o', 'x.wav'], { cwd: tmp.path }), 1, 'silent.mid: has no notes to render');
    expectOneLine(musegen(['render', 'junk.mid', '-o', 'x.wav'], { cwd: tmp.path }), 1, 'junk.mid');
    expectOneLine(musegen(['render', 'silent.mid', '-o', 'x.mp3'], { cwd: tmp.path }), 2, /name the output \.wav/);
    expectOneLine(musegen(['render', 'silent.mid'], { cwd: tmp.path }), 2, /--output/);
  });
});
