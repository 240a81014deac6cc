/**
 * `musegen train <paths...>`: load a corpus, train a generator of any
 * registered kind on it (--kind: lstm, ngram) and write the model folder
 * (default ./musegen-model). Each kind's options (--units, --order…) come
 * from its registry entry. Progress bars on
 * stderr (loading, encoding, each epoch with its loss and ETA), one line per
 * epoch; the result as JSON on stdout with --json. Ctrl-C, SIGTERM and SIGHUP
 * stop after the batch in progress, write a checkpoint and exit 130, 143 and
 * 129; --resume goes on. The output folder is locked and checked before any
 * training (a second run on it says which process holds it).
 */
import { Option, type Command } from 'commander';
import {
  ENCODING_CHOICES, FEATURE_NAMES, MusegenError, TRAIN_DEFAULTS, encoderSpecFor, modelKind, modelKinds, optionFlag, parseBarList, parseEncodingChoice, parseFeatureList, parsePitchRange, parseSemitoneRange,
  claimOutput, melodyPartsLine, savedCorpusPaths, unheededChoices, standardEvaluation, train, trainOptions,
  type PartChoice, type TrainEvent, type TrainOptionsInput, type TrainResult,
} from '../../src/index.js';
import { startBackend } from '../backend.js';
import { cacheOptions, loadCorpusWithProgress } from '../corpus-load.js';
import { Interrupted, STOP_SIGNALS, type StopSignal } from '../exit.js';
import { count, counted } from '../format.js';
import { checkedOptions, decimal, optionParser, parsePartChoice, wholeNumber } from '../options.js';
import { createProgress, duration, type Progress } from '../progress.js';
import { writeStdout } from '../stdout.js';

export const DEFAULT_OUTPUT = './musegen-model';
/** Encoding problems printed one by one before the rest are counted. */
const WARNINGS_SHOWN = 5;

interface TrainCliOptions {
  output: string;
  encoding?: string;
  features: string[];
  stepsPerQuarter?: number;
  range?: [number, number];
  part?: PartChoice;
  onsets: boolean;
  lookbackBars?: number[];
  kind: string;
  seqLen: number;
  hop?: number;
  epochs: number;
  batch: number;
  lr: number;
  lrDecay: number;
  patience: number;
  clipNorm: number;
  transpose: [number, number];
  seed?: number;
  resume?: boolean;
  force?: boolean;
  json?: boolean;
  cache: boolean;
  cacheDir?: string;
  quiet?: boolean;
}

/** -o: a folder's name, not an empty one. */
function folderName(text: string): string {
  if (text.trim() === '') throw new MusegenError('BAD_ARGUMENT', 'the model folder has an empty name');
  return text;
}

/** Draws the run's events on stderr. */
function reporter(quiet: boolean): { onEvent: (e: TrainEvent) => void; done: () => void } {
  const say = (line: string): void => {
    if (!quiet) process.stderr.write(`${line}\n`);
  };
  let bar: Progress | undefined;
  const end = (): void => {
    bar?.finish();
    bar = undefined;
  };
  const onEvent = (e: TrainEvent): void => {
    switch (e.type) {
      case 'encoding':
        if (e.done === 1) bar = createProgress({ label: 'encoding', total: e.total, unit: 'pieces', quiet });
        bar?.update(e.done);
        if (e.done === e.total) end();
        return;
      case 'data': {
        const d = e.description;
        if (e.resumedAt) {
          // said when the run began: the same corpus, encoded the same way
          if (e.warnings.length > 0) say(`musegen: note: the ${counted(e.warnings.length, 'encoding warning')} of this corpus ${e.warnings.length === 1 ? 'was' : 'were'} shown when the run began (--json lists them)`);
        } else {
          if (e.parts) say(e.parts);
          for (const w of e.warnings.slice(0, WARNINGS_SHOWN)) say(`musegen: warning: ${w}`);
          if (e.warnings.length > WARNINGS_SHOWN) say(`musegen: warning: … and ${count(e.warnings.length - WARNINGS_SHOWN)} more pieces lost notes in encoding (--json lists them all)`);
        }
        const valid = d.validSource === 'none' ? 'no validation pieces (early stopping watches the training loss)' : `${count(d.pieces.valid)} validation (${d.validSource === 'split' ? 'the corpus split' : 'held out'})`;
        say(`training on ${count(d.pieces.train)} pieces, ${count(d.positions.train)} tokens, ${count(d.windows.train)} sequences; ${valid}; seed ${e.seed}`);
        if (e.resumedAt) say(`resuming after epoch ${e.resumedAt.epoch}${e.resumedAt.batch > 0 ? `, batch ${e.resumedAt.batch}` : ''}`);
        return;
      }
      case 'epoch-start':
        bar = createProgress({ label: `epoch ${e.epoch}/${e.epochs}`, total: e.batches, unit: 'batches', quiet });
        return;
      case 'step':
        bar?.update(e.batch, `loss ${e.loss.toFixed(3)}  all ETA ${duration(e.etaSeconds)}`);
        return;
      case 'validation':
        if (e.done === 1) {
          end();
          bar = createProgress({ label: `validating ${e.epoch}`, total: e.total, unit: 'batches', quiet });
        }
        bar?.update(e.done);
        return;
      case 'epoch-end':
        end();
        say(`epoch ${e.epoch}/${e.epochs}  train ${e.trainLoss.toFixed(4)}  valid ${e.validLoss === null ? '—' : e.validLoss.toFixed(4)}${e.improved ? ' *' : '  '}  lr ${e.learningRate.toPrecision(3)}  ${duration(e.seconds)}`);
        return;
      case 'checkpoint':
        return;
      case 'note':
        say(`musegen: note: ${e.message}`);
        return;
    }
  };
  return { onEvent, done: end };
}

function summary(r: TrainResult): string {
  const nll = r.validNll ?? r.trainNll;
  const why = r.finished === 'early-stop' ? 'stopped early' : counted(r.epochs, 'epoch');
  const unit = r.frameWidth === null ? `${nll?.toFixed(4)} nats/${r.target}` : `${((nll ?? 0) * r.frameWidth).toFixed(3)} nats/frame (Σ over ${r.frameWidth} values)`;
  const figure = nll === null ? '' : `: ${r.validNll !== null ? 'valid' : 'train'} NLL ${unit} at epoch ${r.bestEpoch}`;
  const markov = r.markov3ValidNll === null ? '' : ` (3-gram Markov ${r.markov3ValidNll.toFixed(4)})`;
  return `model saved in ${r.output} (${why}, ${duration(r.seconds)})${figure}${markov}`;
}

/** The features a kind's own encoder reads (conv: beat and fermata), else `fallback` (--features' default). */
function kindFeatures(kind: string, fallback: string[]): string[] {
  const own = modelKind(kind).encoder.features;
  return Array.isArray(own) ? own.map(String) : fallback;
}

export function registerTrainCommand(program: Command): void {
  const command = program
    .command('train')
    .description('train a generator (an LSTM, or an n-gram baseline) on files and folders of music')
    .argument('[paths...]', 'music files and folders (with --resume: default, the paths it started on)')
    .addOption(new Option('-o, --output <dir>', 'model folder to write').argParser(optionParser(folderName)).default(DEFAULT_OUTPUT, DEFAULT_OUTPUT))
    .addOption(new Option('--encoding <name>', `${ENCODING_CHOICES.join(' | ')} (default: the model kind's own — melody for lstm and ngram, per-voice pianoroll for conv)`).argParser(optionParser(parseEncodingChoice)))
    .addOption(new Option('--features <list>', `feature channels, comma-separated: ${FEATURE_NAMES.join(', ')}, or none (default: beat, or the model kind's own — beat and fermata for conv)`).argParser(optionParser(parseFeatureList)).default(['beat'], 'beat'))
    .option('--steps-per-quarter <n>', 'grid resolution (default 4: sixteenth notes)', optionParser(wholeNumber))
    .option('--range <low..high>', 'pitches kept, e.g. C3..C7 or 48..96 (default: the encoding\'s)', optionParser(parsePitchRange))
    .option('--no-onsets', 'pianoroll: no onset channel (the benchmarks\' 88-key rolls have none)')
    .option('--lookback-bars <list>', 'the lookback feature\'s distances in bars, comma-separated (default 1,2,4,8)', optionParser(parseBarList))
    .option('--part <n|name>', 'melody: the part whose top voice is the melody — an index (0 is the first), a part\'s name (any case), merged, or top: the part named soprano/melody/tune/lead/vocal, else the highest (default top)', optionParser(parsePartChoice))
    .addOption(new Option('--kind <name>', `model kind: ${modelKinds().map((k) => `${k.name} (${k.description})`).join('; ')}`).argParser(optionParser((t) => modelKind(t).name)).default(modelKinds()[0]!.name, modelKinds()[0]!.name));
  // one flag per option name; kinds that share a name (--units) share the flag, each kind's meaning listed
  const flags = new Map<string, { type: 'whole' | 'decimal'; help: string[] }>();
  for (const kind of modelKinds()) {
    for (const o of kind.options) {
      const flag = flags.get(o.name) ?? { type: o.type, help: [] };
      flag.help.push(`${kind.name}: ${o.description} (default: ${o.default})`);
      if (o.type === 'decimal') flag.type = 'decimal';
      flags.set(o.name, flag);
    }
  }
  for (const [name, { type, help }] of flags) {
    command.option(`${optionFlag(name)} <${type === 'whole' ? 'n' : 'x'}>`, help.join('; '), optionParser(type === 'whole' ? wholeNumber : decimal));
  }
  command
    .option('--seq-len <steps>', 'steps per training sequence', optionParser(wholeNumber), TRAIN_DEFAULTS.seqLen)
    .option('--hop <steps>', 'steps between sequence starts (default: --seq-len ÷ 4)', optionParser(wholeNumber))
    .option('--epochs <n>', 'passes over the training sequences, at most', optionParser(wholeNumber), TRAIN_DEFAULTS.epochs)
    .option('--batch <n>', 'sequences per step', optionParser(wholeNumber), TRAIN_DEFAULTS.batch)
    .option('--lr <rate>', 'Adam learning rate', optionParser(decimal), TRAIN_DEFAULTS.learningRate)
    .option('--lr-decay <factor>', 'learning rate × this after an epoch without a better validation loss (1: constant)', optionParser(decimal), TRAIN_DEFAULTS.lrDecay)
    .option('--patience <epochs>', 'stop after this many epochs without a better validation loss', optionParser(wholeNumber), TRAIN_DEFAULTS.patience)
    .option('--clip-norm <n>', 'gradient clipping (global norm)', optionParser(decimal), TRAIN_DEFAULTS.clipNorm)
    .addOption(new Option('--transpose <range>', 'augmentation: transpose each sequence by a random interval in this range, e.g. -5..6 (0: none)').argParser(optionParser(parseSemitoneRange)).default([0, 0], '0'))
    .option('--seed <n>', 'seed for a reproducible run (default: from the clock, printed)', optionParser(wholeNumber))
    .option('--resume', 'continue the run whose checkpoint is in --output (its options are kept; --epochs and --patience may grow, --lr sets the rate it goes on at)')
    .option('--force', 'replace a model already in --output')
    .option('--json', 'print the result as JSON on stdout');
  cacheOptions(command).action(async (paths: string[], _opts: TrainCliOptions, cmd: Command) => {
    const opts = cmd.optsWithGlobals<TrainCliOptions>();
    const given = (name: string): boolean => cmd.getOptionValueSource(name) === 'cli';
    const quiet = Boolean(opts.quiet);
    await startBackend(cmd);
    // the output is locked, put right after a killed run, and checked before the corpus loads
    const claimed = await claimOutput(opts.output, { resume: Boolean(opts.resume), force: Boolean(opts.force) });
    if (claimed.note && !quiet) process.stderr.write(`musegen: note: ${claimed.note}\n`);
    let stoppedBy: StopSignal = 'SIGINT';
    const trainClaimed = async (): Promise<TrainResult> => {
      const corpusPaths = paths.length > 0 ? paths : opts.resume ? await savedCorpusPaths(opts.output) : [];
      if (corpusPaths.length === 0) throw new MusegenError('BAD_ARGUMENT', 'no music to train on: give files or folders (musegen train corpus/)');
      const choice = {
        encoding: opts.encoding, features: given('features') || opts.encoding ? opts.features : kindFeatures(opts.kind, opts.features), stepsPerQuarter: opts.stepsPerQuarter, range: opts.range, part: opts.part,
        ...(given('onsets') ? { onsets: opts.onsets } : {}),
        ...(opts.lookbackBars ? { lookbackBars: opts.lookbackBars } : {}),
      };
      const input: TrainOptionsInput = {
        encoder: encoderSpecFor(choice, modelKind(opts.kind).encoder),
        kind: opts.kind,
        model: Object.fromEntries([...new Set(modelKinds().flatMap((k) => k.options.map((o) => o.name)))].filter(given).map((name) => [name, (opts as unknown as Record<string, number>)[name]])),
        seqLen: opts.seqLen, ...(opts.hop !== undefined ? { hop: opts.hop } : {}), epochs: opts.epochs, batch: opts.batch,
        learningRate: opts.lr, lrDecay: opts.lrDecay, patience: opts.patience, clipNorm: opts.clipNorm, transpose: opts.transpose,
        ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      };
      const options = opts.resume ? undefined : checkedOptions(cmd, () => trainOptions(input)); // a resumed run keeps its own
      if (options && !quiet) for (const line of unheededChoices(choice, options.encoder)) process.stderr.write(`musegen: warning: ${line}\n`);
      const corpus = await loadCorpusWithProgress(corpusPaths, { ...opts, quiet });
      if (options) checkedOptions(cmd, () => melodyPartsLine(options.encoder, corpus.pieces.map((p) => p.score))); // a part no piece has: a usage error
      if (corpus.failures.length > 0 && !quiet) {
        const first = corpus.failures[0]!;
        process.stderr.write(`musegen: warning: ${count(corpus.failures.length)} of ${count(corpus.files)} files could not be read and are left out (first: ${first.file}: ${first.message})\n`);
      }
      const abort = new AbortController();
      const onSignal = (signal: StopSignal): void => {
        if (abort.signal.aborted) process.exit(STOP_SIGNALS[signal]); // a second signal: stop now
        stoppedBy = signal;
        abort.abort();
        if (!quiet) process.stderr.write(`\n${signal === 'SIGINT' ? '' : `${signal}: `}stopping after this batch and writing a checkpoint (Ctrl-C again to quit at once)…\n`);
      };
      const signals = Object.keys(STOP_SIGNALS) as StopSignal[];
      for (const s of signals) process.on(s, onSignal);
      const { onEvent, done } = reporter(quiet);
      try {
        return await train(corpus, {
          output: opts.output, ...(options ? { options } : {}), resume: opts.resume, force: opts.force, onEvent, signal: abort.signal, evaluation: standardEvaluation,
          ...(opts.resume && given('epochs') ? { epochs: opts.epochs } : {}),
          ...(opts.resume && given('patience') ? { patience: opts.patience } : {}),
          ...(opts.resume && given('lr') ? { learningRate: opts.lr } : {}), claimed,
        });
      } finally {
        done();
        for (const s of signals) process.off(s, onSignal);
      }
    };
    let result: TrainResult;
    try {
      result = await trainClaimed();
    } finally {
      await claimed.release();
    }
    if (opts.json) writeStdout(`${JSON.stringify(result, null, 2)}\n`);
    if (result.interrupted) {
      throw new Interrupted(`interrupted: checkpoint saved in ${result.output} after ${count(result.steps)} steps; go on with: musegen train --resume -o ${result.output}`, stoppedBy);
    }
    if (!quiet) process.stderr.write(`${summary(result)}\n`);
  });
}
