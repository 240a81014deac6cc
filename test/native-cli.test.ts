/**
 * The native kernels as the musegen program shows them: `--threads` reaches
 * OpenBLAS (and refuses what is not a count, exit 2), `musegen doctor` says
 * whether the kernels loaded and why not, and training without them says so
 * once on stderr; OpenBLAS runs its SkylakeX kernels on AMD CPUs with
 * AVX-512 unless OPENBLAS_CORETYPE says otherwise; the addon's build, where
 * it cannot compile, fails quietly when optional (as the install script
 * runs it). With MUSEGEN_NATIVE=0 in the environment (the pure
 * WebAssembly run of CI) doctor must say the addon is off.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cliEnv, expectOneLine, musegen } from './helpers/cli.js';
import { FOLK_DEMO, ROOT } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('native-cli');
const off = process.env.MUSEGEN_NATIVE === '0';
const TINY = ['--units', '8', '--layers', '1', '--epochs', '1', '--seq-len', '16', '--batch', '8', '--seed', '3'];
const NOTICE = /^musegen: training with javascript\/webassembly kernels on wasm; native kernels not in use: (.*)$/gm;

describe('native kernels in the musegen program', () => {
  it('refuses --threads 0 as a usage error', () => {
    expectOneLine(musegen(['--threads', '0', 'doctor'], { cwd: tmp.path }), 2, /--threads/, /at least 1/);
  });

  it('reports them in doctor, with the thread count asked for', () => {
    const r = musegen(['--threads', '1', 'doctor', '--json'], { cwd: tmp.path });
    expect(r.code, r.stderr).toBe(0);
    const { kernels, nativeKernels } = JSON.parse(r.text) as { kernels: string; nativeKernels: { available: boolean; detail: string } };
    if (off) {
      expect(nativeKernels).toEqual({ available: false, detail: 'turned off by MUSEGEN_NATIVE=0' });
    } else {
      expect(nativeKernels.available, `the addon must be built here (npm run build:native): ${nativeKernels.detail}`).toBe(true);
      expect(nativeKernels.detail).toMatch(/OpenBLAS .*, 1 thread$/);
      expect(kernels).toMatch(/^native/);
    }
  });

  it.skipIf(off)('runs OpenBLAS\' SkylakeX kernels on an AMD CPU with AVX-512 unless OPENBLAS_CORETYPE says otherwise', () => {
    const detail = (coreType?: string): string => {
      const env: NodeJS.ProcessEnv = { ...cliEnv(join(tmp.path, 'cache')) };
      delete env.OPENBLAS_CORETYPE;
      if (coreType) env.OPENBLAS_CORETYPE = coreType;
      const r = spawnSync(process.execPath, [BIN, '--threads', '1', 'doctor', '--json'], { cwd: tmp.path, env, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { nativeKernels: { detail: string } }).nativeKernels.detail;
    };
    expect(detail('Haswell')).toMatch(/OpenBLAS [\d.]+ \(Haswell kernels\)/); // the user's choice stands
    const cpu = process.platform === 'linux' ? readFileSync('/proc/cpuinfo', 'utf8') : '';
    const flags = /^flags\s*:(.*)$/m.exec(cpu)?.[1]?.split(/\s+/) ?? [];
    const amdAvx512 = /AuthenticAMD/.test(cpu) && ['avx512f', 'avx512bw', 'avx512vl', 'avx512dq', 'avx512cd'].every((f) => flags.includes(f));
    if (amdAvx512) expect(detail()).toMatch(/\(SkylakeX kernels\)/);
    else expect(detail()).toMatch(/OpenBLAS/);
  });

  it('says once on stderr when training runs without them, and not when they run', () => {
    const train = (env: NodeJS.ProcessEnv) => spawnSync(process.execPath, [BIN, '--backend', 'wasm', 'train', FOLK_DEMO, '-o', 'model', '--force', ...TINY], { cwd: tmp.path, env, encoding: 'utf8' });
    const env = cliEnv(join(tmp.path, 'cache'));
    const without = train({ ...env, MUSEGEN_NATIVE: '0' });
    expect(without.status, without.stderr).toBe(0);
    expect([...without.stderr.matchAll(NOTICE)].map((m) => m[1]), without.stderr).toEqual(['turned off by MUSEGEN_NATIVE=0']);
    if (off) return;
    const withNative = train({ ...env, MUSEGEN_NATIVE: '1' });
    expect(withNative.status, withNative.stderr).toBe(0);
    expect(withNative.stderr).not.toMatch(/native kernels not in use/);
  });

  it('builds quietly or not at all where no compiler works, when optional', () => {
    const build = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'native', 'build.mjs'), ...args], { env: { ...process.env, CXX: 'false' }, encoding: 'utf8' });
    const optional = build('--optional');
    expect(optional.status).toBe(0);
    expect(optional.stderr).toMatch(/^build:native: false failed \(exit 1\) \(optional: musegen will run on WebAssembly\)\n$/);
    expect(build().status).toBe(1);
  });
});
