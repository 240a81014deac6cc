/**
 * One line of ABC music → a list of elements, in order: notes, rests and
 * chords with their written lengths (in units of L:), bars with their repeat
 * signs, ending marks ([1 [2), chord symbols ("Am7"), tuplet marks ((3),
 * broken rhythms (> <), ties (-) and inline fields ([K:Dm]).
 *
 * No time is laid out here: `abc-timeline.ts` does that, after
 * `abc-repeats.ts` has unfolded repeats when asked. Decorations, slurs, grace
 * notes ({…}), annotations ("^text") and spacers are read past (a fermata,
 * H or !fermata!, is kept on its note); anything else is an error naming the line.
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
  | { kind: 'field'; name: string; value: string; line: number };

const ACCIDENTAL: Record<string, number> = { '^': 1, '^^': 2, _: -1, __: -2, '=': 0 };
/** Single-character decorations (ABC 2.1 shorthands and user-definable letters); H is the fermata. */
const DECORATIONS = new Set('.~HIJKLMNOPQRSTUVWhijklmnopqrstuvw');
const NOTE_RE = /^(\^\^|\^|__|_|=)?([A-Ga-g])([',]*)/;

/** Scan one music line (1-based `line` for messages). */
export function scanMusicLine(text: string, line: number): AbcElement[] {
  return new LineScanner(text, line).scan();
}

class LineScanner {
  private i = 0;
  private readonly out: AbcElement[] = [];
  private fermata = false;

  constructor(
    private readonly s: string,
    private readonly line: number,
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
      if (/[\s`y$\\]/.test(c)) this.i++;
      else if (c === '"') {
        const text = this.until('"');
        if (text !== '' && !/^[\^_<>@]/.test(text)) this.out.push({ kind: 'chordSymbol', text, line });
      } else if (c === '!' || c === '+') {
        if (this.until(c) === 'fermata') this.fermata = true;
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
        this.out.push({ kind: 'field', name: body[0]!, value: body.slice(2).trim(), line });
      } else if (/^\[\d/.test(rest)) {
        this.i++;
        this.ending();
      } else if (c === '|' || c === ':' || rest.startsWith('[|')) this.bar();
      else if (c === '[') this.chord();
      else if (NOTE_RE.test(rest) || c === 'z' || c === 'x') this.note();
      else if (c === 'Z' || c === 'X') {
        const m = /^[ZX](\d*)/.exec(rest)!;
        this.out.push({ kind: 'barRest', bars: Number(m[1] || 1), line });
        this.i += m[0].length;
      } else if (DECORATIONS.has(c)) {
        if (c === 'H') this.fermata = true;
        this.i++;
      } else this.fail(`unexpected "${c}" in the music`);
    }
    return this.out;
  }

  /** The text up to the closing `close` (the cursor moves past it). */
  private until(close: string): string {
    const end = this.s.indexOf(close, this.i + 1);
    if (end < 0) this.fail(`"${this.s[this.i]}" is never closed by "${close}"`);
    const text = this.s.slice(this.i + 1, end);
    this.i = end + 1;
    return text;
  }

  /** A bar line: |, ||, |], [|, with repeat colons (|: :| :: :|:), then maybe an ending number (|1, :|2). */
  private bar(): void {
    const m = /^(:*)(\[\||\|\]|\|\||\|)?(:*)/.exec(this.s.slice(this.i))!;
    const [all, before, bar, after] = [m[0], m[1]!, m[2], m[3]!];
    if (bar === undefined && before.length < 2) this.fail(`unexpected ":" (a repeat sign needs a bar line)`);
    this.out.push({
      kind: 'bar',
      repeatEnd: before.length > 0,
      repeatStart: bar === undefined || after.length > 0,
      double: bar !== undefined && bar.length === 2,
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
   * [CEG]2: each note may have its own length; the chord lasts as long as its
   * first note, times the length after "]". Leniently, a chord left open ends
   * where something that cannot be in a chord begins ("[e2c2(3ABc|"), and a
   * stray "+" (old ABC chord syntax, "[+GB]") is read past.
   */
  private chord(): void {
    this.i++;
    const pitches: AbcPitch[] = [];
    let first: number | undefined;
    let closed = false;
    while (this.i < this.s.length && !closed) {
      const c = this.s[this.i]!;
      const rest = this.s.slice(this.i);
      if (c === ']') {
        closed = true;
        this.i++;
      } else if (c === '-' && pitches.length > 0) {
        pitches[pitches.length - 1]!.tie = true;
        this.i++;
      } else if (NOTE_RE.test(rest)) {
        pitches.push(this.pitch());
        const len = this.length();
        first ??= len;
      } else if (c === '!' || (c === '+' && /^\+[^\]+]*\+/.test(rest))) {
        if (this.until(c) === 'fermata') this.fermata = true;
      } else if (c === '"') this.until('"');
      else if (DECORATIONS.has(c) || c === ' ' || c === '+') {
        if (c === 'H') this.fermata = true;
        this.i++;
      } else if (pitches.length > 0) break;
      else this.fail(`unexpected "${c}" in a chord`);
    }
    if (pitches.length === 0) this.fail('a chord "[" with no notes');
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
