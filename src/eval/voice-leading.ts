/**
 * Voice leading over voice cells (encoding/cells.ts): what a harmoniser's
 * voices do against each other, measured the same way on its output and on
 * Bach's own voices — the ranges each voice sings, voice crossing, parallel
 * fifths and octaves, and singing outside a range.
 *
 *   pieces ─ voiceRanges ─► per voice: lowest / highest sung, and percentile bounds
 *   piece (+ ranges) ─ voiceLeading ─► crossings, parallels, out-of-range cells
 *   pieces (+ ranges) ─ voiceLeadingOf ─► the same, pooled (counts summed, rates of the sums)
 *
 * Tracks are voices from the highest down: track 0 is the soprano, then alto,
 * tenor, bass (the order of the JSB separated file and of a PianoRollEncoder
 * with parts [0, 1, 2, 3] over a S A T B score). A cell is 0 for a rest or
 * v ≥ 1 for MIDI `lowest + v − 1`; `lowest` is the encoder's (36 for the
 * harmoniser's roll over MIDI 36–81, the default here). Cells cannot tell a
 * held note from a repeated one, so neither can these measures.
 *
 * Definitions (exact):
 * - A voice *sounds* at a step when its cell is not a rest.
 * - **Crossing**: at a step, some voice i above voice j in the track order
 *   (i < j) sounds strictly lower than j, both sounding. A unison is not a
 *   crossing. `crossingShare` = crossing steps / steps where at least two
 *   voices sound.
 * - **Transition**: two consecutive steps whose cells differ (a change of
 *   sonority; equal consecutive steps — a held chord — are one sonority).
 * - A voice **moves** in a transition when it sounds on both sides and its
 *   pitch changes. A voice holding (or repeating) its pitch, or resting on
 *   either side, does not move.
 * - For each pair of voices and each transition where **both voices of the
 *   pair move** (the rates' denominator, `bothMove`), the motion is a
 *   **parallel fifth** when the interval between the two voices is a fifth
 *   or a compound fifth (|upper − lower| mod 12 = 7) before and after, and a
 *   **parallel octave** when it is a unison, octave or compound octave (mod 12
 *   = 0) before and after, the two voices moving in the same direction — and
 *   not both by whole octaves (that sounds the same pitch classes again, no
 *   parallel). So a fifth to a twelfth in similar motion counts, a fifth
 *   reached by contrary motion does not, nor one where a voice holds.
 *   The interval is unsigned: a fifth that turns into a fifth the other way
 *   round by crossing, in similar motion, counts too.
 * - `parallelFifths.rate` = parallel fifths / `bothMove` (likewise octaves),
 *   over all six pairs of four voices together; `pairs` gives them pair by pair.
 * - **Out of range**: a sounding cell below `low` or above `high` of its
 *   voice's range (inclusive bounds). `outOfRangeShare` = those / sounding
 *   cells; null when no ranges are given.
 *
 * Pooling (`voiceLeadingOf`) sums every count and divides the sums, so a
 * long piece weighs more than a short one, as the cells do.
 */
import type { VoiceCells } from '../encoding/index.js';
import { MusegenError } from '../errors.js';

/** MIDI pitch of cell value 1 unless told: the harmoniser's roll spans MIDI 36–81. */
export const DEFAULT_CELL_LOWEST = 36;

/** An inclusive span of MIDI pitches. */
export interface PitchSpan {
  low: number;
  high: number;
}

/** What a voice sings over a set of pieces. `low` / `high` are the percentile bounds (the span `voiceLeading` checks). */
export interface VoiceRange extends PitchSpan {
  voice: number;
  /** The lowest and highest MIDI pitch actually sung (NaN when the voice never sounds). */
  lowest: number;
  highest: number;
  /** Sounding cells counted. */
  cells: number;
  /** The percentile of `low` (and 100 − it of `high`). */
  percentile: number;
}

export interface CellPitchOptions {
  /** MIDI pitch of cell value 1 (default 36). */
  lowest?: number;
}

export interface VoiceRangeOptions extends CellPitchOptions {
  /**
   * `low` is the smallest pitch with at least this percent of the voice's
   * sounding cells at or below it, `high` likewise from the top (nearest
   * rank). 0 gives the extremes. Default 1 (the 1st–99th percentile).
   */
  percentile?: number;
}

/** A count and its rate per pair transition where both voices move. */
export interface ParallelCount {
  count: number;
  rate: number;
}

/** One pair of voices (upper above lower in the track order). */
export interface PairLeading {
  upper: number;
  lower: number;
  /** Steps where both sound and the upper voice is strictly below the lower one. */
  crossings: number;
  /** Transitions where both voices move. */
  bothMove: number;
  fifths: number;
  octaves: number;
}

export interface VoiceLeading {
  pieces: number;
  steps: number;
  /** Steps where at least two voices sound: the crossing share's denominator. */
  polyphonicSteps: number;
  /** Steps with at least one crossed pair. */
  crossingSteps: number;
  crossingShare: number;
  /** Changes of sonority (consecutive steps that differ). */
  transitions: number;
  /** (pair, transition) with both voices of the pair moving: the parallel rates' denominator. */
  bothMove: number;
  parallelFifths: ParallelCount;
  parallelOctaves: ParallelCount;
  /** Every pair, upper voice first: (0,1), (0,2), …, (tracks−2, tracks−1). */
  pairs: PairLeading[];
  soundingCells: number;
  /** Sounding cells outside their voice's range; 0 without ranges. */
  outOfRange: number;
  /** outOfRange / soundingCells; null without ranges. */
  outOfRangeShare: number | null;
}

const ratio = (n: number, d: number): number => (d > 0 ? n / d : 0);

function checkPieces(pieces: readonly VoiceCells[]): number {
  if (pieces.length === 0) return 0;
  const tracks = pieces[0]!.tracks;
  for (const p of pieces) {
    if (p.tracks !== tracks) throw new MusegenError('BAD_ARGUMENT', `voice leading: pieces of ${tracks} and of ${p.tracks} voices cannot be measured together`);
    if (p.cells.length !== p.tracks * p.steps) throw new MusegenError('BAD_ARGUMENT', `voice leading: ${p.cells.length} cells for ${p.tracks} voices × ${p.steps} steps`);
  }
  return tracks;
}

/**
 * The range each voice sings over `pieces`: the extremes and the percentile
 * bounds (nearest rank over sounding cells, so a pitch held four steps
 * counts four times). One entry per track, soprano first.
 */
export function voiceRanges(pieces: readonly VoiceCells[], options: VoiceRangeOptions = {}): VoiceRange[] {
  const lowest = options.lowest ?? DEFAULT_CELL_LOWEST;
  const percentile = options.percentile ?? 1;
  if (!(percentile >= 0 && percentile < 50)) throw new MusegenError('BAD_ARGUMENT', `voice ranges: a percentile from 0 to under 50, not ${percentile}`);
  const tracks = checkPieces(pieces);
  const out: VoiceRange[] = [];
  for (let v = 0; v < tracks; v++) {
    const histogram = new Map<number, number>();
    let cells = 0;
    for (const p of pieces) {
      for (let s = 0; s < p.steps; s++) {
        const c = p.cells[v * p.steps + s]!;
        if (c > 0) {
          histogram.set(c, (histogram.get(c) ?? 0) + 1);
          cells++;
        }
      }
    }
    const values = [...histogram.keys()].sort((a, b) => a - b);
    if (cells === 0) {
      out.push({ voice: v, lowest: NaN, highest: NaN, low: NaN, high: NaN, cells: 0, percentile });
      continue;
    }
    // nearest rank: the k-th smallest cell, k = max(1, ceil(q·n)); high symmetric from the top
    const rank = Math.max(1, Math.ceil((percentile / 100) * cells));
    const kth = (k: number, order: number[]): number => {
      let seen = 0;
      for (const value of order) {
        seen += histogram.get(value)!;
        if (seen >= k) return value;
      }
      return order[order.length - 1]!;
    };
    const midi = (c: number): number => lowest + c - 1;
    out.push({
      voice: v,
      lowest: midi(values[0]!),
      highest: midi(values[values.length - 1]!),
      low: midi(kth(rank, values)),
      high: midi(kth(rank, [...values].reverse())),
      cells,
      percentile,
    });
  }
  return out;
}

/** The voice-leading measures of one piece (see the file's comment for the exact definitions). */
export function voiceLeading(piece: VoiceCells, ranges?: readonly PitchSpan[], options: CellPitchOptions = {}): VoiceLeading {
  const lowest = options.lowest ?? DEFAULT_CELL_LOWEST;
  const tracks = checkPieces([piece]);
  if (ranges && ranges.length !== tracks) throw new MusegenError('BAD_ARGUMENT', `voice leading: ${ranges.length} ranges for ${tracks} voices`);
  const { steps, cells } = piece;
  const at = (v: number, s: number): number => cells[v * steps + s]!;
  const pairs: PairLeading[] = [];
  for (let i = 0; i < tracks; i++) for (let j = i + 1; j < tracks; j++) pairs.push({ upper: i, lower: j, crossings: 0, bothMove: 0, fifths: 0, octaves: 0 });

  let polyphonicSteps = 0;
  let crossingSteps = 0;
  let transitions = 0;
  let soundingCells = 0;
  let outOfRange = 0;
  for (let s = 0; s < steps; s++) {
    let sounding = 0;
    for (let v = 0; v < tracks; v++) {
      const c = at(v, s);
      if (c === 0) continue;
      sounding++;
      if (ranges) {
        const m = lowest + c - 1;
        if (m < ranges[v]!.low || m > ranges[v]!.high) outOfRange++;
      }
    }
    soundingCells += sounding;
    if (sounding >= 2) polyphonicSteps++;
    let crossed = false;
    for (const pair of pairs) {
      const a = at(pair.upper, s);
      const b = at(pair.lower, s);
      if (a > 0 && b > 0 && a < b) {
        pair.crossings++;
        crossed = true;
      }
    }
    if (crossed) crossingSteps++;

    if (s === 0) continue;
    let changed = false;
    for (let v = 0; v < tracks && !changed; v++) changed = at(v, s) !== at(v, s - 1);
    if (!changed) continue;
    transitions++;
    for (const pair of pairs) {
      const a0 = at(pair.upper, s - 1);
      const a1 = at(pair.upper, s);
      const b0 = at(pair.lower, s - 1);
      const b1 = at(pair.lower, s);
      if (a0 === 0 || a1 === 0 || b0 === 0 || b1 === 0 || a0 === a1 || b0 === b1) continue;
      pair.bothMove++;
      const da = a1 - a0;
      const db = b1 - b0;
      if (Math.sign(da) !== Math.sign(db)) continue;
      if (da % 12 === 0 && db % 12 === 0) continue;
      const before = Math.abs(a0 - b0) % 12;
      const after = Math.abs(a1 - b1) % 12;
      if (before === 7 && after === 7) pair.fifths++;
      else if (before === 0 && after === 0) pair.octaves++;
    }
  }
  return leadingOf({ pieces: 1, steps, polyphonicSteps, crossingSteps, transitions, pairs, soundingCells, outOfRange, ranged: Boolean(ranges) });
}

/** The counts a measurement is made of; rates and shares are taken from them. */
interface LeadingCounts {
  pieces: number;
  steps: number;
  polyphonicSteps: number;
  crossingSteps: number;
  transitions: number;
  pairs: PairLeading[];
  soundingCells: number;
  outOfRange: number;
  /** Whether ranges were given (else the out-of-range share is null). */
  ranged: boolean;
}

function leadingOf(c: LeadingCounts): VoiceLeading {
  const bothMove = c.pairs.reduce((n, p) => n + p.bothMove, 0);
  const fifths = c.pairs.reduce((n, p) => n + p.fifths, 0);
  const octaves = c.pairs.reduce((n, p) => n + p.octaves, 0);
  return {
    pieces: c.pieces,
    steps: c.steps,
    polyphonicSteps: c.polyphonicSteps,
    crossingSteps: c.crossingSteps,
    crossingShare: ratio(c.crossingSteps, c.polyphonicSteps),
    transitions: c.transitions,
    bothMove,
    parallelFifths: { count: fifths, rate: ratio(fifths, bothMove) },
    parallelOctaves: { count: octaves, rate: ratio(octaves, bothMove) },
    pairs: c.pairs,
    soundingCells: c.soundingCells,
    outOfRange: c.outOfRange,
    outOfRangeShare: c.ranged ? ratio(c.outOfRange, c.soundingCells) : null,
  };
}

/** Several measurements pooled: counts summed, rates and shares of the sums. */
export function poolVoiceLeading(parts: readonly VoiceLeading[]): VoiceLeading {
  const sum = (f: (v: VoiceLeading) => number): number => parts.reduce((n, v) => n + f(v), 0);
  const pairs = (parts[0]?.pairs ?? []).map((p, k): PairLeading => ({
    upper: p.upper,
    lower: p.lower,
    crossings: sum((v) => v.pairs[k]!.crossings),
    bothMove: sum((v) => v.pairs[k]!.bothMove),
    fifths: sum((v) => v.pairs[k]!.fifths),
    octaves: sum((v) => v.pairs[k]!.octaves),
  }));
  return leadingOf({
    pieces: sum((v) => v.pieces), steps: sum((v) => v.steps), polyphonicSteps: sum((v) => v.polyphonicSteps), crossingSteps: sum((v) => v.crossingSteps),
    transitions: sum((v) => v.transitions), pairs, soundingCells: sum((v) => v.soundingCells), outOfRange: sum((v) => v.outOfRange),
    ranged: parts.length > 0 && parts.every((v) => v.outOfRangeShare !== null),
  });
}

/** The measures over several pieces, pooled (counts summed, rates of the sums). */
export function voiceLeadingOf(pieces: readonly VoiceCells[], ranges?: readonly PitchSpan[], options: CellPitchOptions = {}): VoiceLeading {
  checkPieces(pieces);
  return poolVoiceLeading(pieces.map((p) => voiceLeading(p, ranges, options)));
}

const SATB = ['soprano', 'alto', 'tenor', 'bass'];

/** The name of a voice in a four-voice texture (S A T B), else "voice n". */
export function voiceName(voice: number, tracks = 4): string {
  return tracks === 4 ? SATB[voice]! : `voice ${voice + 1}`;
}

const pct = (x: number, digits = 2): string => `${(100 * x).toFixed(digits)}%`;

/** A few lines for a person: ranges, crossings, parallels, out-of-range cells. */
export function formatVoiceLeading(label: string, vl: VoiceLeading, ranges?: readonly VoiceRange[]): string {
  const lines = [`${label}: ${vl.pieces} pieces, ${vl.steps} steps, ${vl.transitions} changes of sonority`];
  if (ranges) {
    const tracks = ranges.length;
    for (const r of ranges) {
      lines.push(`  ${voiceName(r.voice, tracks).padEnd(8)} sings MIDI ${r.lowest}–${r.highest}; percentiles ${r.percentile}–${100 - r.percentile}: ${r.low}–${r.high} (${r.cells} cells)`);
    }
  }
  lines.push(`  voice crossing: ${pct(vl.crossingShare)} of steps with two or more voices (${vl.crossingSteps} of ${vl.polyphonicSteps})`);
  lines.push(`  parallel fifths: ${vl.parallelFifths.count} (${pct(vl.parallelFifths.rate)} of ${vl.bothMove} pair motions with both voices moving)`);
  lines.push(`  parallel octaves/unisons: ${vl.parallelOctaves.count} (${pct(vl.parallelOctaves.rate)})`);
  const tracks = Math.round((1 + Math.sqrt(1 + 8 * vl.pairs.length)) / 2);
  for (const p of vl.pairs) {
    lines.push(`    ${`${voiceName(p.upper, tracks)}–${voiceName(p.lower, tracks)}`.padEnd(16)} both move ${String(p.bothMove).padStart(6)}  fifths ${String(p.fifths).padStart(4)}  octaves ${String(p.octaves).padStart(4)}  crossed steps ${p.crossings}`);
  }
  if (vl.outOfRangeShare !== null) lines.push(`  out of range: ${pct(vl.outOfRangeShare)} of sounding cells (${vl.outOfRange} of ${vl.soundingCells})`);
  return lines.join('\n');
}
