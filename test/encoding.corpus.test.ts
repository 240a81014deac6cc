import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readScoreFile } from '../src/io/index.js';
import { midiOf, pitchName, quantize, samePitch, type Note, type Pitch, type Score } from '../src/score/index.js';
import { MelodyEncoder, PianoRollEncoder, VoiceStreamEncoder, type EncodedEvents } from '../src/encoding/index.js';

const corpora = fileURLToPath(new URL('../../shared/corpora/', import.meta.url));
const KERN = `${corpora}bach-370-chorales-kern/kern/`;
const NOTTINGHAM = `${corpora}nottingham-jukedeck/MIDI/melody/`;
const haveKern = existsSync(KERN);
const haveNottingham = existsSync(NOTTINGHAM);
if (!haveKern) console.log(`encoding.corpus: ${KERN} is absent; skipping the Bach chorale tests`);
if (!haveNottingham) console.log(`encoding.corpus: ${NOTTINGHAM} is absent; skipping the Nottingham tests`);

async function readAll(dir: string, ext: string): Promise<{ file: string; score: Score }[]> {
  const out: { file: string; score: Score }[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(ext)).sort()) {
    for (const piece of await readScoreFile(dir + file)) out.push({ file, score: piece.score });
  }
  return out;
}

type Row = [string, number, number, boolean];
const rows = (notes: readonly Note[], name: (p: Pitch) => string = pitchName): Row[] => notes.map((n) => [name(n.pitch), n.onset, n.duration, n.fermata === true]);
const midiName = (p: Pitch): string => String(midiOf(p));
/** Fermatas as a step-level channel keeps them: on every note that starts where some fermata note starts. */
function fermataByOnset(score: Score): Note[][] {
  const at = new Set(score.parts.flatMap((p) => p.notes.filter((n) => n.fermata).map((n) => n.onset)));
  return score.parts.map((p) => p.notes.map((n) => ({ ...n, fermata: at.has(n.onset) })));
}
/** Count the steps whose fermata-start bit is set. */
function fermataStarts(e: EncodedEvents, offset: number): number {
  let n = 0;
  for (let s = 0; s < e.steps; s++) n += e.features[s * e.featureWidth + offset]!;
  return n;
}

describe.skipIf(!haveKern)('Bach chorales (kern)', () => {
  let chorales: { file: string; score: Score }[] = [];
  beforeAll(async () => {
    chorales = await readAll(KERN, '.krn');
  });
  const SOPRANO = 3; // kern spines are Bass, Tenor, Alto, Soprano

  it('voice streams: decode(encode(s)) = quantize(s), spelled, fermatas per onset step', () => {
    expect(chorales.length).toBe(370);
    const enc = new VoiceStreamEncoder({ parts: [0, 1, 2, 3], stepsPerQuarter: 8, lowest: 36, highest: 84, features: ['fermata', 'beat'] });
    for (const { file, score } of chorales) {
      const e = enc.encode(score);
      expect(e.report.messages, file).toEqual([]);
      const back = enc.decode(e);
      const q = quantize(score, 8);
      expect(back.parts.map((p) => rows(p.notes)), file).toEqual(fermataByOnset(q).map((n) => rows(n)));
      expect([back.timeSignatures, back.keySignatures, back.pickup, back.end], file).toEqual([q.timeSignatures, q.keySignatures, q.pickup, q.end]);
      const distinctFermataOnsets = new Set(score.parts.flatMap((p) => p.notes.filter((n) => n.fermata).map((n) => n.onset))).size;
      expect(fermataStarts(e, 0), file).toBe(distinctFermataOnsets);
    }
  });

  it('soprano melody: every fermata note is one fermata onset, and comes back', () => {
    const enc = new MelodyEncoder({ part: SOPRANO, spelled: true, stepsPerQuarter: 8, features: ['fermata'] });
    let fermatas = 0;
    for (const { file, score } of chorales) {
      const soprano = score.parts[SOPRANO]!;
      expect(soprano.name).toBe('Soprano');
      const e = enc.encode(score);
      const inScore = soprano.notes.filter((n) => n.fermata).length;
      expect(fermataStarts(e, 0), file).toBe(inScore);
      expect(rows(enc.decode(e).parts[0]!.notes), file).toEqual(rows(quantize(score, 8).parts[SOPRANO]!.notes));
      fermatas += inScore;
    }
    expect(fermatas).toBeGreaterThan(2000);
  });

  it('piano roll per part: decode(encode(s)) = quantize(s) in MIDI pitches', () => {
    const enc = new PianoRollEncoder({ parts: [0, 1, 2, 3], stepsPerQuarter: 8, lowest: 36, highest: 84 });
    for (const { file, score } of chorales) {
      const e = enc.encode(score);
      expect(e.report.messages, file).toEqual([]);
      expect(enc.decode(e).parts.map((p) => rows(p.notes, midiName)), file).toEqual(fermataByOnset(quantize(score, 8)).map((n) => rows(n, midiName)));
    }
  });

  it('the spelled vocabulary round-trips every spelled pitch of the chorales; the unspelled one merges enharmonics', () => {
    const spelled = new VoiceStreamEncoder({ lowest: 36, highest: 84 }).vocabulary;
    const plain = new VoiceStreamEncoder({ lowest: 36, highest: 84, spelled: false }).vocabulary;
    const pitches = new Map<string, Pitch>();
    for (const { score } of chorales) for (const p of score.parts) for (const n of p.notes) pitches.set(pitchName(n.pitch), n.pitch);
    expect(pitches.size).toBeGreaterThan(60);
    for (const p of pitches.values()) {
      const t = spelled.tokenOf(p);
      expect(t, pitchName(p)).toBeDefined();
      expect(samePitch(spelled.pitchOf(t!), p)).toBe(true);
    }
    const byMidi = new Map<number, Pitch[]>();
    for (const p of pitches.values()) byMidi.set(midiOf(p), [...(byMidi.get(midiOf(p)) ?? []), p]);
    const enharmonic = [...byMidi.values()].filter((ps) => ps.length > 1);
    expect(enharmonic.length).toBeGreaterThan(5); // e.g. G#4 and Ab4 both occur
    for (const ps of enharmonic) {
      expect(new Set(ps.map((p) => spelled.tokenOf(p))).size).toBe(ps.length);
      expect(new Set(ps.map((p) => plain.tokenOf(p))).size).toBe(1);
    }
  });
});

describe.skipIf(!haveNottingham)('Nottingham melodies (MIDI)', () => {
  let tunes: { file: string; score: Score }[] = [];
  beforeAll(async () => {
    tunes = await readAll(NOTTINGHAM, '.mid');
  });

  it('decode(encode(s)) = quantize(s), keeping the top note where the melody has chords', () => {
    expect(tunes.length).toBe(1034);
    const enc = new MelodyEncoder({ spelled: true, stepsPerQuarter: 12, features: ['beat', 'key'] });
    let chordTones = 0;
    let offGrid = 0;
    for (const { file, score } of tunes) {
      const e = enc.encode(score);
      const q = quantize(score, 12).parts[0]!.notes;
      // the top note of each onset (these melodies' only overlaps are notes sharing an onset)
      const top = q.filter((n, i) => !q.some((m, j) => j !== i && m.onset === n.onset && (midiOf(m.pitch) > midiOf(n.pitch) || (midiOf(m.pitch) === midiOf(n.pitch) && j > i))));
      expect(rows(enc.decode(e).parts[0]!.notes), file).toEqual(rows(top));
      expect(e.report.polyphonyDropped, file).toBe(q.length - top.length);
      expect(e.report.outOfRange, file).toBe(0);
      chordTones += e.report.polyphonyDropped;
      offGrid += e.report.offGrid;
    }
    expect(chordTones).toBeGreaterThan(0); // a few tunes have double stops, counted, not lost silently
    expect(offGrid).toBeGreaterThan(0);
  });
});
