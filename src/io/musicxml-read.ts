/**
 * MusicXML text → Score.
 *
 *   XML ─ parseXml ─▶ parts of <measure>s ─ readPart ─▶ notes and events at
 *   (measure, offset) ─ measureLengths ─▶ measure starts (parts that
 *   disagree: the time signature decides) ─▶ absolute ticks ─ mergeTies ─▶ Score
 *
 * Partwise and timewise scores (timewise is regrouped into partwise). Each
 * <part> becomes one Part with its voice numbers kept; a multi-staff part
 * stays one part. <duration>s in divisions become ticks (480 a quarter;
 * divisions may change anywhere, and are 1 until a file states them).
 * <backup>/<forward> move the cursor, <chord/> notes share the onset of the
 * note before (each keeps its own length), grace notes are skipped, cue notes
 * and rests only take time. Tied notes merge into one Note (`tied`), a
 * fermata on any piece marks it; a fermata on any note of a chord marks the
 * whole chord. A part's measure fuller than the measure (see measureLengths)
 * is cut at the measure's end, the other parts untouched. Names and titles
 * are read on one line. A transposing instrument's part (<transpose>) is
 * read at sounding pitch: its notes, key and chord symbols. Repeats are read
 * as written (not unfolded).
 * Key and time signatures come from the first part that has them; tempo from
 * <sound tempo> in any part; velocity from <sound dynamics>, dynamics marks or
 * <note dynamics>, `defaultVelocity` otherwise. <harmony> in any part becomes
 * a chord symbol at the cursor plus its <offset>, its text written by
 * chord-symbol.ts (canonical: "D/F#", "Cdim"; <harmony type="alternate"> in
 * parentheses; <degree>s are not read). A first measure shorter than its
 * meter is the pickup.
 */
import { MusegenError } from '../errors.js';
import {
  STEPS,
  TICKS_PER_QUARTER,
  barLength,
  createPart,
  DEFAULT_METER,
  DEFAULT_TEMPO,
  DEFAULT_VELOCITY,
  eventMap,
  lastNoteEnd,
  midiOf,
  modeFromName,
  sortNotes,
  intervalFifths,
  transposeChordSymbol,
  transposePitch,
  type Interval,
  type Key,
  type Meter,
  type Note,
  type Part,
  type Pitch,
  type Score,
  type Step,
  type TempoEvent,
  type Ticks,
  type Velocity,
} from '../score/index.js';
import { formatChordSymbol, kindSuffix, type ChordNote } from '../score/index.js';
import { attr, child, childText, childrenNamed, childrenOf, parseXml, rootElement, tagOf, textOf, type XmlNode } from './musicxml-dom.js';
import { readRepeatMarks } from './musicxml-repeats.js';

export interface MusicXmlReadOptions {
  /** Velocity of notes the score gives no dynamics for. */
  defaultVelocity: Velocity;
}

export const MUSICXML_READ_DEFAULTS: MusicXmlReadOptions = { defaultVelocity: DEFAULT_VELOCITY };

/** MIDI velocity of MusicXML's dynamics percentage (100 = forte = 90). */
export const FORTE_VELOCITY: Velocity = 90;

/** Velocities for written dynamics marks without a <sound dynamics>. */
const MARK_VELOCITY: Record<string, Velocity> = {
  pppp: 10, ppp: 16, pp: 33, p: 49, mp: 64, mf: 80, f: 96, ff: 112, fff: 126, ffff: 127,
};

/** A position inside the score before measure starts are known: measure index and ticks into it. */
interface At {
  measure: number;
  offset: number;
}

interface RawNote extends At {
  duration: number;
  pitch: Pitch;
  voice: number;
  velocity: Velocity;
  fermata: boolean;
  tieStart: boolean;
  tieStop: boolean;
}

interface RawPart {
  notes: RawNote[];
  /** Length of each measure in ticks: the furthest the cursor reached. */
  lengths: number[];
  /** Whether each measure holds anything but whole-measure rests (else its length says nothing of the measure's). */
  firm: boolean[];
  keys: (At & Key)[];
  times: (At & Meter)[];
  tempos: (At & Omit<TempoEvent, 'tick'>)[];
  chordSymbols: (At & { text: string })[];
}

/** Where reading is, for error messages. */
class Place {
  measure = '';
  fail(message: string): never {
    throw new MusegenError('BAD_FORMAT', `measure ${this.measure}: ${message}`);
  }
}

function velocityOfPercent(percent: string | undefined): Velocity | undefined {
  const p = percent === undefined || percent.trim() === '' ? NaN : Number(percent);
  return Number.isFinite(p) ? Math.min(127, Math.max(0, Math.round((p * FORTE_VELOCITY) / 100))) : undefined;
}

function readPitch(node: XmlNode, stepTag: string, octaveTag: string, place: Place): Pitch {
  const step = childText(node, stepTag);
  if (!STEPS.includes(step as Step)) place.fail(`bad <${stepTag}> "${step}" (expected A..G)`);
  const octave = Number(childText(node, octaveTag));
  if (!Number.isInteger(octave)) place.fail(`bad <${octaveTag}> "${childText(node, octaveTag)}"`);
  const alterText = childText(node, 'alter');
  const alter = alterText === '' ? 0 : Math.round(Number(alterText)); // microtones: nearest semitone
  if (!Number.isFinite(alter)) place.fail(`bad <alter> "${alterText}"`);
  return { step: step as Step, alter, octave };
}

/** Time signature of a <time>: the sum of its beats / beat-type pairs ("3+2" counts 5). */
function readTime(time: XmlNode, place: Place): Meter | undefined {
  const beats = childrenNamed(time, 'beats').map((b) => textOf(b).split('+').reduce((s, x) => s + Number(x), 0));
  const types = childrenNamed(time, 'beat-type').map((b) => Number(textOf(b)));
  if (beats.length === 0 || beats.length !== types.length) return undefined; // senza-misura
  const denominator = Math.max(...types);
  const numerator = beats.reduce((s, b, i) => s + (b * denominator) / types[i]!, 0);
  if (!Number.isInteger(numerator) || numerator <= 0 || !Number.isInteger(denominator) || denominator <= 0) {
    place.fail(`bad time signature ${beats.join('+')}/${types.join('+')}`);
  }
  return { numerator, denominator };
}

/** <root> or <bass> as a chord note; undefined when its step is missing or bad. */
function readChordNote(node: XmlNode | undefined, tag: 'root' | 'bass'): ChordNote | undefined {
  const step = childText(node, `${tag}-step`);
  const alter = Math.round(Number(childText(node, `${tag}-alter`)) || 0);
  return STEPS.includes(step as Step) ? { step: step as Step, alter } : undefined;
}

/**
 * Canonical chord-symbol text of a <harmony> (its first chord); undefined
 * when it names no root (a roman numeral <function>). A known <kind> prints
 * as the canonical suffix, `other` and unknown kinds as their text attribute.
 */
function readHarmony(el: XmlNode): string | undefined {
  const kindNode = child(el, 'kind');
  const kind = textOf(kindNode).trim() || 'major';
  const written = kindNode && attr(kindNode, 'text');
  const alternate = attr(el, 'type') === 'alternate';
  if (kind === 'none') return formatChordSymbol({ root: { step: 'C', alter: 0 }, kind, suffix: written || 'N.C.', alternate });
  const root = readChordNote(child(el, 'root'), 'root');
  if (!root) return undefined;
  const bass = readChordNote(child(el, 'bass'), 'bass');
  const suffix = kindSuffix(kind) ?? written ?? kind;
  return formatChordSymbol({ root, kind, suffix, ...(bass ? { bass } : {}), alternate });
}

/** Semitones → the diatonic steps of the usual interval (a tritone as an augmented fourth), for a <transpose> without <diatonic>. */
const DIATONIC_OF_SEMITONES = [0, 1, 1, 2, 2, 3, 3, 4, 5, 5, 6, 6];

/**
 * A <transpose>: the interval from written to sounding pitch (<chromatic>
 * semitones, <diatonic> steps, <octave-change>); undefined when it moves nothing
 * or says no number.
 */
function readTranspose(node: XmlNode): Interval | undefined {
  const chromatic = Number(childText(node, 'chromatic') || 0);
  const octaves = Number(childText(node, 'octave-change') || 0);
  const diatonicText = childText(node, 'diatonic');
  const inOctave = Math.abs(chromatic) % 12;
  const guessed = Math.sign(chromatic) * (7 * Math.floor(Math.abs(chromatic) / 12) + DIATONIC_OF_SEMITONES[inOctave]!);
  const diatonic = diatonicText === '' ? guessed : Number(diatonicText);
  if (![chromatic, octaves, diatonic].every(Number.isInteger)) return undefined;
  const iv = { diatonic: diatonic + 7 * octaves, semitones: chromatic + 12 * octaves };
  return iv.diatonic === 0 && iv.semitones === 0 ? undefined : iv;
}

/** Only the first staff's key or time counts in a multi-staff part. */
const firstStaff = (n: XmlNode): boolean => (attr(n, 'number') ?? '1') === '1';

function readPart(measures: XmlNode[], options: MusicXmlReadOptions): RawPart {
  const raw: RawPart = { notes: [], lengths: [], firm: [], keys: [], times: [], tempos: [], chordSymbols: [] };
  const place = new Place();
  let divisions = 1; // MusicXML's default when a file states none
  /** From written to sounding pitch, for a transposing instrument. */
  let transposition: Interval | undefined;
  let velocity = options.defaultVelocity;

  measures.forEach((m, measure) => {
    place.measure = attr(m, 'number') ?? String(measure + 1);
    let pos = 0;
    let end = 0;
    let chordOnset = 0;
    let firm = false;
    /** The notes of the chord being read: a fermata on any of them marks them all. */
    let chord: RawNote[] = [];
    const at = (): At => ({ measure, offset: pos });
    const ticksOf = (el: XmlNode): number => {
      const text = childText(el, 'duration');
      const d = Number(text);
      if (text === '' || !Number.isFinite(d) || d < 0) place.fail(`<${tagOf(el)}> without a valid <duration> ("${text}")`);
      return (d * TICKS_PER_QUARTER) / divisions;
    };
    const readSound = (sound: XmlNode | undefined): boolean => {
      if (!sound) return false;
      const tempo = Number(attr(sound, 'tempo'));
      if (tempo > 0) raw.tempos.push({ ...at(), bpm: tempo });
      const v = velocityOfPercent(attr(sound, 'dynamics'));
      if (v !== undefined) velocity = v;
      return v !== undefined;
    };

    for (const el of childrenOf(m)) {
      switch (tagOf(el)) {
        case 'attributes': {
          const div = childText(el, 'divisions');
          if (div !== '') {
            divisions = Number(div);
            if (!(divisions > 0)) place.fail(`bad <divisions> "${div}"`);
          }
          const transpose = childrenNamed(el, 'transpose').find(firstStaff);
          if (transpose) transposition = readTranspose(transpose);
          const key = childrenNamed(el, 'key').find(firstStaff);
          if (key && child(key, 'fifths')) {
            const fifths = Number(childText(key, 'fifths'));
            if (!Number.isInteger(fifths)) place.fail(`bad <fifths> "${childText(key, 'fifths')}"`);
            const mode = childText(key, 'mode');
            raw.keys.push({ ...at(), fifths: fifths + (transposition ? intervalFifths(transposition) : 0), mode: modeFromName(mode) ?? 'major' });
          }
          const timeNode = childrenNamed(el, 'time').find(firstStaff);
          const time = timeNode && readTime(timeNode, place);
          if (time) raw.times.push({ ...at(), ...time });
          break;
        }
        case 'sound':
          readSound(el);
          break;
        case 'direction': {
          if (readSound(child(el, 'sound'))) break;
          for (const type of childrenNamed(el, 'direction-type')) {
            for (const dyn of childrenNamed(type, 'dynamics')) {
              const mark = childrenOf(dyn).map(tagOf).find((t) => t in MARK_VELOCITY);
              if (mark) velocity = MARK_VELOCITY[mark]!;
            }
          }
          break;
        }
        case 'harmony': {
          const written = readHarmony(el);
          const text = written !== undefined && transposition ? transposeChordSymbol(written, transposition) : written;
          const offset = Number(childText(el, 'offset')) || 0;
          const ticks = offset === 0 ? 0 : (offset * TICKS_PER_QUARTER) / divisions;
          if (text !== undefined && Number.isFinite(ticks)) raw.chordSymbols.push({ measure, offset: Math.max(0, pos + ticks), text });
          break;
        }
        case 'backup':
          pos = Math.max(0, pos - ticksOf(el));
          break;
        case 'forward':
          pos += ticksOf(el);
          end = Math.max(end, pos);
          firm = true;
          break;
        case 'note': {
          if (child(el, 'grace')) break;
          const duration = ticksOf(el);
          const isChord = child(el, 'chord') !== undefined;
          const offset = isChord ? chordOnset : pos;
          if (!isChord) {
            chordOnset = pos;
            pos += duration;
            end = Math.max(end, pos);
            chord = [];
          }
          const rest = child(el, 'rest');
          if (!(rest && attr(rest, 'measure') === 'yes')) firm = true;
          if (rest || child(el, 'cue')) break;
          const pitched = child(el, 'pitch');
          const unpitched = pitched ? undefined : child(el, 'unpitched');
          if (!pitched && !(unpitched && child(unpitched, 'display-step'))) break;
          const written = pitched ? readPitch(pitched, 'step', 'octave', place) : undefined;
          const pitch = written
            ? transposition ? transposePitch(written, transposition) : written
            : readPitch(unpitched!, 'display-step', 'display-octave', place);
          let ties = childrenNamed(el, 'tie').map((t) => attr(t, 'type'));
          const notations = childrenNamed(el, 'notations');
          if (ties.length === 0) ties = notations.flatMap((n) => childrenNamed(n, 'tied')).map((t) => attr(t, 'type'));
          const voice = Number(childText(el, 'voice')) || 1;
          const note: RawNote = {
            measure,
            offset,
            duration,
            pitch,
            voice,
            velocity: velocityOfPercent(attr(el, 'dynamics')) ?? velocity,
            fermata: notations.some((n) => child(n, 'fermata') !== undefined),
            tieStart: ties.includes('start'),
            tieStop: ties.includes('stop'),
          };
          raw.notes.push(note);
          chord.push(note);
          if (chord.some((n) => n.fermata)) for (const n of chord) n.fermata = true;
          break;
        }
        default:
          break;
      }
    }
    raw.lengths.push(end);
    raw.firm.push(firm);
  });
  return raw;
}

/**
 * How long each measure lasts, in ticks. Parts that agree give their length
 * (a pickup, an implicit measure mid-piece). When they disagree (one part
 * overfull, as Sibelius exports two whole-measure rests in one 4/4 measure;
 * one part short of its rests) the time signature decides, as in music21, if
 * some part fills exactly one bar of it; else the longest part does. A part
 * whose measure holds only whole-measure rests or nothing has no say. Where
 * no part has more, the rests' longest <duration> is the measure's, but
 * never more than a bar (exporters write a whole rest's length in 3/4), and
 * a measure empty in every part lasts a bar, as in music21 (some programs
 * leave the rests out).
 */
function measureLengths(raws: RawPart[], count: number): Ticks[] {
  const times = raws.find((r) => r.times.length > 0)?.times ?? [];
  const out: Ticks[] = [];
  let meter: Meter = DEFAULT_METER;
  let next = 0;
  for (let i = 0; i < count; i++) {
    while (next < times.length && times[next]!.measure <= i) meter = times[next++]!;
    const bar = barLength(meter);
    const firm = raws.filter((r) => r.firm[i]).map((r) => Math.round(r.lengths[i]!));
    let length: number;
    if (firm.length === 0) {
      const soft = Math.max(0, ...raws.map((r) => r.lengths[i] ?? 0));
      length = times.length === 0 ? soft : soft === 0 ? bar : Math.min(soft, bar);
    }
    else if (firm.every((l) => l === firm[0])) length = firm[0]!;
    else if (firm.includes(bar)) length = bar;
    else length = Math.max(...firm);
    out.push(Math.round(length));
  }
  return out;
}

/**
 * Merge notes written as tied pieces: a tie-stop note continues an open
 * tie-start note of the same pitch that ends where it begins (same voice first).
 */
function mergeTies(raw: (Note & { tieStart: boolean; tieStop: boolean })[]): Note[] {
  const out: Note[] = [];
  const open = new Map<number, Note[]>();
  raw.sort((a, b) => a.onset - b.onset);
  for (const { tieStart, tieStop, ...n } of raw) {
    const midi = midiOf(n.pitch);
    const candidates = tieStop ? (open.get(midi) ?? []).filter((o) => o.onset + o.duration === n.onset) : [];
    const target = candidates.find((o) => o.voice === n.voice) ?? candidates[0];
    if (target) {
      target.duration += n.duration;
      target.tied = true;
      if (n.fermata) target.fermata = true;
      if (!tieStart) open.set(midi, open.get(midi)!.filter((o) => o !== target));
      continue;
    }
    out.push(n);
    if (tieStart) open.set(midi, [...(open.get(midi) ?? []).filter((o) => o.onset + o.duration >= n.onset), n]);
  }
  return out;
}

/** The parts of a score as partwise lists of measures; timewise scores are regrouped. */
function partMeasures(root: XmlNode): Map<string, XmlNode[]> {
  const parts = new Map<string, XmlNode[]>();
  if (tagOf(root) === 'score-partwise') {
    childrenNamed(root, 'part').forEach((p, i) => parts.set(attr(p, 'id') ?? `P${i + 1}`, childrenNamed(p, 'measure')));
    return parts;
  }
  for (const m of childrenNamed(root, 'measure')) {
    childrenNamed(m, 'part').forEach((p, i) => {
      const id = attr(p, 'id') ?? `P${i + 1}`;
      if (!parts.has(id)) parts.set(id, []);
      parts.get(id)!.push({ measure: childrenOf(p), ':@': m[':@'] });
    });
  }
  return parts;
}

/** A name or title on one line: line breaks written into it (`Tenor&#xd;Viola`) become spaces. */
const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** MIDI channel for the i-th part when the score names none: 0, 1, …, skipping 9 (drums). */
const defaultChannel = (i: number): number => [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15][i % 15]!;

function partHeader(scorePart: XmlNode | undefined, index: number): Part {
  const midi = scorePart && child(scorePart, 'midi-instrument');
  const channel = Number(childText(midi, 'midi-channel'));
  const program = Number(childText(midi, 'midi-program'));
  const ch = channel >= 1 && channel <= 16 ? channel - 1 : defaultChannel(index);
  return createPart({
    name: oneLine(childText(scorePart, 'part-name')),
    program: program >= 1 && program <= 128 ? program - 1 : 0,
    channel: ch,
    isDrum: ch === 9,
  });
}

/** Parse MusicXML text (partwise or timewise) into a Score. */
export function readMusicXml(text: string, options: Partial<MusicXmlReadOptions> = {}): Score {
  const opts = { ...MUSICXML_READ_DEFAULTS, ...options };
  const root = rootElement(parseXml(text));
  const tag = root ? tagOf(root) : '';
  if (tag !== 'score-partwise' && tag !== 'score-timewise') {
    throw new MusegenError('BAD_FORMAT', `not a MusicXML score (root element ${tag ? `<${tag}>` : 'missing'}, expected <score-partwise>)`);
  }
  const scoreParts = new Map<string, XmlNode>();
  for (const sp of childrenNamed(child(root!, 'part-list') ?? {}, 'score-part')) scoreParts.set(attr(sp, 'id') ?? '', sp);

  const raws: RawPart[] = [];
  const parts: Part[] = [];
  const measuresOf = [...partMeasures(root!)];
  measuresOf.forEach(([id, measures], i) => {
    raws.push(readPart(measures, opts));
    parts.push(partHeader(scoreParts.get(id), i));
  });

  const count = Math.max(0, ...raws.map((r) => r.lengths.length));
  const lengths = measureLengths(raws, count);
  const starts: Ticks[] = [0];
  for (let i = 0; i < count; i++) starts.push(starts[i]! + lengths[i]!);
  const tickOf = (a: At): Ticks => starts[a.measure]! + Math.round(a.offset);

  raws.forEach((raw, i) => {
    // A part's measure fuller than the measure is cut at its end: nothing spills into the next.
    const limit = (m: number): number => ((raw.lengths[m] ?? 0) > lengths[m]! ? lengths[m]! : Infinity);
    const notes = raw.notes.filter((n) => Math.round(n.offset) < limit(n.measure)).map((n) => {
      const onset = tickOf(n);
      const note: Note & { tieStart: boolean; tieStop: boolean } = {
        pitch: n.pitch,
        onset,
        duration: Math.max(1, starts[n.measure]! + Math.round(Math.min(n.offset + n.duration, limit(n.measure))) - onset),
        velocity: n.velocity,
        voice: n.voice,
        tieStart: n.tieStart,
        tieStop: n.tieStop,
      };
      if (n.fermata) note.fermata = true;
      return note;
    });
    parts[i]!.notes = sortNotes(mergeTies(notes));
  });

  const end = Math.max(starts[count]!, lastNoteEnd({ parts }));
  const inRange = <E extends { tick: Ticks }>(es: E[]): E[] => es.filter((e) => e.tick === 0 || e.tick < end);
  const first = <E>(lists: E[][]): E[] => lists.find((l) => l.length > 0) ?? [];
  const timeSignatures = eventMap(
    inRange(first(raws.map((r) => r.times)).map(({ numerator, denominator, ...a }) => ({ tick: tickOf(a), numerator, denominator }))),
    DEFAULT_METER,
  );
  const keySignatures = eventMap(inRange(first(raws.map((r) => r.keys)).map(({ fifths, mode, ...a }) => ({ tick: tickOf(a), fifths, mode }))));
  const tempos = eventMap(inRange(raws.flatMap((r) => r.tempos).map(({ bpm, ...a }) => ({ tick: tickOf(a), bpm }))), { bpm: DEFAULT_TEMPO });
  const chordSymbols = raws.flatMap((r) => r.chordSymbols).map(({ text, ...a }) => ({ tick: tickOf(a), text })).sort((a, b) => a.tick - b.tick);

  const firstLength = starts[1] ?? 0;
  const pickup = firstLength > 0 && firstLength < barLength(timeSignatures[0]!) ? firstLength : 0;
  const title = oneLine(childText(root, 'work', 'work-title') || childText(root, 'movement-title')) || undefined;
  const repeats = readRepeatMarks(measuresOf[0]?.[1] ?? [], starts);
  return { ...(title ? { title } : {}), parts, tempos, timeSignatures, keySignatures, chordSymbols, pickup, end, ...(repeats ? { repeats } : {}) };
}
