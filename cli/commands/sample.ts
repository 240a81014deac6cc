/**
 * `musegen sample`: new pieces from a model (default: the one bundled in the
 * package's models/default), written to -o (the format from its extension,
 * or --format) or, as MIDI, to stdout when stdout is not a terminal.
 *
 *   musegen sample --temp 0.8 > out.mid
 *   musegen sample -n 12 -o tune.mid       # tune-01.mid … tune-12.mid
 *   musegen sample -o piece.mxl --json     # compressed MusicXML, and what was written as JSON on stdout
 *   musegen sample --max-copy-bars 2        # draw again while a piece shares more than 2 bars with the training corpus
 *   musegen sample --key "E minor"          # drawn again (up to --key-tries) while its notes read in another key
 *
 * With -n above 1 the pieces go to files only: -o names them, numbered. Each
 * piece is written to a temporary file as soon as it is made, and all are
 * renamed into place at the end: a failure (disk full) names the file and
 * leaves the set that was there before. stdout gets every byte or an error.
 * Progress goes to stderr.
 */
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import type { Command } from 'commander';
import {
  CopyIndex, DEFAULT_METER, DEFAULT_TEMPO, MAX_BARS, MusegenError, SAMPLE_DEFAULTS, barStarts, checkRestatementBoost, keySignatureName, noteCount, bundledModelPath, checkSamplingOptions, primerPartLine, folderSource, loadGenerator, parseAttribute, parseKey, parseMeter, performPiece, readScoreFile, stageFiles, startSampling, unheededShape, writerNamed,
  type KeyChoice, type Meter, type ModelMeta, type PartChoice, type Score,
} from '../../src/index.js';
import { loadCorpusWithProgress } from '../corpus-load.js';
import { startBackend } from '../backend.js';
import { checkedOptions, decimal, optionParser, parsePartChoice, repeatable, wholeNumber } from '../options.js';
import { createProgress } from '../progress.js';
import { STDOUT, formatFor, outputFile } from '../score-output.js';
import { writeStdout } from '../stdout.js';

interface SampleCliOptions {
  model?: string;
  temp: number;
  rhythmTemp: number;
  topK?: number;
  topP?: number;
  prime?: string;
  part?: PartChoice;
  bars: number;
  meter?: Meter;
  key?: KeyChoice;
  tempo?: number;
  count: number;
  seed?: number;
  output?: string;
  format?: string;
  json?: boolean;
  title?: string;
  program?: number;
  accents: boolean;
  attribute?: [string, number][];
  cadence: boolean;
  restate: number;
  keyTries: number;
  maxCopyBars?: number;
  against?: string[];
  quiet?: boolean;
}

/** out.mid → out-1.mid … out-9.mid, or out-01.mid … out-12.mid: numbered so that the names sort. */
function numbered(output: string, i: number, count: number): string {
  if (count === 1) return output;
  const ext = extname(output);
  return `${output.slice(0, output.length - ext.length)}-${String(i + 1).padStart(String(count).length, '0')}${ext}`;
}

/** The options that only make sense together, checked before any work: a usage error (exit 2) otherwise. */
function checkOutput(opts: SampleCliOptions, format: string): string | undefined {
  if ((!opts.output || opts.output === STDOUT) && opts.count > 1) {
    throw new MusegenError('BAD_ARGUMENT', `-n ${opts.count} writes ${opts.count} files: name them with -o (e.g. -o tune.mid gives tune-1.mid …)`);
  }
  return outputFile(opts, format);
}

/** Steps between two progress updates. */
const PROGRESS_EVERY = 256;

/** The longest primer: feeding it to the model takes about as long as sampling as many bars. */
const MAX_PRIMER_BARS = 10_000;

/** The first piece of the primer file, refused with the file's name when it is too long. */
async function readPrimer(path: string, warn: (line: string) => void): Promise<Score> {
  const pieces = await readScoreFile(path); // readers give at least one piece or throw
  const piece = pieces[0]!;
  if (pieces.length > 1) warn(`${path} holds ${pieces.length.toLocaleString('en')} pieces; continuing the first`);
  const bars = barStarts(piece.score).length;
  if (bars > MAX_PRIMER_BARS) throw new MusegenError('OUT_OF_RANGE', `the primer is ${bars.toLocaleString('en')} bars long; musegen continues primers of at most ${MAX_PRIMER_BARS.toLocaleString('en')} bars`, path);
  return piece.score;
}

/** --bars: a whole number of bars, at least 1 and at most the longest piece musegen makes. */
function barsOption(text: string): number {
  const bars = wholeNumber(text);
  if (bars < 1) throw new MusegenError('BAD_ARGUMENT', `--bars must be at least 1, not ${bars}`);
  if (bars > MAX_BARS) throw new MusegenError('BAD_ARGUMENT', `--bars ${bars} is more than ${MAX_BARS.toLocaleString('en')}, the longest piece musegen makes`);
  return bars;
}

const temperature = (text: string): number => checkSamplingOptions({ temperature: decimal(text) }).temperature;
const rhythmTemperature = (text: string): number => checkSamplingOptions({ rhythmTemperature: decimal(text) }).rhythmTemperature!;
const topK = (text: string): number => checkSamplingOptions({ topK: wholeNumber(text) }).topK!;
const topP = (text: string): number => checkSamplingOptions({ topP: decimal(text) }).topP!;
/** A MIDI tempo is at most 2²⁴ − 1 µs a quarter: 3.58 BPM. */
const MIDI_SLOWEST_BPM = 3.6;
const tempo = (text: string): number => {
  const bpm = decimal(text);
  if (!(bpm >= MIDI_SLOWEST_BPM && bpm <= 1000)) throw new MusegenError('BAD_ARGUMENT', `tempo must be from ${MIDI_SLOWEST_BPM} BPM (the slowest a MIDI file holds) to 1000 BPM, not ${text}`);
  return bpm;
};
const gmProgram = (text: string): number => {
  const n = wholeNumber(text);
  if (n < 0 || n > 127) throw new MusegenError('BAD_ARGUMENT', `--program must be a General MIDI program from 0 to 127, not ${n}`);
  return n;
};
const copyBars = (text: string): number => {
  const bars = decimal(text);
  if (!(bars >= 0)) throw new MusegenError('BAD_ARGUMENT', `--max-copy-bars must be a number of bars of at least 0, not ${text}`);
  return bars;
};
const restateBoost = (text: string): number => checkRestatementBoost(decimal(text));
const keyTries = (text: string): number => {
  const n = wholeNumber(text);
  if (n < 1 || n > 1000) throw new MusegenError('BAD_ARGUMENT', `--key-tries must be a number of draws from 1 (no check) to 1000, not ${text}`);
  return n;
};

/** Draws of a piece at most, under --max-copy-bars, before the closest is kept. */
const MAX_COPY_TRIES = 20;

/**
 * The copy index --max-copy-bars checks against: the --against corpus, else
 * the one the model's musegen.json names — refused in one line (a usage
 * error) when there is none, or it is not on this machine.
 */
async function copyIndexFor(cmd: Command, opts: SampleCliOptions, meta: ModelMeta, modelDir: string): Promise<{ index: CopyIndex; paths: string[]; pieces: number }> {
  const named = meta.corpus?.paths;
  const paths = checkedOptions(cmd, () => {
    if (opts.against) return opts.against;
    if (!Array.isArray(named) || named.length === 0) {
      throw new MusegenError('BAD_ARGUMENT', `--max-copy-bars cannot check ${modelDir}: its musegen.json names no training corpus; pass --against <files or folders>`);
    }
    const missing = (named as unknown[]).map(String).filter((p) => !existsSync(p));
    if (missing.length > 0) {
      throw new MusegenError('BAD_ARGUMENT', `--max-copy-bars cannot check ${modelDir}: the corpus it was trained on (${missing.join(', ')}) is not on this machine; pass --against <files or folders>`);
    }
    return (named as unknown[]).map(String);
  });
  const corpus = await loadCorpusWithProgress(paths, { cache: true, quiet: Boolean(opts.quiet) });
  const scores = corpus.pieces.map((p) => p.score);
  return { index: new CopyIndex(scores), paths, pieces: scores.length };
}

const count = (text: string): number => {
  const n = wholeNumber(text);
  if (n < 1) throw new MusegenError('BAD_ARGUMENT', `the number of pieces must be at least 1, not ${n}`);
  return n;
};

export function registerSampleCommand(program: Command): void {
  program
    .command('sample')
    .description('generate new pieces from a trained model')
    .option('-m, --model <dir>', 'model folder (default: the bundled model)')
    .option('-t, --temp <t>', 'temperature of the pitches, above 0: lower is safer, higher is wilder', optionParser(temperature), 1)
    .option('--rhythm-temp <t>', 'temperature of the choice between a new note, a held note and a rest (1: as the model learned)', optionParser(rhythmTemperature), 1)
    .option('--top-k <k>', 'draw only from the k likeliest tokens', optionParser(topK))
    .option('--top-p <p>', 'draw only from the likeliest tokens holding probability p (nucleus sampling)', optionParser(topP))
    .option('--prime <file>', 'a MIDI, MusicXML, kern or ABC file to continue')
    .option('--part <n|name>', 'melody models: the primer\'s part to continue — an index (0 is the first), a part\'s name (any case), merged, or top: the part named soprano/melody/tune/lead/vocal, else the highest (default top)', optionParser(parsePartChoice))
    .option('--bars <n>', 'bars to generate (after the primer)', optionParser(barsOption), 16)
    .option('--meter <n/d>', `time signature, e.g. 6/8 (default ${DEFAULT_METER.numerator}/${DEFAULT_METER.denominator}, or the primer's)`, optionParser(parseMeter))
    .option('--key <key>', 'key signature, e.g. G, Bb, "E minor" (default: the primer\'s; none, or C major for a model trained with the key feature)', optionParser(parseKey))
    .option('--tempo <bpm>', `tempo (default ${DEFAULT_TEMPO}, or the primer's)`, optionParser(tempo))
    .option('-n, --count <n>', 'pieces to make (more than 1 needs -o; the files are numbered)', optionParser(count), 1)
    .option('--seed <n>', 'seed for reproducible pieces', optionParser(wholeNumber))
    .option('-o, --output <file>', 'file to write: .mid, .musicxml or .mxl (default, or -: MIDI on stdout)')
    .option('--format <name>', 'midi, musicxml or mxl (default: from the file extension)')
    .option('--json', 'print what was written (files, bars, seed, notes) as JSON on stdout; needs -o')
    .option('--title <text>', 'the piece\'s title (default: "musegen, seed N"; numbered with -n)')
    .option('--program <n>', 'General MIDI instrument of the piece, 0–127 (default: the model\'s, or the primer\'s; 0 is a piano)', optionParser(gmProgram))
    .option('--no-accents', 'every note at one velocity, instead of accents on the strong beats as a player gives them')
    .option('--no-cadence', 'melody models in a key: let the model end as it likes (default: the piece ends on the tonic, held through the last beat)')
    .option('--restate <x>', 'melodies: once what was played 2, 4 or 8 bars before comes back from a bar\'s downbeat (a beat of it), going on with it is x times likelier, until those bars have come back whole (1: off)', optionParser(restateBoost), SAMPLE_DEFAULTS.restatement)
    .option('--key-tries <n>', 'with --key: draw a piece again, up to n times, while its notes read in another key (Krumhansl–Kessler); 1: no check', optionParser(keyTries), SAMPLE_DEFAULTS.keyTries)
    .option('--max-copy-bars <n>', `draw a piece again (up to ${MAX_COPY_TRIES} times) while its longest run of notes found in the training corpus is longer than n bars`, optionParser(copyBars))
    .option('--against <paths...>', 'the corpus --max-copy-bars checks against, every piece of it (default: the training corpus the model\'s musegen.json names)')
    .option('--attribute <name=amount>', 'latent (VAE) models: move every latent along an attribute vector, e.g. density=+1.5 (density, range, syncopation; repeatable)', repeatable(parseAttribute))
    .action(async (opts: SampleCliOptions, cmd: Command) => {
      const { quiet } = cmd.optsWithGlobals<SampleCliOptions>();
      const format = checkedOptions(cmd, () => formatFor(opts.output, opts.format));
      const output = checkedOptions(cmd, () => checkOutput(opts, format));
      const warn = (line: string): void => {
        if (!quiet) process.stderr.write(`musegen: warning: ${line}\n`);
      };
      const primer = opts.prime ? await readPrimer(opts.prime, warn) : undefined;
      await startBackend(cmd);
      const modelDir = opts.model ?? bundledModelPath();
      const { generator, meta } = await loadGenerator(folderSource(modelDir)).catch((e: unknown) => {
        if (!opts.model && e instanceof MusegenError && e.code === 'NOT_FOUND') {
          throw new MusegenError('NOT_FOUND', `no bundled model at ${modelDir}; train one (musegen train corpus/) and pass --model`);
        }
        throw e;
      });
      for (const line of unheededShape(generator.encoder, { ...(opts.key ? { key: opts.key } : {}), ...(opts.meter ? { meter: opts.meter } : {}) })) warn(line);
      const melodyModel = generator.encoder.spec.encoding === 'melody';
      const given = (option: string): boolean => cmd.getOptionValueSource(option) === 'cli';
      if (given('restate') && !(melodyModel && generator.leftToRight)) warn('--restate holds a melody\'s restatements: this model does not write a melody step by step, so it does nothing');
      if (given('keyTries') && !opts.key) warn('--key-tries checks the key asked with --key: without --key it does nothing');
      if (opts.part !== undefined && !(primer && melodyModel)) warn(primer ? 'this model reads every part of the primer: --part does nothing' : '--part chooses the part of the primer to continue: without --prime it does nothing');
      const primerPart = primer && melodyModel ? opts.part ?? 'top' : undefined;
      const partLine = primerPart !== undefined ? checkedOptions(cmd, () => primerPartLine(primerPart, primer!, opts.prime!)) : undefined;
      if (partLine && !quiet) process.stderr.write(`${partLine}\n`);
      const run = startSampling(generator, {
        temperature: opts.temp, rhythmTemperature: opts.rhythmTemp, topK: opts.topK ?? null, topP: opts.topP ?? null, bars: opts.bars,
        ...(opts.meter ? { meter: opts.meter } : {}), ...(opts.key ? { key: opts.key } : {}), ...(opts.tempo !== undefined ? { tempo: opts.tempo } : {}),
        ...(opts.seed !== undefined ? { seed: opts.seed } : {}), ...(primer ? { primer } : {}), ...(primerPart !== undefined ? { primerPart } : {}),
        ...(opts.attribute ? { attributes: opts.attribute } : {}), cadence: opts.cadence, restatement: opts.restate, keyTries: opts.keyTries,
      });
      const copies = opts.maxCopyBars !== undefined ? await copyIndexFor(cmd, { ...opts, quiet: Boolean(quiet) }, meta, modelDir) : null;
      if (copies && !quiet) process.stderr.write(`checking copies against ${copies.pieces.toLocaleString('en')} pieces of ${copies.paths.join(', ')}\n`);
      const writer = writerNamed(format);
      const files = stageFiles();
      const progress = createProgress({ label: 'sampling', total: run.plan.steps * opts.count, unit: 'steps', ...(quiet ? { quiet } : {}) });
      let written: string[] = [];
      const notes: number[] = [];
      const copied: { longestBars: number; tries: number }[] = [];
      const draws: { draws: number; inKey: boolean | null }[] = [];
      try {
        for (let i = 0; i < opts.count; i++) {
          const title = `${opts.title ?? `musegen, seed ${run.seed}`}${opts.count > 1 ? ` (${i + 1} of ${opts.count})` : ''}`;
          const check = copies ? { measure: (s: Score) => copies.index.check(s).longestBars, limit: opts.maxCopyBars!, tries: MAX_COPY_TRIES } : undefined;
          const drawn = run.draw({
            ...(check ? { check } : {}),
            onStep: (step) => {
              if (step % PROGRESS_EVERY === 0) progress.update(i * run.plan.steps + step);
            },
          });
          if (!drawn.passed) {
            const why = [
              ...(drawn.keyMisfit ? [`reads in another key than ${keySignatureName(opts.key!)}`] : []),
              ...(check && drawn.measure! > check.limit ? [`shares a run of more than ${opts.maxCopyBars} bars with the corpus`] : []),
            ];
            warn(`piece ${i + 1}: every one of ${drawn.tries} draws ${why.join(' or ')}; kept the closest${check ? ` (${drawn.measure!.toFixed(2)} bars)` : ''}`);
          }
          if (check) copied.push({ longestBars: drawn.measure!, tries: drawn.tries });
          draws.push({ draws: drawn.tries, inKey: drawn.keyMisfit === null ? null : drawn.keyMisfit === 0 });
          const piece = drawn.score;
          const score = performPiece(piece, {
            title, accents: opts.accents, ...(opts.program !== undefined ? { program: opts.program } : {}),
          });
          notes.push(noteCount(score));
          const bytes = writer.write(score);
          if (output) await files.write(numbered(output, i, opts.count), bytes);
          else writeStdout(bytes);
        }
        progress.finish();
        written = await files.commit();
      } finally {
        await files.discard();
      }
      if (opts.json) {
        const pieces = written.map((file, i) => ({ file, format, bars: opts.bars, notes: notes[i], ...draws[i], ...(copies ? { copy: copied[i] } : {}) }));
        writeStdout(`${JSON.stringify({ model: modelDir, seed: run.seed, primer: opts.prime ?? null, pieces }, null, 2)}\n`);
      }
      if (!quiet) {
        const where = written.length > 0 ? written.join(', ') : 'stdout';
        process.stderr.write(`sampled ${opts.count} piece${opts.count > 1 ? 's' : ''} of ${opts.bars} bars${primer ? ' after the primer' : ''} (seed ${run.seed}) → ${where}\n`);
      }
    });
}
