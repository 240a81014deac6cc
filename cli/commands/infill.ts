/**
 * `musegen infill <score>`: regenerate a region of a four-part score (bars ×
 * voices) with a convolutional harmoniser, everything outside it kept note
 * for note.
 *
 *   musegen infill chorale.musicxml --bars 5-8 --voices tenor -o new.musicxml
 *   musegen infill chorale.mid --bars 1-4 --voices alto,tenor,bass --temp 0.8 --seed 3 > out.mid
 */
import type { Command } from 'commander';
import { MusegenError, infillRegion, parseBarRange, readScoreFile } from '../../src/index.js';
import { startBackend } from '../backend.js';
import { HARMONISER_TEMPERATURE, gibbsCliOptions, loadHarmoniser, type GibbsCliOptions } from '../harmoniser.js';
import { checkedOptions, decimal, optionParser, wholeNumber } from '../options.js';
import { formatFor, outputFile, writeScore } from '../score-output.js';

interface InfillCliOptions extends GibbsCliOptions {
  bars: [number, number];
  voices?: string;
  model?: string;
  output?: string;
  format?: string;
  quiet?: boolean;
}

const decimalFrom0 = (text: string): number => {
  const t = decimal(text);
  if (!(t >= 0)) throw new MusegenError('BAD_ARGUMENT', `temperature must be 0 (the likeliest) or above, not ${text}`);
  return t;
};

export function registerInfillCommand(program: Command): void {
  const command = program
    .command('infill')
    .description('regenerate bars of some voices of a four-part score with a convolutional harmoniser (Gibbs sampling); the rest is kept note for note')
    .argument('<score>', 'a four-part score: MusicXML (.xml, .musicxml, .mxl), kern, MIDI or ABC')
    .requiredOption('--bars <from-to>', 'the bars to regenerate, numbered as printed (a pickup is bar 0), e.g. 5-8 or 5', optionParser(parseBarRange))
    .option('--voices <names>', 'the voices to regenerate, e.g. tenor or alto,tenor (default: all four)')
    .option('-m, --model <dir>', 'conv model folder (default: the bundled harmoniser, models/chorale)')
    .option('-o, --output <file>', 'file to write: .mid, .musicxml or .mxl (default, or -: MIDI on stdout)')
    .option('--format <name>', 'midi, musicxml or mxl (default: from the file extension)')
    .option('-t, --temp <t>', 'temperature of the harmoniser\'s choices: lower is safer, 0 the likeliest', optionParser(decimalFrom0), HARMONISER_TEMPERATURE)
    .option('--seed <n>', 'seed for a reproducible result', optionParser(wholeNumber));
  gibbsCliOptions(command).action(async (file: string, opts: InfillCliOptions, cmd: Command) => {
    const { quiet } = cmd.optsWithGlobals<InfillCliOptions>();
    const format = checkedOptions(cmd, () => formatFor(opts.output, opts.format));
    const output = checkedOptions(cmd, () => outputFile(opts, format));
    const pieces = await readScoreFile(file);
    const score = pieces[0]!.score;
    await startBackend(cmd);
    const generator = await loadHarmoniser(opts.model);
    try {
      const result = (() => {
        try {
          return infillRegion(generator, score, {
            bars: opts.bars, ...(opts.voices ? { voices: opts.voices.split(',') } : {}),
            temperature: opts.temp, steps: opts.steps, budgetMs: opts.budget === undefined ? null : opts.budget * 1000, ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
          });
        } catch (e) {
          throw e instanceof MusegenError && !e.file ? new MusegenError(e.code, e.message, file) : e;
        }
      })();
      await writeScore(result.score, output, format);
      if (!quiet) {
        process.stderr.write(`regenerated bars ${opts.bars[0]}-${opts.bars[1]} of the ${result.voices.join(', ')} in ${file} (${result.steps} Gibbs steps, seed ${result.seed}) → ${output ?? 'stdout'}\n`);
      }
    } finally {
      generator.dispose();
    }
  });
}
