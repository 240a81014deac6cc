/**
 * Copy detection: how much of a generated piece is already in the training
 * corpus. A piece is read as its melody's notes (the top note at each onset)
 * made transposition-invariant — each note is (interval from the note before,
 * duration) — so a tune moved to another key is still the same tune.
 *
 *   corpus melodies ─ note tokens ─ runs of length n, hashed (two polynomial hashes; built once per n)
 *   generated piece ─ note tokens ─ longest run found in the corpus (binary search on n)
 *                                 ─ share of its 8-note runs found in the corpus
 *
 * @example
 *   const index = new CopyIndex(trainingScores);
 *   const { longestNotes, longestBars, sharedEightGrams } = index.check(generated);
 */
import { TICKS_PER_QUARTER, barLength, midiOf, timeSignatureAt, type Score } from '../score/index.js';
import { MusegenError } from '../errors.js';
import { pitchedNotes } from './features.js';

/** What a generated piece shares with the corpus. */
export interface CopyReport {
  /** Notes in the piece's melody. */
  notes: number;
  /** The longest run of melody notes (intervals and durations) found in the corpus. */
  longestNotes: number;
  /** That run's length in bars of the piece's meter. */
  longestBars: number;
  /** Share of the piece's runs of 8 notes found in the corpus (0 when it has none). */
  sharedEightGrams: number;
}

/** The melody: the highest note at each onset, as (interval, duration) tokens; the first note's interval is 0. */
export function melodyTokens(score: Score): { tokens: string[]; durations: number[] } {
  const top = new Map<number, { midi: number; duration: number }>();
  for (const n of pitchedNotes(score)) {
    const midi = midiOf(n.pitch);
    const held = top.get(n.onset);
    if (!held || midi > held.midi) top.set(n.onset, { midi, duration: n.duration });
  }
  const notes = [...top.entries()].sort((a, b) => a[0] - b[0]).map(([, n]) => n);
  return {
    tokens: notes.map((n, i) => `${i === 0 ? 0 : n.midi - notes[i - 1]!.midi}/${n.duration}`),
    durations: notes.map((n) => n.duration),
  };
}

/** Two polynomial hashes of runs, in moduli small enough that every product is exact in a double. */
const MODULI = [67_108_859, 33_554_393] as const;
const BASE = 1_000_003;
/** The longest generated melody a check takes (notes). */
const MAX_PIECE_NOTES = 100_000;

/** Prefix hashes of a token sequence, so any run's hash is O(1). */
class RunHashes {
  private readonly prefix: Float64Array[];
  constructor(ids: readonly number[], private readonly powers: Float64Array[]) {
    this.prefix = MODULI.map((m) => {
      const h = new Float64Array(ids.length + 1);
      for (let i = 0; i < ids.length; i++) h[i + 1] = (h[i]! * (BASE % m) + ids[i]!) % m;
      return h;
    });
  }

  /** The key of the run of n tokens starting at i. */
  run(i: number, n: number): number {
    const [a, b] = MODULI.map((m, k) => {
      const h = this.prefix[k]!;
      return (((h[i + n]! - h[i]! * this.powers[k]![n]!) % m) + m) % m;
    });
    return a! * 2 ** 26 + b!;
  }
}

/** The training corpus's melodies, indexed by runs of notes. */
export class CopyIndex {
  private readonly ids = new Map<string, number>();
  private readonly powers: Float64Array[];
  private readonly melodies: { hashes: RunHashes; length: number }[];
  private readonly runs = new Map<number, Set<number>>();

  constructor(corpus: Iterable<Score>) {
    const scores = [...corpus];
    const longest = Math.max(MAX_PIECE_NOTES, ...scores.map((s) => pitchedNotes(s).length)) + 1;
    this.powers = MODULI.map((m) => {
      const p = new Float64Array(longest + 1);
      p[0] = 1;
      for (let i = 1; i <= longest; i++) p[i] = (p[i - 1]! * (BASE % m)) % m;
      return p;
    });
    this.melodies = scores.map((s) => {
      const { tokens } = melodyTokens(s);
      return { hashes: this.hashes(tokens), length: tokens.length };
    });
  }

  private hashes(tokens: readonly string[]): RunHashes {
    const ids = tokens.map((t) => {
      let id = this.ids.get(t);
      if (id === undefined) this.ids.set(t, (id = this.ids.size + 1));
      return id;
    });
    return new RunHashes(ids, this.powers);
  }

  /** The keys of every run of n tokens in the corpus (built once per n). */
  private runsOf(n: number): Set<number> {
    let set = this.runs.get(n);
    if (!set) {
      set = new Set();
      for (const m of this.melodies) for (let i = 0; i + n <= m.length; i++) set.add(m.hashes.run(i, n));
      this.runs.set(n, set);
    }
    return set;
  }

  /** Where some run of n tokens of the piece appears in the corpus, or −1. */
  private anyRun(piece: RunHashes, length: number, n: number): number {
    const set = this.runsOf(n);
    for (let i = 0; i + n <= length; i++) if (set.has(piece.run(i, n))) return i;
    return -1;
  }

  /** What `piece` shares with the corpus. */
  check(piece: Score): CopyReport {
    const { tokens, durations } = melodyTokens(piece);
    if (tokens.length + 1 >= this.powers[0]!.length) throw new MusegenError('BAD_ARGUMENT', `a piece of ${tokens.length} notes is longer than copy detection takes (${MAX_PIECE_NOTES})`);
    const hashes = this.hashes(tokens);
    // longest shared run: binary search on its length (a run of n found means one of n − 1 is too)
    let lo = 0;
    let hi = tokens.length;
    let at = -1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      const i = this.anyRun(hashes, tokens.length, mid);
      if (i >= 0) {
        lo = mid;
        at = i;
      } else {
        hi = mid - 1;
      }
    }
    const bar = barLength(timeSignatureAt(piece, 0)) || 4 * TICKS_PER_QUARTER;
    const runTicks = at < 0 ? 0 : durations.slice(at, at + lo).reduce((a, b) => a + b, 0);
    let eights = 0;
    let shared = 0;
    const eightRuns = this.runsOf(8);
    for (let i = 0; i + 8 <= tokens.length; i++, eights++) if (eightRuns.has(hashes.run(i, 8))) shared++;
    return { notes: tokens.length, longestNotes: lo, longestBars: runTicks / bar, sharedEightGrams: eights > 0 ? shared / eights : 0 };
  }
}
