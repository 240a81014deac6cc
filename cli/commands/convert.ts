/**
 * `musegen convert`: one music file to another format, the format of each
 * told by its extension. MIDI going to notation is quantized (the grid its
 * onsets choose, or --grid); repeats and endings stay written in MusicXML and
 * are played out in MIDI; parts go in score order with clefs from their range.
 *
 *   musegen convert performance.mid -o score.musicxml
 *   musegen convert chorale.krn -o chorale.mxl
 *   musegen convert tunes.abc --piece 3 -o - --format musicxml
 */
import type { Command } from 'commander';
import {
  MusegenError, convertScore, gridOfNoteValue, noteCount, readScoreFile, readerFor, supportedExtensions, type Steps,
} from '../../src/index.js';
import { checkedOptions, decimal, optionParser, pieceNumber } from '../options.js';
import { formatFor, outputFile, writeScore } from '../score-output.js';

interface ConvertCliOptions {
  output: string;
  format?: string;
  grid?: Steps;
  piece: number;
  quiet?: boolean;
}

const GRID_NAMES: Record<number, string> = { 1: 'quarter notes', 2: 'eighth notes', 3: 'eighth-note triplets', 4: '16th notes', 6: '16th-note triplets', 8: '32nd notes', 12: '32nd-note triplets', 16: '64th notes' };

const HELP = `
MIDI going to MusicXML is quantized: onsets and lengths snap to the grid
(1, 2, 4 or 8 steps a quarter, or the triplet grids 3, 6, 12) that best
explains the onsets, or to --grid: a note value, 16 for 16th notes, 12 for
eighth-note triplets. Every note then has a written value, and only played
triplets become tuplets. Going to MIDI, repeats and endings are played out.

Examples:
  musegen convert performance.mid -o score.musicxml
  musegen convert performance.mid --grid 8 -o score.mxl
  musegen convert chorale.krn -o chorale.mid
  musegen convert tunes.abc --piece 3 -o - --format musicxml > tune.musicxml
`;

export function registerConvertCommand(program: Command): void {
  program
    .command('convert')
    .description('convert a MIDI, MusicXML (.xml, .musicxml, .mxl), kern or ABC file to MIDI, MusicXML or .mxl')
    .argument('<file>', 'the music to convert')
    .requiredOption('-o, --output <file>', 'file to write: .mid, .musicxml, .xml or .mxl (-: stdout, MIDI unless --format)')
    .option('--format <name>', 'midi, musicxml or mxl (default: from the file extension)')
    .option('--grid <note>', 'quantize to this note value: 4, 8, 16, 32, 64, or triplets 3, 6, 12, 24, 48 (default: from the onsets, for MIDI going to notation)', optionParser((text) => gridOfNoteValue(decimal(text))))
    .option('--piece <n>', 'which piece of a file that holds several (ABC tunes)', optionParser(pieceNumber), 1)
    .addHelpText('after', HELP)
    .action(async (file: string, opts: ConvertCliOptions, cmd: Command) => {
      const { quiet } = cmd.optsWithGlobals<ConvertCliOptions>();
      const reader = readerFor(file);
      if (!reader) cmd.error(`cannot tell the format of "${file}": convert reads ${supportedExtensions().join(' ')}`, { exitCode: 2, code: 'musegen.usage' });
      const format = checkedOptions(cmd, () => formatFor(opts.output, opts.format));
      const output = checkedOptions(cmd, () => outputFile(opts, format));
      const pieces = await readScoreFile(file);
      const piece = pieces[opts.piece - 1];
      if (!piece) throw new MusegenError('BAD_ARGUMENT', `has ${pieces.length} piece${pieces.length === 1 ? '' : 's'}, not ${opts.piece}`, file);
      if (!quiet && pieces.length > 1 && cmd.getOptionValueSource('piece') !== 'cli') {
        process.stderr.write(`musegen: note: ${file} holds ${pieces.length} pieces; converting the first (--piece N for another)\n`);
      }
      const { score, grid } = convertScore(piece.score, { from: reader.name, to: format, ...(opts.grid !== undefined ? { grid: opts.grid } : {}) });
      await writeScore(score, output, format);
      if (!quiet) {
        const parts = score.parts.length;
        const snapped = grid === undefined ? '' : `; quantized to ${GRID_NAMES[grid] ?? `${grid} steps a quarter`}`;
        process.stderr.write(`converted ${file}${pieces.length > 1 ? ` (piece ${opts.piece} of ${pieces.length})` : ''} → ${output ?? 'stdout'} (${format}: ${parts} part${parts === 1 ? '' : 's'}, ${noteCount(score).toLocaleString('en')} notes${snapped})\n`);
      }
    });
}
