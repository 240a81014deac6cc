/**
 * Unfolding ABC repeats into the order a player plays them, as abc2midi
 * (which made the Nottingham MIDI files) plays them:
 *
 *   |: A :|                 → A A
 *   |: A [1 B :|[2 C        → A B A C
 *   A :| B :|   (no |:)     → A A B A A B   a :| goes back to the last |: or the
 *                                           start, and repeats inside play again
 *   :: / :|:                  end one repeat and start the next
 *
 * A jump back restores the K:, M: and L: written in force at its target. With
 * a play order (Y: in the Jukedeck Nottingham files, or P:ABAC in the header)
 * the tune is cut at its P: part marks and the parts, each unfolded, are
 * strung together in that order; music before the first part mark is played
 * once, first. Labels with no part are skipped.
 */
import { MusegenError } from '../errors.js';
import type { AbcElement } from './abc-music.js';

/**
 * The most elements a tune may unfold to. Repeats inside repeats play again,
 * so a few dozen `:|` could otherwise unfold to billions of notes.
 */
export const MAX_UNFOLDED_ELEMENTS = 2_000_000;

function checkUnfolded(out: AbcElement[]): void {
  if (out.length > MAX_UNFOLDED_ELEMENTS) {
    throw new MusegenError('OUT_OF_RANGE', `its repeats unfold to more than ${MAX_UNFOLDED_ELEMENTS.toLocaleString('en')} notes and bars`);
  }
}

/** Fields that set what the music means: a jump back re-establishes them as written at its target. */
const STATE_FIELDS = ['K', 'M', 'L'];

export interface UnfoldOptions {
  /** Part labels in the order to play them (from `parsePlayOrder`); empty: as written. */
  playOrder?: string[];
  /** The header's K:, M: and L: as field elements, in force before the first element. */
  header?: AbcElement[];
}

/** The elements in played order. */
export function unfoldRepeats(elements: AbcElement[], options: UnfoldOptions = {}): AbcElement[] {
  const { playOrder = [], header = [] } = options;
  const stateAt = (index: number): AbcElement[] =>
    STATE_FIELDS.flatMap((name) => {
      const isIt = (e: AbcElement): boolean => e.kind === 'field' && e.name === name;
      const written = elements.slice(0, index).filter(isIt);
      return written.length > 0 ? [written[written.length - 1]!] : header.filter(isIt);
    });
  const marks = playOrder.length === 0 ? [] : elements.flatMap((e, i) => (e.kind === 'field' && e.name === 'P' ? [i] : []));
  if (marks.length === 0) return unfoldSection(elements, 0, elements.length, stateAt);
  const out = unfoldSection(elements, 0, marks[0]!, stateAt);
  for (const label of playOrder) {
    const k = marks.findIndex((m) => (elements[m] as { value: string }).value.trim() === label);
    if (k < 0) continue;
    const from = marks[k]! + 1;
    out.push(...stateAt(from), ...unfoldSection(elements, from, marks[k + 1] ?? elements.length, stateAt));
    checkUnfolded(out);
  }
  return out;
}

/**
 * Elements [from, to) with their repeats played out. A :| goes back once to
 * the last |: (or the start), and the repeats inside the span it goes back
 * over are played again. An ending mark [n plays on pass n of its repeat: the
 * :| just before it (":|[2") or, for a first ending, the next :| after it.
 */
function unfoldSection(els: AbcElement[], from: number, to: number, stateAt: (index: number) => AbcElement[]): AbcElement[] {
  const out: AbcElement[] = [];
  /** Times each :| (by index) has been taken since its span was last entered afresh. */
  const taken = new Map<number, number>();
  let start = from;
  let i = from;
  while (i < to) {
    const e = els[i]!;
    if (e.kind === 'ending') {
      const pass = 1 + (taken.get(closingRepeat(els, i, from, to)) ?? 0);
      i = e.passes.some(([a, b]) => pass >= a && pass <= b) ? i + 1 : skipEnding(els, i + 1, to);
      continue;
    }
    if (e.kind !== 'bar') {
      out.push(e);
      i++;
      continue;
    }
    out.push({ ...e, repeatEnd: false, repeatStart: false });
    if (e.repeatEnd && !taken.has(i)) {
      for (const k of [...taken.keys()]) if (k >= start && k < i) taken.delete(k);
      taken.set(i, 1);
      checkUnfolded(out);
      out.push(...stateAt(start));
      i = start;
      continue;
    }
    if (e.repeatStart) start = i + 1;
    i++;
  }
  return out;
}

/** The :| an ending mark at `at` belongs to: the one just before it, else the next one; -1 when none. */
function closingRepeat(els: AbcElement[], at: number, from: number, to: number): number {
  for (let k = at - 1; k >= from; k--) {
    const e = els[k]!;
    if (e.kind === 'bar') {
      if (e.repeatEnd) return k;
      break;
    }
    if (e.kind !== 'field') break;
  }
  for (let k = at + 1; k < to; k++) {
    const e = els[k]!;
    if (e.kind === 'bar' && e.repeatEnd) return k;
    if (e.kind === 'ending' || (e.kind === 'bar' && (e.repeatStart || e.double))) break;
  }
  return -1;
}

/** Past an ending not played this time: to the next ending mark or the repeat or double bar that closes it. */
function skipEnding(els: AbcElement[], from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const e = els[i]!;
    if (e.kind === 'ending' || (e.kind === 'bar' && (e.repeatEnd || e.repeatStart || e.double))) return i;
  }
  return to;
}
