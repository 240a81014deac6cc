/**
 * The house holds: every import of src/ (and cli/) follows DESIGN's import
 * table, and the browser-safe core (score, io, encoding, generators,
 * sampling) reaches no Node built-in at run time, directly or through a chain
 * of imports, except in files that are node-only (named node.ts or marked
 * `@node-only`), which the core itself must not reach. The checker
 * (test/helpers/imports.ts) is first tried on a small made-up tree, so the
 * test of the real one cannot pass by finding nothing.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BROWSER_SAFE, MAY_IMPORT, designTable, formatViolation, importsOf, isNodeOnly, nodeViolations, tableViolations, type Violation,
} from './helpers/imports.js';
import { DESIGN_MD, ROOT } from './helpers/paths.js';

/** Every file under the given folders of the project, by path relative to its root ('src/io/midi.ts' → text). */
function readTree(...folders: string[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const folder of folders) {
    for (const rel of readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' }).sort()) {
      const path = join(ROOT, folder, rel);
      if (statSync(path).isFile()) files.set(`${folder}/${rel.split('\\').join('/')}`, readFileSync(path, 'utf8'));
    }
  }
  return files;
}

/** Fails listing every violation, one per line, rather than a truncated diff. */
function expectNone(violations: Violation[], what: string): void {
  const lines = violations.map(formatViolation);
  expect(lines.length, `${what} at ${lines.length} import${lines.length === 1 ? '' : 's'}:\n  ${lines.join('\n  ')}\n`).toBe(0);
}

describe('the import checker, on a made-up tree', () => {
  const tree = new Map<string, string>([
    ['src/errors.ts', 'export class MusegenError extends Error {}'],
    ['src/index.ts', "export * from './score/index.js';\nexport * from './io/index.js';\nexport * from './training/index.js';\nexport * from './io/node.js';"],
    ['src/score/index.ts', "import { MusegenError } from '../errors.js';\n// import { readFile } from 'node:fs';\nexport const text = \"import('node:fs')\";"],
    ['src/io/index.ts', "export * from './midi.js';\nexport type { Files } from './files.js';"],
    ['src/io/midi.ts', "import {\n  type Score,\n  createScore,\n} from '../score/index.js';\nimport { readFile } from 'node:fs/promises';"],
    ['src/io/node.ts', "import { readFile } from 'node:fs/promises';\nimport { readMidi } from './midi.js';"],
    ['src/io/files.ts', "/**\n * Reading folders.\n * @node-only\n */\nimport { join } from 'path';\nexport interface Files { n: number }"],
    ['src/io/reader.ts', "import { text } from './node.js';"],
    ['src/encoding/index.ts', "import type { Stats } from 'node:fs';\nimport type { Corpus } from '../corpus/index.js';\nimport { type Score } from '../score/index.js';"],
    ['src/corpus/index.ts', "import { readdir } from 'node:fs/promises';\nimport { readMidi } from '../io/index.js';"],
    ['src/engine/index.ts', "export * from './folder.js';\nexport * from './layers.js';"],
    ['src/engine/folder.ts', "import { mkdir } from 'node:fs/promises';"],
    ['src/engine/layers.ts', "import * as tf from '@tensorflow/tfjs';"],
    ['src/generators/lstm.ts', "import { layers } from '../engine/index.js';\nimport {\n  quantize,\n} from '../score/index.js';"],
    ['src/sampling/sample.ts', "export async function load() {\n  const { join } = await import('node:path');\n  let x: typeof import('../training/index.js');\n}"],
    ['src/training/index.ts', "import { lstm } from '../generators/lstm.js';\nimport { readFile } from 'node:fs/promises';"],
    ['src/playback/player.ts', "import { train } from '../training/index.js';\nimport { gone } from './missing.js';"],
    ['src/utils/misc.ts', 'export const x = 1;'],
    ['cli/musegen.ts', "import { train } from '../src/index.js';\nimport { readMidi } from '../src/io/midi.js';\nimport pkg from '../package.json' with { type: 'json' };"],
  ]);

  it('reads static, multi-line, re-exported, dynamic and type-only imports, not comments or strings', () => {
    expect(importsOf('a.ts', tree.get('src/io/midi.ts')!)).toEqual([
      { specifier: '../score/index.js', line: 1, typeOnly: false },
      { specifier: 'node:fs/promises', line: 5, typeOnly: false },
    ]);
    expect(importsOf('a.ts', tree.get('src/score/index.ts')!).map((i) => i.specifier)).toEqual(['../errors.js']);
    expect(importsOf('a.ts', tree.get('src/encoding/index.ts')!).map((i) => i.typeOnly)).toEqual([true, true, true]);
    expect(importsOf('a.ts', tree.get('src/io/index.ts')!).map((i) => i.typeOnly)).toEqual([false, true]);
    expect(importsOf('a.ts', tree.get('src/sampling/sample.ts')!)).toEqual([
      { specifier: 'node:path', line: 2, typeOnly: false },
      { specifier: '../training/index.js', line: 3, typeOnly: true },
    ]);
    expect(isNodeOnly('src/io/node.ts', '')).toBe(true);
    expect(isNodeOnly('src/io/files.ts', tree.get('src/io/files.ts')!)).toBe(true);
    expect(isNodeOnly('src/io/midi.ts', '/** Reads MIDI. */\n/** @node-only, but not the first doc comment */')).toBe(false);
  });

  it('names every arrow the table does not allow, type-only imports included', () => {
    const found = tableViolations(tree).map((v) => `${v.file}:${v.line} ${v.specifier}`);
    expect(found.sort()).toEqual([
      'cli/musegen.ts:2 ../src/io/midi.js', // the CLI goes through src/index.ts
      'src/encoding/index.ts:2 ../corpus/index.js', // type-only, still an arrow encoding → corpus
      'src/generators/lstm.ts:2 ../score/index.js',
      'src/playback/player.ts:1 ../training/index.js',
      'src/playback/player.ts:2 ./missing.js',
      'src/sampling/sample.ts:3 ../training/index.js', // typeof import('…')
      'src/utils/misc.ts:1 src/utils/misc.ts', // not a room of the table
    ]);
    const [message] = tableViolations(new Map([['src/generators/lstm.ts', tree.get('src/generators/lstm.ts')!]]).set('src/score/index.ts', '').set('src/engine/index.ts', ''))
      .map(formatViolation);
    expect(message).toBe("src/generators/lstm.ts:2: imports '../score/index.js', of room score, but DESIGN lets generators import only engine, encoding, src/errors.ts");
  });

  it('finds every way the browser-safe core reaches Node at run time, with the chain', () => {
    const found = nodeViolations(tree);
    expect(found.map((v) => `${v.file}:${v.line} ${v.specifier}`).sort()).toEqual([
      'src/engine/folder.ts:1 node:fs/promises', // generators/lstm.ts → engine/index.ts → engine/folder.ts
      'src/io/midi.ts:5 node:fs/promises', // directly, in a core file
      'src/io/reader.ts:1 ./node.js', // a core file importing the node-only part of its room
      'src/sampling/sample.ts:2 node:path', // a dynamic import
      // not: io/node.ts and io/files.ts (node-only), encoding's `import type` of node:fs, corpus and training (not core)
    ]);
    const messages = found.map(formatViolation);
    expect(messages).toContain(
      "src/engine/folder.ts:1: imports 'node:fs/promises', and the browser-safe core reaches it at run time: "
      + 'src/generators/lstm.ts → src/engine/index.ts → src/engine/folder.ts (src/generators/lstm.ts is in the browser-safe core (generators))',
    );
    expect(messages).toContain(
      "src/io/reader.ts:1: imports './node.js', which is node-only (named node.ts or marked @node-only), yet the browser-safe core reaches it: src/io/reader.ts → src/io/node.ts",
    );
  });
});

describe('DESIGN.md', () => {
  it.skipIf(!existsSync(DESIGN_MD))('holds the import table the checker applies', () => {
    expect(designTable(readFileSync(DESIGN_MD, 'utf8'))).toEqual(MAY_IMPORT);
    expect(BROWSER_SAFE).toEqual(['score', 'io', 'encoding', 'generators', 'sampling']);
  });
});

describe('src/ and cli/', () => {
  const files = readTree('src', 'cli');

  it('import only what DESIGN\'s table allows (src/errors.ts a leaf for all, src/index.ts the CLI\'s only door)', () => {
    expect(files.size).toBeGreaterThan(50);
    expect([...files].filter(([f]) => f.endsWith('.ts')).flatMap(([f, text]) => importsOf(f, text)).length).toBeGreaterThan(300);
    expectNone(tableViolations(files), 'DESIGN\'s import table (../shared/DESIGN.md, "The house") is broken');
  });

  it('keep Node out of the browser-safe core: no node:* import reached from score, io, encoding, generators or sampling', () => {
    expectNone(nodeViolations(files), 'Node reaches the browser-safe core');
  });

  it('would show a planted arrow score → io and a planted node:fs in score', () => {
    const planted = new Map(files)
      .set('src/score/planted.ts', "import { readFileSync } from 'node:fs';\nimport type { MidiReadOptions } from '../io/index.js';")
      .set('src/score/index.ts', `${files.get('src/score/index.ts')}\nexport * from './planted.js';`);
    const show = (v: Violation): string => `${v.file}:${v.line} ${v.specifier}`;
    expect(tableViolations(planted).map(show)).toContain('src/score/planted.ts:2 ../io/index.js');
    expect(nodeViolations(planted).map(show)).toContain('src/score/planted.ts:1 node:fs');
  });
});
