/**
 * Where things are, for every test file: the project's root, the built
 * program, the demo corpus and bundled model it ships, and the shared folder
 * beside the root (../shared: the real corpora and DESIGN.md, not part of the
 * repository).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root (ends without a slash). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The `musegen` program, built once by test/global-setup.ts before any test file runs. */
export const BIN = join(ROOT, 'dist', 'cli', 'musegen.js');
/** The 24-tune demo corpus shipped in the repository. */
export const FOLK_DEMO = join(ROOT, 'corpora', 'folk-demo');
/** The model shipped with the package. */
export const BUNDLED_MODEL = join(ROOT, 'models', 'default');
/** ../shared beside the root. */
export const SHARED = join(ROOT, '..', 'shared');
/** The real corpora (JSB, Nottingham, Bach chorales, MIDI test files); see haveCorpus. */
export const CORPORA = join(SHARED, 'corpora');
/** DESIGN.md, with the import table. */
export const DESIGN_MD = join(SHARED, 'DESIGN.md');
