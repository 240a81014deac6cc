/**
 * Two readers, two encodings of the same chorales: the MusicXML reader on
 * music21's bwv*.mxl and the kern reader on Craig Sapp's chor*.krn (BWV
 * numbers from its index.hmd) give the same spelled pitches, onsets,
 * durations and fermatas in all four voices.
 *
 * The two are different editions: of 329 chorales found in both (4-part
 * .mxl), 84 agree note for note; the rest differ by transposition, voices
 * crossing on another staff, or variant readings. The ten below are the first
 * ten agreeing ones in the kern index's order.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pitchName, readScoreFile, type Part } from '../src/index.js';
import { corpusPath, haveCorpus } from './helpers/corpora.js';

const kernDir = `${corpusPath('bach-370-chorales-kern')}/`;
const mxlDir = `${corpusPath('bach-chorales-music21/music21/corpus/bach')}/`;
const present = haveCorpus('musicxml-kern: the kern/MusicXML comparison', kernDir, mxlDir);

const KERN = ['chor012', 'chor016', 'chor018', 'chor020', 'chor027', 'chor029', 'chor036', 'chor039', 'chor040', 'chor044'];

/** bwv*.mxl name of a kern file from index.hmd ("… <small>BWV 65/2</small>" → bwv65.2.mxl). */
function mxlFor(index: string, kern: string): string {
  const row = index.split('\n').find((l) => l.startsWith(`kern/${kern}.krn\t`));
  const bwv = row && /BWV (\d+)(?:\/(\d+))?/.exec(row);
  if (!bwv) throw new Error(`${kern} has no BWV number in index.hmd`);
  return `bwv${bwv[1]}${bwv[2] ? `.${bwv[2]}` : ''}.mxl`;
}

const line = (p: Part): string[] => p.notes.map((n) => `${pitchName(n.pitch)}@${n.onset}+${n.duration}${n.fermata ? ' fermata' : ''}`);

describe.skipIf(!present)('kern and MusicXML readers agree on the same chorales', () => {
  const index = present ? readFileSync(`${kernDir}index.hmd`, 'utf8') : '';

  it.each(KERN)('%s', async (kern) => {
    const mxl = mxlFor(index, kern);
    const [k] = await readScoreFile(`${kernDir}kern/${kern}.krn`);
    const [m] = await readScoreFile(mxlDir + mxl);
    const fromKern = k!.score;
    const fromXml = m!.score;
    expect(fromXml.parts.map((p) => p.name), mxl).toEqual(['Soprano', 'Alto', 'Tenor', 'Bass']);
    // kern spines run Bass, Tenor, Alto, Soprano from left to right
    const kernVoices = [...fromKern.parts].reverse();
    expect(kernVoices).toHaveLength(4);
    kernVoices.forEach((p, i) => expect(line(p), `${kern} vs ${mxl}, ${fromXml.parts[i]!.name}`).toEqual(line(fromXml.parts[i]!)));
    expect(fromKern.pickup).toBe(fromXml.pickup);
    expect(fromKern.timeSignatures).toEqual(fromXml.timeSignatures);
    expect(fromKern.keySignatures[0]?.fifths).toBe(fromXml.keySignatures[0]?.fifths);
  });
});
