/**
 * Token vocabularies of the event encoders: 0 = rest, 1 = hold, then one
 * note-on token per pitch of the range, in MIDI order.
 *
 *   unspelled  one token per MIDI number lowest..highest (C#4 and Db4 share one)
 *   spelled    one token per (step, alter, octave) whose MIDI number is in the
 *              range and whose alter is in `alters`; enharmonics of one MIDI
 *              number sit side by side, flattest first (B#3, C4, Dbb4 …)
 *
 * @example
 *   const v = new EventVocabulary({ lowest: 60, highest: 72, spelled: true, alters: [-1, 0, 1] });
 *   v.tokenOf(parsePitch('C#4')) !== v.tokenOf(parsePitch('Db4'))   // true
 *   pitchName(v.pitchOf(v.tokenOf(parsePitch('Db4'))!))             // 'Db4'
 */
import { MusegenError } from '../errors.js';
import {
  fifthsOf, midiOf, pitchName, spellMidi, stepAlterOfFifths, type Fifths, type Key, type Midi, type Pitch,
} from '../score/index.js';

export const REST = 0;
export const HOLD = 1;
/** Token ids below this are rest and hold; from it on, note-ons. */
export const FIRST_PITCH_TOKEN = 2;

export interface VocabularyOptions {
  lowest: Midi;
  highest: Midi;
  spelled: boolean;
  /** Alterations a spelled vocabulary holds, from −2..2. */
  alters: readonly number[];
}

const FIFTHS_SPAN = 64; // line-of-fifths positions -32..31 per MIDI number, room for any alter in -2..2
const lookupKey = (midi: Midi, fifths: Fifths): number => midi * FIFTHS_SPAN + fifths + FIFTHS_SPAN / 2;

export class EventVocabulary {
  readonly lowest: Midi;
  readonly highest: Midi;
  readonly spelled: boolean;
  readonly alters: readonly number[];
  /** Number of token ids (rest, hold and the note-ons). */
  readonly size: number;
  /** The pitch of each note-on token, in token order from FIRST_PITCH_TOKEN (spelled in C major when unspelled). */
  readonly pitches: readonly Pitch[];
  private readonly index = new Map<number, number>();

  constructor(options: VocabularyOptions) {
    this.lowest = options.lowest;
    this.highest = options.highest;
    this.spelled = options.spelled;
    this.alters = [...options.alters].sort((a, b) => a - b);
    const pitches: Pitch[] = [];
    for (let midi = this.lowest; midi <= this.highest; midi++) {
      if (!this.spelled) {
        this.index.set(midi, FIRST_PITCH_TOKEN + pitches.length);
        pitches.push(spellMidi(midi));
        continue;
      }
      // spellings of this MIDI number on the line of fifths are 12 apart; flattest first
      const base = fifthsOf(spellMidi(midi));
      for (let f = base - 24; f <= base + 24; f += 12) {
        const { step, alter } = stepAlterOfFifths(f);
        if (!this.alters.includes(alter)) continue;
        const octave = Math.round((midi - midiOf({ step, alter, octave: -1 })) / 12) - 1;
        this.index.set(lookupKey(midi, f), FIRST_PITCH_TOKEN + pitches.length);
        pitches.push({ step, alter, octave });
      }
    }
    this.pitches = pitches;
    this.size = FIRST_PITCH_TOKEN + pitches.length;
  }

  /** The note-on token of a pitch, or undefined when the vocabulary has no such token. */
  tokenOf(p: Pitch): number | undefined {
    const midi = midiOf(p);
    if (!this.spelled) return this.index.get(midi);
    const f = fifthsOf(p);
    return Math.abs(f) < FIFTHS_SPAN / 2 ? this.index.get(lookupKey(midi, f)) : undefined;
  }

  /**
   * The pitch the vocabulary would encode `p` as: itself, another spelling of
   * the same MIDI number (the nearest on the line of fifths) when its own is
   * not in the vocabulary, or undefined when its MIDI number is outside.
   */
  fit(p: Pitch): Pitch | undefined {
    const midi = midiOf(p);
    if (midi < this.lowest || midi > this.highest) return undefined;
    if (!this.spelled || this.tokenOf(p) !== undefined) return p;
    const f = fifthsOf(p);
    let best: Pitch | undefined;
    let bestDistance = Infinity;
    for (let t = FIRST_PITCH_TOKEN; t < this.size; t++) {
      const q = this.pitches[t - FIRST_PITCH_TOKEN]!;
      const distance = Math.abs(fifthsOf(q) - f);
      if (midiOf(q) === midi && distance < bestDistance) [best, bestDistance] = [q, distance];
    }
    return best;
  }

  /** The pitch of a note-on token; unspelled tokens are spelled in `key` (C major when none). */
  pitchOf(token: number, key?: Key): Pitch {
    this.check(token);
    if (token < FIRST_PITCH_TOKEN) throw new MusegenError('BAD_ARGUMENT', `token ${token} (${this.name(token)}) is not a note`);
    const p = this.pitches[token - FIRST_PITCH_TOKEN]!;
    return this.spelled || !key ? p : spellMidi(midiOf(p), key.fifths, key.mode);
  }

  /** "rest", "hold" or the pitch name ("C#4"), for reading token streams. */
  name(token: number): string {
    this.check(token);
    if (token === REST) return 'rest';
    if (token === HOLD) return 'hold';
    return pitchName(this.pitches[token - FIRST_PITCH_TOKEN]!);
  }

  /** Throw when a token id is not in the vocabulary (a generator produced garbage, or a model mismatch). */
  check(token: number): void {
    if (!Number.isInteger(token) || token < 0 || token >= this.size) {
      throw new MusegenError('BAD_ARGUMENT', `token ${token} is outside the vocabulary (0..${this.size - 1}): does the model match this encoder?`);
    }
  }
}
