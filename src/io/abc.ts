/**
 * ABC notation → Scores, one per tune. Registered for ".abc".
 *
 *   file ─► tunes (X: … blank line) ─► header (T: M: L: Q: K: P:/Y:) + music lines
 *        ─► elements (abc-music) ─► [unfold repeats (abc-repeats)] ─► time line (abc-timeline) ─► Score
 *
 * Each voice (V:) becomes a Part named by its id; a tune without V: has one
 * part, "Melody". The first voice's fields make the tempo, meter and key maps.
 * Chord symbols in quotes ("G", "Am7") go to `Score.chordSymbols` at the tick
 * of the note they stand over. Repeats are kept as written unless
 * `unfoldRepeats` is set: then |: :|, [1 [2 endings and the play order
 * (Y: as in the Jukedeck Nottingham files, else P: in the header) are played
 * out as abc2midi plays them (see abc-repeats.ts) — what a MIDI rendering of
 * the tune holds. Accidentals last to the end of the bar in their octave (the
 * ABC standard) unless `accidentals` says otherwise.
 *
 * A tune that cannot be read (no K: line, a bad field…) is skipped and
 * named in `warnings` ('jigs.abc: tune X:12 "Name": no K: line'); only when no
 * tune of the file can be read does the reader throw. Stray characters in the
 * music are read past, each line that had some named in `warnings` too
 * ('jigs.abc: tune X:12 "Name": line 40: read past "]" (not ABC music)').
 * `+:` lines (a field continued) are skipped.
 *
 * @example
 *   const tunes = readAbc(text, { unfoldRepeats: true, fileName: 'jigs.abc' });
 *   tunes[0].x; tunes[0].score.title; tunes[0].score.chordSymbols;
 */
import { MusegenError, errorMessage } from '../errors.js';
import { barLength, createPart, createScore, DEFAULT_METER, DEFAULT_TEMPO, eventMap, sortNotes, type Score } from '../score/index.js';
import { defaultUnitLength, parseAbcKey, parseAbcLength, parseAbcMeter, parseAbcTempo, parsePlayOrder } from './abc-fields.js';
import { scanMusicLine, usesBangLineBreaks, type AbcElement, type ScanOptions } from './abc-music.js';
import { unfoldRepeats, writtenRepeats, type OpenRepeats } from './abc-repeats.js';
import { layoutVoice, type AbcMaps, type AbcStart, type AccidentalReach } from './abc-timeline.js';
import { registerReader, type ReadOptions } from './registry.js';

export type { AccidentalReach } from './abc-timeline.js';

export interface AbcReadOptions extends ReadOptions {
  /**
   * Play repeats, endings and the play order out: true as abc2midi plays
   * them, "replay" as the converter of the Jukedeck Nottingham MIDI files did
   * (see abc-repeats.ts). Default false: the music as written, its repeat
   * signs and endings in `Score.repeats`.
   */
  unfoldRepeats?: boolean | OpenRepeats;
  /** How far a written accidental reaches (see `AccidentalReach`). Default "octave", the ABC standard. */
  accidentals?: AccidentalReach;
  /** The file's name, for warnings. Default "ABC". */
  fileName?: string;
}

/** One tune of an ABC file. */
export interface AbcTune {
  /** The tune's X: reference number. */
  x: number;
  score: Score;
}

interface TuneText {
  x: number;
  title: string;
  /** [1-based line number, text] of each line after X:. */
  lines: [number, string][];
}

const FIELD_LINE = /^([A-Za-z]):(?!\|)(.*)$/;

/** Read every tune of an ABC file; bad tunes are skipped with a line in `options.warnings`. */
export function readAbc(text: string, options: AbcReadOptions = {}): AbcTune[] {
  const { unfoldRepeats: unfold = false, accidentals = 'octave', fileName = 'ABC', warnings } = options;
  const tunes: AbcTune[] = [];
  const failures: string[] = [];
  const strays: string[] = [];
  for (const tune of splitTunes(text)) {
    const name = `tune X:${tune.x}${tune.title ? ` "${tune.title}"` : ''}`;
    try {
      tunes.push({ x: tune.x, score: readTune(tune, unfold, accidentals, (message) => strays.push(`${name}: ${message}`)) });
    } catch (e) {
      failures.push(`${name}: ${errorMessage(e)}`);
    }
  }
  if (tunes.length === 0) {
    const more = failures.length > 1 ? ` (and ${failures.length - 1} more tunes that cannot be read)` : '';
    throw new MusegenError('BAD_FORMAT', failures.length > 0 ? `${failures[0]}${more}` : 'no ABC tune in the file (no X: line)');
  }
  warnings?.push(...[...failures, ...strays].map((f) => `${fileName}: ${f}`));
  return tunes;
}

/** Cut the file into tunes: each starts at an X: line and ends at a blank line. Text outside tunes is free text. */
function splitTunes(text: string): TuneText[] {
  const tunes: TuneText[] = [];
  let tune: TuneText | undefined;
  text.replace(/^\uFEFF/, '').split(/\r?\n|\r/).forEach((line, i) => {
    const x = /^X:\s*(\d*)/.exec(line);
    if (x) {
      tune = { x: Number(x[1] || tunes.length + 1), title: '', lines: [] };
      tunes.push(tune);
    } else if (line.trim() === '') {
      if (tune && tune.lines.some(([, l]) => /^K:/.test(l))) tune = undefined;
    } else if (tune) {
      tune.lines.push([i + 1, line]);
      if (!tune.title && /^T:/.test(line)) tune.title = line.slice(2).trim();
    }
  });
  return tunes;
}

function readTune(tune: TuneText, unfold: boolean | OpenRepeats, accidentals: AccidentalReach, onStray: (message: string) => void): Score {
  const header = new Map<string, string>();
  let bodyFrom = -1;
  for (let k = 0; k < tune.lines.length && bodyFrom < 0; k++) {
    const [n, raw] = tune.lines[k]!;
    const line = stripComment(raw);
    if (line.trim() === '' || line.startsWith('+:')) continue;
    const f = FIELD_LINE.exec(line);
    if (!f) throw new MusegenError('BAD_FORMAT', tune.lines.some(([, l]) => /^K:/.test(l)) ? `line ${n}: music before the K: line` : 'no K: line');
    const [name, value] = [f[1]!, f[2]!.trim()];
    if (!header.has(name)) header.set(name, value);
    if (name === 'K') bodyFrom = k + 1;
  }
  if (bodyFrom < 0) throw new MusegenError('BAD_FORMAT', 'no K: line');

  const meter = header.has('M') ? parseAbcMeter(header.get('M')!) : undefined;
  const unitLength = header.has('L') ? parseAbcLength(header.get('L')!) : defaultUnitLength(meter);
  const key = parseAbcKey(header.get('K')!);
  const start: AbcStart = { unitLength, key, accidentals, ...(meter ? { meter } : {}) };
  const playOrder = unfold ? parsePlayOrder(header.get('Y') ?? header.get('P') ?? '') : [];

  const headerFields: AbcElement[] = ['K', 'M', 'L'].flatMap((name) =>
    header.has(name) ? [{ kind: 'field' as const, name, value: header.get(name)!, line: 0 }] : [],
  );
  const chordSymbols: AbcMaps['chordSymbols'] = [];
  const body = tune.lines.slice(bodyFrom).filter(([, l]) => !l.startsWith('+:'));
  const bangLineBreaks =
    tune.lines.some(([, l]) => /^I:\s*linebreak\b.*!/.test(l))
    || usesBangLineBreaks(body.map(([, l]) => stripComment(l)).filter((l) => !FIELD_LINE.test(l)));
  const laid = [...scanVoices(body, { bangLineBreaks, onStray })].map(([id, elements]) => {
    const maps: AbcMaps = {
      tempos: [{ tick: 0, bpm: parseAbcTempo(header.get('Q') ?? '', unitLength) ?? DEFAULT_TEMPO }],
      timeSignatures: [{ tick: 0, ...(meter ?? DEFAULT_METER) }],
      keySignatures: key.signature ? [{ tick: 0, ...key.signature }] : [],
      chordSymbols,
    };
    const played = unfold ? unfoldRepeats(elements, { playOrder, header: headerFields, openRepeats: unfold === 'replay' ? 'replay' : 'section' }) : elements;
    return { id, maps, played, ...layoutVoice(played, start, maps) };
  });
  // The first voice's fields make the tempo, meter and key maps; its first bar line, the pickup.
  const lead = laid[0]!;
  const firstBar = lead.firstBar ?? 0;
  const parts = laid.map((v, i) => createPart({ name: v.id || 'Melody', channel: Math.min(i, 15), notes: sortNotes(v.notes) }));
  if (parts.every((p) => p.notes.length === 0)) throw new MusegenError('BAD_FORMAT', 'no notes');
  const repeats = unfold ? undefined : writtenRepeats(lead.played, lead.barTicks, lead.end);
  return createScore({
    ...(tune.title ? { title: tune.title } : {}),
    parts,
    tempos: eventMap(lead.maps.tempos),
    timeSignatures: eventMap(lead.maps.timeSignatures),
    keySignatures: eventMap(lead.maps.keySignatures),
    chordSymbols: chordSymbols.sort((a, b) => a.tick - b.tick),
    pickup: meter && firstBar < barLength(meter) && firstBar < lead.end ? firstBar : 0,
    end: Math.max(...laid.map((v) => v.end)),
    ...(repeats ? { repeats } : {}),
  });
}

/** The music lines as elements per voice (V: switches voice; "" before any V:), fields kept as elements. */
function scanVoices(lines: [number, string][], options: ScanOptions): Map<string, AbcElement[]> {
  const voices = new Map<string, AbcElement[]>();
  let current: AbcElement[] = [];
  voices.set('', current);
  const switchTo = (value: string): void => {
    const id = value.trim().split(/\s+/)[0] ?? '';
    if (voices.get('')?.length === 0) voices.delete('');
    current = voices.get(id) ?? [];
    voices.set(id, current);
  };
  for (const [n, raw] of lines) {
    const line = stripComment(raw);
    const f = FIELD_LINE.exec(line);
    if (f) {
      if (f[1] === 'V') switchTo(f[2]!);
      else current.push({ kind: 'field', name: f[1]!, value: f[2]!.trim(), line: n });
      continue;
    }
    for (const e of scanMusicLine(line, n, options)) {
      if (e.kind === 'field' && e.name === 'V') switchTo(e.value);
      else current.push(e);
    }
  }
  return voices;
}

/** A line without its % comment (a % inside a quoted string stays). */
function stripComment(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"') quoted = !quoted;
    else if (line[i] === '%' && !quoted && line[i - 1] !== '\\') return line.slice(0, i);
  }
  return line;
}

registerReader({
  name: 'abc',
  version: 3,
  extensions: ['.abc'],
  read: (bytes, fileName, options = {}) =>
    readAbc(new TextDecoder().decode(bytes), { ...options, fileName }).map(({ score }) => ({ score })),
});
