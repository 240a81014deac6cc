/**
 * The package as a user installs it: `npm pack`, then `npm install` of the
 * tarball into an empty folder (from npm's cache: the dependencies are the
 * ones `npm ci` just fetched), then
 * - what ships: the built library and CLI, the bundled model, the demo
 *   corpus, the README — and no sources, tests or benchmarks;
 * - a TypeScript consumer compiled with strict settings and no @types/node
 *   finds the bundled model through the package, samples and writes MIDI;
 *   with skipLibCheck off, the only declaration errors are TensorFlow.js's own;
 * - a CommonJS consumer gets one clear line saying how to load an ES module;
 * - the installed `musegen` program runs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('package');
const npm = (args: string[], cwd: string): string => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
let files: string[];
let consumer: string;

beforeAll(() => {
  const packed = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', tmp.path], ROOT)) as { filename: string; files: { path: string }[] }[];
  files = packed[0]!.files.map((f) => f.path);
  consumer = tmp.join('consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  npm(['install', '--omit=optional', '--prefer-offline', '--no-audit', '--no-fund', join(tmp.path, packed[0]!.filename)], consumer);
}, 300_000);

describe('the packed package', () => {
  it('ships the library, the CLI, the bundled model and the demo corpus, and nothing of the sources', () => {
    for (const f of ['package.json', 'README.md', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/cli/musegen.js', 'dist/browser/musegen.js', 'cjs/index.cjs',
      'models/default/musegen.json', 'models/default/model.json', 'models/default/weights.bin', 'models/README.md', 'corpora/folk-demo/tunes.abc']) {
      expect(files, f).toContain(f);
    }
    const stray = files.filter((f) => !/^(dist|cjs|models|corpora)\//.test(f) && !['package.json', 'README.md'].includes(f));
    expect(stray).toEqual([]);
    expect(files.filter((f) => /^dist\/(test|bench)\//.test(f) || /\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
  });

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
  });

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
