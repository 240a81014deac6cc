/**
 * Score → MusicXML 3.1 partwise text that notation programs open.
 *
 *   Score ─ barStarts ─▶ measures (a pickup bar is measure 0, implicit)
 *         ─ assignVoices ─▶ each part's written voices (chords in a line)
 *         ─▶ per measure and voice: rests in the gaps, notes split at the
 *            barline and into standard values, tied (<tie> and <tied>)
 *
 * Divisions are chosen so every time is a whole number of them. Key and time
 * signatures go in <attributes> at their ticks (every part), tempos as
 * metronome directions with <sound tempo> (first part), chord symbols as
 * <harmony> (first part; before the element at their tick, with <offset> when
 * they fall inside it; text as chord-symbol.ts normalises it, blank ones
 * dropped). Spelled pitches are
 * written as they are; a fermata sits on the last piece of its note; a
 * velocity other than DEFAULT_VELOCITY (what every reader gives a note
 * without dynamics) is kept in <note dynamics>.
 *
 * Notation, not a piano roll: a score whose times are off the lattice of
 * written values (a MIDI performance) is first snapped to the grid its onsets
 * choose (score/notation-grid.ts), so every note gets a <type> and only played
 * triplets become tuplets (bracketed, <tuplet> start and stop). Parts go in
 * score order (highest first), each with the clef its range asks for; repeat
 * signs and endings the score carries become <barline>s with <repeat> and
 * <ending> (musicxml-staff.ts).
 */
import {
  barLength,
  barStarts,
  DEFAULT_VELOCITY,
  lastNoteEnd,
  quantizeForNotation,
  scoreOrder,
  timeSignatureAt,
  TICKS_PER_QUARTER,
  type KeySignatureEvent,
  type Note,
  type Part,
  type Score,
  type Steps,
  type TempoEvent,
  type Ticks,
  type TimeSignatureEvent,
} from '../score/index.js';
import { parseChordSymbol, type ChordNote, type ParsedChordSymbol } from '../score/index.js';
import { FORTE_VELOCITY } from './musicxml-read.js';
import { divisionUnit, splitDuration, type NoteValue } from './musicxml-notation.js';
import { clefFor, measureBarlines, type BarlineMarks, type MeasureBarlines } from './musicxml-staff.js';
import { assignVoices, type Chord, type Lane } from './musicxml-voices.js';

export interface MusicXmlWriteOptions {
  /**
   * Steps per quarter to snap the score to before writing; "auto" (the
   * default): the grid its onsets choose, and only when some onset or length
   * is off the lattice of written values; "exact": write the times as they are.
   */
  grid?: Steps | 'auto' | 'exact';
}

const escapeXml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/** Indented XML text, line by line. */
class XmlOut {
  private readonly lines: string[] = [];
  private depth = 0;

  private static attrs(a: Record<string, string | number>): string {
    return Object.entries(a)
      .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
      .join('');
  }
  line(s: string): void {
    this.lines.push('  '.repeat(this.depth) + s);
  }
  open(tag: string, a: Record<string, string | number> = {}): void {
    this.line(`<${tag}${XmlOut.attrs(a)}>`);
    this.depth++;
  }
  close(tag: string): void {
    this.depth--;
    this.line(`</${tag}>`);
  }
  leaf(tag: string, text: string | number, a: Record<string, string | number> = {}): void {
    this.line(`<${tag}${XmlOut.attrs(a)}>${escapeXml(String(text))}</${tag}>`);
  }
  empty(tag: string, a: Record<string, string | number> = {}): void {
    this.line(`<${tag}${XmlOut.attrs(a)}/>`);
  }
  toString(): string {
    return this.lines.join('\n') + '\n';
  }
}

/** A key, time, tempo or chord symbol to write at a tick; `write` gets the divisions it lies past the cursor. */
interface Mark {
  tick: Ticks;
  /** May be written inside an element, with an <offset>. */
  offsettable?: boolean;
  write(out: XmlOut, offset: number): void;
}

const keyXml = (out: XmlOut, k: KeySignatureEvent): void => {
  out.open('key');
  out.leaf('fifths', k.fifths);
  out.leaf('mode', k.mode);
  out.close('key');
};

const timeXml = (out: XmlOut, t: TimeSignatureEvent): void => {
  out.open('time');
  out.leaf('beats', t.numerator);
  out.leaf('beat-type', t.denominator);
  out.close('time');
};

const tempoXml = (out: XmlOut, t: TempoEvent): void => {
  out.open('direction', { placement: 'above' });
  out.open('direction-type');
  out.open('metronome');
  out.leaf('beat-unit', 'quarter');
  out.leaf('per-minute', Math.round(t.bpm * 100) / 100);
  out.close('metronome');
  out.close('direction-type');
  out.empty('sound', { tempo: t.bpm });
  out.close('direction');
};

const chordNoteXml = (out: XmlOut, tag: 'root' | 'bass', n: ChordNote, print: Record<string, string> = {}): void => {
  out.open(tag);
  out.leaf(`${tag}-step`, n.step, print);
  if (n.alter !== 0) out.leaf(`${tag}-alter`, n.alter);
  out.close(tag);
};

/** <harmony>: root, kind with its printed suffix, bass, offset (divisions). A "none" chord's root prints nothing. */
const harmonyXml = (out: XmlOut, c: ParsedChordSymbol, offset: number): void => {
  out.open('harmony', c.alternate ? { type: 'alternate' } : {});
  chordNoteXml(out, 'root', c.root, c.kind === 'none' ? { text: '' } : {});
  out.leaf('kind', c.kind, { text: c.suffix });
  if (c.bass) chordNoteXml(out, 'bass', c.bass);
  if (offset !== 0) out.leaf('offset', offset);
  out.close('harmony');
};

/** The clef the part's range asks for. */
function clefXml(out: XmlOut, part: Part): void {
  const clef = clefFor(part);
  out.open('clef');
  out.leaf('sign', clef.sign);
  out.leaf('line', clef.line);
  if (clef.octaveChange) out.leaf('clef-octave-change', clef.octaveChange);
  out.close('clef');
}

/** A <barline> with its repeat sign and ending; the left one opens a repeat, the right one closes it. */
function barlineXml(out: XmlOut, side: 'left' | 'right', marks: BarlineMarks): void {
  out.open('barline', { location: side });
  out.leaf('bar-style', !marks.repeat ? 'regular' : side === 'left' ? 'heavy-light' : 'light-heavy');
  if (marks.ending) {
    const number = marks.ending.numbers.join(', ');
    if (marks.ending.type === 'start') out.leaf('ending', `${number}.`, { number, type: 'start' });
    else out.empty('ending', { number, type: marks.ending.type });
  }
  if (marks.repeat) out.empty('repeat', { direction: side === 'left' ? 'forward' : 'backward' });
  out.close('barline');
}

/**
 * [start, end) of every measure: the bars of the score, through its last
 * note. A repeat sign or ending inside a bar splits the bar there (as a
 * chorale's repeat sign falls before the next line's upbeat); the bars go on
 * as the meter counts them.
 */
function measureSpans(score: Score): [Ticks, Ticks][] {
  const end = Math.max(score.end, lastNoteEnd(score));
  const marks = score.repeats;
  const splits = marks ? [...marks.starts, ...marks.ends, ...marks.endings.flatMap((e) => [e.start, e.end])] : [];
  const starts = [...new Set([...barStarts({ ...score, end }), ...splits.filter((t) => t > 0 && t < end)])].sort((x, y) => x - y);
  const spans = starts.map((s, i): [Ticks, Ticks] => [s, starts[i + 1] ?? end]).filter(([s, e]) => e > s);
  return spans.length > 0 ? spans : [[0, barLength(timeSignatureAt(score, 0))]];
}

/** Runs ahead of a lane's element [t, end): writes the marks due there. */
type Before = (t: Ticks, end: Ticks) => void;

/** Where a piece of a note is tied, and whether it carries its note's fermata (the last piece does). */
interface Tie {
  stop: boolean;
  start: boolean;
  fermata: boolean;
}

/** One written element of a voice: a rest, or a piece of a chord. */
interface Piece {
  t: Ticks;
  v: NoteValue;
  chord?: Chord;
  tie?: Tie;
}

/** Where a tuplet bracket starts and stops. */
interface Bracket {
  start: boolean;
  stop: boolean;
}

const NO_BRACKET: Bracket = { start: false, stop: false };

/**
 * Brackets over runs of triplet values: one opens at a triplet after a plain
 * value and closes once its values fill a whole number of plain ones (three
 * times the shortest value in it), or where the run ends.
 */
function tupletBrackets(values: readonly NoteValue[]): Bracket[] {
  const out = values.map(() => ({ start: false, stop: false }));
  let open = false;
  let sum = 0;
  let shortest = 0;
  values.forEach((v, i) => {
    if (!v.triplet) {
      if (open) out[i - 1]!.stop = true;
      open = false;
      return;
    }
    if (!open) [open, sum, shortest, out[i]!.start] = [true, 0, v.ticks, true];
    shortest = Math.min(shortest, v.ticks);
    sum += v.ticks;
    if (sum % (3 * shortest) === 0) [open, out[i]!.stop] = [false, true];
  });
  if (open) out[out.length - 1]!.stop = true;
  return out;
}

/** Writes the parts of one score; holds what every measure needs. */
class PartWriter {
  constructor(
    private readonly out: XmlOut,
    private readonly unit: Ticks,
  ) {}

  private div(t: Ticks): number {
    return t / this.unit;
  }

  private valueXml(v: NoteValue): void {
    if (v.type) this.out.leaf('type', v.type);
    for (let i = 0; i < v.dots; i++) this.out.empty('dot');
    if (v.triplet) {
      this.out.open('time-modification');
      this.out.leaf('actual-notes', 3);
      this.out.leaf('normal-notes', 2);
      this.out.close('time-modification');
    }
  }

  /** <notations> with what there is of ties, a tuplet bracket and a fermata. */
  private notations(tieStop: boolean, tieStart: boolean, bracket: Bracket, fermata: boolean): void {
    if (!tieStop && !tieStart && !bracket.start && !bracket.stop && !fermata) return;
    const out = this.out;
    out.open('notations');
    if (tieStop) out.empty('tied', { type: 'stop' });
    if (tieStart) out.empty('tied', { type: 'start' });
    if (bracket.start) out.empty('tuplet', { type: 'start', bracket: 'yes' });
    if (bracket.stop) out.empty('tuplet', { type: 'stop' });
    if (fermata) out.empty('fermata', { type: 'upright' });
    out.close('notations');
  }

  private rest(v: NoteValue, voice: number, bracket: Bracket): void {
    this.out.open('note');
    this.out.empty('rest');
    this.out.leaf('duration', this.div(v.ticks));
    this.out.leaf('voice', voice);
    this.valueXml(v);
    this.notations(false, false, bracket, false);
    this.out.close('note');
  }

  private note(n: Note, v: NoteValue, voice: number, tie: Tie, chord: boolean, bracket: Bracket): void {
    const out = this.out;
    const dynamics: Record<string, string> = {};
    if (n.velocity !== DEFAULT_VELOCITY) dynamics.dynamics = ((n.velocity * 100) / FORTE_VELOCITY).toFixed(2);
    out.open('note', dynamics);
    if (chord) out.empty('chord');
    out.open('pitch');
    out.leaf('step', n.pitch.step);
    if (n.pitch.alter !== 0) out.leaf('alter', n.pitch.alter);
    out.leaf('octave', n.pitch.octave);
    out.close('pitch');
    out.leaf('duration', this.div(v.ticks));
    if (tie.stop) out.empty('tie', { type: 'stop' });
    if (tie.start) out.empty('tie', { type: 'start' });
    out.leaf('voice', voice);
    this.valueXml(v);
    this.notations(tie.stop, tie.start, bracket, tie.fermata && n.fermata === true);
    out.close('note');
  }

  /** The pieces of a chord inside [s, e): split into written values, tied across the cuts. */
  private chordPieces(c: Chord, s: Ticks, e: Ticks): Piece[] {
    const from = Math.max(c.onset, s);
    const to = Math.min(c.onset + c.duration, e);
    const values = splitDuration(to - from, this.unit);
    let t = from;
    return values.map((v, k) => {
      const last = k === values.length - 1;
      const piece: Piece = {
        t,
        v,
        chord: c,
        tie: { stop: k > 0 || c.onset < s, start: !last || c.onset + c.duration > e, fermata: last && c.onset + c.duration <= e },
      };
      t += v.ticks;
      return piece;
    });
  }

  /** One voice through the measure [s, e): its chords and rests between; `before(t, end)` runs ahead of each element [t, end). */
  private lane(lane: Lane, chords: Chord[], s: Ticks, e: Ticks, before: Before): void {
    if (chords.length === 0) {
      before(s, e);
      this.out.open('note');
      this.out.empty('rest', { measure: 'yes' });
      this.out.leaf('duration', this.div(e - s));
      this.out.leaf('voice', lane.voice);
      this.out.close('note');
      return;
    }
    const pieces: Piece[] = [];
    let t = s;
    const restTo = (to: Ticks): void => {
      for (const v of to > t ? splitDuration(to - t, this.unit) : []) {
        pieces.push({ t, v });
        t += v.ticks;
      }
    };
    for (const c of chords) {
      restTo(Math.max(c.onset, s));
      pieces.push(...this.chordPieces(c, s, e));
      t = Math.min(c.onset + c.duration, e);
    }
    restTo(e);
    const brackets = tupletBrackets(pieces.map((p) => p.v));
    pieces.forEach((p, i) => {
      before(p.t, p.t + p.v.ticks);
      if (!p.chord) this.rest(p.v, lane.voice, brackets[i]!);
      else p.chord.notes.forEach((n, k) => this.note(n, p.v, lane.voice, p.tie!, k > 0, k === 0 ? brackets[i]! : NO_BRACKET));
    });
  }

  /** A whole part: its measures with attributes, barlines, voices and marks (tempos only when `withTempo`). */
  write(score: Score, part: Part, id: string, spans: [Ticks, Ticks][], barlines: MeasureBarlines[], withTempo: boolean): void {
    const out = this.out;
    const lanes = assignVoices(part.notes);
    if (lanes.length === 0) lanes.push({ voice: 1, chords: [] });
    const next = lanes.map(() => 0); // per lane: the first chord not yet over
    out.open('part', { id });
    spans.forEach(([s, e], m) => {
      const inMeasure = <E extends { tick: Ticks }>(es: E[]): E[] => es.filter((x) => x.tick >= s && x.tick < e);
      const keys = inMeasure(score.keySignatures);
      const times = inMeasure(score.timeSignatures);
      const number = score.pickup > 0 ? m : m + 1;
      out.open('measure', { number, ...(m === 0 && score.pickup > 0 ? { implicit: 'yes' } : {}) });

      const startKey = keys.find((k) => k.tick === s);
      const startTime = m === 0 ? timeSignatureAt(score, 0) : times.find((t) => t.tick === s);
      if (m === 0 || startKey || startTime) {
        out.open('attributes');
        if (m === 0) out.leaf('divisions', this.div(TICKS_PER_QUARTER));
        if (startKey) keyXml(out, startKey);
        if (startTime) timeXml(out, startTime);
        if (m === 0) clefXml(out, part);
        out.close('attributes');
      }
      const { left, right } = barlines[m]!;
      if (left) barlineXml(out, 'left', left);

      // Marks inside the measure go before the element that starts at their tick, or at the end via <backup>.
      const marks: Mark[] = [
        ...keys.filter((k) => k !== startKey).map((k) => ({ tick: k.tick, write: () => this.attributes(() => keyXml(out, k)) })),
        ...times.filter((t) => t !== startTime).map((t) => ({ tick: t.tick, write: () => this.attributes(() => timeXml(out, t)) })),
        ...(withTempo ? inMeasure(score.tempos).map((t) => ({ tick: t.tick, write: () => tempoXml(out, t) })) : []),
        ...(withTempo ? inMeasure(score.chordSymbols) : []).flatMap((c) => {
          const parsed = parseChordSymbol(c.text);
          return parsed ? [{ tick: c.tick, offsettable: true, write: (o: XmlOut, offset: number) => harmonyXml(o, parsed, offset) }] : [];
        }),
      ].sort((a, b) => a.tick - b.tick);
      const late: Mark[] = [];
      const before = (t: Ticks, end: Ticks): void => {
        while (marks.length > 0 && (marks[0]!.tick <= t || (marks[0]!.offsettable && marks[0]!.tick < end))) {
          const mark = marks.shift()!;
          if (mark.tick >= t) mark.write(out, this.div(mark.tick - t));
          else late.push(mark);
        }
      };

      lanes.forEach((lane, i) => {
        while (next[i]! < lane.chords.length && lane.chords[next[i]!]!.onset + lane.chords[next[i]!]!.duration <= s) next[i]!++;
        const chords: Chord[] = [];
        for (let j = next[i]!; j < lane.chords.length && lane.chords[j]!.onset < e; j++) chords.push(lane.chords[j]!);
        if (i > 0 && chords.length === 0) return;
        if (i > 0) this.backup(e - s);
        this.lane(lane, chords, s, e, i === 0 ? before : () => undefined);
      });
      if (right) barlineXml(out, 'right', right);
      let t = e;
      for (const mark of [...late, ...marks].sort((a, b) => b.tick - a.tick)) {
        this.backup(t - mark.tick);
        mark.write(out, 0);
        t = mark.tick;
      }
      out.close('measure');
    });
    out.close('part');
  }

  private attributes(body: () => void): void {
    this.out.open('attributes');
    body();
    this.out.close('attributes');
  }

  private backup(d: Ticks): void {
    if (d <= 0) return;
    this.out.open('backup');
    this.out.leaf('duration', this.div(d));
    this.out.close('backup');
  }
}

/** Every tick the file must state exactly: measure bounds, note onsets and lengths, marks. */
function* scoreTimes(score: Score, spans: [Ticks, Ticks][]): Iterable<Ticks> {
  for (const [s, e] of spans) yield* [s, e];
  for (const p of score.parts) for (const n of p.notes) yield* [n.onset, n.duration];
  for (const e of [...score.keySignatures, ...score.timeSignatures, ...score.tempos, ...score.chordSymbols]) yield e.tick;
}

/** Is every onset and length a whole number of 128th notes or of 32nd-note triplets (something notation writes)? */
const onLattice = (score: Score): boolean =>
  score.parts.every((p) => p.notes.every((n) => [n.onset, n.duration].every((t) => t % (TICKS_PER_QUARTER / 32) === 0 || t % (TICKS_PER_QUARTER / 24) === 0)));

/** The score as it is to be written: snapped as `grid` says, parts in score order. */
function notationOf(score: Score, grid: MusicXmlWriteOptions['grid'] = 'auto'): Score {
  const snapped = grid === 'exact' || (grid === 'auto' && onLattice(score)) ? score : quantizeForNotation(score, grid === 'auto' ? undefined : grid);
  return { ...snapped, parts: scoreOrder(snapped.parts) };
}

/** MusicXML 3.1 partwise text of a score. */
export function writeMusicXml(source: Score, options: MusicXmlWriteOptions = {}): string {
  const score = notationOf(source, options.grid);
  const out = new XmlOut();
  const spans = measureSpans(score);
  const barlines = measureBarlines(spans, score.repeats);
  const unit = divisionUnit(scoreTimes(score, spans));
  out.line('<?xml version="1.0" encoding="UTF-8" standalone="no"?>');
  out.line('<!DOCTYPE score-partwise PUBLIC "-//Recordare//DTD MusicXML 3.1 Partwise//EN" "http://www.musicxml.org/dtds/partwise.dtd">');
  out.open('score-partwise', { version: '3.1' });
  if (score.title) {
    out.open('work');
    out.leaf('work-title', score.title);
    out.close('work');
  }
  out.open('identification');
  out.open('encoding');
  out.leaf('software', 'musegen');
  out.close('encoding');
  out.close('identification');
  out.open('part-list');
  score.parts.forEach((p, i) => {
    const id = `P${i + 1}`;
    out.open('score-part', { id });
    out.leaf('part-name', p.name);
    out.open('score-instrument', { id: `${id}-I1` });
    out.leaf('instrument-name', p.name || `Part ${i + 1}`);
    out.close('score-instrument');
    out.open('midi-instrument', { id: `${id}-I1` });
    out.leaf('midi-channel', p.channel + 1);
    out.leaf('midi-program', p.program + 1);
    out.close('midi-instrument');
    out.close('score-part');
  });
  out.close('part-list');
  const writer = new PartWriter(out, unit);
  score.parts.forEach((p, i) => writer.write(score, p, `P${i + 1}`, spans, barlines, i === 0));
  out.close('score-partwise');
  return out.toString();
}
