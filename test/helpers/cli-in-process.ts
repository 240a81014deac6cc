/**
 * Running the `musegen` program in-process, as cli/musegen.ts's main runs
 * it: the exit code and everything written on stderr (the commands' lines
 * and the one error line). Far faster than a process per run, for tables
 * of usage errors and fuzz suites; paths must be absolute (the working
 * folder is the test runner's).
 *
 * @example
 *   const r = await musegenInProcess(['sample', '--prime', '/tmp/x.krn', '-o', '/tmp/out.mid']);
 *   expectOneLine(r, 1, 'x.krn');
 */
import { reportError } from '../../cli/exit.js';
import { createProgram } from '../../cli/program.js';

export async function musegenInProcess(args: readonly string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array): boolean => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stderr.write;
  try {
    await createProgram().parseAsync(['node', 'musegen', ...args]);
    return { code: 0, stderr };
  } catch (e) {
    return { code: reportError(e, { write: (line: string) => (stderr += line) }, {}), stderr };
  } finally {
    process.stderr.write = write;
  }
}
