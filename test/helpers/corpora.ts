/**
 * The real corpora in ../shared/corpora: a path into them, and whether some
 * are present. Tests on them are skipped where the corpora are absent, and
 * say so on the console, never silently.
 *
 * @example
 *   const tunes = corpusPath('nottingham-jukedeck', 'MIDI');
 *   describe.skipIf(!haveCorpus('abc: the Nottingham tunes', tunes))('…', () => { … });
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CORPORA } from './paths.js';

export { CORPORA };

/** A path inside ../shared/corpora. */
export const corpusPath = (...parts: string[]): string => join(CORPORA, ...parts);

/** True when every path exists; otherwise logs "<what> skipped: <path> is absent" and gives false. */
export function haveCorpus(what: string, ...paths: string[]): boolean {
  const missing = paths.find((p) => !existsSync(p));
  if (missing !== undefined) console.warn(`${what} skipped: ${missing} is absent`);
  return missing === undefined;
}
