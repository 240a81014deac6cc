/**
 * A synthesised drum kit for percussion parts (MIDI channel 10), where a
 * note's number names a sound (General MIDI: 36 kick, 38 snare, 42 closed
 * hi-hat …) and its length does not matter:
 *
 *   kick   MembraneSynth (a falling sine)         35 36
 *   snare  NoiseSynth (white noise, short)        37–40
 *   tom    MembraneSynth tuned by note number     41 43 45 47 48 50
 *   hat    NoiseSynth, high-passed, short / open  42 44 / 46
 *   cymbal NoiseSynth (pink), high-passed, long   49 51–53 55 57 59
 *   click  MembraneSynth, high and short          everything else
 *
 *   kick, tom, click, snare ──────────► Gain (kit) ─► output
 *   hat, open hat, cymbal ─ high-pass ─┘
 */
import type * as ToneModule from 'tone';
import type { Midi, Seconds } from '../score/index.js';
import type { ToneLib } from './timbres.js';

type Sound = 'kick' | 'snare' | 'tom' | 'hat' | 'openHat' | 'cymbal' | 'click';

const SOUND_OF: Record<number, Sound> = {
  35: 'kick', 36: 'kick', 37: 'snare', 38: 'snare', 39: 'snare', 40: 'snare',
  41: 'tom', 43: 'tom', 45: 'tom', 47: 'tom', 48: 'tom', 50: 'tom',
  42: 'hat', 44: 'hat', 46: 'openHat',
  49: 'cymbal', 51: 'cymbal', 52: 'cymbal', 53: 'cymbal', 55: 'cymbal', 57: 'cymbal', 59: 'cymbal',
};

export interface DrumKit {
  /** The kit's output, to connect onward. */
  readonly output: ToneModule.Gain;
  /** Strike the sound of General MIDI drum `note` at `time` with `gain` (0..1). */
  strike(note: Midi, time: Seconds, gain: number): void;
  dispose(): void;
}

export function createDrumKit(Tone: ToneLib): DrumKit {
  const output = new Tone.Gain(0.8);
  const kick = new Tone.MembraneSynth({ pitchDecay: 0.04, octaves: 6, envelope: { attack: 0.001, decay: 0.35, sustain: 0, release: 0.1 } }).connect(output);
  const tom = new Tone.MembraneSynth({ pitchDecay: 0.06, octaves: 2, envelope: { attack: 0.001, decay: 0.3, sustain: 0, release: 0.1 } }).connect(output);
  const click = new Tone.MembraneSynth({ pitchDecay: 0.005, octaves: 1, envelope: { attack: 0.001, decay: 0.05, sustain: 0, release: 0.02 } }).connect(output);
  const snare = new Tone.NoiseSynth({ noise: { type: 'white' }, envelope: { attack: 0.001, decay: 0.18, sustain: 0 } }).connect(output);
  // metallic sounds: noise through a high-pass filter (Tone's MetalSynth runs away in node-web-audio-api)
  const bright = new Tone.Filter({ type: 'highpass', frequency: 6000, Q: 0.8 }).connect(output);
  const hat = new Tone.NoiseSynth({ noise: { type: 'white' }, envelope: { attack: 0.001, decay: 0.05, sustain: 0 } }).connect(bright);
  const openHat = new Tone.NoiseSynth({ noise: { type: 'white' }, envelope: { attack: 0.001, decay: 0.4, sustain: 0 } }).connect(bright);
  const cymbal = new Tone.NoiseSynth({ noise: { type: 'pink' }, envelope: { attack: 0.002, decay: 1.2, sustain: 0 } }).connect(bright);
  snare.volume.value = -6;
  hat.volume.value = -4;
  openHat.volume.value = -6;
  const nodes = [kick, tom, click, snare, hat, openHat, cymbal, bright];

  const strikes: Record<Sound, (time: Seconds, gain: number, note: Midi) => void> = {
    kick: (time, gain) => kick.triggerAttackRelease('C1', 0.1, time, gain),
    tom: (time, gain, note) => tom.triggerAttackRelease(Tone.Frequency(note - 5, 'midi').toFrequency(), 0.1, time, gain),
    click: (time, gain) => click.triggerAttackRelease('G5', 0.03, time, gain),
    snare: (time, gain) => snare.triggerAttackRelease(0.1, time, gain),
    hat: (time, gain) => hat.triggerAttackRelease(0.03, time, gain),
    openHat: (time, gain) => openHat.triggerAttackRelease(0.3, time, gain),
    cymbal: (time, gain) => cymbal.triggerAttackRelease(0.8, time, gain),
  };

  return {
    output,
    strike: (note, time, gain) => strikes[SOUND_OF[note] ?? 'click'](time, gain, note),
    dispose() {
      for (const n of nodes) n.dispose();
      output.dispose();
    },
  };
}
