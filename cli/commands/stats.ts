/**
 * `musegen stats generated/ --against corpus/ [--split train]`: how a set of pieces (what a
 * model made) compares with a reference set (what it trained on) — MGEval's
 * feature overlap, bar metrics, form and copies. A table on stdout, or JSON
 * with --json; loading progress on stderr.
 */
import { Option, type Command } from 'commander';
import { setStatistics, type SetProfile, type SetStatistics } from '../../src/index.js';
import { cacheOptions, loadCorpusWithProgress, piecesOfSplit, splitChoice, type SplitChoice } from '../corpus-load.js';
import { optionParser } from '../options.js';
import { count, section, table } from '../format.js';

interface StatsOptions {
  against: string[];
  split: SplitChoice;
  json?: boolean;
  cache: boolean;
  cacheDir?: string;
  quiet?: boolean;
}

const percent = (x: number): string => `${(100 * x).toFixed(1)} %`;

function profileRows(g: SetProfile, r: SetProfile): [string, string][] {
  const row = (name: string, f: (p: SetProfile) => string): [string, string] => [name, `${f(g).padEnd(12)} reference ${f(r)}`];
  return [
    row('pieces', (p) => count(p.pieces)),
    row('empty bars', (p) => percent(p.emptyBarRatio)),
    row('pitch classes / bar', (p) => p.pitchClassesPerBar.toFixed(2)),
    row('in scale', (p) => percent(p.inScaleRatio)),
    row('ends on the tonic', (p) => percent(p.endsOnTonic)),
    row('repeats 2 bars', (p) => percent(p.repeatsTwoBars)),
    row('restates opening', (p) => percent(p.restatesOpening)),
  ];
}

function render(s: SetStatistics): string {
  return [
    `generated against reference\n\n${table(profileRows(s.generated, s.reference))}\n`,
    section('features (MGEval: overlap of intra- and inter-set distances, 1 = alike; KL, 0 = alike)',
      s.features.map((f) => [f.feature, `overlap ${f.overlap.toFixed(3)}  KL ${f.kl.toFixed(3)}  (mean ${f.generatedMean.toFixed(2)} vs ${f.referenceMean.toFixed(2)})`])),
    section('copies (transposition-invariant runs of notes found in the reference)', [
      ['longest run', `${count(s.copies.longestNotes)} notes, ${s.copies.longestBars.toFixed(1)} bars`],
      ['8-note runs shared', percent(s.copies.meanSharedEightGrams)],
    ]),
  ].join('');
}

export function registerStatsCommand(program: Command): void {
  const command = program
    .command('stats')
    .description('compare generated pieces with a reference corpus: MGEval features, bar metrics, form, copies')
    .argument('<paths...>', 'the generated pieces: files and folders')
    .requiredOption('--against <paths...>', 'the reference: the corpus the model trained on')
    .addOption(new Option('--split <name>', 'the reference\'s pieces: train, valid, test (as musegen train splits the corpus) or all').argParser(optionParser(splitChoice)).default('all', 'all'))
    .option('--json', 'print JSON instead of a table');
  cacheOptions(command).action(async (paths: string[], _opts: StatsOptions, cmd: Command) => {
    const opts = cmd.optsWithGlobals<StatsOptions>();
    const load = { cache: opts.cache, ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}), quiet: Boolean(opts.quiet) };
    const generated = await loadCorpusWithProgress(paths, load);
    const reference = await loadCorpusWithProgress(opts.against, load);
    const stats = setStatistics(generated.pieces.map((p) => p.score), piecesOfSplit(reference, opts.split, opts.against).map((p) => p.score));
    process.stdout.write(opts.json ? `${JSON.stringify(stats, null, 2)}\n` : render(stats));
  });
}
