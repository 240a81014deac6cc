/**
 * One line of ABC music → a list of elements, in order: notes, rests and
 * chords with their written lengths (in units of L:), bars with their repeat
 * signs, ending marks ([1 [2), chord symbols ("Am7"), tuplet marks ((3),
 * broken rhythms (> <), ties (-) and inline fields ([K:Dm]).
 *
 * No time is laid out here: `abc-timeline.ts` does that, after
 * `abc-repeats.ts` has unfolded repeats when asked. Decorations, slurs, grace
 * notes ({…}), annotations ("^text"), spacers (y, `, $, \) and ABC 2.1's
 * reserved characters (# * ; ? @) are read past (a fermata, H or !fermata!,
 * is kept on its note). `&` overlays a second voice on the bar so far;
 * `+CEG+` is a chord (ABC 1.6) unless it names a decoration.
 * `!` is a line break, as in ABC 2.0, in a tune whose `!`s cannot all be read
 * as decorations (or that says `I:linebreak !`). Anything else the music
 * cannot hold (a stray "]", a lone ":", a letter that is no note) is read past
 * too, and reported through `onStray`, as abcm2ps and abc2midi warn and go on.
 */
import { MusegenError } from '../errors.js';
import type { Step } from '../score/index.js';

/** A written pitch: a letter, its octave (C4 = "C", C5 = "c"), and an accidental when one is written. */
export interface AbcPitch {
  step: Step;
  octave: number;
  /** The written accidental in semitones (= is 0); undefined when none is written. */
  accidental?: number;
  /** Tied to the same pitch in the next note or chord. */
  tie: boolean;
}

export type AbcElement =
  /** A note, a chord (several pitches) or a rest (none); `length` in units of L:. */
  | { kind: 'note'; pitches: AbcPitch[]; length: number; fermata: boolean; line: number }
  /** A rest of whole bars (Z4). */
  | { kind: 'barRest'; bars: number; line: number }
  /** A bar line; `double` for ||, |] and [| (the end of a section). */
  | { kind: 'bar'; repeatEnd: boolean; repeatStart: boolean; double: boolean; line: number }
  /** An ending mark: the passes it plays on, as inclusive ranges ("1,3-4" → [[1, 1], [3, 4]]). */
  | { kind: 'ending'; passes: [number, number][]; line: number }
  | { kind: 'chordSymbol'; text: string; line: number }
  /** p notes in the time of q, for the next r notes; q and r as written (undefined = default). */
  | { kind: 'tuplet'; p: number; q?: number; r?: number; line: number }
  /** Broken rhythm: the note before is multiplied by `before`, the next by `after`. */
  | { kind: 'broken'; before: number; after: number; line: number }
  /** `&`: what follows, up to the next bar line, sounds with the bar so far, from its start (a voice overlay). */
  | { kind: 'overlay'; line: number }
  | { kind: 'field'; name: string; value: string; line: number };

const ACCIDENTAL: Record<string, number> = { '^': 1, '^^': 2, _: -1, __: -2, '=': 0 };
/** Single-character decorations (ABC 2.1 shorthands and user-definable letters); H is the fermata. */
const DECORATIONS = new Set('.~HIJKLMNOPQRSTUVWhijklmnopqrstuvw');
/** Read past without a word: spacers, beam breaks, line continuation, and ABC 2.1's reserved characters. */
const IGNORED = /[\s`y$\\#*;?@]/;
const NOTE_RE = /^(\^\^|\^|__|_|=)?([A-Ga-g])([',]*)/;
/** The decorations ABC 2.1 names (section 4.14): the only `!…!` a tune that breaks lines with `!` can hold. */
const KNOWN_DECORATIONS = new Set([
  'trill', 'trill(', 'trill)', 'lowermordent', 'uppermordent', 'mordent', 'pralltriller', 'roll', 'turn', 'turnx',
  'invertedturn', 'invertedturnx', 'arpeggio', '>', 'accent', 'emphasis', 'fermata', 'invertedfermata', 'tenuto',
  '0', '1', '2', '3', '4', '5', '+', 'plus', 'snap', 'slide', 'wedge', 'upbow', 'downbow', 'open', 'thumb', 'breath',
  'pppp', 'ppp', 'pp', 'p', 'mp', 'mf', 'f', 'ff', 'fff', 'ffff', 'sfz', 'crescendo(', '<(', 'crescendo)', '<)',
  'diminuendo(', '>(', 'diminuendo)', '>)', 'segno', 'coda', 'D.S.', 'D.C.', 'dacoda', 'dacapo', 'fine',
  'shortphrase', 'mediumphrase', 'longphrase', 'editorial', 'courtesy',
]);

export interface ScanOptions {
  /** `!` breaks the line (ABC 2.0): only `!name!` of a decoration ABC 2.1 names is a decoration. */
  bangLineBreaks?: boolean;
  /** Told of each line that had characters read past which the music cannot hold. */
  onStray?: (message: string) => void;
}

/** Scan one music line (1-based `line` for messages). */
export function scanMusicLine(text: string, line: number, options: ScanOptions = {}): AbcElement[] {
  return new LineScanner(text, line, options).scan();
}

/**
 * The name of the `!name!` decoration at `i` (a `!`), or undefined when no `!`
 * closes it within 30 characters, before a bar line, bracket or quote (the
 * music between two of ABC 2.0's line-break `!`s holds bar lines).
 */
function bangDecoration(s: string, i: number): string | undefined {
  const m = /^!([^|!"[\]]{1,30})!/.exec(s.slice(i));
  return m?.[1];
}

/**
 * Whether a tune's music lines use `!` as a line break (ABC 2.0) rather than
 * around decorations: some `!` outside quoted text starts no `!name!`.
 */
export function usesBangLineBreaks(lines: string[]): boolean {
  for (const s of lines) {
    for (let i = 0; i < s.length; i++) {
      if (s[i] === '"') {
        const close = s.indexOf('"', i + 1);
        if (close < 0) break;
        i = close;
      } else if (s[i] === '!') {
        const name = bangDecoration(s, i);
        if (name === undefined) return true;
        i += name.length + 1;
      }
    }
  }
  return false;
}

class LineScanner {
  private i = 0;
  private readonly out: AbcElement[] = [];
  private fermata = false;
  /** Characters read past that the music cannot hold, in order of first sight. */
  private readonly strays = new Set<string>();

  constructor(
    private readonly s: string,
    private readonly line: number,
    private readonly options: ScanOptions,
  ) {}

  private fail(what: string): never {
    throw new MusegenError('BAD_FORMAT', `line ${this.line}: ${what}`);
  }

  scan(): AbcElement[] {
    const s = this.s;
    const line = this.line;
    while (this.i < s.length) {
      const c = s[this.i]!;
      const rest = s.slice(this.i);
      if (c === '%') break;
      if (c === 'y') this.i += /^y[\d/]*/.exec(rest)![0].length; // a spacer, maybe with a length
      else if (IGNORED.test(c)) this.i++;
      else if (c === '"') {
        const text = this.until('"');
        if (text !== undefined && text !== '' && !/^[\^_<>@]/.test(text)) this.out.push({ kind: 'chordSymbol', text, line });
      } else if (c === '!') this.bang();
      else if (c === '+') this.plus();
      else if (c === '&') {
        this.out.push({ kind: 'overlay', line });
        this.i++;
      } else if (c === '{') this.until('}');
      else if (c === '(' && /^\(\d/.test(rest)) {
        const m = /^\((\d+)(?::(\d*))?(?::(\d*))?/.exec(rest)!;
        this.out.push({ kind: 'tuplet', p: Number(m[1]), q: num(m[2]), r: num(m[3]), line });
        this.i += m[0].length;
      } else if (c === '(' || c === ')') this.i++;
      else if (c === '-') {
        const last = this.out[this.out.length - 1];
        if (last?.kind === 'note') for (const p of last.pitches) p.tie = true;
        this.i++;
      } else if (c === '>' || c === '<') {
        const n = /^(>+|<+)/.exec(rest)![0].length;
        const long = 2 - 0.5 ** n;
        const short = 0.5 ** n;
        this.out.push({ kind: 'broken', before: c === '>' ? long : short, after: c === '>' ? short : long, line });
        this.i += n;
      } else if (/^\[[A-Za-z]:/.test(rest)) {
        const body = this.until(']');
        if (body !== undefined) this.out.push({ kind: 'field', name: body[0]!, value: body.slice(2).trim(), line });
      } else if (/^\[\d/.test(rest)) {
        this.i++;
        this.ending();
      } else if (c === '|' || /^::*\|/.test(rest) || /^::/.test(rest) || rest.startsWith('[|')) this.bar();
      else if (c === '[') this.chord(']');
      else if (NOTE_RE.test(rest) || c === 'z' || c === 'x') this.note();
      else if (c === 'Z' || c === 'X') {
        const m = /^[ZX](\d*)/.exec(rest)!;
        this.out.push({ kind: 'barRest', bars: Number(m[1] || 1), line });
        this.i += m[0].length;
      } else if (DECORATIONS.has(c)) {
        if (c === 'H') this.fermata = true;
        this.i++;
      } else this.stray(c);
    }
    if (this.strays.size > 0) {
      this.options.onStray?.(`line ${line}: read past ${[...this.strays].map((x) => `"${x}"`).join(', ')} (not ABC music)`);
    }
    return this.out;
  }

  /** A character the music cannot hold: read past, and told of once per line. */
  private stray(what: string, skip = 1): void {
    this.strays.add(what);
    this.i += skip;
  }

  /**
   * The text up to the closing `close` (the cursor moves past it). Left open,
   * the rest of the line is taken for it (reported as a stray) and undefined given.
   */
  private until(close: string): string | undefined {
    const end = this.s.indexOf(close, this.i + 1);
    if (end < 0) {
      this.stray(`${this.s[this.i]}…`, this.s.length - this.i);
      return undefined;
    }
    const text = this.s.slice(this.i + 1, end);
    this.i = end + 1;
    return text;
  }

  /** `!`: a decoration `!name!`, or a line break (see ScanOptions.bangLineBreaks), which says nothing of the music. */
  private bang(): void {
    const name = bangDecoration(this.s, this.i);
    if (name !== undefined && (!this.options.bangLineBreaks || KNOWN_DECORATIONS.has(name))) {
      if (name === 'fermata') this.fermata = true;
      this.i += name.length + 2;
    } else this.i++;
  }

  /**
   * `+…+`: a decoration (`+trill+`, ABC 2.0), or, when it holds notes and
   * names no decoration, an ABC 1.6 chord (`+GB+`, `+E3 c3 +`).
   */
  private plus(): void {
    const m = /^\+([^+]*)\+/.exec(this.s.slice(this.i));
    if (!m) return this.stray('+');
    const inside = m[1]!;
    if (!KNOWN_DECORATIONS.has(inside) && /[A-Ga-g]/.test(inside) && /^[\s=^_A-Ga-g',\d/-]+$/.test(inside)) return this.chord('+');
    if (inside === 'fermata') this.fermata = true;
    this.i += m[0].length;
  }

  /** A bar line: |, ||, |], [|, [|] (invisible), with repeat colons (|: :| :: :|:), then maybe an ending number (|1, :|2). */
  private bar(): void {
    const m = /^(:*)(\[\|\]|\[\||\|\]|\|\||\|)?(:*)/.exec(this.s.slice(this.i))!;
    const [all, before, bar, after] = [m[0], m[1]!, m[2], m[3]!];
    this.out.push({
      kind: 'bar',
      repeatEnd: before.length > 0,
      repeatStart: bar === undefined || after.length > 0,
      double: bar === '[|' || bar === '|]' || bar === '||',
      line: this.line,
    });
    this.i += all.length;
    if (/^\d/.test(this.s.slice(this.i))) this.ending();
  }

  /** Ending numbers after "[" or a bar: 1, 2, "1,3", "1-3". */
  private ending(): void {
    const m = /^\d+(?:[,-]\d+)*/.exec(this.s.slice(this.i))!;
    const passes = m[0].split(',').map((part): [number, number] => {
      const [a, b] = part.split('-').map(Number);
      return [a!, b ?? a!];
    });
    this.out.push({ kind: 'ending', passes, line: this.line });
    this.i += m[0].length;
  }

  private note(): void {
    const s = this.s;
    let pitches: AbcPitch[] = [];
    if (s[this.i] === 'z' || s[this.i] === 'x') this.i++;
    else pitches = [this.pitch()];
    const length = this.length();
    this.push(pitches, length);
  }

  /**
   * [CEG]2 (or ABC 1.6's +CEG+2): each note may have its own length; the
   * chord lasts as long as its first note, times the length after the close. Leniently, a chord left open ends
   * where something that cannot be in a chord begins ("[e2c2(3ABc|"), a
   * stray "+" (old ABC chord syntax, "[+GB]") is read past, and a "[" before
   * no note is a stray (what follows it is read as music).
   */
  private chord(close: ']' | '+'): void {
    const start = this.i;
    this.i++;
    const pitches: AbcPitch[] = [];
    let first: number | undefined;
    let closed = false;
    while (this.i < this.s.length && !closed) {
      const c = this.s[this.i]!;
      const rest = this.s.slice(this.i);
      if (c === close) {
        closed = true;
        this.i++;
      } else if (c === '-' && pitches.length > 0) {
        pitches[pitches.length - 1]!.tie = true;
        this.i++;
      } else if (NOTE_RE.test(rest)) {
        pitches.push(this.pitch());
        const len = this.length();
        first ??= len;
      } else if (c === '!') this.bang();
      else if (c === '+' && /^\+[^\]+]*\+/.test(rest)) {
        if (this.until(c) === 'fermata') this.fermata = true;
      } else if (c === '"') this.until('"');
      else if (DECORATIONS.has(c) || IGNORED.test(c) || c === '+') {
        if (c === 'H') this.fermata = true;
        this.i++;
      } else break;
    }
    if (pitches.length === 0) {
      this.i = start;
      this.stray(this.s[start]!);
      return;
    }
    this.push(pitches, (first ?? 1) * (closed ? this.length() : 1));
  }

  private push(pitches: AbcPitch[], length: number): void {
    this.out.push({ kind: 'note', pitches, length, fermata: this.fermata, line: this.line });
    this.fermata = false;
  }

  private pitch(): AbcPitch {
    const m = NOTE_RE.exec(this.s.slice(this.i))!;
    this.i += m[0].length;
    const letter = m[2]!;
    const marks = m[3]!;
    const octave = (letter === letter.toLowerCase() ? 5 : 4) + count(marks, "'") - count(marks, ',');
    const p: AbcPitch = { step: letter.toUpperCase() as Step, octave, tie: false };
    if (m[1] !== undefined) p.accidental = ACCIDENTAL[m[1]]!;
    return p;
  }

  /** A length multiplier: "", "2", "3/2", "/", "//", "/4". */
  private length(): number {
    const m = /^(\d*)((?:\/\d*)*)/.exec(this.s.slice(this.i))!;
    this.i += m[0].length;
    let value = Number(m[1] || 1);
    for (const d of m[2]!.split('/').slice(1)) value /= Number(d || 2);
    if (value === 0) this.fail('a note of length 0');
    return value;
  }
}

function num(s: string | undefined): number | undefined {
  return s === undefined || s === '' ? undefined : Number(s);
}

function count(s: string, c: string): number {
  return s.split(c).length - 1;
}
