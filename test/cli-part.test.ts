/**
 * Which part a melody comes from, through the CLI: `--part` by index or by
 * name (any case) for training and priming, the part chosen said in one
 * line (by default too), a part no piece has refused up front as a usage
 * error naming how many parts the pieces have; and on `--resume` the
 * encoding warnings of the first run are not printed again.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createScore, midiOf, readMidi, writeMidi, type Score } from '../src/index.js';
import { fourPartPieces, writeFourPartFolder } from './helpers/chorales.js';
import { expectOneLine, musegen as run, type CliRun } from './helpers/cli.js';
import { useTempDir } from './helpers/temp.js';

const tmp = useTempDir('cli-part');
const musegen = (...args: string[]): CliRun => run(args, { cwd: tmp.path });
const TINY = ['--units', '8', '--epochs', '1', '--seq-len', '16', '--seed', '1'];

/** Pieces of four parts listed bass first (as kern lists them), named or not. */
function bassFirst(names: readonly string[]): Score[] {
  return fourPartPieces(6, 3).map((s) => createScore({ ...s, parts: [...s.parts].reverse().map((p, i) => ({ ...p, name: names[i]! })) }));
}

/** The first pitches (MIDI) of a part of a MIDI file. */
const firstPitches = (bytes: Uint8Array, part: number, n = 5): number[] => readMidi(bytes).parts[part]!.notes.slice(0, n).map((x) => midiOf(x.pitch));

beforeAll(() => {
  writeFourPartFolder(tmp.join('named'), bassFirst(['Bass', 'Tenor', 'Alto', 'Soprano']));
  writeFourPartFolder(tmp.join('unnamed'), bassFirst(['Cello', 'Viola', 'Violin II', 'Violin I']));
  writeFileSync(tmp.join('primer.mid'), writeMidi(bassFirst(['Bass', 'Tenor', 'Alto', 'Soprano'])[0]!));
});

describe('train --part', () => {
  it.each([
    ['the default: the part named like a melody', 'named', [], /^melody from part 'Soprano' \(named like a melody\) in \d+ pieces$/m],
    ['the default: else the highest part', 'unnamed', [], /^melody from part 'Violin I' \(the highest part\) in \d+ pieces$/m],
    ['a name, in any case', 'named', ['--part', 'aLTO'], /^melody from part 'Alto' \(as asked\) in \d+ pieces$/m],
    ['an index', 'named', ['--part', '1'], /^melody from part 'Tenor' \(as asked\) in \d+ pieces$/m],
  ])('%s: said in one line', (_what, folder, part, says) => {
    const r = musegen('train', folder, '-o', `m-${folder}-${part.join('')}`, ...TINY, ...part);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(says);
  });

  it.each([
    [['--part', '99'], /^musegen: --part 99: the pieces have no part 99 \(parts are counted from 0\): they have 4 parts; names: Bass, Tenor, Alto, Soprano$/],
    [['--part', 'fiddle'], /^musegen: --part "fiddle": the pieces have no part named "fiddle": they have 4 parts; names: Bass, Tenor, Alto, Soprano$/],
  ])('a part no piece has (%j): a usage error before any training', (part, says) => {
    const r = musegen('train', 'named', '-o', 'm-none', ...TINY, ...part);
    expectOneLine(r, 2, says);
  });
});

describe('options the encoding cannot act on', () => {
  it('warn in one line each: --part for an encoding of every part, --no-onsets for one without onsets', () => {
    const r = musegen('train', 'named', '-o', 'm-voices', ...TINY, '--encoding', 'voices', '--part', '2', '--no-onsets');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^musegen: warning: --part chooses the part a melody is read from: the voices encoding reads its own parts, so --part does nothing$/m);
    expect(r.stderr).toMatch(/^musegen: warning: --no-onsets drops a piano roll's onset channel: the voices encoding has none, so it does nothing$/m);
  });
});

describe('sample --prime with --part', () => {
  it('continues the part asked for (by default the melody), and says which', () => {
    const primer = readFileSync(tmp.join('primer.mid'));
    const out = (args: string[]) => {
      const r = musegen('sample', '--prime', 'primer.mid', '--bars', '1', '--seed', '1', '-o', 'primed.mid', ...args);
      expect(r.code, r.stderr).toBe(0);
      return { stderr: r.stderr, first: firstPitches(readFileSync(tmp.join('primed.mid')), 0) };
    };
    const byDefault = out([]);
    expect(byDefault.stderr).toMatch(/^melody from part 'Soprano' \(named like a melody\) of primer\.mid$/m);
    expect(byDefault.first).toEqual(firstPitches(primer, 3));
    const alto = out(['--part', 'alto']);
    expect(alto.stderr).toMatch(/^melody from part 'Alto' \(as asked\) of primer\.mid$/m);
    expect(alto.first).toEqual(firstPitches(primer, 2));
    expect(out(['--part', '0']).first).toEqual(firstPitches(primer, 0));
  });

  it('refuses a part the primer lacks, and warns when --part has nothing to act on', () => {
    expectOneLine(musegen('sample', '--prime', 'primer.mid', '--part', '7', '-o', 'x.mid'), 2, /^musegen: --part 7: primer\.mid has no part 7 \(parts are counted from 0\): it has 4 parts/);
    const r = musegen('sample', '--part', '2', '--bars', '1', '-o', 'x.mid');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^musegen: warning: --part chooses the part of the primer to continue: without --prime it does nothing$/m);
  });
});

describe('train --resume', () => {
  it('does not print the first run\'s encoding warnings again, and says they were shown', () => {
    const first = musegen('train', 'named', '-o', 'm-resume', ...TINY, '--range', '60..72');
    expect(first.code, first.stderr).toBe(0);
    const warnings = first.stderr.split('\n').filter((l) => l.startsWith('musegen: warning: satb-'));
    expect(warnings.length).toBeGreaterThan(0);
    const resumed = musegen('train', '--resume', '-o', 'm-resume', '--epochs', '2');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).not.toMatch(/^musegen: warning:/m);
    expect(resumed.stderr).toMatch(/^musegen: note: the \d+ encoding warnings of this corpus were shown when the run began \(--json lists them\)$/m);
  });
});
