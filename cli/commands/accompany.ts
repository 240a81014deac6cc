/**
 * `musegen accompany <tune>`: accompany a melody, in one of two styles.
 *
 *   musegen accompany reel.abc -o reel.mid                 # chords: symbols + a comping track (the bundled chord model)
 *   musegen accompany reel.abc -o reel.musicxml --replace  # the model's chords over the tune's own
 *   musegen accompany chorale.xml --style chorale -o satb.musicxml      # alto, tenor, bass (the bundled harmoniser)
 *
 * Each style is one branch (STYLES below): it takes the tune as read and the
 * options, and gives the Score to write and a line for stderr. The output is
 * written like `sample`'s: -o with its format from the extension, or MIDI on
 * stdout when stdout is not a terminal; warnings and the summary on stderr.
 */
import { Option, type Command } from 'commander';
import {
  ACCOMPANIMENT_STYLES, MusegenError, accompanyWithChords, checkChordTemperature, chordWriterOf, defaultAccompanimentStyle, readScoreFile,
  type AccompanimentStyle, type Generator, type Score,
} from '../../src/index.js';
import { startBackend } from '../backend.js';
import { checkedOptions, decimal, optionParser, wholeNumber } from '../options.js';
import { HARMONISER_TEMPERATURE, gibbsCliOptions, harmoniseForCli } from '../harmoniser.js';
import { loadJobModel } from '../job-model.js';
import { formatFor, outputFile, writeScore } from '../score-output.js';

interface AccompanyCliOptions {
  style?: AccompanimentStyle;
  model?: string;
  output?: string;
  format?: string;
  temp: number;
  seed?: number;
  replace?: boolean;
  piece: number;
  comping: boolean;
  program?: number;
  voices?: string;
  steps: number;
  budget?: number;
  quiet?: boolean;
}

/** What a style gives back: the Score to write and one line saying what was done. */
interface StyleResult {
  score: Score;
  summary: string;
}

/** What a style is handed. */
interface StyleInput {
  tune: Score;
  opts: AccompanyCliOptions;
  warn: (line: string) => void;
  note: (line: string) => void;
  /** Whether the user gave an option (a style may default it otherwise). */
  given: (option: string) => boolean;
}

/** chords: chord symbols (the tune's own, or the chord model's) and a comping track by meter. */
async function chordsStyle({ tune, opts, warn, note }: StyleInput): Promise<StyleResult> {
  const { generator } = await loadJobModel(opts.model, {
    bundled: 'chords', what: 'chord model', train: 'musegen train tunes/ --kind chords', check: (g: Generator) => chordWriterOf(g),
  }); // a model of another kind: one line, before any work
  try {
    const result = accompanyWithChords(generator, tune, {
      temperature: opts.temp, replace: Boolean(opts.replace), comping: opts.comping,
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}), ...(opts.program !== undefined ? { program: opts.program } : {}),
    });
    for (const line of result.warnings) warn(line);
    if (result.chords === 'kept') note(`the tune has ${result.symbols} chord symbol${result.symbols === 1 ? '' : 's'} of its own: kept (--replace writes the model's instead)`);
    const meter = result.score.timeSignatures[0]!;
    const chords = result.chords === 'kept'
      ? `its own ${result.symbols} chord symbols`
      : `${result.symbols} chord symbols by the model (${opts.temp === 0 ? 'the likeliest' : `temperature ${opts.temp}, seed ${result.seed}`})`;
    return { score: result.score, summary: `${chords}${opts.comping ? `, comping in ${meter.numerator}/${meter.denominator}` : ''}` };
  } finally {
    generator.dispose();
  }
}

/** chorale: alto, tenor and bass under the melody by the convolutional harmoniser (Gibbs sampling). */
async function choraleStyle({ tune, opts, warn, given }: StyleInput): Promise<StyleResult> {
  return harmoniseForCli(tune, { ...opts, temp: given('temp') ? opts.temp : HARMONISER_TEMPERATURE }, warn);
}

/** The styles, each one branch. */
const STYLES: Record<AccompanimentStyle, (input: StyleInput) => Promise<StyleResult>> = {
  chords: chordsStyle,
  chorale: choraleStyle,
};

const HELP = `
Styles:
  chords   for a folk tune or any single melody (the default unless the tune is a
           chorale): chord symbols, one chord per beat at most, written by a model
           that read the whole melody (trained on the Nottingham folk tunes), as
           MusicXML <harmony> over the melody and as a comping track by meter —
           oom-pah in 2/4 and 4/4, oom-pah-pah in 3/4, a jig pattern in 6/8 —
           voiced below the melody. A tune with chord symbols of its own keeps
           them (comped as written) unless --replace is given.
  chorale  for a chorale melody (the default for one with fermatas, or a four-part
           chorale): four-part harmonisation in Bach-chorale style — alto, tenor
           and bass written under the soprano by a convolutional model
           (Coconet-like, trained on Bach's chorales) filling the voices by
           annealed Gibbs sampling (--steps, --budget), each voice in its
           chorale range. The melody is kept note for note; one lying outside
           the soprano's range is harmonised an octave (or so) away and the
           voices moved back with it (said on stderr). MIDI has a named track
           per voice, MusicXML a part per voice, spelled in the key.

A polyphonic tune is read as its melody part's top line (said on stderr).

Examples:
  musegen accompany reel.abc -o reel.mid
  musegen accompany reel.abc -o reel.musicxml --replace --temp 0.5 --seed 7
  musegen accompany tunes.abc --piece 3 --no-comping -o lead-sheet.musicxml
  musegen accompany hymn.musicxml --style chorale -o satb.musicxml
  musegen accompany hymn.mid --style chorale --voices bass --temp 0.7 --seed 3 > bass.mid
`;

const styleChoice = (text: string): AccompanimentStyle => {
  if (!(ACCOMPANIMENT_STYLES as readonly string[]).includes(text)) throw new MusegenError('BAD_ARGUMENT', `unknown style "${text}" (choose ${ACCOMPANIMENT_STYLES.join(' or ')})`);
  return text as AccompanimentStyle;
};
const positive = (text: string): number => {
  const n = wholeNumber(text);
  if (n < 1) throw new MusegenError('BAD_ARGUMENT', `pieces are counted from 1, not ${n}`);
  return n;
};
const gmProgram = (text: string): number => {
  const n = wholeNumber(text);
  if (n < 0 || n > 127) throw new MusegenError('BAD_ARGUMENT', `--program must be a General MIDI program from 0 to 127, not ${n}`);
  return n;
};

export function registerAccompanyCommand(program: Command): void {
  const command = program
    .command('accompany')
    .description('accompany a melody: chord symbols and a comping track (chords), or four-part harmony (chorale)')
    .argument('<tune>', 'the melody: a MIDI, MusicXML (.xml, .musicxml, .mxl), kern or ABC file')
    .addOption(new Option('--style <name>', 'chords | chorale (default: chorale for a chorale melody, else chords; see below)').argParser(optionParser(styleChoice)))
    .option('-m, --model <dir>', 'model folder (default: the bundled model of the style, models/chords or models/chorale)')
    .option('-o, --output <file>', 'file to write: .mid, .musicxml or .mxl (default, or -: MIDI on stdout)')
    .option('--format <name>', 'midi, musicxml or mxl (default: from the file extension)')
    .option('-t, --temp <t>', `temperature, 0 = the likeliest choice; above 0 draws, higher is wilder (default: chords 0, chorale ${HARMONISER_TEMPERATURE})`, optionParser((t) => checkChordTemperature(decimal(t))), 0)
    .option('--seed <n>', 'seed for reproducible draws (with --temp above 0)', optionParser(wholeNumber))
    .option('--replace', 'chords: write the model\'s chords over a tune that has its own')
    .option('--piece <n>', 'which piece of a file that holds several (ABC tunes)', optionParser(positive), 1)
    .option('--no-comping', 'chords: the melody with chord symbols only (a lead sheet), no comping track')
    .option('--program <n>', 'chords: General MIDI instrument of the comping track, 0–127 (default 0, a piano)', optionParser(gmProgram))
    .option('--voices <names>', 'chorale: the voices to write, e.g. bass or alto,tenor,bass (default: every voice under the melody)');
  gibbsCliOptions(command, 'chorale: ')
    .addHelpText('after', HELP)
    .action(async (file: string, opts: AccompanyCliOptions, cmd: Command) => {
      const { quiet } = cmd.optsWithGlobals<AccompanyCliOptions>();
      const format = checkedOptions(cmd, () => formatFor(opts.output, opts.format));
      const output = checkedOptions(cmd, () => outputFile(opts, format));
      const warn = (line: string): void => {
        if (!quiet) process.stderr.write(`musegen: warning: ${line}\n`);
      };
      const note = (line: string): void => {
        if (!quiet) process.stderr.write(`musegen: note: ${line}\n`);
      };
      const pieces = await readScoreFile(file);
      const piece = pieces[opts.piece - 1];
      if (!piece) throw new MusegenError('BAD_ARGUMENT', `has ${pieces.length} piece${pieces.length === 1 ? '' : 's'}, not ${opts.piece}`, file);
      if (pieces.length > 1 && opts.piece === 1 && cmd.getOptionValueSource('piece') !== 'cli') warn(`${file} holds ${pieces.length} pieces; accompanying the first (--piece N for another)`);
      const tune = piece.score;
      if (!tune.parts.some((p) => !p.isDrum && p.notes.length > 0)) throw new MusegenError('EMPTY', 'the tune has no notes to accompany', file);
      const suggested = defaultAccompanimentStyle(tune);
      const style = opts.style ?? suggested;
      await startBackend(cmd);
      const given = (option: string): boolean => cmd.getOptionValueSource(option) === 'cli';
      const result = await STYLES[style]({ tune, opts, warn, note, given }).catch((e: unknown) => {
        throw e instanceof MusegenError && !e.file && e.code === 'EMPTY' ? new MusegenError(e.code, e.message, file) : e;
      });
      await writeScore(result.score, output, format);
      if (!quiet) process.stderr.write(`accompanied ${file}${pieces.length > 1 ? ` (piece ${opts.piece} of ${pieces.length})` : ''} (${style}): ${result.summary} → ${output ?? 'stdout'}\n`);
    });
}
