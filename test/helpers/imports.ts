/**
 * DESIGN's import table as a check over source text, so it can run on the
 * real src/ and on a tiny made-up tree alike.
 *
 *   files (path → text) ─ importsOf ─▶ arrows file → room ─┬─ tableViolations  (every import, type-only too)
 *                                                          └─ nodeViolations   (run-time imports only)
 *
 * Rooms are the folders of src/; `src/errors.ts` is a leaf every room may
 * import; any other file at the top of src/ (index.ts, browser.ts) is an entry
 * that may import every room; cli/ may import only an entry (and errors.ts).
 *
 * The browser-safe core (score, io, encoding, generators, sampling) must not
 * reach Node at run time: from every core file that is not node-only, no chain
 * of run-time relative imports, through any room, may end in a file that
 * imports a Node built-in (`node:fs`, or bare `fs`), nor in a node-only file.
 * A file is node-only when it is named `node.ts` or its first doc comment says
 * `@node-only`. Type-only imports (`import type`, `export type`, `{ type A }`
 * lists, `typeof import('…')`) count for the table but not here: they vanish
 * at run time. (A value import used only as a type is counted: write it as
 * `import type`.)
 *
 * @example
 *   const files = new Map([['src/io/midi.ts', "import { readFile } from 'node:fs/promises';"]]);
 *   nodeViolations(files).map(formatViolation)
 *   // ["src/io/midi.ts:1: imports 'node:fs/promises', and src/io/midi.ts is in the browser-safe core (io) …"]
 */
import { isBuiltin } from 'node:module';
import { posix } from 'node:path';
import ts from 'typescript';

/** What each room may import besides itself and `src/errors.ts` (DESIGN.md, "The house"). */
export const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  score: [],
  io: ['score'],
  corpus: ['io', 'score'],
  encoding: ['score'],
  engine: [],
  generators: ['engine', 'encoding'],
  training: ['generators', 'encoding', 'corpus', 'score', 'engine'],
  sampling: ['generators', 'encoding', 'corpus', 'score', 'engine'],
  eval: ['generators', 'encoding', 'corpus', 'score', 'engine'],
  playback: ['score', 'io', 'encoding', 'generators', 'sampling'],
  cli: ['entry'],
};

/** The rooms that must run in a browser (DESIGN.md, "A browser-safe core"). */
export const BROWSER_SAFE: readonly string[] = ['score', 'io', 'encoding', 'generators', 'sampling'];

export interface Import {
  specifier: string;
  line: number;
  /** Gone at run time: `import type`, `export type`, an all-`type` list, `typeof import('…')`. */
  typeOnly: boolean;
}

export interface Violation {
  file: string;
  line: number;
  /** The import as written. */
  specifier: string;
  /** A sentence saying which rule it breaks. */
  reason: string;
}

export const formatViolation = (v: Violation): string => `${v.file}:${v.line}: imports '${v.specifier}', ${v.reason}`;

const parsed = new Map<string, Import[]>();

/** Every import of a TypeScript file: static, `export … from`, `import('literal')`, and `import('…')` types. */
export function importsOf(fileName: string, text: string): Import[] {
  const known = parsed.get(text);
  if (known) return known;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const out: Import[] = [];
  const add = (node: ts.Node, specifier: string, typeOnly: boolean): void => {
    out.push({ specifier, typeOnly, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node, node.moduleSpecifier.text, isTypeOnly(node));
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) add(node, arg.text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node, node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  parsed.set(text, out);
  return out;
}

function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  const allTypes = (elements: ts.NodeArray<ts.ImportSpecifier | ts.ExportSpecifier>): boolean => elements.length > 0 && elements.every((e) => e.isTypeOnly);
  if (ts.isExportDeclaration(node)) return node.isTypeOnly || (!!node.exportClause && ts.isNamedExports(node.exportClause) && allTypes(node.exportClause.elements));
  const clause = node.importClause;
  if (!clause) return false; // import './side-effect.js'
  if (clause.isTypeOnly) return true;
  return !clause.name && !!clause.namedBindings && ts.isNamedImports(clause.namedBindings) && allTypes(clause.namedBindings.elements);
}

/** `node.ts`, or a first doc comment that says `@node-only`: the part of a room that reads and writes files. */
export function isNodeOnly(file: string, text: string): boolean {
  return posix.basename(file) === 'node.ts' || /@node-only\b/.test(/\/\*\*[\s\S]*?\*\//.exec(text)?.[0] ?? '');
}

/** The room of a path relative to the project root: 'io' for src/io/midi.ts, 'errors', 'entry' (src/index.ts), 'cli', or undefined outside. */
export function roomOf(file: string): string | undefined {
  const parts = file.split('/');
  if (parts[0] === 'cli') return 'cli';
  if (parts[0] !== 'src') return undefined;
  if (parts.length > 2) return parts[1];
  return parts[1] === 'errors.ts' ? 'errors' : 'entry';
}

/** The file a relative specifier names ('./midi.js' → src/io/midi.ts), or the bare normalised path when no such file is known. */
function resolve(from: string, specifier: string, files: ReadonlyMap<string, string>): string {
  const base = posix.normalize(posix.join(posix.dirname(from), specifier));
  const candidates = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, `${base}/index.ts`];
  return candidates.find((c) => files.has(c)) ?? base;
}

/** TypeScript source: what the checks parse (other files in the map only answer "does it exist"). */
const isSource = (file: string): boolean => /\.tsx?$/.test(file) && !file.endsWith('.d.ts');

const isRelative = (specifier: string): boolean => specifier.startsWith('./') || specifier.startsWith('../');

function allowed(from: string, to: string): boolean {
  return from === to || to === 'errors' || (from === 'entry' && to !== 'cli') || (from !== 'errors' && (MAY_IMPORT[from] ?? []).includes(to));
}

const listOf = (room: string): string => {
  const may = [...(MAY_IMPORT[room] ?? []), 'errors'].map((r) => (r === 'entry' ? 'src/index.ts' : r === 'errors' ? 'src/errors.ts' : r));
  return may.join(', ');
};

/** Every arrow between rooms that DESIGN's table does not allow, type-only imports included. */
export function tableViolations(files: ReadonlyMap<string, string>): Violation[] {
  const out: Violation[] = [];
  for (const [file, text] of files) {
    const from = roomOf(file);
    if (from === undefined || !isSource(file)) continue;
    if (from !== 'entry' && from !== 'errors' && !(from in MAY_IMPORT)) {
      out.push({ file, line: 1, specifier: file, reason: `but src/${from}/ is not a room of DESIGN's import table (rooms: ${Object.keys(MAY_IMPORT).filter((r) => r !== 'cli').join(', ')})` });
      continue;
    }
    for (const imp of importsOf(file, text)) {
      if (!isRelative(imp.specifier)) continue; // packages are allowed (the node rule is separate)
      const target = resolve(file, imp.specifier, files);
      const to = roomOf(target);
      const kind = imp.typeOnly ? ' (type-only imports count too)' : '';
      const at = { file, line: imp.line, specifier: imp.specifier };
      if (!files.has(target) && to !== undefined) out.push({ ...at, reason: `but ${target} does not exist` });
      else if (to === undefined) {
        if (from !== 'entry' && from !== 'cli') out.push({ ...at, reason: `which is outside src/; room ${from} may import only ${listOf(from)}` });
      } else if (!allowed(from, to)) {
        const what = from === 'errors' ? 'src/errors.ts is a leaf and imports nothing of the project' : `DESIGN lets ${from} import only ${listOf(from)}`;
        out.push({ ...at, reason: `of ${to === 'entry' ? target : `room ${to}`}, but ${what}${kind}` });
      }
    }
  }
  return out;
}

/**
 * Every way the browser-safe core reaches Node at run time: a core file (not
 * node-only) that imports a Node built-in, or a chain of run-time relative
 * imports from one to a file that does, or to a node-only file. One violation
 * per Node import reached and per node-only file reached, each with the
 * shortest chain from the core.
 */
export function nodeViolations(files: ReadonlyMap<string, string>): Violation[] {
  const nodeOnly = (f: string): boolean => isNodeOnly(f, files.get(f)!);
  const runtime = new Map<string, Import[]>();
  for (const [file, text] of files) if (isSource(file)) runtime.set(file, importsOf(file, text).filter((i) => !i.typeOnly));

  // breadth first from every browser-safe file at once: `via` holds the file each was first reached from
  const start = [...runtime.keys()].filter((f) => BROWSER_SAFE.includes(roomOf(f) ?? '') && !nodeOnly(f)).sort();
  const via = new Map<string, { from: string; line: number; specifier: string } | null>(start.map((f) => [f, null]));
  const queue = [...start];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (nodeOnly(file)) continue; // reported below; not walked through
    for (const imp of runtime.get(file) ?? []) {
      if (!isRelative(imp.specifier)) continue;
      const target = resolve(file, imp.specifier, files);
      if (files.has(target) && !via.has(target)) {
        via.set(target, { from: file, line: imp.line, specifier: imp.specifier });
        queue.push(target);
      }
    }
  }
  const chain = (file: string): string[] => {
    const step = via.get(file);
    return step ? [...chain(step.from), file] : [file];
  };
  const core = (file: string): string => `${file} is in the browser-safe core (${roomOf(file)})`;

  const out: Violation[] = [];
  for (const file of [...via.keys()].sort()) {
    if (nodeOnly(file)) {
      const step = via.get(file)!; // a node-only file is never a starting point
      const path = chain(file);
      out.push({
        file: step.from, line: step.line, specifier: step.specifier,
        reason: `which is node-only (named node.ts or marked @node-only), yet the browser-safe core reaches it: ${path.join(' → ')}`,
      });
      continue;
    }
    for (const imp of runtime.get(file) ?? []) {
      if (!isBuiltin(imp.specifier)) continue;
      const path = chain(file);
      const reason = path.length === 1
        ? `and ${core(file)}: file access belongs in a node-only file (named node.ts or marked @node-only)`
        : `and the browser-safe core reaches it at run time: ${path.join(' → ')} (${core(path[0]!)})`;
      out.push({ file, line: imp.line, specifier: imp.specifier, reason });
    }
  }
  return out;
}

/**
 * The "may import" table as DESIGN.md writes it: `| \`training\`, \`sampling\` | generators, score |`
 * rows between the "| room | may import |" header and the next blank line; "nothing" is none,
 * parenthesised notes are dropped, `src/index.ts` is the entry.
 */
export function designTable(markdown: string): Record<string, string[]> {
  const start = markdown.indexOf('| room | may import |');
  if (start < 0) throw new Error('DESIGN.md has no "| room | may import |" table');
  const rows = markdown.slice(start).split(/\n\s*\n/)[0]!.split('\n').slice(2);
  const table: Record<string, string[]> = {};
  for (const row of rows) {
    const [rooms, may] = row.split('|').slice(1, 3).map((c) => c.trim());
    const targets = /^nothing/.test(may!) ? [] : may!.replace(/\([^)]*\)/g, '').split(',').map((t) => t.replace(/`/g, '').trim()).filter(Boolean);
    for (const room of rooms!.match(/`[^`]+`/g) ?? []) {
      table[room.replace(/`/g, '')] = targets.map((t) => (t === 'src/index.ts' ? 'entry' : t));
    }
  }
  return table;
}
