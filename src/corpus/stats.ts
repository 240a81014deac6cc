/**
 * What a corpus holds, in numbers: files, pieces, notes, bars, pitch range,
 * keys and meters (pieces using each), fermatas, total duration, failures
 * and cache use. Plain data, ready to print as a table or as JSON.
 */
import type { Split } from '../io/index.js';
import {
  TICKS_PER_QUARTER, accidentalText, barStarts, keySignatureFifths, midiOf, pitchName, stepAlterOfFifths,
  type KeySignatureEvent, type Midi,
} from '../score/index.js';
import type { CacheReport } from './cache.js';
import type { Corpus } from './load.js';
import { workingSplit, type WorkingSplit } from './split.js';
import type { Failure } from './walk.js';

export interface PitchStat {
  midi: Midi;
  /** As spelled in the first note found at that MIDI number ("F#5"). */
  name: string;
}

export interface CorpusStats {
  paths: string[];
  files: { found: number; read: number; failed: number; ignoredHidden: number; ignoredUnsupported: number };
  pieces: number;
  /** Pieces by the split the corpus marks (the source's, else by file name). */
  splits: Record<Split, number>;
  /** How `musegen train` uses them (workingSplit): the same counts, unless it holds validation pieces out of train. */
  training: { train: number; valid: number; unused: number; validSource: WorkingSplit['validSource'] };
  notes: number;
  bars: number;
  fermatas: number;
  /** Total length of the pieces in quarter notes. */
  durationQuarters: number;
  /** Lowest and highest pitched (non-drum) note; null when there is none. */
  pitchRange: { lowest: PitchStat; highest: PitchStat } | null;
  /** Pieces using each key signature ("G major"), most used first; "none" for pieces without one. */
  keys: Record<string, number>;
  /** Pieces using each meter ("6/8"), most used first. */
  meters: Record<string, number>;
  failures: Failure[];
  /** Pieces skipped inside files that gave others. */
  warnings: string[];
  cache: CacheReport;
}

/** "G major", "F# minor", "D dorian". */
export function keySignatureName(k: Pick<KeySignatureEvent, 'fifths' | 'mode'>): string {
  // the tonic lies as far from the signature's C as the mode's signature on C lies from C major
  const { step, alter } = stepAlterOfFifths(k.fifths - keySignatureFifths({ step: 'C', alter: 0 }, k.mode));
  return `${step}${accidentalText(alter)} ${k.mode}`;
}

/** A record of counts, most frequent first (ties by name). */
function byCount(counts: Map<string, number>): Record<string, number> {
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return Object.fromEntries(sorted);
}

function countOncePerPiece(counts: Map<string, number>, names: Iterable<string>): void {
  for (const name of new Set(names)) counts.set(name, (counts.get(name) ?? 0) + 1);
}

export function corpusStats(corpus: Corpus): CorpusStats {
  const working = workingSplit(corpus.pieces);
  const keys = new Map<string, number>();
  const meters = new Map<string, number>();
  const splits: Record<Split, number> = { train: 0, valid: 0, test: 0 };
  let notes = 0, bars = 0, fermatas = 0, ticks = 0;
  let lowest: PitchStat | undefined;
  let highest: PitchStat | undefined;

  for (const { score, split } of corpus.pieces) {
    splits[split]++;
    bars += barStarts(score).length;
    ticks += score.end;
    const keyNames = score.keySignatures.map(keySignatureName);
    countOncePerPiece(keys, keyNames.length > 0 ? keyNames : ['none']);
    countOncePerPiece(meters, score.timeSignatures.map((t) => `${t.numerator}/${t.denominator}`));
    for (const part of score.parts) {
      notes += part.notes.length;
      for (const n of part.notes) {
        if (n.fermata) fermatas++;
        if (part.isDrum) continue;
        const midi = midiOf(n.pitch);
        if (!lowest || midi < lowest.midi) lowest = { midi, name: pitchName(n.pitch) };
        if (!highest || midi > highest.midi) highest = { midi, name: pitchName(n.pitch) };
      }
    }
  }

  return {
    paths: corpus.paths,
    files: {
      found: corpus.files,
      read: corpus.files - corpus.failures.length,
      failed: corpus.failures.length,
      ignoredHidden: corpus.ignored.hidden,
      ignoredUnsupported: corpus.ignored.unsupported,
    },
    pieces: corpus.pieces.length,
    splits,
    training: { train: working.train.length, valid: working.valid.length, unused: working.unused, validSource: working.validSource },
    notes,
    bars,
    fermatas,
    durationQuarters: ticks / TICKS_PER_QUARTER,
    pitchRange: lowest && highest ? { lowest, highest } : null,
    keys: byCount(keys),
    meters: byCount(meters),
    failures: corpus.failures,
    warnings: corpus.warnings,
    cache: corpus.cache,
  };
}
