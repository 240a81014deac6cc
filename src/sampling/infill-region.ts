/**
 * Regenerating a region of a part-song (bars × voices) with a model that
 * fills cells, everything outside it kept note for note.
 *
 *   score ─ its parts ordered highest first (kern lists the bass first) as the model's voices
 *   ─ encoder (cells, context) ─ mask: the region's steps × the chosen voices ─ gibbsInfill
 *   ─► each chosen part: its notes outside the region as they were (a note crossing an edge is cut there),
 *      the region's new notes in between; every other part untouched
 *
 * Bars are numbered as printed: with a pickup, the pickup is bar 0 and the
 * first full bar bar 1; without, the first bar is bar 1.
 */
import { cellsOfRoll, type PianoRollEncoder } from '../encoding/index.js';
import { MusegenError } from '../errors.js';
import type { Generator } from '../generators/index.js';
import { barStarts, midiOf, ticksPerStep, type Note, type Part, type Score, type Ticks } from '../score/index.js';
import { gibbsInfill } from './gibbs.js';
import { cellRanges, chosenVoices, infillOf, writtenVoices, type HarmoniseOptions } from './harmonise.js';

export interface RegionOptions extends HarmoniseOptions {
  /** First and last bar to regenerate, both included, numbered as printed. */
  bars: [number, number];
}

export interface RegionResult {
  score: Score;
  /** The region in ticks, [from, to). */
  from: Ticks;
  to: Ticks;
  /** The voices regenerated, by the model's names. */
  voices: string[];
  steps: number;
  seed: number;
}

/** "5-8" or "5" → [5, 8] / [5, 5]. */
export function parseBarRange(text: string): [number, number] {
  const m = /^\s*(\d+)\s*(?:[-–]|\.\.)?\s*(\d+)?\s*$/.exec(text);
  if (!m) throw new MusegenError('BAD_ARGUMENT', `"${text}" is not a range of bars like 5-8 or 5`);
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (to < from) throw new MusegenError('BAD_ARGUMENT', `bars ${text}: the last bar comes before the first`);
  return [from, to];
}

/** The ticks [from, to) of bars numbered as printed; throws MusegenError('BAD_ARGUMENT') for bars outside the score. */
export function barSpan(score: Score, bars: [number, number]): { from: Ticks; to: Ticks } {
  const starts = barStarts(score);
  const first = score.pickup > 0 ? 0 : 1;
  const last = starts.length - 1 + first;
  const [a, b] = bars;
  if (a < first || b > last) {
    throw new MusegenError('BAD_ARGUMENT', `bars ${a}-${b} lie outside the score (its bars are ${first}–${last}${score.pickup > 0 ? ', bar 0 the pickup' : ''})`);
  }
  return { from: starts[a - first]!, to: b - first + 1 < starts.length ? starts[b - first + 1]! : score.end };
}

/** Regenerate the region (see the module comment). */
export function infillRegion(generator: Generator, score: Score, options: RegionOptions): RegionResult {
  const infill = infillOf(generator);
  const encoder = generator.encoder as unknown as PianoRollEncoder;
  const pitched = score.parts.map((p, i) => ({ p, i })).filter(({ p }) => !p.isDrum && p.notes.length > 0);
  if (pitched.length !== infill.voices.length) {
    throw new MusegenError('BAD_ARGUMENT', `the score has ${pitched.length} part${pitched.length === 1 ? '' : 's'} with notes; the model writes ${infill.voices.length} voices (${infill.voices.join(', ')})`);
  }
  const mean = (p: Part): number => p.notes.reduce((s, n) => s + midiOf(n.pitch), 0) / p.notes.length;
  const order = [...pitched].sort((x, y) => mean(y.p) - mean(x.p)).map(({ i }) => i); // voice track → part index
  const voices = chosenVoices(infill, options.voices, null);
  const { from, to } = barSpan(score, options.bars);

  const encoded = encoder.encode({ ...score, parts: order.map((i) => score.parts[i]!) });
  if (encoded.kind !== 'roll') throw new MusegenError('INTERNAL', 'a conv model reads piano rolls');
  const known = cellsOfRoll(encoder, encoded.roll);
  const q = ticksPerStep(encoder.spec.stepsPerQuarter);
  const [s0, s1] = [Math.floor(from / q), Math.min(known.steps, Math.ceil(to / q))];
  const mask = new Uint8Array(known.cells.length);
  for (const t of voices) mask.fill(1, t * known.steps + s0, t * known.steps + s1);
  const result = gibbsInfill(infill, { piece: known, context: encoded.context, mask }, { ...options, ranges: cellRanges(infill) });

  // only the region's cells of the chosen voices are written back
  const region = { ...result.piece, cells: result.piece.cells.map((v, c) => (mask[c] ? v : 0)) };
  const written = writtenVoices(encoder, region, encoded.context, voices, score, 0);
  const parts = score.parts.map((part, i) => {
    const k = voices.findIndex((t) => order[t] === i);
    return k < 0 ? part : { ...part, notes: spliced(part.notes, written[k]!, from, to) };
  });
  return { score: { ...score, parts }, from, to, voices: voices.map((t) => infill.voices[t]!), steps: result.steps, seed: result.seed };
}

/** A part's notes outside [from, to) (cut at the edges) with `inside` between, sorted. */
function spliced(notes: readonly Note[], inside: readonly Note[], from: Ticks, to: Ticks): Note[] {
  const out: Note[] = [];
  for (const n of notes) {
    const end = n.onset + n.duration;
    if (end <= from || n.onset >= to) {
      out.push(n);
      continue;
    }
    if (n.onset < from) out.push({ ...n, duration: from - n.onset });
    if (end > to) out.push({ ...n, onset: to, duration: end - to });
  }
  out.push(...inside.filter((n) => n.onset >= from && n.onset < to).map((n) => ({ ...n, duration: Math.min(n.duration, to - n.onset) })));
  return out.sort((a, b) => a.onset - b.onset || midiOf(a.pitch) - midiOf(b.pitch));
}
