/**
 * Running the built `musegen` program (dist/cli/musegen.js, built once by
 * test/global-setup.ts) as a user does, each run with its own working folder
 * and cache folder, and the error contract every failure must keep.
 *
 *   musegen(args, { cwd }) ─▶ node dist/cli/musegen.js args ─▶ { code, stdout (bytes), text, stderr }
 *
 * @example
 *   const tmp = useTempDir('cli');
 *   const r = musegen(['corpus', 'info', 'x.mid'], { cwd: tmp.path });   // cache in tmp/cache
 *   expectOneLine(r, 1, 'x.mid', /no such file/);
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { BIN } from './paths.js';

export { BIN };

export interface CliOptions {
  /** The working folder (relative paths in args are read and written there). */
  cwd: string;
  /** MUSEGEN_CACHE_DIR for the run (default `<cwd>/cache`): never the user's cache, never another test file's. */
  cacheDir?: string;
  /** Milliseconds before the run is killed (default 110 s). */
  timeout?: number;
  /** A file descriptor to take stdout, as `> out.mid` does (stdout is then empty here). */
  stdoutFd?: number;
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout as bytes (MIDI) … */
  stdout: Buffer;
  /** … and as text. */
  text: string;
  stderr: string;
}

/** The environment of a run: no colours, no debug stacks, the cache where the test says. */
export function cliEnv(cacheDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, MUSEGEN_CACHE_DIR: cacheDir, NO_COLOR: '1' };
  delete env.MUSEGEN_DEBUG;
  return env;
}

/** Run musegen to the end. */
export function musegen(args: readonly string[], options: CliOptions): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: cliEnv(options.cacheDir ?? join(options.cwd, 'cache')),
    timeout: options.timeout ?? 110_000,
    stdio: ['ignore', options.stdoutFd ?? 'pipe', 'pipe'],
  });
  const stdout = r.stdout ?? Buffer.alloc(0);
  return { code: r.status, signal: r.signal, stdout, text: stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

/** Start musegen in the background: `seen` resolves when stderr matches `watch`, `done` when it exits. */
export function startMusegen(args: readonly string[], options: CliOptions, watch: RegExp) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd, env: cliEnv(options.cacheDir ?? join(options.cwd, 'cache')), stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let resolveSeen: () => void;
  const seen = new Promise<void>((r) => (resolveSeen = r));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
    if (watch.test(stderr)) resolveSeen();
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((r) => child.on('close', (code, signal) => r({ code, signal, stderr })));
  return { child, seen, done };
}

/** The error contract: exit `code`, exactly one line on stderr, "musegen: …", mentioning each of `mentions`, no stack. */
export function expectOneLine(r: { code: number | null; stderr: string }, code: number, ...mentions: (string | RegExp)[]): void {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^musegen: /);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  for (const m of mentions) expect(lines[0]).toMatch(m);
}
