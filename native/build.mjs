/**
 * `npm run build:native`: compile musegen's optional Node-API addon
 * (native/*.cc) against OpenBLAS into native/build/musegen_native.node, with
 * the C++ compiler on PATH ($CXX, else c++) and Node's own headers.
 *
 * Needs a C++17 compiler and OpenBLAS' headers and library (Debian:
 * apt-get install libopenblas-dev). Built for this machine's CPU
 * (-march=native): build where it runs. `--optional` (how the install script calls it,
 * in this repository and where the package is installed from its tarball)
 * turns a failure into one line on stderr and exit 0, since musegen runs
 * without the addon (on WebAssembly).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'build', 'musegen_native.node');
const optional = process.argv.includes('--optional');

function fail(message) {
  console.error(`build:native: ${message}${optional ? ' (optional: musegen will run on WebAssembly)' : ''}`);
  process.exit(optional ? 0 : 1);
}

const includes = [join(dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node'].filter((d) => existsSync(join(d, 'node_api.h')));
if (includes.length === 0) fail(`no node_api.h beside ${process.execPath} nor in /usr/include/node`);
const blas = ['/usr/include/openblas', '/usr/include/x86_64-linux-gnu', '/usr/include/aarch64-linux-gnu', '/opt/homebrew/opt/openblas/include', '/usr/local/opt/openblas/include']
  .filter((d) => existsSync(join(d, 'cblas.h')));
const sources = readdirSync(here).filter((f) => f.endsWith('.cc')).map((f) => join(here, f));
mkdirSync(dirname(out), { recursive: true });
const partial = `${out}.${process.pid}.partial`; // builds running side by side never share it
const args = [
  '-std=c++17', '-O3', '-march=native', '-ffast-math', '-fPIC', '-shared', '-pthread', '-fvisibility=hidden', '-DNODE_GYP_MODULE_NAME=musegen_native',
  `-I${includes[0]}`, ...blas.map((d) => `-I${d}`), ...sources, '-o', partial, '-lopenblas',
  ...(process.platform === 'darwin' ? ['-undefined', 'dynamic_lookup'] : []),
];
const cxx = process.env.CXX || 'c++';
const run = spawnSync(cxx, args, { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
if (run.error) fail(`${cxx} did not run: ${run.error.message}`);
if (run.status !== 0) {
  if (!optional) process.stderr.write(run.stderr);
  fail(`${cxx} failed${/cblas\.h|lopenblas/.test(run.stderr) ? ': OpenBLAS is missing (Debian: apt-get install libopenblas-dev)' : ` (exit ${run.status})`}`);
}
renameSync(partial, out);
console.log(`build:native: ${out}`);
