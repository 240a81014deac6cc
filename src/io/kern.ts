/**
 * Humdrum **kern → Score. Registered for ".krn" and ".kern".
 *
 *   lines ─► spines (tab-separated columns) ─► tokens ─► notes on one time line
 *
 * Each **kern spine becomes a Part, in the file's left-to-right order (the
 * Bach chorales: Bass, Tenor, Alto, Soprano). A part is named from its
 * instrument: `*I"Soprano` first, else the code (`*Isoprn` → "Soprano"), else
 * "Spine N". Spines that split (`*^`) stay in their part; their notes carry
 * the sub-spine's number (left to right, from 1) as `voice` until they merge
 * (`*v`). Other spines (**dynam, **text…) are followed but not read.
 *
 * Time: every data line starts where the shortest sounding token of the line
 * before ends. Tied notes (`[` `_` `]`) merge into one Note with `tied` set,
 * each tie followed in the sub-spine that started it (another sub-spine
 * striking the same pitch meanwhile does not end it); a fermata (`;`) on any
 * piece marks the merged Note. Grace notes (`q`) and
 * null tokens (`.`) take no time and are skipped.
 *
 * Maps: `*k[f#c#]` and the key token (`*G:`, `*g:`, `*g:dor`) give the key
 * signature and mode; `*M3/4` the meter (also mid-piece), `*MM100` the tempo.
 * A first bar shorter than its meter is the pickup. `!!!OTL` gives the title.
 * Expansion lists and section labels (`*>[A,A,B]`, `*>A`) are ignored: the
 * music is kept as written, repeats not unfolded. Other tandem
 * interpretations (clefs, staves…) are ignored; an unknown data token throws
 * BAD_FORMAT naming its line. A file with several segments (`**kern` … `*-`
 * more than once) gives one piece per segment.
 *
 * @example
 *   const [score] = readKern(text);
 *   score.parts.map((p) => p.name); // ["Bass", "Tenor", "Alto", "Soprano"]
 */
import { MusegenError } from '../errors.js';
import {
  barLength,
  createPart,
  createScore,
  DEFAULT_METER,
  DEFAULT_TEMPO,
  DEFAULT_VELOCITY,
  eventMap,
  keySignatureFifths,
  midiOf,
  modeFromName,
  repeatMarks,
  sortNotes,
  type KeySignatureEvent,
  type Note,
  type Score,
  type Step,
  type TempoEvent,
  type TimeSignatureEvent,
} from '../score/index.js';
import { parseKernToken } from './kern-token.js';
import { registerReader } from './registry.js';

/** General MIDI Choir Aahs, for parts of the vocal class (`*ICvox`). */
const CHOIR_PROGRAM = 52;
const INSTRUMENT_NAMES: Record<string, string> = { soprn: 'Soprano', alto: 'Alto', tenor: 'Tenor', bass: 'Bass', vox: 'Voice' };
const MANIPULATORS = new Set(['*^', '*v', '*-', '*+', '*x']);

interface Spine {
  /** The exclusive interpretation ("**kern"); empty just after `*+` until it gets one. */
  kind: string;
  /** Index of the part this spine feeds (kern spines only). */
  part: number;
  /** Time at which the spine's last token stops sounding. */
  busyUntil: number;
}

interface PartDraft {
  name?: string;
  code?: string;
  vocal: boolean;
  notes: Note[];
}

/** Parse the text of a kern file: one Score per segment. */
export function readKern(text: string): Score[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const scores: Score[] = [];
  let segment: KernSegment | undefined;
  /** `!!!OTL` titles by language tag: "" plain, "@@DE" original language, "@EN" a translation. */
  const titles: { tag: string; text: string }[] = [];
  lines.forEach((line, i) => {
    const where = `line ${i + 1}`;
    if (line.startsWith('!!')) {
      const m = /^!!!OTL(@{0,2}[^:]*):\s*(.+)$/.exec(line);
      if (m) titles.push({ tag: m[1]!, text: m[2]!.trim() });
      return;
    }
    if (line.trim() === '') return;
    if (!segment) {
      if (!line.startsWith('**')) throw new MusegenError('BAD_FORMAT', `${where}: music before the "**kern" header line`);
      segment = new KernSegment(line.replace(/[\t ]+$/, '').split('\t'));
      return;
    }
    segment.line(line, where);
    if (segment.done) {
      scores.push(segment.score());
      segment = undefined;
    }
  });
  if (segment) throw new MusegenError('BAD_FORMAT', 'the spines never end (no "*-" line)');
  if (scores.length === 0) throw new MusegenError('BAD_FORMAT', 'no **kern music (no "**kern" header line)');
  const title = titles.find((t) => t.tag === '') ?? titles.find((t) => t.tag.startsWith('@@')) ?? titles[0];
  if (title) for (const s of scores) s.title = title.text;
  return scores;
}

/** The spines of one `**…` … `*-` segment, read line by line. */
class KernSegment {
  private spines: Spine[];
  private readonly parts: PartDraft[] = [];
  private time = 0;
  private firstBar: number | undefined;
  /** Barlines with repeat signs (=:|! backward, =!|: forward), kept as written. */
  private readonly repeatSigns = { starts: [] as number[], ends: [] as number[] };
  private readonly tempos: TempoEvent[] = [];
  private readonly meters: TimeSignatureEvent[] = [];
  private readonly keys: (KeySignatureEvent & { fromSignature: boolean })[] = [];
  /** Open ties by part and MIDI number, each with the sub-spine (voice) that holds it now. */
  private readonly ties = new Map<string, { note: Note; voice: number }[]>();
  done = false;

  constructor(header: string[]) {
    this.spines = header.map((kind) => this.spine(kind));
    if (!this.spines.some((s) => s.kind === '**kern')) throw new MusegenError('BAD_FORMAT', 'no **kern spine in the header line');
  }

  private spine(kind: string): Spine {
    if (kind !== '**kern') return { kind, part: -1, busyUntil: this.time };
    this.parts.push({ vocal: false, notes: [] });
    return { kind, part: this.parts.length - 1, busyUntil: this.time };
  }

  line(line: string, where: string): void {
    const tokens = line.split('\t');
    while (tokens.length > this.spines.length && tokens[tokens.length - 1]!.trim() === '') tokens.pop(); // trailing tabs
    if (tokens.length !== this.spines.length) {
      throw new MusegenError('BAD_FORMAT', `${where}: ${tokens.length} columns where ${this.spines.length} spines are open`);
    }
    if (line.startsWith('!')) return;
    if (line.startsWith('*')) {
      if (tokens.some((t) => MANIPULATORS.has(t))) this.manipulate(tokens, where);
      else tokens.forEach((t, i) => this.interpret(t, this.spines[i]!));
    } else if (line.startsWith('=')) {
      if (this.firstBar === undefined && this.time > 0) this.firstBar = this.time;
      const bar = tokens.find((t) => t.startsWith('=')) ?? '';
      if (bar.includes(':|')) this.repeatSigns.ends.push(Math.round(this.time));
      if (bar.includes('|:')) this.repeatSigns.starts.push(Math.round(this.time));
    } else {
      this.data(tokens, where);
    }
  }

  /** Split, merge, exchange, add and end spines. */
  private manipulate(tokens: string[], where: string): void {
    const next: Spine[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      const s = this.spines[i]!;
      if (t === '*^') next.push(s, { ...s });
      else if (t === '*+') next.push(s, { kind: '', part: -1, busyUntil: this.time });
      else if (t === '*v') {
        let j = i;
        while (tokens[j + 1] === '*v') j++;
        if (j === i) throw new MusegenError('BAD_FORMAT', `${where}: "*v" merges a spine with nothing (needs two "*v" side by side)`);
        next.push({ ...s, busyUntil: Math.max(...this.spines.slice(i, j + 1).map((x) => x.busyUntil)) });
        i = j;
      } else if (t === '*x') {
        if (tokens[i + 1] !== '*x') throw new MusegenError('BAD_FORMAT', `${where}: "*x" exchanges a spine with nothing (needs two "*x" side by side)`);
        next.push(this.spines[i + 1]!, s);
        i++;
      } else if (t !== '*-') next.push(s);
    }
    this.spines = next;
    if (next.length === 0) this.done = true;
  }

  /** A tandem interpretation in one spine; the maps take the first spine that states them at a time. */
  private interpret(t: string, s: Spine): void {
    if (s.kind === '' && t.startsWith('**')) {
      Object.assign(s, this.spine(t), { busyUntil: s.busyUntil });
      return;
    }
    if (s.kind !== '**kern') return;
    const part = this.parts[s.part]!;
    let m: RegExpExecArray | null;
    if (t.startsWith('*I"')) part.name ??= t.slice(3);
    else if (t === '*ICvox') part.vocal = true;
    else if ((m = /^\*I([a-z]+)$/.exec(t))) part.code ??= m[1];
    else if ((m = /^\*k\[([a-g#n-]*)\]$/.exec(t))) {
      const sig = m[1]!;
      const fifths = (sig.match(/#/g)?.length ?? 0) - (sig.match(/-/g)?.length ?? 0);
      Object.assign(this.keyEvent(), { fifths, fromSignature: true });
    } else if ((m = /^\*([A-Ga-g])([#-]?):([a-z]*)$/.exec(t))) {
      const letter = m[1]!;
      const mode = m[3] ? modeFromName(m[3]) : letter === letter.toLowerCase() ? 'minor' : 'major';
      if (mode === undefined) return;
      const key = this.keyEvent();
      key.mode = mode;
      if (!key.fromSignature) {
        const tonic = { step: letter.toUpperCase() as Step, alter: m[2] === '#' ? 1 : m[2] === '-' ? -1 : 0 };
        key.fifths = keySignatureFifths(tonic, mode);
      }
    } else if ((m = /^\*M(\d+)\/(\d+)$/.exec(t))) {
      this.meters.push({ tick: Math.round(this.time), numerator: Number(m[1]), denominator: Number(m[2]) });
    } else if ((m = /^\*MM(\d+(?:\.\d+)?)$/.exec(t))) {
      this.tempos.push({ tick: Math.round(this.time), bpm: Number(m[1]) });
    }
  }

  /** The key event at the current time, made from the one in force when there is none yet. */
  private keyEvent(): KeySignatureEvent & { fromSignature: boolean } {
    const tick = Math.round(this.time);
    const last = this.keys[this.keys.length - 1];
    if (last?.tick === tick) return last;
    const e: KeySignatureEvent & { fromSignature: boolean } = { tick, fifths: last?.fifths ?? 0, mode: last?.mode ?? 'major', fromSignature: false };
    this.keys.push(e);
    return e;
  }

  private data(tokens: string[], where: string): void {
    const t = this.time;
    tokens.forEach((token, i) => {
      const s = this.spines[i]!;
      if (s.kind !== '**kern' || token === '.') return;
      const e = parseKernToken(token);
      if (!e) throw new MusegenError('BAD_FORMAT', `${where}: unknown token "${token}"`);
      if (e.grace) return;
      s.busyUntil = t + e.duration;
      const voice = this.spines.filter((x) => x.part === s.part).indexOf(s) + 1;
      for (const n of e.notes) this.addNote(s.part, voice, t, n.duration, n.pitch, n.tie, n.fermata);
    });
    const kern = this.spines.filter((s) => s.kind === '**kern');
    this.time = Math.max(t, Math.min(...kern.map((s) => s.busyUntil)));
  }

  /**
   * One note of a token. A tie's continuation or end joins the open tie of its
   * pitch in the same part: the one its own sub-spine started first, else one
   * that ends where it begins, else any (ties that cross a split or merge).
   */
  private addNote(part: number, voice: number, t: number, duration: number, pitch: Note['pitch'], tie: string | undefined, fermata: boolean): void {
    const key = `${part}:${midiOf(pitch)}`;
    const open = this.ties.get(key) ?? [];
    const onset = Math.round(t);
    const end = Math.round(t + duration);
    if (tie === 'continue' || tie === 'end') {
      const tied = open.find((o) => o.voice === voice) ?? open.find((o) => o.note.onset + o.note.duration === onset) ?? open[0];
      if (tied) {
        tied.note.duration = end - tied.note.onset;
        tied.voice = voice;
        if (fermata) tied.note.fermata = true;
        if (tie === 'end') this.ties.set(key, open.filter((o) => o !== tied));
        return;
      }
    }
    const note: Note = { pitch, onset, duration: end - onset, velocity: DEFAULT_VELOCITY, voice };
    if (fermata) note.fermata = true;
    if (tie) note.tied = true;
    this.parts[part]!.notes.push(note);
    // A new strike ends its own sub-spine's open tie of this pitch, never another's.
    const others = open.filter((o) => o.voice !== voice);
    this.ties.set(key, tie === 'start' || tie === 'continue' ? [...others, { note, voice }] : others);
  }

  score(): Score {
    const end = Math.round(this.time);
    const firstBar = Math.round(this.firstBar ?? 0);
    const meters = eventMap(this.meters, DEFAULT_METER);
    const pickup = firstBar > 0 && firstBar < barLength(meters[0]!) && firstBar < end ? firstBar : 0;
    const repeats = repeatMarks(this.repeatSigns.starts, this.repeatSigns.ends, []);
    return createScore({
      parts: this.parts.map((p, i) =>
        createPart({
          name: p.name ?? (p.code ? INSTRUMENT_NAMES[p.code] ?? p.code : `Spine ${i + 1}`),
          program: p.vocal ? CHOIR_PROGRAM : 0,
          channel: Math.min(15, i < 9 ? i : i + 1),
          notes: sortNotes(p.notes),
        }),
      ),
      tempos: eventMap(this.tempos, { bpm: DEFAULT_TEMPO }),
      timeSignatures: meters,
      keySignatures: eventMap(this.keys.map(({ tick, fifths, mode }) => ({ tick, fifths, mode }))),
      pickup,
      end,
      ...(repeats ? { repeats } : {}),
    });
  }
}

registerReader({
  name: 'kern',
  version: 4,
  extensions: ['.krn', '.kern'],
  read: (bytes) => readKern(new TextDecoder().decode(bytes)).map((score) => ({ score })),
});
