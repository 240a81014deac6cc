/**
 * Live MIDI timing: the bundled model played for 60 s at 120 BPM in
 * sixteenths on musegen's own clock (MIDI clock out too), into a recording
 * port that notes when each message was due and when it went out; prints
 * the median, 99th percentile and worst lateness of the note-ons (and of
 * the clock pulses), and the model's time per step for scale.
 *
 *   node --import tsx bench/live.ts [--seconds 60] [--bpm 120] [--seed 1]
 *
 * Aim (issue 13): 99th percentile under 3 ms (Ableton Link's tolerance).
 */
import { PreciseTimer, TICKS_PER_QUARTER, barLength, bundledModelPath, folderSource, initBackend, loadGenerator, playLive, recordingOutput, samplePieces, type MidiDriver } from '../src/index.js';
import { reportRow } from './lib/results.js';
import { median, numberArg } from './lib/torch-reference.js';

const [seconds, bpm, seed] = [numberArg('seconds', 60), numberArg('bpm', 120), numberArg('seed', 1)];
const AIM_MS = 3;

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main(): Promise<void> {
  const backend = await initBackend({ backend: 'auto' });
  const { generator } = await loadGenerator(folderSource(bundledModelPath()));
  const bars = Math.max(1, Math.round((seconds * bpm) / 60 / (barLength({ numerator: 4, denominator: 4 }) / TICKS_PER_QUARTER)));
  const t0 = performance.now();
  const [piece] = samplePieces(generator, { bars, seed, tempo: bpm });
  const msPerStep = (performance.now() - t0) / piece!.steps;

  const output = recordingOutput('bench');
  const driver: MidiDriver = { name: 'memory', outputs: () => ['bench'], inputs: () => [], openOutput: () => output, openInput: () => { throw new Error('no inputs'); } };
  const result = await playLive({ generator, driver, output: {}, bpm, bars, seed, clock: 'out', timer: new PreciseTimer() });
  const late = (type: string): number[] => output.log.filter((r) => r.message.type === type && (type !== 'noteon' || ('velocity' in r.message && r.message.velocity > 0))).map((r) => r.t - r.at).sort((a, b) => a - b);
  const row = (what: string, xs: number[]): string => `| ${what} | ${xs.length} | ${median(xs).toFixed(3)} | ${percentile(xs, 99).toFixed(3)} | ${xs.at(-1)!.toFixed(3)} |`;
  const notes = late("noteon");
  console.log(`live: ${bars} bars at ${bpm} BPM in sixteenths (${seconds} s), bundled model on ${backend}, seed ${seed}: ${result.notes} notes; model ${msPerStep.toFixed(3)} ms a step`);
  console.log('| messages | count | median lateness (ms) | 99th percentile (ms) | worst (ms) |\n|---|---|---|---|---|');
  console.log(row('note-ons', notes));
  console.log(row('clock pulses', late('clock')));
  console.log(`99th percentile of note-ons ${percentile(notes, 99) < AIM_MS ? 'under' : 'OVER'} the ${AIM_MS} ms aim`);
  reportRow({ benchmark: 'live MIDI: note-on lateness, 99th percentile', musegen: `bundled model on ${backend}, ${bpm} BPM`, musegenMs: percentile(notes, 99), unit: 'ms', torch: null, torchMs: null, target: `< ${AIM_MS} ms` });
}

await main();
