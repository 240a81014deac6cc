#!/usr/bin/env node
/**
 * Bundles the browser-safe core (src/browser.ts) into one ES module for web
 * pages: dist/browser/musegen.js, TensorFlow.js and every other dependency
 * included, nothing left external.
 *
 *   npm run build:browser          (or: node scripts/build-browser.mjs [outfile])
 *
 * It also builds the player page that `musegen play` serves (player/ →
 * dist/player/: page.js with Tone.js inside, index.html, style.css). The
 * page takes the library from the core bundle at run time (/musegen.js):
 * its imports of the core are left external, never bundled twice.
 *
 * Built for platform 'browser', so a Node built-in (node:fs, path, crypto…)
 * anywhere in the import graph cannot resolve and the build fails; this
 * script lists every such import with the file that makes it, and checks the
 * finished bundle's import graph once more for any built-in that got through.
 * Packages that map a built-in away in their own "browser" field (as
 * TensorFlow.js does for its Node platform) are bundled as they ask.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const BUILTINS = new Set(builtinModules);

/** True for 'node:fs', 'fs', 'fs/promises' and the like. */
export function isNodeBuiltin(spec) {
  return spec.startsWith('node:') || BUILTINS.has(spec) || BUILTINS.has(spec.split('/')[0]);
}

/**
 * Build the bundle. Resolves with { outfile, bytes, seconds, warnings } (esbuild's
 * warnings as 'file:line: text' lines); rejects with an
 * Error whose message lists what kept the core from running in a browser.
 */
export async function buildBrowserBundle({ outfile = resolve(root, 'dist/browser/musegen.js'), minify = false } = {}) {
  const started = performance.now();
  let result;
  try {
    result = await esbuild.build({
      absWorkingDir: root,
      entryPoints: [resolve(root, 'src/browser.ts')],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      // no `external`: everything the core imports must be bundled or the build fails
      external: [],
      sourcemap: true,
      minify,
      metafile: true,
      legalComments: 'linked',
      logLevel: 'silent',
      define: { 'process.env.NODE_ENV': '"production"' },
    });
  } catch (e) {
    if (!e || !Array.isArray(e.errors)) throw e;
    throw new Error(describeFailure(e.errors));
  }
  // Belt and braces: nothing in the finished graph may name a Node built-in.
  const leaks = [];
  for (const [file, input] of Object.entries(result.metafile.inputs)) {
    for (const imp of input.imports) {
      if (imp.external || isNodeBuiltin(imp.path)) leaks.push(`${file} imports ${imp.path}${imp.external ? ' (left external)' : ''}`);
    }
  }
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    for (const imp of output.imports ?? []) leaks.push(`${file} still imports ${imp.path}`);
  }
  if (leaks.length > 0) throw new Error(`the browser bundle is not self-contained:\n  ${leaks.join('\n  ')}`);
  const bytes = result.metafile.outputs[relative(root, outfile).split('\\').join('/')]?.bytes ?? 0;
  const warnings = result.warnings.map((w) => `${w.location ? `${w.location.file}:${w.location.line}` : '(unknown file)'}: ${w.text}`);
  return { outfile, bytes, seconds: (performance.now() - started) / 1000, warnings };
}

/** The core's entry and room indexes: what dist/browser/musegen.js exports. */
const CORE = new Set(['browser.ts', 'errors.ts', ...['score', 'io', 'encoding', 'engine', 'generators', 'sampling'].map((r) => `${r}/index.ts`)].map((f) => resolve(root, 'src', f)));

/** esbuild plugin: an import that names the core is taken from the core bundle at `url`, at run time. */
const coreFromBundle = (url) => ({
  name: 'core-from-bundle',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const path = resolve(args.resolveDir, args.path).replace(/\.js$/, '.ts');
      return CORE.has(path) ? { path: url, external: true } : undefined;
    });
  },
});

/** The player page's static files, copied as they are. */
const PLAYER_STATIC = ['index.html', 'style.css'];

/**
 * Build the player page into `outdir`: page.js (Tone.js and the playback room
 * bundled in, the core imported from /musegen.js) and its static files.
 * Resolves with { outdir, bytes, seconds }.
 */
export async function buildPlayerBundle({ outdir = resolve(root, 'dist/player'), minify = false } = {}) {
  const started = performance.now();
  const outfile = join(outdir, 'page.js');
  let result;
  try {
    result = await esbuild.build({
      absWorkingDir: root,
      entryPoints: [resolve(root, 'player/page.ts')],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      plugins: [coreFromBundle('/musegen.js')],
      sourcemap: true,
      minify,
      metafile: true,
      legalComments: 'linked',
      logLevel: 'silent',
    });
  } catch (e) {
    if (!e || !Array.isArray(e.errors)) throw e;
    throw new Error(describeFailure(e.errors));
  }
  await mkdir(outdir, { recursive: true });
  for (const f of PLAYER_STATIC) await copyFile(resolve(root, 'player', f), join(outdir, f));
  const bytes = result.metafile.outputs[relative(root, outfile).split('\\').join('/')]?.bytes ?? 0;
  return { outdir, bytes, seconds: (performance.now() - started) / 1000 };
}

/** One line per unresolvable import: which file imports which built-in, or what else went wrong. */
function describeFailure(errors) {
  const node = [];
  const other = [];
  for (const err of errors) {
    const m = /^Could not resolve "([^"]+)"/.exec(err.text);
    const where = err.location ? `${err.location.file}:${err.location.line}` : '(unknown file)';
    if (m && isNodeBuiltin(m[1])) node.push(`${where} imports ${m[1]}`);
    else other.push(`${where}: ${err.text}`);
  }
  const parts = [];
  if (node.length > 0) {
    parts.push(`the browser-safe core imports Node built-ins (a web page has none of them):\n  ${[...new Set(node)].join('\n  ')}`);
  }
  if (other.length > 0) parts.push(`the browser bundle failed:\n  ${other.join('\n  ')}`);
  return parts.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outfile = process.argv[2] ? resolve(process.argv[2]) : undefined;
  const report = (out, bytes, seconds) => process.stderr.write(`build:browser: ${relative(process.cwd(), out)} (${(bytes / 1e6).toFixed(1)} MB) in ${seconds.toFixed(1)} s\n`);
  buildBrowserBundle({ outfile })
    .then(({ outfile: out, bytes, seconds, warnings }) => {
      for (const w of warnings) process.stderr.write(`build:browser: warning: ${w}\n`);
      report(out, bytes, seconds);
      return buildPlayerBundle(outfile ? { outdir: join(dirname(outfile), 'player') } : {});
    })
    .then(({ outdir, bytes, seconds }) => report(outdir, bytes, seconds))
    .catch((e) => {
      process.stderr.write(`build:browser: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    });
}
