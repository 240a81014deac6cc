/**
 * The musegen command line: global options, one file per command group in
 * cli/commands/, and commander set up so that its own errors come back to
 * `main` as values (one line on stderr, exit 2) instead of exiting.
 */
import { Command } from 'commander';
import { registerCorpusCommands } from './commands/corpus.js';
import { reportError, EXIT, type ExitCode } from './exit.js';
import { packageVersion } from './version.js';

export function createProgram(): Command {
  const program = new Command('musegen')
    .description('symbolic music generation: read scores and MIDI, train generators, sample new music')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .option('-q, --quiet', 'no progress or warnings on stderr')
    // settings below are inherited by every command added after them
    .exitOverride()
    .configureOutput({ outputError: () => {} }) // main prints the one line
    .showSuggestionAfterError(true);
  registerCorpusCommands(program);
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
