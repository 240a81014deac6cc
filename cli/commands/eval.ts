/**
 * `musegen eval`: how likely a model finds real music it did not train on —
 * NLL per token and per note for event models; for piano-roll models the
 * per-frame NLL (summed over the keys, frames 2..T, as the JSB / Nottingham
 * benchmarks are reported) and frame accuracy. A table on stdout, or JSON
 * with --json; progress on stderr.
 *
 *   musegen eval -m jsb-model --data jsb               # the benchmark's test split
 *   musegen eval --data tunes/ --split valid --json    # the bundled model on a folder of yours
 */
import { Option, type Command } from 'commander';
import {
  MusegenError, attributeEffects, benchmarkFile, chordAccuracy, evaluationWindows, interpolationSmoothness, latentReconstruction, benchmarkNamed, bundledModelPath, evaluateLikelihood, folderSource, loadGenerator, publishedComparison,
  type AttributeEffect, type ChordAccuracyReport, type InterpolationReport, type LikelihoodReport, type ReconstructionReport,
} from '../../src/index.js';
import { startBackend } from '../backend.js';
import { cacheOptions, loadCorpusWithProgress, piecesOfSplit, splitChoice, type SplitChoice } from '../corpus-load.js';
import { count, table } from '../format.js';
import { optionParser } from '../options.js';
import { createProgress } from '../progress.js';

interface EvalCliOptions {
  model?: string;
  data: string[];
  split: SplitChoice;
  json?: boolean;
  cache: boolean;
  cacheDir?: string;
  quiet?: boolean;
}


function render(r: LikelihoodReport & { model: string; data: string; split: string; comparable: string | null }): string {
  const rows: [string, string][] = [
    ['model', r.model],
    ['data', `${r.data} (${r.split}: ${count(r.pieces)} pieces)`],
  ];
  if (r.output === 'events') {
    rows.push(['NLL per token', `${r.nll.toFixed(4)} nats over ${count(r.positions)} tokens`]);
    if (r.nllPerNote !== null) rows.push(['NLL per note', `${r.nllPerNote.toFixed(4)} nats over ${count(r.notes ?? 0)} notes`]);
  } else {
    rows.push(['NLL per frame', `${r.nll.toFixed(4)} nats (Σ over ${r.frameWidth} values, frames 2..T: ${count(r.positions)} frames)`]);
    rows.push(['frame accuracy', `${((r.frameAccuracy ?? 0) * 100).toFixed(2)} %`]);
  }
  if (r.comparable) rows.push(['note', r.comparable]);
  return table(rows);
}

const percent = (x: number): string => `${(x * 100).toFixed(1)} %`;

function renderChords(r: ChordAccuracyReport & { model: string; data: string; split: string }): string {
  const line = (f: { accuracy: number; rootAccuracy: number; chordTones: number }): string =>
    `chord ${percent(f.accuracy)} · root ${percent(f.rootAccuracy)} · chord tones ${percent(f.chordTones)}`;
  return table([
    ['model', r.model],
    ['data', `${r.data} (${r.split}: ${count(r.pieces)} tunes with chords, ${count(r.beats)} beats, ${count(r.strongBeatNotes)} strong-beat notes)`],
    ['model (likeliest chords)', line(r.chordModel)],
    ['baseline: key\'s chord', line(r.keyBaseline)],
    ['baseline: melody\'s chord', line(r.melodyBaseline)],
    ['real chords', `chord tones ${percent(r.real.chordTones)}`],
  ]);
}

function renderLatent(r: {
  model: string; data: string; split: string; pieces: number; reconstruction: ReconstructionReport; interpolation: InterpolationReport; attributes: AttributeEffect[] | null;
}): string {
  const { reconstruction: c, interpolation: i } = r;
  const rows: [string, string][] = [
    ['model', r.model],
    ['data', `${r.data} (${r.split}: ${count(r.pieces)} pieces, ${count(c.windows)} windows, ${count(c.tokens)} tokens)`],
    ['reconstruction, teacher-forced', `${percent(c.teacherForced)} of tokens (z = μ, likeliest token)`],
    ['reconstruction, sampled', `${percent(c.sampled)} of tokens (z = μ, decoder fed its own likeliest tokens)`],
    ['the same, note-ons alone', `${percent(c.noteOns.teacherForced)} teacher-forced, ${percent(c.noteOns.sampled)} sampled, of ${count(c.noteOns.tokens)} note-ons`],
    ['KL', `${c.kl.toFixed(2)} nats per window; ${c.activeDimensions} of ${c.klPerDimension.length} dimensions active (mean KL > ${c.threshold} nats)`],
    ['interpolation ends', `${percent(i.endAccuracy)} of tokens of steps 0 and ${i.steps - 1} equal to the two windows (${i.pairs} pairs)`],
    ['interpolation steps', `note edit distance ${i.neighbourDistance.toFixed(2)} between neighbours (largest ${i.largestNeighbourDistance.toFixed(2)}), ${i.endDistance.toFixed(2)} between the ends; path ÷ ends ${i.pathRatio.toFixed(2)}`],
  ];
  for (const a of r.attributes ?? []) {
    rows.push([`+${a.amount} ${a.attribute}`, `${Object.entries(a.standardized).map(([k, v]) => `${k} ${v >= 0 ? '+' : ''}${v.toFixed(2)} sd`).join(' · ')} over ${a.samples} samples${a.movesItsOwn ? '' : ' (not the most moved)'}`]);
  }
  return table(rows);
}

export function registerEvalCommand(program: Command): void {
  const command = program
    .command('eval')
    .description('how likely a model finds music it did not train on: NLL per token, note or frame, and frame accuracy')
    .option('-m, --model <dir>', 'model folder (default: the bundled model)')
    .requiredOption('--data <names or paths...>', 'jsb, nottingham (the standard benchmarks), or music files and folders')
    .addOption(new Option('--split <name>', 'which pieces: train, valid, test (as musegen train splits the data: its own split, else by file name, valid held out of train when it has none) or all').argParser(optionParser(splitChoice)).default('test', 'test'))
    .option('--json', 'print JSON instead of a table');
  cacheOptions(command).action(async (_opts: EvalCliOptions, cmd: Command) => {
    const opts = cmd.optsWithGlobals<EvalCliOptions>();
    await startBackend(cmd);
    const modelDir = opts.model ?? bundledModelPath();
    const { generator } = await loadGenerator(folderSource(modelDir));
    try {
      if (!generator.leftToRight && !generator.chords && !generator.latent) throw new MusegenError('UNSUPPORTED', `a '${generator.kind}' model does not generate left to right; eval scores left-to-right, chord and latent models`, modelDir);
      const paths = opts.data.map((d) => {
        const benchmark = benchmarkNamed(d);
        return benchmark ? benchmarkFile(benchmark) : d;
      });
      const corpus = await loadCorpusWithProgress(paths, { cache: opts.cache, ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}), quiet: Boolean(opts.quiet) });
      const pieces = piecesOfSplit(corpus, opts.split, paths);
      const bar = createProgress({ label: 'evaluating', total: pieces.length, unit: 'pieces', quiet: Boolean(opts.quiet) });
      if (generator.chords) {
        // chord models: chords per beat against the tunes' own, beside the baselines fitted on the training split
        const report = chordAccuracy(generator, pieces.map((p) => p.score), piecesOfSplit(corpus, 'train', paths).map((p) => p.score), { onPiece: (done) => bar.update(done) });
        bar.finish();
        const result = { model: modelDir, data: paths.join(', '), split: opts.split, kind: generator.kind, ...report };
        process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : renderChords(result));
        return;
      }
      if (generator.latent) {
        // latent models: reconstruction of the split's windows, active dimensions, interpolation, attribute arithmetic
        bar.finish();
        const windows = evaluationWindows(generator, pieces.map((p) => p.score));
        const wbar = createProgress({ label: 'reconstructing', total: windows.length, unit: 'windows', quiet: Boolean(opts.quiet) });
        const reconstruction = latentReconstruction(generator, windows, { onWindow: (done) => wbar.update(done) });
        wbar.finish();
        const interpolation = interpolationSmoothness(generator, windows, { pairs: 100, steps: 7, seed: 1 });
        const attributes = generator.latent.attributes.size > 0 ? attributeEffects(generator, { samples: 100, amount: 1.5, seed: 1 }) : null;
        const result = { model: modelDir, data: paths.join(', '), split: opts.split, kind: generator.kind, pieces: pieces.length, reconstruction, interpolation, attributes };
        process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : renderLatent(result));
        return;
      }
      const report = evaluateLikelihood(generator.leftToRight!, generator.encoder, pieces.map((p) => p.score), { onPiece: (done) => bar.update(done) });
      bar.finish();
      const result = { model: modelDir, data: paths.join(', '), split: opts.split, kind: generator.kind, comparable: publishedComparison(generator.encoder, paths), ...report };
      process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : render(result));
    } finally {
      generator.dispose();
    }
  });
}
