/**
 * The encoders on whole corpora: the 370 Bach chorales (kern) through voice
 * streams, the soprano melody and the piano roll, and the spelled vocabulary.
 * (The 1,034 Nottingham melodies are encoded in nottingham.corpus.test.ts,
 * where that corpus is loaded once for the whole suite.)
 */
import { readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readScoreFile } from '../src/index.js';
import { midiOf, pitchName, quantize, samePitch, type Note, type Pitch, type Score } from '../src/score/index.js';
import { MelodyEncoder, PianoRollEncoder, VoiceStreamEncoder, type EncodedEvents } from '../src/encoding/index.js';
import { corpusPath, haveCorpus } from './helpers/corpora.js';
import { fermataByOnset } from './helpers/scores.js';

const KERN = `${corpusPath('bach-370-chorales-kern', 'kern')}/`;
const haveKern = haveCorpus('encoding.corpus: the Bach chorale tests', KERN);

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
