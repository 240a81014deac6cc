/**
 * Unfolding ABC repeats into the order a player plays them, as abc2midi
 * (which made the Nottingham MIDI files) plays them:
 *
 *   |: A :|                 → A A
 *   |: A [1 B :|[2 C        → A B A C
 *   A :| B :|   (no |:)     → A A B B       a :| without its |: goes back to the
 *   A || B :|               → A B B         last :| or double bar (||, |], [|),
 *                                           else to the start of the tune or part
 *   :: / :|:                  end one repeat and start the next
 *
 * The converter that made the Jukedeck Nottingham MIDI files did otherwise
 * (`openRepeats: 'replay'`): a :| goes back to the last |: ever written or
 * the start, and the repeats it goes back over play again (A :| B :| →
 * A A B A A B; a six-part hornpipe of such parts plays 126 parts, not 12).
 *
 * A jump back restores the K:, M: and L: written in force at its target. With
 * a play order (Y: in the Jukedeck Nottingham files, or P:ABAC in the header)
 * the tune is cut at its P: part marks and the parts, each unfolded, are
 * strung together in that order; music before the first part mark is played
 * once, first. Labels with no part are skipped.
 *
 * Not unfolded, the repeats are kept as written (`writtenRepeats`): the
 * Score's repeat signs and endings, for notation writers.
 */
import { MusegenError } from '../errors.js';
import { repeatMarks, type Ending, type RepeatMarks, type Ticks } from '../score/index.js';
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
  /** Where a :| without its |: goes back to: "section" (abc2midi, the default) or "replay" (the Jukedeck converter). */
  openRepeats?: OpenRepeats;
}

/** How a :| without its |: is played: see the top of this file. */
export type OpenRepeats = 'section' | 'replay';

/** The elements in played order. */
export function unfoldRepeats(elements: AbcElement[], options: UnfoldOptions = {}): AbcElement[] {
  const { playOrder = [], header = [], openRepeats = 'section' } = options;
  const stateAt = (index: number): AbcElement[] =>
    STATE_FIELDS.flatMap((name) => {
      const isIt = (e: AbcElement): boolean => e.kind === 'field' && e.name === name;
      const written = elements.slice(0, index).filter(isIt);
      return written.length > 0 ? [written[written.length - 1]!] : header.filter(isIt);
    });
  const marks = playOrder.length === 0 ? [] : elements.flatMap((e, i) => (e.kind === 'field' && e.name === 'P' ? [i] : []));
  const section = (from: number, to: number): AbcElement[] => unfoldSection(elements, from, to, stateAt, openRepeats);
  if (marks.length === 0) return section(0, elements.length);
  const out = section(0, marks[0]!);
  for (const label of playOrder) {
    const k = marks.findIndex((m) => (elements[m] as { value: string }).value.trim() === label);
    if (k < 0) continue;
    const from = marks[k]! + 1;
    out.push(...stateAt(from), ...section(from, marks[k + 1] ?? elements.length));
    checkUnfolded(out);
  }
  return out;
}

/**
 * Where each :| in [from, to) goes back to (by index): its |:, or where
 * none is open, the element after the last :| or double bar, else `from`
 * (as abc2midi puts in the |: a tune leaves out); "replay": the last |:
 * written, else `from`.
 */
function repeatTargets(els: AbcElement[], from: number, to: number, openRepeats: OpenRepeats): Map<number, number> {
  const targets = new Map<number, number>();
  let open: number | undefined; // just past the |: waiting for its :| (replay: the last |:)
  let section = from; // just past the last :| or double bar
  for (let i = from; i < to; i++) {
    const e = els[i]!;
    if (e.kind !== 'bar') continue;
    if (e.repeatEnd) {
      targets.set(i, openRepeats === 'replay' ? (open ?? from) : (open ?? section));
      if (openRepeats === 'section') open = undefined;
      section = i + 1;
    } else if (e.double) section = i + 1;
    if (e.repeatStart) open = i + 1;
  }
  return targets;
}

/**
 * Elements [from, to) with their repeats played out. Each :| goes back once
 * (see `repeatTargets`); "replay": once since the span it goes back over was
 * last entered afresh, so the repeats inside that span play again. An ending
 * mark [n plays on pass n of its repeat: the :| just before it (":|[2") or,
 * for a first ending, the next :| after it.
 */
function unfoldSection(els: AbcElement[], from: number, to: number, stateAt: (index: number) => AbcElement[], openRepeats: OpenRepeats): AbcElement[] {
  const out: AbcElement[] = [];
  const targets = repeatTargets(els, from, to, openRepeats);
  /** Times each :| (by index) has been taken. */
  const taken = new Map<number, number>();
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
      const target = targets.get(i)!;
      if (openRepeats === 'replay') for (const k of [...taken.keys()]) if (k >= target && k < i) taken.delete(k);
      taken.set(i, 1);
      checkUnfolded(out);
      out.push(...stateAt(target));
      i = target;
      continue;
    }
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

/**
 * The repeat signs and endings of elements as written, at the ticks their
 * layout gave the bars and ending marks (`ticks`, by element index). A :|
 * whose |: is left out gets it where abc2midi puts it (after the last :| or
 * double bar; none at the start of the tune). An ending runs to the next :|,
 * |:, double bar or ending mark (a closed bracket), else to `end` (an open one).
 */
export function writtenRepeats(els: AbcElement[], ticks: ReadonlyMap<number, Ticks>, end: Ticks): RepeatMarks | undefined {
  const starts: Ticks[] = [];
  for (const target of repeatTargets(els, 0, els.length, 'section').values()) {
    const before = els[target - 1];
    const t = ticks.get(target - 1);
    if (before?.kind === 'bar' && !before.repeatStart && t !== undefined && t > 0) starts.push(t);
  }
  const ends: Ticks[] = [];
  const endings: Ending[] = [];
  els.forEach((e, i) => {
    const t = ticks.get(i);
    if (t === undefined) return;
    if (e.kind === 'bar') {
      if (e.repeatStart) starts.push(t);
      if (e.repeatEnd) ends.push(t);
      return;
    }
    if (e.kind !== 'ending') return;
    const close = els.findIndex((x, k) => k > i && (x.kind === 'ending' || (x.kind === 'bar' && (x.repeatEnd || x.repeatStart || x.double))));
    const numbers = e.passes.flatMap(([a, b]) => Array.from({ length: Math.min(b, a + 8) - a + 1 }, (_, k) => a + k));
    const stop = close < 0 ? end : ticks.get(close) ?? end;
    if (stop > t) endings.push({ start: t, end: stop, numbers, ...(close < 0 ? { open: true } : {}) });
  });
  return repeatMarks(starts, ends, endings);
}
