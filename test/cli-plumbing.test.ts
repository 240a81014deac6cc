/**
 * The CLI's shared plumbing without spawning: the progress display on a
 * terminal and elsewhere (with a fake stream and clock), and the error
 * handler's lines and exit codes.
 */
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { EXIT, reportError } from '../cli/exit.js';
import { createProgress, type ProgressStream } from '../cli/progress.js';
import { MusegenError } from '../src/index.js';

function fakeStream(isTTY: boolean): ProgressStream & { out: string } {
  return { isTTY, columns: 100, out: '', write(s: string) { this.out += s; } };
}

describe('progress', () => {
  it('draws a bar with percent, count, rate and ETA on a terminal, coloured unless NO_COLOR', () => {
    let now = 0;
    const stream = fakeStream(true);
    const p = createProgress({ label: 'loading', total: 200, stream, env: {}, now: () => now });
    now = 1000;
    p.update(50);
    expect(stream.out).toMatch(/^\rloading {2}\[.*\] {2} 25% {2}50\/200 files {2}50\/s {2}ETA 3s\x1b\[K$/);
    expect(stream.out).toContain('\x1b[36m');
    now = 1050;
    p.update(60); // too soon after the last redraw
    expect(stream.out.split('\r')).toHaveLength(2);
    p.finish();
    expect(stream.out.endsWith('\r\x1b[K')).toBe(true);

    const plain = fakeStream(true);
    const q = createProgress({ label: 'loading', total: 4, stream: plain, env: { NO_COLOR: '1' }, now: () => 500 });
    q.update(4);
    expect(plain.out).toContain('[##############################]');
    expect(plain.out).not.toContain('\x1b[3');
  });

  it('prints occasional plain lines when not on a terminal, nothing for a quick job', () => {
    let now = 0;
    const quick = fakeStream(false);
    const a = createProgress({ label: 'loading', total: 10, stream: quick, now: () => now, lineEveryMs: 5000 });
    for (let i = 1; i <= 10; i++) a.update(i);
    a.finish();
    expect(quick.out).toBe('');

    const slow = fakeStream(false);
    const b = createProgress({ label: 'loading', total: 3000, stream: slow, now: () => now, lineEveryMs: 5000 });
    for (let i = 1; i <= 3000; i++) {
      now = i * 4; // 12 s in all
      b.update(i);
    }
    b.finish();
    expect(slow.out).toBe('loading: 1,250/3,000 files (41%)\nloading: 2,500/3,000 files (83%)\nloading: 3,000 files in 12s\n');
  });

  it('is silent with quiet', () => {
    const stream = fakeStream(true);
    const p = createProgress({ label: 'loading', total: 10, stream, quiet: true });
    p.update(5);
    p.finish();
    expect(stream.out).toBe('');
  });
});

describe('reportError', () => {
  const report = (e: unknown, env: NodeJS.ProcessEnv = {}): { code: number; out: string } => {
    let out = '';
    const code = reportError(e, { write: (s: string) => (out += s) }, env);
    return { code, out };
  };

  it('prints one line per kind of error with its exit code', () => {
    expect(report(new MusegenError('BAD_FORMAT', 'not a MIDI file (no MThd header)', 'a.mid')))
      .toEqual({ code: EXIT.FAILURE, out: 'musegen: a.mid: not a MIDI file (no MThd header)\n' });
    const disk = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    expect(report(disk)).toEqual({ code: EXIT.FAILURE, out: 'musegen: ENOSPC: no space left on device, write\n' });
    expect(report(new CommanderError(1, 'commander.unknownCommand', "error: unknown command 'x'\n(Did you mean y?)")))
      .toEqual({ code: EXIT.USAGE, out: "musegen: unknown command 'x' (Did you mean y?)\n" });
    expect(report(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toEqual({ code: EXIT.OK, out: '' });
    expect(report(new TypeError("Cannot read properties of undefined (reading 'x')\nmore")))
      .toEqual({ code: EXIT.INTERNAL, out: "musegen: internal error: Cannot read properties of undefined (reading 'x') (run with MUSEGEN_DEBUG=1 for details)\n" });
  });

  it('never echoes raw control bytes or kilobytes of input', () => {
    const junk = `x.krn: unknown token "${'\u001b[31m'}${'ab\u0007'.repeat(1000)}"`;
    const { code, out } = report(new MusegenError('BAD_FORMAT', junk));
    expect(code).toBe(EXIT.FAILURE);
    expect(out.split('\n')).toHaveLength(2); // one line and its end
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(out).toMatch(/^musegen: x\.krn: unknown token "\\x1b\[31mab\\x07ab/);
    expect(out.length).toBeLessThanOrEqual('musegen: '.length + 400 + 1);
    expect(out.trimEnd().endsWith('…')).toBe(true);
  });

  it('adds the stack with MUSEGEN_DEBUG=1', () => {
    const { code, out } = report(new Error('boom'), { MUSEGEN_DEBUG: '1' });
    expect(code).toBe(EXIT.INTERNAL);
    expect(out.split('\n')[0]).toBe('musegen: internal error: boom');
    expect(out).toMatch(/^\s+at /m);
  });
});
