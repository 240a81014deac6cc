/**
 * Encoding speed on the whole Nottingham melody corpus (1,034 MIDI files):
 * files are read once (not timed), then encoded with two encoders and
 * prepared for the sequence layout (`layout.prepare`), and every 64-step
 * window (hop 16) packed by `layout.batch` in batches of 64 — the path the
 * trainer takes; each figure is the median of 5 runs.
 *
 *   node --import tsx bench/encode.ts [folder]
 *
 * Encoding must not be the bottleneck of training: compare the time for the
 * whole corpus with one training step (DESIGN.md: ~2.4 s per 64 × 64 batch on wasm).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readScoreFile } from '../src/io/node.js';
import { noteCount, type Score } from '../src/score/index.js';
import { MelodyEncoder, layoutFor, windowOrigins, type EncoderOptions, type MelodySpec } from '../src/encoding/index.js';
import { reportRow } from './lib/results.js';

const folder = process.argv[2] ?? fileURLToPath(new URL('../../shared/corpora/nottingham-jukedeck/MIDI/melody/', import.meta.url));
const RUNS = 5;

async function main(): Promise<void> {
  const files = readdirSync(folder).filter((f) => f.toLowerCase().endsWith('.mid')).sort();
  const scores: Score[] = [];
  const t0 = performance.now();
  for (const f of files) for (const p of await readScoreFile(join(folder, f))) scores.push(p.score);
  const readMs = performance.now() - t0;
  const notes = scores.reduce((n, s) => n + noteCount(s), 0);
  console.log(`${files.length} files, ${scores.length} tunes, ${notes.toLocaleString('en')} notes (read in ${readMs.toFixed(0)} ms, not counted below)`);

  const configs: [string, EncoderOptions<MelodySpec>][] = [
    ['melody, 4 steps/quarter, no features', {}],
    ['spelled melody, 12 steps/quarter, beat + key + fermata', { spelled: true, stepsPerQuarter: 12, features: ['beat', 'key', 'fermata'] }],
  ];
  for (const [name, options] of configs) {
    const enc = new MelodyEncoder(options);
    const layout = layoutFor(enc);
    const encodeMs: number[] = [];
    const batchMs: number[] = [];
    let steps = 0;
    let count = 0;
    for (let run = 0; run < RUNS; run++) {
      let start = performance.now();
      const prepared = scores.map((s) => layout.prepare(enc.encode(s)));
      encodeMs.push(performance.now() - start);
      start = performance.now();
      const origins = windowOrigins(prepared.map((p) => ({ steps: p.length })), { length: 64, hop: 16, pad: true });
      for (let b = 0; b < origins.length; b += 64) layout.batch(origins.slice(b, b + 64).map((o) => ({ piece: prepared[o.piece]!, start: o.step })), 64);
      batchMs.push(performance.now() - start);
      steps = prepared.reduce((n, p) => n + p.length, 0);
      count = origins.length;
    }
    const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
    const [enc_, win] = [median(encodeMs), median(batchMs)];
    reportRow({ benchmark: `encoding + batching ${notes.toLocaleString('en')} Nottingham melody notes`, musegen: name, musegenMs: enc_ + win, unit: 'ms', torch: null, torchMs: null, target: null });
    console.log(
      `${name}: encode ${enc_.toFixed(0)} ms (${Math.round(notes / (enc_ / 1000)).toLocaleString('en')} notes/s, ` +
        `${Math.round(steps / (enc_ / 1000)).toLocaleString('en')} steps/s); ${count.toLocaleString('en')} windows in ` +
        `${Math.ceil(count / 64).toLocaleString('en')} batches of 64: ${win.toFixed(0)} ms (${((1000 * win) / Math.ceil(count / 64)).toFixed(0)} µs per batch); ` +
        `total ${(enc_ + win).toFixed(0)} ms`,
    );
  }
}

await main();
