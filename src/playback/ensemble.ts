/**
 * One instrument per part: a timbre chosen by the part's program, or the drum
 * kit for a percussion part, each panned a little apart so the parts can be
 * told apart in stereo.
 *
 *   part 1 ─ PolySynth (timbre) ─ Panner ─┐
 *   part 2 ─ DrumKit ──────────── Panner ─┼─► destination
 *   …                                     ┘
 *
 * Used alike by offline rendering (every note scheduled at once) and by the
 * player page (notes scheduled by Tone's transport as it plays).
 *
 * @example
 *   const band = createEnsemble(Tone, schedule.parts.map((p) => p.part), Tone.getDestination());
 *   band.players[0].play(schedule.parts[0].notes[0], 0);
 */
import type * as ToneModule from 'tone';
import type { Part, Seconds } from '../score/index.js';
import { createDrumKit } from './drums.js';
import type { ScheduledNote } from './schedule.js';
import { createTimbre, timbreOf, type ToneLib } from './timbres.js';

export interface PartPlayer {
  /** Sound `note` starting at `time` (a time on the context's clock, not the note's own). */
  play(note: ScheduledNote, time: Seconds): void;
}

export interface Ensemble {
  /** One player per part, in the order of the parts given. */
  players: PartPlayer[];
  dispose(): void;
}

/** How far apart the parts are panned (−1 hard left … 1 hard right). */
const PAN_WIDTH = 0.6;

export function createEnsemble(Tone: ToneLib, parts: readonly Part[], destination: ToneModule.InputNode): Ensemble {
  const nodes: { dispose(): unknown }[] = [];
  const players = parts.map((part, i): PartPlayer => {
    const panner = new Tone.Panner(parts.length > 1 ? PAN_WIDTH * (i / (parts.length - 1) - 0.5) : 0).connect(destination);
    nodes.push(panner);
    if (part.isDrum) {
      const kit = createDrumKit(Tone);
      kit.output.connect(panner);
      nodes.push(kit);
      return { play: (note, time) => kit.strike(note.midi, time, note.gain) };
    }
    const synth = createTimbre(Tone, timbreOf(part.program)).connect(panner);
    nodes.push(synth);
    return { play: (note, time) => synth.triggerAttackRelease(Tone.Frequency(note.midi, 'midi').toFrequency(), note.duration, time, note.gain) };
  });
  return {
    players,
    dispose() {
      for (const n of nodes) n.dispose();
    },
  };
}
