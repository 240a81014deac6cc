/**
 * The package as a user installs it: `npm pack`, then `npm install` of the
 * tarball into an empty folder (from npm's cache: the dependencies are the
 * ones `npm ci` just fetched), then
 * - what ships: the built library and CLI, the bundled model, the demo
 *   corpus, the README, the native addon's C++ sources and build script —
 *   and no TypeScript sources, tests, benchmarks or built addon;
 * - installing builds the addon from those sources where this checkout's
 *   own build worked (a compiler and OpenBLAS), and an install whose
 *   compiler fails still succeeds, without the addon;
 * - a TypeScript consumer compiled with strict settings and no @types/node
 *   finds the bundled model through the package, samples and writes MIDI;
 *   with skipLibCheck off, the only declaration errors are TensorFlow.js's own;
 * - a CommonJS consumer gets one clear line saying how to load an ES module;
 * - the installed `musegen` program runs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('package');
const npm = (args: string[], cwd: string): string => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const ADDON = join('native', 'build', 'musegen_native.node');
let files: string[];
let tarball: string;
let consumer: string;

/** A fresh consumer folder with the tarball installed into it (its install script run, `env` added to the environment). */
function installInto(name: string, env: Record<string, string> = {}): string {
  const dir = tmp.join(name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  execFileSync('npm', ['install', '--omit=optional', '--prefer-offline', '--no-audit', '--no-fund', tarball], {
    cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env },
  });
  return dir;
}

beforeAll(() => {
  const packed = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', tmp.path], ROOT)) as { filename: string; files: { path: string }[] }[];
  files = packed[0]!.files.map((f) => f.path);
  tarball = join(tmp.path, packed[0]!.filename);
  consumer = installInto('consumer');
}, 300_000);

describe('the packed package', () => {
  it('ships the library, the CLI, the bundled model, the demo corpus and the addon\'s sources, and nothing of the TypeScript sources', () => {
    for (const f of ['package.json', 'README.md', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/cli/musegen.js', 'dist/browser/musegen.js', 'cjs/index.cjs',
      'models/default/musegen.json', 'models/default/model.json', 'models/default/weights.bin', 'models/README.md', 'corpora/folk-demo/tunes.abc',
      'native/build.mjs', 'native/addon.cc', 'native/lstm.cc', 'native/conv.cc', 'native/gemm.h']) {
      expect(files, f).toContain(f);
    }
    // every C++ file the build compiles or includes ships
    const sources = readdirSync(join(ROOT, 'native')).filter((f) => /\.(cc|h)$/.test(f)).map((f) => `native/${f}`);
    expect(files.filter((f) => f.startsWith('native/')).sort()).toEqual([...sources, 'native/build.mjs'].sort());
    const stray = files.filter((f) => !/^(dist|cjs|models|corpora)\//.test(f) && !/^native\/[^/]+\.(cc|h|mjs)$/.test(f) && !['package.json', 'README.md'].includes(f));
    expect(stray).toEqual([]);
    expect(files.filter((f) => /^dist\/(test|bench)\//.test(f) || /\.ts$/.test(f) && !f.endsWith('.d.ts') || f.endsWith('.node'))).toEqual([]);
  });

  it('builds the native addon at install where this checkout could build it, and installs without it when the compiler fails', () => {
    const doctor = (dir: string): string => {
      const r = spawnSync(join(dir, 'node_modules', '.bin', 'musegen'), ['doctor'], { cwd: dir, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout;
    };
    const built = existsSync(join(ROOT, ADDON));
    expect(existsSync(join(consumer, 'node_modules', 'musegen', ADDON))).toBe(built);
    if (built) expect(doctor(consumer)).toMatch(/native kernels\s+yes\s+native\/build\/musegen_native\.node, OpenBLAS/);
    const broken = installInto('no-compiler', { CXX: 'false' });
    expect(existsSync(join(broken, 'node_modules', 'musegen', ADDON))).toBe(false);
    expect(doctor(broken)).toMatch(/native kernels\s+no\s+not built/);
  }, 300_000);

  it('compiles a strict TypeScript consumer that finds the bundled model, samples and writes MIDI', () => {
    writeFileSync(join(consumer, 'main.ts'), [
      "import { bundledModelPath, folderSource, initBackend, loadGenerator, samplePieces, writeMidi, type SampledPiece } from 'musegen';",
      'await initBackend();',
      'const { generator, meta } = await loadGenerator(folderSource(bundledModelPath()));',
      'const pieces: SampledPiece[] = samplePieces(generator, { bars: 4, seed: 3 });',
      'const bytes: Uint8Array = writeMidi(pieces[0]!.score);',
      'console.log(`${meta.kind} ${bytes.length}`);',
    ].join('\n'));
    const options = { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, outDir: 'out', types: [] };
    const tsc = (skipLibCheck: boolean): string => {
      writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...options, skipLibCheck }, files: ['main.ts'] }));
      const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], { cwd: consumer, encoding: 'utf8' });
      return r.stdout;
    };
    const errorFiles = new Set(tsc(false).split('\n').filter((l) => /^\S+\(\d+,\d+\): error/.test(l)).map((l) => l.split('(')[0]!));
    expect([...errorFiles].filter((f) => !f.startsWith('node_modules/@tensorflow/'))).toEqual([]);
    expect(tsc(true)).toBe('');
    const run = spawnSync(process.execPath, ['out/main.js'], { cwd: consumer, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^lstm \d{2,}\n$/);
  }, 300_000); // two strict tsc runs: minutes on a loaded machine

  it('tells a CommonJS consumer in one line how to load an ES module', () => {
    writeFileSync(join(consumer, 'old.cjs'), "require('musegen');\n");
    const r = spawnSync(process.execPath, ['old.cjs'], { cwd: consumer, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/musegen is an ES module and cannot be require\(\)d: use `import \{ … \} from 'musegen'`, or from CommonJS `const musegen = await import\('musegen'\)`/);
  });

  it('installs the musegen program', () => {
    const bin = join(consumer, 'node_modules', '.bin');
    expect(readdirSync(bin)).toContain('musegen');
    const r = spawnSync(join(bin, 'musegen'), ['--version'], { cwd: consumer, encoding: 'utf8' });
    expect(r.stdout.trim()).toBe(JSON.parse(npm(['pkg', 'get', 'version'], ROOT)));
  });
});
