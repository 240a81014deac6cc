/**
 * `musegen interpolate a.mid b.mid`: from one melody to another through a
 * latent (VAE) model's space, and `musegen attributes`: fit a VAE's
 * attribute vectors on a corpus.
 *
 *   musegen interpolate a.mid b.mid --steps 7 -o out.mid          # 7 windows, a's first, b's last, one after another
 *   musegen interpolate a.abc b.abc --attribute density=+1.5 --json -o out.mid   # the latents as JSON on stdout
 *   musegen attributes -m my-vae corpus/ [--method decoder]         # density, range, syncopation vectors (one sd each) saved in the model
 *
 * Each melody is read like accompany reads a tune: the melody part's top line
 * (said when it was polyphonic), moved by octaves into the model's range
 * (said), its first window of whole bars in the model's meter; a melody in
 * another meter, or shorter than a window, is refused with one line.
 */
import type { Command } from 'commander';
import {
  DECODER_FIT_DRAWS, MIN_ATTRIBUTE_WINDOWS, MusegenError, evaluationWindows, fitAttributes, interpolateLatents, latentOf, loadCorpus, melodyWindowsFor, parseAttribute, readScoreFile, updateModelMeta, windowsScore, workingSplit,
  type AttributeMethod, type Generator, type Score,
} from '../../src/index.js';
import { loadJobModel } from '../job-model.js';
import { startBackend } from '../backend.js';
import { checkedOptions, decimal, optionParser, repeatable, wholeNumber } from '../options.js';
import { createProgress } from '../progress.js';
import { formatFor, outputFile, writeScore } from '../score-output.js';
import { writeStdout } from '../stdout.js';

interface InterpolateCliOptions {
  model?: string;
  steps: number;
  temp: number;
  seed?: number;
  attribute?: [string, number][];
  output?: string;
  format?: string;
  json?: boolean;
  quiet?: boolean;
}

const attributeMethod = (text: string): AttributeMethod => {
  if (text !== 'regression' && text !== 'difference' && text !== 'decoder') throw new MusegenError('BAD_ARGUMENT', `unknown method "${text}" (choose regression, difference or decoder)`);
  return text;
};
const drawsOption = (text: string): number => {
  const n = wholeNumber(text);
  if (n < MIN_ATTRIBUTE_WINDOWS || n > 1_000_000) throw new MusegenError('BAD_ARGUMENT', `--draws must be from ${MIN_ATTRIBUTE_WINDOWS} to 1000000, not ${n}`);
  return n;
};
const stepsOption = (text: string): number => {
  const n = wholeNumber(text);
  if (n < 2 || n > 1000) throw new MusegenError('BAD_ARGUMENT', `--steps counts both ends: from 2 to 1000, not ${n}`);
  return n;
};
const temperature = (text: string): number => {
  const t = decimal(text);
  if (!(t >= 0 && t <= 10)) throw new MusegenError('BAD_ARGUMENT', `--temp must be from 0 (the likeliest) to 10, not ${t}`);
  return t;
};

/** The bundled VAE, or the model given; one line when it has no latent space. */
function loadLatentModel(dir: string | undefined): Promise<{ generator: Generator; modelDir: string }> {
  return loadJobModel(dir, {
    bundled: 'vae', what: 'VAE', train: 'musegen train tunes/ --kind vae',
    check: (g) => {
      try {
        latentOf(g);
      } catch (e) {
        throw new MusegenError('UNSUPPORTED', (e as Error).message);
      }
    },
  });
}

/** The first piece of a file, with a warning when it holds more. */
async function firstPiece(file: string, warn: (line: string) => void): Promise<Score> {
  const pieces = await readScoreFile(file);
  if (pieces.length === 0) throw new MusegenError('EMPTY', 'holds no music', file);
  if (pieces.length > 1) warn(`${file} holds ${pieces.length} pieces; the first is read`);
  const score = pieces[0]!.score;
  if (!score.parts.some((p) => !p.isDrum && p.notes.length > 0)) throw new MusegenError('EMPTY', 'has no notes', file);
  return score;
}

export function registerInterpolateCommand(program: Command): void {
  program
    .command('interpolate')
    .description('from one melody to another through a latent (VAE) model: the steps one after another in one file')
    .argument('<a>', 'the first melody: MIDI, MusicXML, kern or ABC (its first window of whole bars is read)')
    .argument('<b>', 'the last melody')
    .option('-m, --model <dir>', 'a latent (VAE) model folder (default: the bundled one, models/vae)')
    .option('--steps <n>', 'windows from a to b, both included', optionParser(stepsOption), 7)
    .option('-t, --temp <t>', 'temperature of decoding, 0 = the likeliest token each step', optionParser(temperature), 0)
    .option('--seed <n>', 'seed for the draws (with --temp above 0)', optionParser(wholeNumber))
    .option('--attribute <name=amount>', 'move every latent along an attribute vector, e.g. density=+1.5 (density, range, syncopation; repeatable)', repeatable(parseAttribute))
    .option('-o, --output <file>', 'file to write: .mid, .musicxml or .mxl (default, or -: MIDI on stdout)')
    .option('--format <name>', 'midi, musicxml or mxl (default: from the file extension)')
    .option('--json', 'print the latents (and what was written) as JSON on stdout; needs -o')
    .action(async (a: string, b: string, opts: InterpolateCliOptions, cmd: Command) => {
      const { quiet } = cmd.optsWithGlobals<InterpolateCliOptions>();
      const format = checkedOptions(cmd, () => formatFor(opts.output, opts.format));
      const output = checkedOptions(cmd, () => outputFile(opts, format));
      const warn = (line: string): void => {
        if (!quiet) process.stderr.write(`musegen: warning: ${line}\n`);
      };
      const [scoreA, scoreB] = [await firstPiece(a, warn), await firstPiece(b, warn)];
      await startBackend(cmd);
      const { generator } = await loadLatentModel(opts.model);
      try {
        const latent = latentOf(generator);
        const read = (score: Score, file: string) => {
          try {
            return melodyWindowsFor(generator, score, file);
          } catch (e) {
            throw e instanceof MusegenError ? new MusegenError(e.code, e.message) : e;
          }
        };
        const inA = read(scoreA, a);
        const inB = read(scoreB, b);
        for (const line of [...inA.warnings, ...inB.warnings]) warn(line);
        const [codeA, codeB] = latent.encode([inA.windows[0]!.tokens, inB.windows[0]!.tokens]);
        const result = interpolateLatents(generator, codeA!.mu, codeB!.mu, {
          steps: opts.steps, temperature: opts.temp, ...(opts.seed !== undefined ? { seed: opts.seed } : {}), ...(opts.attribute ? { attributes: opts.attribute } : {}),
        });
        const tempo = scoreA.tempos[0]?.bpm;
        const score = windowsScore(generator, result.windows, tempo !== undefined ? { tempos: [{ step: 0, bpm: tempo }] } : {});
        await writeScore({ ...score, title: `${a} → ${b}` }, output, format);
        const { bars, meter } = latent.window;
        if (opts.json) {
          writeStdout(new TextEncoder().encode(JSON.stringify({
            file: output, steps: opts.steps, bars: bars * opts.steps, window: { bars, meter },
            from: { file: a, bar: inA.windows[0]!.bar + 1, transposed: inA.transposed }, to: { file: b, bar: inB.windows[0]!.bar + 1, transposed: inB.transposed },
            attributes: Object.fromEntries(opts.attribute ?? []), latents: result.latents.map((z) => [...z].map((x) => Math.round(x * 1e5) / 1e5)),
          }) + '\n'));
        }
        if (!quiet) process.stderr.write(`interpolated ${a} → ${b} in ${opts.steps} steps of ${bars} bars of ${meter.numerator}/${meter.denominator} (${opts.temp === 0 ? 'the likeliest' : `temperature ${opts.temp}`}) → ${output ?? 'stdout'}\n`);
      } finally {
        generator.dispose();
      }
    });

  program
    .command('attributes')
    .description('fit a latent (VAE) model\'s attribute vectors (note density, pitch range, syncopation) on a corpus and save them in the model')
    .argument('<paths...>', 'the corpus: files or folders (its training split is read)')
    .requiredOption('-m, --model <dir>', 'the latent (VAE) model folder to update')
    .option('--method <name>', 'regression (each attribute fitted on q(z|x) of the windows, the vector moving it one sd and the others none), difference (MusicVAE\'s: mean z of the top quartile − of the bottom, per sd) or decoder (the regression fitted on decoded draws from the prior)', optionParser(attributeMethod), 'regression')
    .option('--draws <n>', `decoder: draws from the prior decoded and measured (default ${DECODER_FIT_DRAWS})`, optionParser(drawsOption))
    .option('--seed <n>', 'decoder: seed of the draws (default 1)', optionParser(wholeNumber))
    .option('-t, --temp <t>', 'decoder: temperature the draws are decoded at (default 0: the likeliest token each step)', optionParser(temperature))
    .action(async (paths: string[], opts: { model: string; method: AttributeMethod; draws?: number; seed?: number; temp?: number; quiet?: boolean }, cmd: Command) => {
      const { quiet } = cmd.optsWithGlobals<{ quiet?: boolean }>();
      await startBackend(cmd);
      const { generator, modelDir } = await loadLatentModel(opts.model);
      try {
        const latent = latentOf(generator);
        const corpus = await loadCorpus(paths);
        const { train } = workingSplit(corpus.pieces);
        const windows = evaluationWindows(generator, train.map((p) => p.score));
        const draws = opts.draws ?? DECODER_FIT_DRAWS;
        const bar = opts.method === 'decoder' ? createProgress({ label: 'decoding', total: draws, unit: 'draws', quiet: Boolean(quiet) }) : null;
        const vectors = fitAttributes(generator, windows, opts.method, { draws, seed: opts.seed ?? 1, temperature: opts.temp ?? 0, onDraw: (done) => bar?.update(done) });
        bar?.finish();
        latent.setAttributes(vectors);
        const attributes = (generator.hyper as { attributes?: unknown }).attributes;
        const fit = { method: opts.method, windows: windows.length, ...(opts.method === 'decoder' ? { draws, seed: opts.seed ?? 1, temperature: opts.temp ?? 0 } : {}) };
        await updateModelMeta(modelDir, (meta) => ({ ...meta, hyper: { ...(meta.hyper as object), attributes, attributeFit: fit } }));
        const from = opts.method === 'decoder' ? `${draws} decoded draws from the prior, in sd of ${windows.length} windows` : `${windows.length} windows`;
        if (!quiet) process.stderr.write(`attribute vectors ${[...vectors.keys()].join(', ')} fitted (${opts.method}) on ${from} of ${train.length} pieces → ${modelDir}\n`);
      } finally {
        generator.dispose();
      }
    });
}
