/**
 * The musegen command line: global options, one file per command group in
 * cli/commands/, and commander set up so that its own errors come back to
 * `main` as values (one line on stderr, exit 2) instead of exiting.
 */
import { Command } from 'commander';
import { BACKEND_NAMES, checkThreads, packageVersion, parseBackendChoice } from '../src/index.js';
import { registerAccompanyCommand } from './commands/accompany.js';
import { registerConvertCommand } from './commands/convert.js';
import { registerCorpusCommands } from './commands/corpus.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerEvalCommand } from './commands/eval.js';
import { registerInfillCommand } from './commands/infill.js';
import { registerInterpolateCommand } from './commands/interpolate.js';
import { registerLiveCommand } from './commands/live.js';
import { registerPlayCommand } from './commands/play.js';
import { registerRenderCommand } from './commands/render.js';
import { registerSampleCommand } from './commands/sample.js';
import { registerStatsCommand } from './commands/stats.js';
import { registerTrainCommand } from './commands/train.js';
import { reportError, EXIT, type ExitCode } from './exit.js';
import { optionParser, wholeNumber } from './options.js';

export function createProgram(): Command {
  const program = new Command('musegen')
    .description('symbolic music generation: read scores and MIDI, train generators, sample new music')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .option('-q, --quiet', 'no progress or warnings on stderr')
    .option('--backend <name>', `TensorFlow.js backend: ${BACKEND_NAMES.join(', ')} or auto (default: the best that loads)`, optionParser(parseBackendChoice))
    .option('--threads <n>', 'threads for the native kernels (OpenBLAS; default: every core)', optionParser((text) => checkThreads(wholeNumber(text))))
    // settings below are inherited by every command added after them
    .exitOverride()
    .configureOutput({ outputError: () => {} }) // main prints the one line
    .showSuggestionAfterError(true);
  registerCorpusCommands(program);
  registerTrainCommand(program);
  registerSampleCommand(program);
  registerAccompanyCommand(program);
  registerInfillCommand(program);
  registerInterpolateCommand(program);
  registerLiveCommand(program);
  registerRenderCommand(program);
  registerPlayCommand(program);
  registerConvertCommand(program);
  registerEvalCommand(program);
  registerStatsCommand(program);
  registerDoctorCommand(program);
  return program;
}

/** Run musegen with `argv` (as process.argv: node, script, args...); returns the exit code. */
export async function main(argv: string[]): Promise<ExitCode> {
  try {
    await createProgram().parseAsync(argv);
    return EXIT.OK;
  } catch (e) {
    return reportError(e);
  }
}
