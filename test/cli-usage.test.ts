/**
 * Every way of calling musegen wrongly, and what it answers: one line,
 * `musegen: …`, naming what is wrong, and exit 2 — a usage error, whichever
 * part of the program finds it (commander, an option's parser, or a check
 * of options taken together). Failures of the work itself exit 1 (see
 * cli.test.ts); this table is for the calls no work should start from.
 * The program runs in-process, as `main` runs it, its one line caught
 * (cli.test.ts and others check the same contract on the real process).
 */
import { describe, it } from 'vitest';
import { expectOneLine } from './helpers/cli.js';
import { musegenInProcess } from './helpers/cli-in-process.js';
import { FOLK_DEMO } from './helpers/paths.js';

const run = musegenInProcess;

/** [arguments, what the one line must say]. */
const USAGE_ERRORS: [string[], RegExp][] = [
  [['compose'], /unknown command 'compose'/],
  [['sample', '--tempature', '0.8'], /unknown option '--tempature'/],
  [['--backend', 'gpu', 'doctor'], /unknown backend 'gpu' \(choose from node-gpu, node, wasm, cpu, auto\)/],
  [['sample', '--temp', '-1'], /--temp/],
  [['sample', '--temp', 'hot'], /"hot" is not a number/],
  [['sample', '--top-k', '0'], /--top-k/],
  [['sample', '--top-p', '1.5'], /--top-p/],
  [['sample', '--meter', '5/7'], /meter "5\/7" is not a time signature/],
  [['sample', '--key', 'H'], /key "H" is not a key/],
  [['sample', '--bars', 'many'], /"many" is not a whole number/],
  [['sample', '--bars', '0'], /--bars must be at least 1, not 0/],
  [['sample', '--tempo', '0'], /tempo must be from 3.6 BPM \(the slowest a MIDI file holds\) to 1000 BPM, not 0/],
  [['sample', '--tempo', '2'], /tempo must be from 3.6 BPM/],
  [['sample', '-n', '0'], /the number of pieces must be at least 1, not 0/],
  [['sample', '-n', '3'], /-n 3 writes 3 files: name them with -o/],
  [['sample', '--json'], /--json prints what was written on stdout, so the music needs a file: give -o/],
  [['sample', '-o', 'tune.wav'], /cannot tell the format from "\.wav": name the file \.mid, \.musicxml or \.mxl/],
  [['sample', '--format', 'mp3'], /unknown output format "mp3"/],
  [['train', FOLK_DEMO, '--kind', 'gan'], /unknown model kind 'gan' \(this musegen knows lstm, ngram/],
  [['train', FOLK_DEMO, '--kind', 'ngram', '--units', '64'], /--units is an option of lstm(, \w+)* models, not of ngram models/],
  [['train', FOLK_DEMO, '--layers', '0'], /layers must be a whole number from 1 to 16, not 0/],
  [['train', FOLK_DEMO, '--epochs', '0'], /epochs must be a whole number from 1/],
  [['train', FOLK_DEMO, '--lr', '2'], /learning rate must be above 0 and at most 1/],
  [['train', FOLK_DEMO, '--encoding', 'midi'], /unknown encoding "midi"/],
  [['train', FOLK_DEMO, '--features', 'tempo'], /unknown feature "tempo"/],
  [['train', FOLK_DEMO, '--transpose', 'up'], /not a range of semitones/],
  [['train', FOLK_DEMO, '--features', 'lookback', '--lookback-bars', '1,1'], /not a list of distances in whole bars, each once/],
  [['train', FOLK_DEMO, '--input-dropout', '1'], /input-dropout must be a number from 0 to 0\.95, not 1/],
  [['train', FOLK_DEMO, '--kind', 'ngram', '--input-dropout', '0.1'], /--input-dropout is an option of lstm models, not of ngram models/],
  [['train', FOLK_DEMO, '--part', ' '], /--part needs a part: its index \(0 is the first\), its name, top or merged/],
  [['sample', '--part', ''], /--part needs a part/],
  [['train', FOLK_DEMO, '--kind', 'ngram', '--encoding', 'pianoroll'], /n-gram models predict event tokens, not piano-roll rows/],
  [['corpus', 'info'], /missing required argument/],
  [['accompany'], /missing required argument 'tune'/],
  [['accompany', 'tune.abc', '--style', 'jazz'], /unknown style "jazz" \(choose chords or chorale\)/],
  [['accompany', 'tune.abc', '--temp', '-1'], /the temperature of chords must be a number from 0/],
  [['accompany', 'tune.abc', '--piece', '0'], /pieces are counted from 1, not 0/],
  [['accompany', 'tune.abc', '--program', '128'], /--program must be a General MIDI program from 0 to 127, not 128/],
  [['accompany', 'tune.abc', '-o', 'tune.wav'], /cannot tell the format from "\.wav"/],
  [['interpolate', 'a.mid'], /missing required argument 'b'/],
  [['interpolate', 'a.mid', 'b.mid', '--steps', '1'], /--steps counts both ends: from 2 to 1000, not 1/],
  [['interpolate', 'a.mid', 'b.mid', '--temp', '-0.5'], /--temp must be from 0 \(the likeliest\) to 10, not -0\.5/],
  [['interpolate', 'a.mid', 'b.mid', '--attribute', 'louder'], /"louder" is not an attribute change like density=\+1\.5/],
  [['interpolate', 'a.mid', 'b.mid', '--json'], /--json prints what was written on stdout, so the music needs a file: give -o/],
  [['sample', '--restate', '0.5'], /the restatement boost must be a number from 1 \(off\) to 1000, not 0\.5/],
  [['sample', '--key-tries', '0'], /--key-tries must be a number of draws from 1 \(no check\) to 1000, not 0/],
  [['sample', '--attribute', 'density:2'], /"density:2" is not an attribute change like density=\+1\.5/],
  [['attributes', 'tunes/'], /required option '-m, --model <dir>' not specified/],
  [['attributes', '-m', 'vae', 'tunes/', '--method', 'mean'], /unknown method "mean" \(choose regression, difference or decoder\)/],
  [['train', FOLK_DEMO, '--kind', 'vae', '--latent', '0'], /latent must be a whole number from 1 to 4096, not 0/],
  [['train', FOLK_DEMO, '--kind', 'vae', '--encoding', 'pianoroll'], /latent \(VAE\) models read one melody: choose --encoding melody, not pianoroll/],
  [['convert', 'tune.mid'], /required option '-o, --output <file>' not specified/],
  [['convert', 'tune.mid', '-o', 'tune.pdf'], /cannot tell the format from "\.pdf": name the file \.mid, \.musicxml or \.mxl/],
  [['convert', 'tune.wav', '-o', 'tune.musicxml'], /cannot tell the format of "tune\.wav": convert reads \.mid/],
  [['convert', 'tune.mid', '-o', 'tune.musicxml', '--grid', '5'], /a grid of 5 is not a note value: give 4 \(quarters\), 8, 16/],
  [['convert', 'tune.mid', '-o', 'tune.musicxml', '--grid', 'fine'], /"fine" is not a number/],
  [['convert', 'tunes.abc', '-o', 'tune.mid', '--piece', '0'], /pieces are counted from 1, not 0/],
  [['convert', 'tune.mid', '-o', 'tune.musicxml', '--format', 'pdf'], /unknown output format "pdf"/],
];

describe('usage errors exit 2 with one line', () => {
  it.each(USAGE_ERRORS)('musegen %j', async (args, says) => {
    expectOneLine(await run(args), 2, says);
  });
});
