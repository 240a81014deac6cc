/**
 * How often a benchmark's frames repeat what was played some bars before —
 * what the `lookback` feature of a piano roll lets an LSTM read (BENCHMARKS.md,
 * "Likelihood on the standard benchmarks").
 *
 *   node --import tsx bench/frame-repeats.ts [--split test]
 *   npm run bench -- frame-repeats
 *
 * For every predicted frame t (2..T) of the split, in the 88-key roll the
 * benchmark models read: does the frame equal frame t − d, for d = 1, 2, 3,
 * 4, 6, 8, 12 and 16 bars of the file's grid (4/4: a bar is 4 frames on JSB,
 * 8 on Nottingham)? And "in a repeat": the four frames before t equal the
 * four before t − d for some such d (the shortest taken) — then how often
 * frame t goes on equal to frame t − d.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { BENCHMARKS, PianoRollEncoder, benchmarkFile, benchmarkStepsPerQuarter, readBenchmarkJson } from '../src/index.js';
import { stringArg } from './lib/torch-reference.js';

const split = stringArg('split', 'test');
const BARS = [1, 2, 3, 4, 6, 8, 12, 16];
const RUN = 4;

for (const benchmark of BENCHMARKS) {
  let path: string;
  try {
    path = benchmarkFile(benchmark);
  } catch {
    console.log(`${benchmark.name}: file not found, skipped`);
    continue;
  }
  const stepsPerQuarter = benchmarkStepsPerQuarter(basename(path))!;
  const encoder = new PianoRollEncoder({ stepsPerQuarter, lowest: 21, highest: 108, onsets: false, features: [] });
  const barSteps = 4 * stepsPerQuarter;
  const equal = new Array<number>(BARS.length).fill(0);
  let frames = 0;
  let inRepeat = 0;
  let goesOn = 0;
  for (const piece of readBenchmarkJson(readFileSync(path), { fileName: basename(path) }).filter((p) => p.split === split)) {
    const { roll, width, steps } = encoder.encode(piece.score);
    const same = (a: number, b: number): boolean => {
      for (let v = 0; v < width; v++) if (roll[a * width + v] !== roll[b * width + v]) return false;
      return true;
    };
    for (let t = 1; t < steps; t++) {
      frames++;
      BARS.forEach((bars, i) => {
        if (t >= bars * barSteps && same(t, t - bars * barSteps)) equal[i]!++;
      });
      const d = BARS.map((b) => b * barSteps).find((d) => t >= d + RUN && Array.from({ length: RUN }, (_, j) => j + 1).every((j) => same(t - j, t - j - d)));
      if (d === undefined) continue;
      inRepeat++;
      if (same(t, t - d)) goesOn++;
    }
  }
  const pct = (n: number, of: number): string => `${((100 * n) / Math.max(of, 1)).toFixed(1)} %`;
  console.log(`${benchmark.name} (${split}: ${frames} predicted frames, a bar = ${barSteps} frames)`);
  console.log(`  frame t equals frame t − d:  ${BARS.map((b, i) => `${b} bar${b > 1 ? 's' : ''} ${pct(equal[i]!, frames)}`).join(' · ')}`);
  console.log(`  in a repeat (the ${RUN} frames before equal the ${RUN} before t − d): ${pct(inRepeat, frames)} of frames; the frame goes on equal in ${pct(goesOn, inRepeat)}`);
}
