/**
 * `musegen render`: a score as audio, through Tone.js offline — one
 * synthesised instrument per part (a drum kit for channel 10), the tempo map
 * respected, peak-normalised below 0 dBFS — written as a 16-bit PCM WAV file.
 *
 *   musegen render tune.mid -o tune.wav
 *   musegen render tunes.abc --piece 3 --mono --rate 22050 -o three.wav
 *
 * A progress bar on stderr for pieces long enough to need one.
 */
import { extname } from 'node:path';
import type { Command } from 'commander';
import { MusegenError, encodeWav, readScoreFile, renderScore, writeFileAtomic } from '../../src/index.js';
import { optionParser, wholeNumber } from '../options.js';
import { createProgress } from '../progress.js';

interface RenderCliOptions {
  output: string;
  piece: number;
  rate: number;
  mono?: boolean;
  quiet?: boolean;
}

const rate = (text: string): number => {
  const n = wholeNumber(text);
  if (n < 8000 || n > 192_000) throw new MusegenError('BAD_ARGUMENT', `a sample rate of ${n} Hz is out of range (8000..192000)`);
  return n;
};

const positive = (text: string): number => {
  const n = wholeNumber(text);
  if (n < 1) throw new MusegenError('BAD_ARGUMENT', `pieces are counted from 1, not ${n}`);
  return n;
};

export function registerRenderCommand(program: Command): void {
  program
    .command('render')
    .description('render a MIDI, MusicXML, kern or ABC file to a WAV file (Tone.js, offline)')
    .argument('<file>', 'the music to render')
    .requiredOption('-o, --output <file.wav>', 'the WAV file to write')
    .option('--piece <n>', 'which piece of a file that holds several (ABC tunes)', optionParser(positive), 1)
    .option('--rate <hz>', 'sample rate', optionParser(rate), 44_100)
    .option('--mono', 'one channel instead of two')
    .action(async (file: string, opts: RenderCliOptions, cmd: Command) => {
      const { quiet } = cmd.optsWithGlobals<RenderCliOptions>();
      if (extname(opts.output).toLowerCase() !== '.wav') cmd.error(`-o ${opts.output}: name the output .wav`, { exitCode: 2, code: 'musegen.usage' });
      const pieces = await readScoreFile(file);
      const piece = pieces[opts.piece - 1];
      if (!piece) throw new MusegenError('BAD_ARGUMENT', `has ${pieces.length} piece${pieces.length === 1 ? '' : 's'}, not ${opts.piece}`, file);
      let progress: ReturnType<typeof createProgress> | undefined;
      const audio = await renderScore(piece.score, {
        sampleRate: opts.rate,
        channels: opts.mono ? 1 : 2,
        onProgress: (done, total) => {
          progress ??= createProgress({ label: 'rendering', total: Math.ceil(total), unit: 's of music', quiet: Boolean(quiet) });
          progress.update(Math.floor(done));
        },
      }).catch((e: unknown) => {
        if (e instanceof MusegenError && e.code === 'EMPTY') throw new MusegenError('EMPTY', 'has no notes to render', file);
        throw e;
      });
      progress?.finish();
      await writeFileAtomic(opts.output, encodeWav(audio));
      if (!quiet) {
        const seconds = audio.channels[0]!.length / audio.sampleRate;
        process.stderr.write(`rendered ${file}${pieces.length > 1 ? ` (piece ${opts.piece} of ${pieces.length})` : ''} → ${opts.output} (${seconds.toFixed(1)} s, ${audio.channels.length === 1 ? 'mono' : 'stereo'}, ${audio.sampleRate} Hz)\n`);
      }
    });
}
