/** MusicXML reader and writer on small hand-written scores; bad input gives one line naming the file. */
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  MusegenError,
  createPart,
  createScore,
  parsePitch as parsePitchRaw,
  pitchName,
  readBytes,
  readMusicXml,
  readerFor,
  writeMusicXml,
  writerNamed,
  type Note,
  type Pitch,
  type Score,
} from '../src/index.js';

/** parsePitch, with +0 for a natural (parsePitch gives -0, which toEqual tells apart). */
const parsePitch = (name: string): Pitch => {
  const p = parsePitchRaw(name);
  return { ...p, alter: p.alter + 0 };
};

/** A partwise score around the given <part> elements (ids P1, P2, …). */
function partwise(parts: string[], head = ''): string {
  const list = parts.map((_, i) => `<score-part id="P${i + 1}"><part-name>Voice ${i + 1}</part-name></score-part>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<score-partwise version="3.1">${head}<part-list>${list}</part-list>
${parts.map((p, i) => `<part id="P${i + 1}">${p}</part>`).join('\n')}
</score-partwise>`;
}

/** A <note>: `inner` goes after <duration>, `pre` before <pitch> (<grace/>, <chord/>). */
const note = (pitch: string, duration: number, inner = '', pre = '', attributes = ''): string => {
  const p = parsePitch(pitch);
  const alter = p.alter !== 0 ? `<alter>${p.alter}</alter>` : '';
  return `<note ${attributes}>${pre}<pitch><step>${p.step}</step>${alter}<octave>${p.octave}</octave></pitch><duration>${duration}</duration>${inner}</note>`;
};
const rest = (duration: number, voice = 1): string => `<note><rest/><duration>${duration}</duration><voice>${voice}</voice></note>`;
const attrs = (divisions: number, beats = 4, beatType = 4, fifths = 0, mode = 'major'): string =>
  `<attributes><divisions>${divisions}</divisions><key><fifths>${fifths}</fifths><mode>${mode}</mode></key><time><beats>${beats}</beats><beat-type>${beatType}</beat-type></time></attributes>`;

const brief = (n: Note): string => `${pitchName(n.pitch)}@${n.onset}+${n.duration}`;

function roundTrip(score: Score): Score {
  return readMusicXml(writeMusicXml(score));
}

const readAs = (text: string, name: string): (() => unknown) => () => readBytes(strToU8(text), name);

describe('MusicXML reader', () => {
  it('reads spelled pitches, rests, chords, divisions and a pickup', () => {
    const s = readMusicXml(
      partwise([
        `<measure number="0" implicit="yes">${attrs(2, 3, 4, -3, 'minor')}${note('C#4', 2)}</measure>
         <measure number="1">${note('Db4', 1)}${note('Fb4', 1, '', '<chord/>')}${rest(1)}${note('B#3', 2)}${note('E##5', 2)}</measure>`,
      ]),
    );
    expect(s.parts[0]!.notes.map(brief)).toEqual(['C#4@0+480', 'Db4@480+240', 'Fb4@480+240', 'B#3@960+480', 'E##5@1440+480']);
    expect(s.pickup).toBe(480);
    expect(s.end).toBe(480 + 1440);
    expect(s.timeSignatures).toEqual([{ tick: 0, numerator: 3, denominator: 4 }]);
    expect(s.keySignatures).toEqual([{ tick: 0, fifths: -3, mode: 'minor' }]);
    expect(s.parts[0]!.name).toBe('Voice 1');
    expect(s.parts[0]!.notes.every((n) => n.velocity === 80 && n.voice === 1)).toBe(true);
  });

  it('merges tied notes across a barline and keeps a fermata from any piece', () => {
    const s = readMusicXml(
      partwise([
        `<measure number="1">${attrs(1)}${rest(3)}${note('G4', 1, '<tie type="start"/>')}</measure>
         <measure number="2">${note('G4', 2, '<tie type="stop"/><tie type="start"/>')}${note('G4', 1, '<tie type="stop"/><notations><fermata/></notations>')}${note('A4', 1)}</measure>`,
      ]),
    );
    expect(s.parts[0]!.notes).toEqual([
      { pitch: parsePitch('G4'), onset: 1440, duration: 1920, velocity: 80, voice: 1, tied: true, fermata: true },
      { pitch: parsePitch('A4'), onset: 3360, duration: 480, velocity: 80, voice: 1 },
    ]);
  });

  it('follows <backup> and <forward> into voices, skips grace notes, and lets divisions change', () => {
    const s = readMusicXml(
      partwise([
        `<measure number="1">${attrs(1)}${note('E5', 4, '<voice>1</voice>')}<backup><duration>4</duration></backup>
           <forward><duration>1</duration><voice>2</voice></forward>${note('D4', 1, '', '<grace/>')}${note('C4', 3, '<voice>2</voice>')}</measure>
         <measure number="2"><attributes><divisions>3</divisions></attributes>
           ${note('C5', 1, '<voice>1</voice><time-modification><actual-notes>3</actual-notes><normal-notes>2</normal-notes></time-modification>')}
           ${note('D5', 2, '<voice>1</voice>')}${note('E5', 9, '<voice>1</voice>')}</measure>`,
      ]),
    );
    expect(s.parts[0]!.notes.map((n) => `${brief(n)} v${n.voice}`)).toEqual([
      'E5@0+1920 v1',
      'C4@480+1440 v2',
      'C5@1920+160 v1',
      'D5@2080+320 v1',
      'E5@2400+1440 v1',
    ]);
  });

  it('reads meter and key changes at their ticks, tempo, dynamics and the title', () => {
    const s = readMusicXml(
      partwise(
        [
          `<measure number="1">${attrs(1)}<direction><direction-type><dynamics><p/></dynamics></direction-type></direction><sound tempo="66"/>${note('C4', 4)}</measure>
           <measure number="2"><attributes><time><beats>3</beats><beat-type>4</beat-type></time></attributes>${note('C4', 2)}
             <attributes><key><fifths>2</fifths></key></attributes><direction><direction-type><words>rit.</words></direction-type><sound tempo="50" dynamics="120"/></direction>${note('D4', 1, '', '', 'dynamics="50"')}</measure>`,
          `<measure number="1">${attrs(1, 2, 2)}${note('C3', 4)}</measure><measure number="2">${note('C3', 3)}</measure>`,
        ],
        '<work><work-title>Test &amp; piece</work-title></work><movement-title>ignored</movement-title>',
      ),
    );
    expect(s.title).toBe('Test & piece');
    expect(s.timeSignatures).toEqual([
      { tick: 0, numerator: 4, denominator: 4 },
      { tick: 1920, numerator: 3, denominator: 4 },
    ]);
    expect(s.keySignatures).toEqual([
      { tick: 0, fifths: 0, mode: 'major' },
      { tick: 2880, fifths: 2, mode: 'major' },
    ]);
    expect(s.tempos).toEqual([
      { tick: 0, bpm: 66 },
      { tick: 2880, bpm: 50 },
    ]);
    expect(s.parts[0]!.notes.map((n) => n.velocity)).toEqual([49, 49, 45]);
    expect(s.parts[1]!.notes.map((n) => n.velocity)).toEqual([80, 80]);
    expect(s.pickup).toBe(0);
  });

  it('reads a timewise score like its partwise twin', () => {
    const m1 = [`${attrs(1)}${note('C4', 4)}`, `${attrs(1)}${note('E3', 2)}${note('F3', 2)}`];
    const m2 = [note('D4', 4), note('G3', 4)];
    const timewise = `<?xml version="1.0"?><score-timewise version="3.1"><part-list><score-part id="P1"><part-name>Voice 1</part-name></score-part><score-part id="P2"><part-name>Voice 2</part-name></score-part></part-list>
      <measure number="1"><part id="P1">${m1[0]}</part><part id="P2">${m1[1]}</part></measure>
      <measure number="2"><part id="P1">${m2[0]}</part><part id="P2">${m2[1]}</part></measure></score-timewise>`;
    const twin = partwise([`<measure number="1">${m1[0]}</measure><measure number="2">${m2[0]}</measure>`, `<measure number="1">${m1[1]}</measure><measure number="2">${m2[1]}</measure>`]);
    const s = readMusicXml(timewise);
    expect(s.parts.map((p) => p.notes.length)).toEqual([2, 3]);
    expect(s).toEqual(readMusicXml(twin));
  });

  it('decodes UTF-16 with a byte-order mark', () => {
    const text = partwise([`<measure number="1">${attrs(1)}${note('A4', 4)}</measure>`], '<movement-title>Grüße</movement-title>').replace('UTF-8', 'UTF-16');
    const bytes = new Uint8Array(2 + text.length * 2);
    bytes.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) bytes[2 + 2 * i] = text.charCodeAt(i);
    const [piece] = readBytes(bytes, 'utf16.musicxml');
    expect(piece!.score.title).toBe('Grüße');
    expect(piece!.score.parts[0]!.notes.map(brief)).toEqual(['A4@0+1920']);
  });

  it('is registered for .musicxml, .xml and .mxl, and as the "musicxml" writer', () => {
    for (const ext of ['.musicxml', '.xml', '.mxl']) expect(readerFor(`a${ext}`)?.name).toBe('musicxml');
    expect(readerFor('C:\\scores\\Bach.MXL')?.name).toBe('musicxml'); // a Windows path, the extension in capitals
    expect(readerFor('https://example.org/bach.xml')?.name).toBe('musicxml');
    expect(readerFor('scores.mxl/readme')).toBeUndefined(); // the extension of the file, not of a folder
    expect(readerFor('folder/.xml')).toBeUndefined(); // a hidden file has no extension
    expect(writerNamed('musicxml').extension).toBe('.musicxml');
  });
});

describe('MusicXML bad input: one line naming the file', () => {
  const oneLine = (f: () => unknown, pattern: RegExp): void => {
    let err: unknown;
    try {
      f();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MusegenError);
    expect((err as MusegenError).code).toBe('BAD_FORMAT');
    expect((err as MusegenError).message).toMatch(pattern);
    expect((err as MusegenError).message).not.toContain('\n');
  };
  const container = (rootfiles: string): Uint8Array =>
    strToU8(`<?xml version="1.0"?><container><rootfiles>${rootfiles}</rootfiles></container>`);
  const score = strToU8(partwise([`<measure number="1">${attrs(1)}${note('C4', 4)}</measure>`]));

  it('malformed XML names the line', () => {
    oneLine(readAs('<?xml version="1.0"?>\n<score-partwise>\n<part-list>\n</score-partwise>', 'broken.musicxml'), /^broken\.musicxml: malformed XML \(line 4: .+\)$/);
  });

  it('an .mxl that is not a zip archive', () => {
    oneLine(readAs('<score-partwise/>', 'plain.mxl'), /^plain\.mxl: not a compressed MusicXML file \(not a zip archive\)$/);
  });

  it('a zip without META-INF/container.xml, without a rootfile, or without the file it names', () => {
    oneLine(() => readBytes(zipSync({ 'score.xml': score }), 'nocontainer.mxl'), /^nocontainer\.mxl: not a compressed MusicXML file \(no META-INF\/container\.xml in the archive\)$/);
    oneLine(() => readBytes(zipSync({ 'META-INF/container.xml': container(''), 'score.xml': score }), 'norootfile.mxl'), /^norootfile\.mxl: .*names no <rootfile/);
    oneLine(() => readBytes(zipSync({ 'META-INF/container.xml': container('<rootfile full-path="gone.xml"/>') }), 'missing.mxl'), /^missing\.mxl: the archive lacks "gone\.xml"/);
    const good = zipSync({ 'META-INF/container.xml': container('<rootfile full-path="s/score.xml"/>'), 's/score.xml': score });
    expect(readBytes(good, 'good.mxl')[0]!.score.parts[0]!.notes.map(brief)).toEqual(['C4@0+1920']);
  });

  it('XML that is not a score, and a note without a duration (naming the measure)', () => {
    oneLine(readAs('<html><body/></html>', 'page.xml'), /^page\.xml: not a MusicXML score \(root element <html>, expected <score-partwise>\)$/);
    const noDuration = partwise([`<measure number="1">${attrs(1)}${note('C4', 4)}</measure><measure number="12"><note><pitch><step>C</step><octave>4</octave></pitch></note></measure>`]);
    oneLine(readAs(noDuration, 'nodur.musicxml'), /^nodur\.musicxml: measure 12: <note> without a valid <duration>/);
    const badStep = partwise([`<measure number="3">${attrs(1)}<note><pitch><step>H</step><octave>4</octave></pitch><duration>4</duration></note></measure>`]);
    oneLine(readAs(badStep, 'h.musicxml'), /^h\.musicxml: measure 3: bad <step> "H"/);
  });
});

describe('MusicXML writer', () => {
  const n = (pitch: string, onset: number, duration: number, extra: Partial<Note> = {}): Note => ({
    pitch: parsePitch(pitch),
    onset,
    duration,
    velocity: 80,
    voice: 1,
    ...extra,
  });
  const score = (notes: Note[][], init: Partial<Score> = {}): Score =>
    createScore({ parts: notes.map((ns, i) => createPart({ name: `P${i}`, channel: i, notes: ns })), ...init });

  it('splits a note at the barline and ties the pieces; the reader merges them back', () => {
    const s = score([[n('F#4', 1440, 960, { fermata: true }), n('G4', 2400, 1440)]]);
    const xml = writeMusicXml(s);
    expect(xml.match(/<tie type="start"\/>/g)).toHaveLength(1);
    expect(xml.match(/<tie type="stop"\/>/g)).toHaveLength(1);
    expect(xml.match(/<tied type="(start|stop)"\/>/g)).toHaveLength(2);
    expect(xml.match(/<fermata/g)).toHaveLength(1);
    expect(xml).toContain('<divisions>1</divisions>');
    const back = roundTrip(s);
    expect(back.parts[0]!.notes).toEqual([{ ...s.parts[0]!.notes[0], tied: true }, s.parts[0]!.notes[1]]);
    expect(back.end).toBe(3840);
  });

  it('writes odd durations as tied standard values, triplets with <time-modification>, and chooses divisions (grid "exact")', () => {
    const s = score([[n('C4', 0, 2400), n('D4', 2400, 160), n('E4', 2560, 160), n('F4', 2720, 160), n('G4', 2880, 1440 + 5)]], {
      timeSignatures: [{ tick: 0, numerator: 6, denominator: 4 }],
    });
    const xml = writeMusicXml(s, { grid: 'exact' });
    expect(xml).toContain('<divisions>96</divisions>');
    expect(xml.match(/<time-modification>/g)).toHaveLength(3);
    expect(xml).toMatch(/<type>whole<\/type>[\s\S]*<type>quarter<\/type>/);
    expect(readMusicXml(xml).parts[0]!.notes.map(brief)).toEqual(s.parts[0]!.notes.map(brief));
  });

  it('puts overlapping notes of one part into more voices with <backup>, chords into one voice', () => {
    const s = score([[n('C4', 0, 1920), n('E4', 0, 960), n('G4', 0, 960), n('F4', 960, 960), n('A4', 960, 960)]]);
    const xml = writeMusicXml(s);
    expect(xml.match(/<chord\/>/g)).toHaveLength(2);
    expect(xml.match(/<backup>/g)).toHaveLength(1);
    const back = roundTrip(s).parts[0]!.notes;
    expect(back.map(brief)).toEqual(s.parts[0]!.notes.map(brief));
    expect(back.map((x) => `${pitchName(x.pitch)} v${x.voice}`)).toEqual(['C4 v1', 'E4 v2', 'G4 v2', 'F4 v2', 'A4 v2']);
  });

  it('keeps key and tempo changes inside a measure, velocities, pickup, names and programs', () => {
    const s = score([[n('C4', 0, 480, { velocity: 101 }), n('D4', 480, 2400, { velocity: 1 }), n('Eb4', 2880, 1440, { velocity: 127 })], []], {
      title: 'A <title> & more',
      pickup: 480,
      tempos: [
        { tick: 0, bpm: 72.5 },
        { tick: 1000, bpm: 60 },
        { tick: 2400, bpm: 40 },
      ],
      keySignatures: [
        { tick: 0, fifths: 0, mode: 'dorian' },
        { tick: 1440, fifths: -3, mode: 'minor' },
      ],
    });
    s.parts[1]!.program = 41;
    s.parts[1]!.isDrum = false;
    const back = roundTrip(s);
    expect(back).toEqual({ ...s, parts: s.parts.map((p) => ({ ...p, notes: p.notes.map((x) => (x.onset === 480 ? { ...x, tied: true } : x)) })) });
  });

  it('writes an empty part as measure rests and an empty score as one bar', () => {
    const s = score([[]], { end: 3840 });
    const xml = writeMusicXml(s);
    expect(xml.match(/<rest measure="yes"\/>/g)).toHaveLength(2);
    expect(roundTrip(s)).toEqual(s);
    expect(roundTrip(score([[]])).end).toBe(1920);
  });
});
