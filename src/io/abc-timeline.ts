/**
 * ABC elements of one voice → notes on the time line, with the tempo, meter,
 * key and chord-symbol maps they carry.
 *
 *   length × L: × tuplet × broken rhythm ─► ticks;  key + bar accidentals ─► spelled pitch
 *
 * Accidentals last to the end of the bar for the same letter and octave, and
 * across a tie. Tied notes merge into one Note with `tied` set. The first bar
 * line, when it comes before a full bar of the meter, gives the pickup. After
 * an overlay (`&`) the notes start again from the bar's start as voice 2, 3…
 * of the part, until the bar line, where time goes on from the longest of them.
 */
import { MusegenError } from '../errors.js';
import {
  barLength,
  isCompound,
  DEFAULT_METER,
  DEFAULT_VELOCITY,
  midiOf,
  TICKS_PER_QUARTER,
  type ChordSymbol,
  type KeySignatureEvent,
  type Meter,
  type Note,
  type Step,
  type TempoEvent,
  type Ticks,
  type TimeSignatureEvent,
} from '../score/index.js';
import { parseAbcKey, parseAbcLength, parseAbcMeter, parseAbcTempo, type AbcKey } from './abc-fields.js';
import type { AbcElement } from './abc-music.js';

const WHOLE = 4 * TICKS_PER_QUARTER;

/**
 * How far a written accidental reaches, as ABC's `%%propagate-accidentals`:
 * "octave" (the ABC 2.1 standard): later notes of its letter and octave in the
 * bar, and across a tie; "pitch": its letter in every octave of the bar;
 * "not": only the note it is written on (as the Nottingham MIDI renderings read it).
 */
export type AccidentalReach = 'octave' | 'pitch' | 'not';

/** What is in force where a voice starts (from the tune header), and how to read accidentals. */
export interface AbcStart {
  unitLength: number;
  meter?: Meter;
  key: AbcKey;
  accidentals: AccidentalReach;
}

/** The map events a voice gives, in its order (`eventMap` makes maps of them); chord symbols are shared by all voices. */
export interface AbcMaps {
  tempos: TempoEvent[];
  timeSignatures: TimeSignatureEvent[];
  keySignatures: KeySignatureEvent[];
  chordSymbols: ChordSymbol[];
}

export interface AbcVoiceResult {
  notes: Note[];
  end: Ticks;
  /** Where the first bar line falls after the start; undefined when there is none. */
  firstBar?: Ticks;
  /** The tick of every bar line and ending mark, by element index. */
  barTicks: ReadonlyMap<number, Ticks>;
}

/** Lay out one voice's elements, adding map events to `maps`. */
export function layoutVoice(elements: AbcElement[], start: AbcStart, maps: AbcMaps): AbcVoiceResult {
  return new Timeline(start, maps).run(elements);
}

class Timeline {
  private t = 0;
  private unit: number;
  private meter: Meter | undefined;
  private keyAccidentals: Partial<Record<Step, number>>;
  /** Accidentals written in the current bar, by letter and octave ("F5") or letter ("F"), as `reach` says. */
  private barAccidentals = new Map<string, number>();
  /** Notes whose tie is open, by letter and octave. */
  private ties = new Map<string, Note>();
  private tuplet = { factor: 1, left: 0 };
  private brokenNext = 1;
  private readonly notes: Note[] = [];
  private firstBar: Ticks | undefined;
  /** The tick of every bar line and ending mark, by element index (where repeat signs and endings are written). */
  private readonly barTicks = new Map<number, Ticks>();
  /** Where the current bar began, and while overlays run, the voice and the furthest any voice of the bar reached. */
  private barStart = 0;
  private overlay: { voice: number; end: number } | undefined;

  private readonly reach: AccidentalReach;

  constructor(
    start: AbcStart,
    private readonly maps: AbcMaps,
  ) {
    this.reach = start.accidentals;
    this.unit = start.unitLength;
    this.meter = start.meter;
    this.keyAccidentals = start.key.accidentals;
  }

  run(elements: AbcElement[]): AbcVoiceResult {
    elements.forEach((e, i) => {
      switch (e.kind) {
        case 'note': {
          const next = elements[i + 1];
          let factor = this.brokenNext;
          this.brokenNext = 1;
          if (next?.kind === 'broken') {
            factor *= next.before;
            this.brokenNext = next.after;
          }
          if (this.tuplet.left > 0) {
            factor *= this.tuplet.factor;
            this.tuplet.left--;
          }
          this.note(e, e.length * this.unit * WHOLE * factor);
          break;
        }
        case 'barRest':
          this.t += e.bars * barLength(this.meter ?? DEFAULT_METER);
          this.barStart = this.t;
          this.ties.clear();
          break;
        case 'bar':
          if (this.overlay) this.t = Math.max(this.t, this.overlay.end);
          this.overlay = undefined;
          if (this.firstBar === undefined && this.t > 0) this.firstBar = Math.round(this.t);
          this.barAccidentals.clear();
          this.barStart = this.t;
          break;
        case 'overlay':
          this.overlay = { voice: (this.overlay?.voice ?? 1) + 1, end: Math.max(this.t, this.overlay?.end ?? 0) };
          this.t = this.barStart;
          this.ties.clear();
          this.tuplet.left = 0;
          this.brokenNext = 1;
          break;
        case 'chordSymbol':
          this.maps.chordSymbols.push({ tick: Math.round(this.t), text: e.text });
          break;
        case 'tuplet': {
          const q = e.q ?? defaultTupletTime(e.p, this.meter);
          if (q === undefined) throw new MusegenError('BAD_FORMAT', `line ${e.line}: a tuplet of ${e.p} needs its time written, as (${e.p}:q`);
          this.tuplet = { factor: q / e.p, left: e.r ?? e.p };
          break;
        }
        case 'field':
          this.field(e.name, e.value, e.line);
          break;
        case 'broken':
        case 'ending':
          break;
      }
      if (e.kind === 'bar' || e.kind === 'ending') this.barTicks.set(i, Math.round(this.t));
    });
    if (this.overlay) this.t = Math.max(this.t, this.overlay.end);
    return { notes: this.notes, end: Math.round(this.t), barTicks: this.barTicks, ...(this.firstBar !== undefined ? { firstBar: this.firstBar } : {}) };
  }

  private note(e: Extract<AbcElement, { kind: 'note' }>, duration: number): void {
    const onset = Math.round(this.t);
    this.t += duration;
    const end = Math.round(this.t);
    const open = this.ties;
    this.ties = new Map();
    for (const p of e.pitches) {
      const place = `${p.step}${p.octave}`;
      const tiedFrom = open.get(place);
      const barKey = this.reach === 'pitch' ? p.step : place;
      let alter: number;
      if (p.accidental !== undefined) {
        alter = p.accidental;
        if (this.reach !== 'not') this.barAccidentals.set(barKey, alter);
      } else if (this.reach === 'not') alter = this.keyAccidentals[p.step] ?? 0;
      else alter = this.barAccidentals.get(barKey) ?? tiedFrom?.pitch.alter ?? this.keyAccidentals[p.step] ?? 0;
      const pitch = { step: p.step, alter, octave: p.octave };
      let note: Note;
      if (tiedFrom && midiOf(tiedFrom.pitch) === midiOf(pitch)) {
        note = tiedFrom;
        note.duration = end - note.onset;
        note.tied = true;
      } else {
        note = { pitch, onset, duration: end - onset, velocity: DEFAULT_VELOCITY, ...(this.overlay ? { voice: this.overlay.voice } : {}) };
        this.notes.push(note);
      }
      if (e.fermata) note.fermata = true;
      if (p.tie) this.ties.set(place, note);
    }
  }

  private field(name: string, value: string, line: number): void {
    const tick = Math.round(this.t);
    try {
      if (name === 'K') {
        const key = parseAbcKey(value);
        this.keyAccidentals = key.accidentals;
        if (key.signature) this.maps.keySignatures.push({ tick, ...key.signature });
      } else if (name === 'M') {
        this.meter = parseAbcMeter(value);
        if (this.meter) this.maps.timeSignatures.push({ tick, ...this.meter });
      } else if (name === 'L') this.unit = parseAbcLength(value);
      else if (name === 'Q') {
        const bpm = parseAbcTempo(value, this.unit);
        if (bpm !== undefined) this.maps.tempos.push({ tick, bpm });
      }
    } catch (err) {
      if (err instanceof MusegenError) throw new MusegenError(err.code, `line ${line}: ${err.message}`);
      throw err;
    }
  }
}

/** The ABC standard's default q for (p: 3 notes in the time of 2, 2 in 3…; 5, 7, 9 in 3 in compound meter, else 2. */
function defaultTupletTime(p: number, meter: Meter | undefined): number | undefined {
  const fixed: Record<number, number> = { 2: 3, 3: 2, 4: 3, 6: 2, 8: 3 };
  if (fixed[p] !== undefined) return fixed[p];
  if (p === 5 || p === 7 || p === 9) return meter && isCompound(meter) ? 3 : 2;
  return undefined;
}
