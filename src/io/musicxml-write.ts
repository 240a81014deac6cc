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
 */
import {
  barLength,
  barStarts,
  DEFAULT_VELOCITY,
  lastNoteEnd,
  midiOf,
  timeSignatureAt,
  TICKS_PER_QUARTER,
  type KeySignatureEvent,
  type Note,
  type Part,
  type Score,
  type TempoEvent,
  type Ticks,
  type TimeSignatureEvent,
} from '../score/index.js';
import { parseChordSymbol, type ChordNote, type ParsedChordSymbol } from '../score/index.js';
import { FORTE_VELOCITY } from './musicxml-read.js';
import { divisionUnit, splitDuration, type NoteValue } from './musicxml-notation.js';
import { assignVoices, type Chord, type Lane } from './musicxml-voices.js';

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

/** Treble for high parts, tenor treble (octave below) for middle ones, bass for low. */
function clefXml(out: XmlOut, notes: readonly Note[]): void {
  const mean = notes.length === 0 ? 72 : notes.reduce((s, n) => s + midiOf(n.pitch), 0) / notes.length;
  out.open('clef');
  out.leaf('sign', mean < 52 ? 'F' : 'G');
  out.leaf('line', mean < 52 ? 4 : 2);
  if (mean >= 52 && mean < 60) out.leaf('clef-octave-change', -1);
  out.close('clef');
}

/** [start, end) of every measure: the bars of the score, through its last note. */
function measureSpans(score: Score): [Ticks, Ticks][] {
  const end = Math.max(score.end, lastNoteEnd(score));
  const starts = barStarts({ ...score, end });
  const spans = starts.map((s, i): [Ticks, Ticks] => [s, starts[i + 1] ?? end]).filter(([s, e]) => e > s);
  return spans.length > 0 ? spans : [[0, barLength(timeSignatureAt(score, 0))]];
}

/** Runs ahead of a lane's element [t, end): writes the marks due there. */
type Before = (t: Ticks, end: Ticks) => void;

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

  private rest(v: NoteValue, voice: number): void {
    this.out.open('note');
    this.out.empty('rest');
    this.out.leaf('duration', this.div(v.ticks));
    this.out.leaf('voice', voice);
    this.valueXml(v);
    this.out.close('note');
  }

  private note(n: Note, v: NoteValue, voice: number, flags: { chord: boolean; tieStop: boolean; tieStart: boolean; fermata: boolean }): void {
    const out = this.out;
    const dynamics: Record<string, string> = {};
    if (n.velocity !== DEFAULT_VELOCITY) dynamics.dynamics = ((n.velocity * 100) / FORTE_VELOCITY).toFixed(2);
    out.open('note', dynamics);
    if (flags.chord) out.empty('chord');
    out.open('pitch');
    out.leaf('step', n.pitch.step);
    if (n.pitch.alter !== 0) out.leaf('alter', n.pitch.alter);
    out.leaf('octave', n.pitch.octave);
    out.close('pitch');
    out.leaf('duration', this.div(v.ticks));
    if (flags.tieStop) out.empty('tie', { type: 'stop' });
    if (flags.tieStart) out.empty('tie', { type: 'start' });
    out.leaf('voice', voice);
    this.valueXml(v);
    if (flags.tieStop || flags.tieStart || flags.fermata) {
      out.open('notations');
      if (flags.tieStop) out.empty('tied', { type: 'stop' });
      if (flags.tieStart) out.empty('tied', { type: 'start' });
      if (flags.fermata) out.empty('fermata', { type: 'upright' });
      out.close('notations');
    }
    out.close('note');
  }

  /** The part of a chord inside [s, e), split into written values and tied across the cuts. */
  private chord(c: Chord, s: Ticks, e: Ticks, voice: number, before: Before): Ticks {
    const from = Math.max(c.onset, s);
    const to = Math.min(c.onset + c.duration, e);
    const pieces = splitDuration(to - from, this.unit);
    let t = from;
    pieces.forEach((v, k) => {
      before(t, t + v.ticks);
      const last = k === pieces.length - 1;
      c.notes.forEach((n, i) =>
        this.note(n, v, voice, {
          chord: i > 0,
          tieStop: k > 0 || c.onset < s,
          tieStart: !last || c.onset + c.duration > e,
          fermata: last && c.onset + c.duration <= e && n.fermata === true,
        }),
      );
      t += v.ticks;
    });
    return t;
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
    let t = s;
    const restTo = (to: Ticks): void => {
      for (const v of to > t ? splitDuration(to - t, this.unit) : []) {
        before(t, t + v.ticks);
        this.rest(v, lane.voice);
        t += v.ticks;
      }
    };
    for (const c of chords) {
      restTo(Math.max(c.onset, s));
      t = this.chord(c, s, e, lane.voice, before);
    }
    restTo(e);
  }

  /** A whole part: its measures with attributes, voices and marks (tempos only when `withTempo`). */
  write(score: Score, part: Part, id: string, spans: [Ticks, Ticks][], withTempo: boolean): void {
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
        if (m === 0) clefXml(out, part.notes);
        out.close('attributes');
      }

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

/** MusicXML 3.1 partwise text of a score. */
export function writeMusicXml(score: Score): string {
  const out = new XmlOut();
  const spans = measureSpans(score);
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
  score.parts.forEach((p, i) => writer.write(score, p, `P${i + 1}`, spans, i === 0));
  out.close('score-partwise');
  return out.toString();
}
