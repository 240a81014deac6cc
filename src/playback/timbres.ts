/**
 * The synthesised timbres a part is played with, shipped as code (nothing is
 * fetched): General MIDI programs fall into a few families, each a Tone.js
 * PolySynth with its own oscillator and envelope.
 *
 *   program 0–15 piano · 16–23 organ · 24–31 plucked (guitars) · 32–39 bass
 *   40–55, 88–103 strings (strings, ensembles, choirs, pads) · 104–119 plucked
 *   56–87, 120–127 lead (brass, reeds, pipes, synth leads)
 *
 * Tone.js is passed in (`ToneLib`), so the same timbres sound in Node
 * (offline, through node-web-audio-api) and in the player page.
 */
import type * as ToneModule from 'tone';
import type { Seconds } from '../score/index.js';

/** The Tone.js namespace (`import * as Tone from 'tone'`), handed in by whoever loaded it. */
export type ToneLib = typeof ToneModule;

export const TIMBRES = ['piano', 'organ', 'strings', 'plucked', 'bass', 'lead'] as const;
export type Timbre = (typeof TIMBRES)[number];

/** The timbre of a General MIDI program (0..127). */
export function timbreOf(program: number): Timbre {
  if (program < 16) return 'piano';
  if (program < 24) return 'organ';
  if (program < 32) return 'plucked';
  if (program < 40) return 'bass';
  if (program < 56) return 'strings';
  if (program < 88) return 'lead';
  if (program < 104) return 'strings';
  if (program < 120) return 'plucked';
  return 'lead';
}

/** The longest release of any timbre (the drums' included): how long sound rings on after the last note ends. */
export const RELEASE_TAIL: Seconds = 1.5;

type SynthOptions = ConstructorParameters<ToneLib['Synth']>[0];
type MonoOptions = ConstructorParameters<ToneLib['MonoSynth']>[0];

/** Harmonic amplitudes of a soft hammered string, fading with each partial. */
const PIANO_PARTIALS = [1, 0.42, 0.22, 0.12, 0.07, 0.04];
/** Drawbars 8', 4', 2 2/3', 2'. */
const ORGAN_PARTIALS = [1, 0.8, 0.5, 0.6, 0, 0.3];

const SYNTHS: Record<Exclude<Timbre, 'strings' | 'bass'>, SynthOptions> = {
  piano: { oscillator: { type: 'custom', partials: PIANO_PARTIALS }, envelope: { attack: 0.004, decay: 1.4, sustain: 0.08, release: 0.9 } },
  organ: { oscillator: { type: 'custom', partials: ORGAN_PARTIALS }, envelope: { attack: 0.012, decay: 0.05, sustain: 0.9, release: 0.12 } },
  plucked: { oscillator: { type: 'fattriangle', count: 2, spread: 8 }, envelope: { attack: 0.002, decay: 0.7, sustain: 0, release: 0.5 } },
  lead: { oscillator: { type: 'pulse', width: 0.3 }, envelope: { attack: 0.02, decay: 0.2, sustain: 0.6, release: 0.25 } },
};

const MONOS: Record<Extract<Timbre, 'strings' | 'bass'>, MonoOptions> = {
  strings: {
    oscillator: { type: 'fatsawtooth', count: 3, spread: 18 },
    envelope: { attack: 0.12, decay: 0.3, sustain: 0.85, release: 0.7 },
    filter: { type: 'lowpass', Q: 0.7, rolloff: -24 },
    filterEnvelope: { attack: 0.2, decay: 0.5, sustain: 0.6, release: 0.7, baseFrequency: 500, octaves: 2.5 },
  },
  bass: {
    oscillator: { type: 'sawtooth' },
    envelope: { attack: 0.005, decay: 0.4, sustain: 0.5, release: 0.2 },
    filter: { type: 'lowpass', Q: 2, rolloff: -24 },
    filterEnvelope: { attack: 0.005, decay: 0.25, sustain: 0.3, release: 0.2, baseFrequency: 120, octaves: 3 },
  },
};

/** Loudness of each timbre, so a part sounds about as loud as another at the same velocity. */
const LEVEL_DB: Record<Timbre, number> = { piano: -6, organ: -14, strings: -12, plucked: -8, bass: -8, lead: -16 };

/** A new polyphonic synthesiser of `timbre`, not yet connected. */
export function createTimbre(Tone: ToneLib, timbre: Timbre): ToneModule.PolySynth {
  const synth = timbre === 'strings' || timbre === 'bass'
    ? new Tone.PolySynth(Tone.MonoSynth, MONOS[timbre])
    : new Tone.PolySynth(Tone.Synth, SYNTHS[timbre]);
  synth.maxPolyphony = 64;
  synth.volume.value = LEVEL_DB[timbre];
  return synth;
}
