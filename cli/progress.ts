/**
 * Progress on stderr, never stdout. On a terminal, one redrawn line:
 *
 *     loading  [██████████··········]  52%  1,606/3,089 files  412/s  ETA 4s
 *
 * (coloured unless NO_COLOR is set). When stderr is a file or a pipe, a plain
 * line every few seconds, and a closing line only if any was printed, so a
 * quick job stays silent. `quiet` turns it all off.
 */
import { count } from './format.js';

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

export interface ProgressOptions {
  label: string;
  total: number;
  /** What is counted: "files". */
  unit?: string;
  quiet?: boolean;
  stream?: ProgressStream;
  /** For NO_COLOR and TERM. */
  env?: NodeJS.ProcessEnv;
  /** Clock in milliseconds. */
  now?: () => number;
  /** Least time between two redraws on a terminal. */
  redrawMs?: number;
  /** Least time between two plain lines elsewhere. */
  lineEveryMs?: number;
}

export interface Progress {
  /** `detail` ("loss 1.23") follows the counts. */
  update(done: number, detail?: string): void;
  /** Clear the bar (terminal) or print the closing line (elsewhere). */
  finish(): void;
}

const DEFAULTS = { unit: 'files', quiet: false, redrawMs: 100, lineEveryMs: 5000 };


/** "42s", "3m05s"; "?" when unknown. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

export function createProgress(options: ProgressOptions): Progress {
  const o = { ...DEFAULTS, stream: process.stderr as ProgressStream, env: process.env, now: Date.now, ...options };
  if (o.quiet || o.total <= 0) return { update() {}, finish() {} };
  const start = o.now();
  const tty = Boolean(o.stream.isTTY);
  const colour = !o.env.NO_COLOR && o.env.TERM !== 'dumb';
  let last = -Infinity;
  let printed = false;

  const drawBar = (done: number, detail: string): void => {
    const elapsed = (o.now() - start) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const percent = `${Math.floor((100 * done) / o.total)}%`.padStart(4);
    const speed = rate >= 10 || rate === 0 ? count(Math.round(rate)) : rate.toFixed(1);
    const tail = `${percent}  ${count(done)}/${count(o.total)} ${o.unit}  ${speed}/s  ETA ${duration(rate > 0 ? (o.total - done) / rate : Infinity)}${detail ? `  ${detail}` : ''}`;
    const width = Math.max(10, Math.min(30, (o.stream.columns ?? 80) - o.label.length - tail.length - 8));
    const filled = Math.round((width * done) / o.total);
    const bar = colour
      ? `\x1b[36m${'█'.repeat(filled)}\x1b[2m${'·'.repeat(width - filled)}\x1b[0m`
      : `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
    o.stream.write(`\r${o.label}  [${bar}]  ${tail}\x1b[K`);
  };

  return {
    update(done, detail = '') {
      const t = o.now();
      if (tty) {
        if (t - last < o.redrawMs && done < o.total) return;
        last = t;
        drawBar(done, detail);
      } else {
        if (t - Math.max(last, start) < o.lineEveryMs) return;
        last = t;
        printed = true;
        o.stream.write(`${o.label}: ${count(done)}/${count(o.total)} ${o.unit} (${Math.floor((100 * done) / o.total)}%)${detail ? `  ${detail}` : ''}\n`);
      }
    },
    finish() {
      if (tty) {
        if (last > -Infinity) o.stream.write('\r\x1b[K');
      } else if (printed) {
        o.stream.write(`${o.label}: ${count(o.total)} ${o.unit} in ${duration((o.now() - start) / 1000)}\n`);
      }
    },
  };
}
