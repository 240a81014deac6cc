/**
 * Live MIDI output through the recording port (in process, the bundled
 * model): what goes out is what the model generates for the seed, every
 * note-on has its note-off, MIDI clock runs 24 a quarter at the tempo set,
 * a stop or a DAW's clock that stops leaves nothing sounding, and a call
 * played in is answered by the model continuing it. No timing is asserted
 * (bench/live.ts measures lateness): ticks are read from the clock pulses
 * sent, tempos from the scheduled times.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CLOCKS_PER_QUARTER, MusegenError, PreciseTimer, TICKS_PER_QUARTER, bundledModelPath, easymidiDriver, folderSource, initBackend, loadGenerator, midiOf, noteOff, noteOn,
  parseMeter, phraseScore, playLive, playbackInput, recordingOutput, samplePieces, startSampling,
  type Generator, type MidiDriver, type RecordingOutput, type TimedMessage,
} from '../src/index.js';
import { existsSync } from 'node:fs';
import { notesOf } from './helpers/live-log.js';

let generator: Generator;
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  generator = (await loadGenerator(folderSource(bundledModelPath()))).generator;
});

/** A driver with one recording output and the inputs given. */
function memoryDriver(inputs: Record<string, TimedMessage[]> = {}): { driver: MidiDriver; output: RecordingOutput } {
  const output = recordingOutput('memory');
  const driver: MidiDriver = {
    name: 'memory',
    outputs: () => ['memory'],
    inputs: () => Object.keys(inputs),
    openOutput: () => output,
    openInput: (name) => playbackInput(name, inputs[name]!),
  };
  return { driver, output };
}

const expected = (bars: number, seed: number, bpm: number) =>
  samplePieces(generator, { bars, seed, tempo: bpm }).map((p) => p.score.parts[0]!.notes.map((n) => ({ midi: midiOf(n.pitch), onset: n.onset, duration: n.duration })))[0]!;

describe('musegen live through a recording port', () => {
  it('sends the notes the model generates for the seed, in order, balanced, with 24 clocks a quarter at the tempo', async () => {
    const { driver, output } = memoryDriver();
    const bpm = 480;
    const result = await playLive({ generator, driver, output: {}, bpm, bars: 3, seed: 11, clock: 'out', timer: new PreciseTimer() });
    const { notes, hanging, strayOffs } = notesOf(output.log, bpm);
    expect({ hanging, strayOffs, stopped: result.stopped }).toEqual({ hanging: 0, strayOffs: 0, stopped: false });
    expect(notes.map(({ midi, onset, duration }) => ({ midi, onset, duration }))).toEqual(expected(3, 11, bpm));
    expect(result.notes).toBe(notes.length);
    const log = output.log.map((r) => r.message.type);
    expect(log.slice(0, 3)).toEqual(['position', 'start', 'clock']);
    expect(log.at(-1)).toBe('stop');
    const clocks = output.log.filter((r) => r.message.type === 'clock').map((r) => r.at);
    expect(clocks).toHaveLength(3 * 4 * CLOCKS_PER_QUARTER);
    // each note-on follows its tick's pulse: pulses sent before it = onset / 20 + 1
    const pulsesBefore = (i: number): number => output.log.slice(0, i).filter((r) => r.message.type === 'clock').length;
    output.log.forEach((r, i) => r.message.type === 'noteon' && expect(pulsesBefore(i)).toBe(notes.find((n) => n.on === r.at && n.midi === (r.message as { note: number }).note)!.onset / 20 + 1));
    const msPerClock = 60_000 / bpm / CLOCKS_PER_QUARTER;
    for (let i = 1; i < clocks.length; i++) expect(clocks[i]! - clocks[i - 1]!).toBeCloseTo(msPerClock, 6);
  });

  it('on a stop, ends every sounding note and sends All Notes Off on the channel used', async () => {
    const { driver, output } = memoryDriver();
    const timer = new PreciseTimer();
    setTimeout(() => timer.stop(), 700);
    const result = await playLive({ generator, driver, output: {}, bpm: 240, bars: null, channel: 4, seed: 2, timer });
    expect(result.stopped).toBe(true);
    const { notes, hanging, strayOffs } = notesOf(output.log);
    expect(notes.length).toBeGreaterThan(0);
    expect({ hanging, strayOffs }).toEqual({ hanging: 0, strayOffs: 0 });
    expect(output.log.at(-1)!.message).toEqual({ type: 'cc', channel: 4, controller: 123, value: 0 });
    expect(notes.every((n) => n.channel === 4)).toBe(true);
  });

  it('follows a DAW\'s clock: the same notes on its pulses; a clock that stops is an error that leaves nothing sounding', async () => {
    const pulse = 60_000 / 480 / CLOCKS_PER_QUARTER;
    const clock = (pulses: number): TimedMessage[] => [
      { t: 0, message: { type: 'start' } },
      ...Array.from({ length: pulses }, (_, k) => ({ t: 5 + k * pulse, message: { type: 'clock' as const } })),
    ];
    const daw = memoryDriver({ DAW: clock(2 * 4 * CLOCKS_PER_QUARTER + 10) });
    const result = await playLive({ generator, driver: daw.driver, output: {}, bpm: 120, bars: 2, seed: 5, clock: { in: 'DAW', timeoutMs: 1000 }, timer: new PreciseTimer() });
    expect(Number.isFinite(result.tempo)).toBe(true);
    // the follower sends no clock: ticks come from the schedule, one pulse apart
    const { notes, hanging } = notesOf(daw.output.log);
    expect(hanging).toBe(0);
    expect(notes.map((n) => n.midi)).toEqual(expected(2, 5, 120).map((n) => n.midi));

    const stalled = memoryDriver({ DAW: clock(30) });
    const playing = playLive({ generator, driver: stalled.driver, output: {}, bpm: 120, bars: 4, seed: 5, clock: { in: 'DAW', timeoutMs: 300 }, timer: new PreciseTimer() });
    await expect(playing).rejects.toThrow(/the clock on "DAW" stopped: no pulse for 0.3 s/);
    expect(notesOf(stalled.output.log).hanging).toBe(0);
    expect(stalled.output.log.at(-1)!.message).toMatchObject({ type: 'cc', controller: 123 });
  });

  it('answers a call with the model continuing it, in its key and meter (seeded)', async () => {
    const bpm = 240;
    const quarter = 60_000 / bpm;
    const phrase = [67, 69, 71, 72].map((midi, i) => ({ midi, velocity: 90, on: i * quarter, off: (i + 0.9) * quarter }));
    const played: TimedMessage[] = phrase.flatMap((n) => [
      { t: 20 + n.on, message: noteOn(0, n.midi, n.velocity) },
      { t: 20 + n.off, message: noteOff(0, n.midi) },
    ]);
    const { driver, output } = memoryDriver({ Keys: played });
    const meter = parseMeter('4/4');
    const result = await playLive({ generator, driver, output: {}, bpm, bars: 2, meter, seed: 9, listen: { port: 'Keys', bars: 1, silenceMs: 2000, rounds: 1 }, timer: new PreciseTimer() });
    expect(result.stopped).toBe(false);
    // the same call, as the listener hears it, continued by the model
    const call = phraseScore(phrase, 0, 4 * TICKS_PER_QUARTER, { bpm, meter, stepsPerQuarter: 4 });
    expect(call.parts[0]!.notes.map((n) => [midiOf(n.pitch), n.onset, n.duration])).toEqual([[67, 0, 480], [69, 480, 480], [71, 960, 480], [72, 1440, 480]]);
    const run = startSampling(generator, { primer: call, bars: 2, seed: 9, meter, tempo: bpm });
    const piece = run.piece();
    while (piece.step < run.plan.steps) piece.next();
    piece.finish();
    const answer = piece.score().parts[0]!.notes.filter((n) => n.onset >= 4 * TICKS_PER_QUARTER);
    const { notes, hanging } = notesOf(output.log);
    expect(hanging).toBe(0);
    expect(notes.map((n) => n.midi)).toEqual(answer.map((n) => midiOf(n.pitch)));
    const msPerTick = quarter / TICKS_PER_QUARTER;
    expect(notes.map((n) => Math.round((n.off - n.on) / msPerTick))).toEqual(answer.map((n) => n.duration));
    expect(notes.map((n) => Math.round((n.on - notes[0]!.on) / msPerTick))).toEqual(answer.map((n) => n.onset - answer[0]!.onset));
    expect(run.plan.context.keySignatures[0]).toMatchObject({ fifths: 1 }); // G major, heard from the call (the model is key-conditioned)
  });

  it('refuses clearly: an unknown port (listing those there are), a model that makes no pieces, no MIDI system', async () => {
    const { driver } = memoryDriver();
    await expect(playLive({ generator, driver, output: { port: 'Nope' }, bpm: 120, bars: 1, timer: new PreciseTimer() }))
      .rejects.toThrow('no MIDI output port named "Nope"; the outputs are: "memory"');
    const noPieces = { ...generator, kind: 'critic', leftToRight: undefined } as Generator;
    await expect(playLive({ generator: noPieces, driver, output: {}, bpm: 120, bars: 1, timer: new PreciseTimer() }))
      .rejects.toThrow(/a 'critic' model neither generates left to right nor fills in music, so it cannot sample a piece/);
    if (process.platform === 'linux' && !existsSync('/dev/snd/seq')) {
      expect(() => easymidiDriver()).toThrow(MusegenError);
      expect(() => easymidiDriver()).toThrow(/no MIDI system: .*ALSA sequencer.*install/);
    }
  });
});
