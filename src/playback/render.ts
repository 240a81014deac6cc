/**
 * A Score rendered to audio, offline: Tone.js in an OfflineAudioContext
 * (node-web-audio-api in Node), one instrument per part (ensemble.ts), every
 * note scheduled at its time over the tempo map, then peak-normalised so
 * nothing clips. Long pieces go in slices of a few seconds, each in a context
 * of its own (few voices alive at once: the cost grows with the nodes alive
 * times the seconds rendered), added up where their tails overlap.
 *
 *   Score ─ scheduleOf ─► notes in seconds ─ Ensemble ─► OfflineContext ─ render ─► channels ─ normalise ─► RenderedAudio
 *
 * The audio lasts the piece plus RELEASE_TAIL, so the last notes ring out.
 *
 * @example
 *   const audio = await renderScore(score, { onProgress: (done, total) => bar.update(done) });
 *   await writeFileAtomic('out.wav', encodeWav(audio));
 */
import { MusegenError } from '../errors.js';
import type { Score, Seconds } from '../score/index.js';
import { createEnsemble } from './ensemble.js';
import { scheduleOf, scheduledNoteCount, type Schedule } from './schedule.js';
import { RELEASE_TAIL, type ToneLib } from './timbres.js';
import { loadTone } from './tone-node.js';

export interface RenderOptions {
  /** Samples per second (default 44,100). */
  sampleRate: number;
  /** 1 (mono) or 2 (stereo, the default). */
  channels: 1 | 2;
  /** The loudest sample after normalising, in dBFS, below 0 (default −1). */
  peakDb: number;
  /** Called as rendering goes on: seconds of audio done of `total`. */
  onProgress?: (done: Seconds, total: Seconds) => void;
}

export const RENDER_DEFAULTS: Readonly<RenderOptions> = { sampleRate: 44_100, channels: 2, peakDb: -1 };

export interface RenderedAudio {
  sampleRate: number;
  /** One array of samples (−1..1) per channel, all the same length. */
  channels: Float32Array[];
}

/** Notes are rendered in slices of this many seconds (by onset), each in its own context, and added up. */
const SLICE: Seconds = 8;

/** Render `score` to audio. A score without notes is refused (EMPTY). */
export async function renderScore(score: Score, options: Partial<RenderOptions> = {}): Promise<RenderedAudio> {
  const o = { ...RENDER_DEFAULTS, ...options };
  if (o.channels !== 1 && o.channels !== 2) throw new MusegenError('BAD_ARGUMENT', `cannot render ${String(o.channels)} channels: 1 (mono) or 2 (stereo)`);
  if (!(o.peakDb < 0)) throw new MusegenError('BAD_ARGUMENT', `the peak must be below 0 dBFS, not ${o.peakDb}`);
  const schedule = scheduleOf(score);
  if (scheduledNoteCount(schedule) === 0) throw new MusegenError('EMPTY', 'has no notes to render', score.title);
  const Tone = await loadTone();
  const total = schedule.seconds + RELEASE_TAIL;
  const channels = Array.from({ length: o.channels }, () => new Float32Array(Math.ceil(total * o.sampleRate)));
  for (let from = 0; from < schedule.seconds; from += SLICE) {
    const slice = sliceOf(schedule, from, from + SLICE);
    if (slice) addAt(channels, await renderSlice(Tone, slice, o), Math.round(from * o.sampleRate));
    o.onProgress?.(Math.min(from + SLICE, schedule.seconds), schedule.seconds);
  }
  normalise(channels, 10 ** (o.peakDb / 20));
  return { sampleRate: o.sampleRate, channels };
}

/**
 * The notes starting in [from, to), their times made relative to `from`, and
 * how long they ring (to the last one's end, plus the release tail); null when none start there.
 */
function sliceOf(schedule: Schedule, from: Seconds, to: Seconds): { schedule: Schedule; seconds: Seconds } | null {
  let end = 0;
  const parts = schedule.parts.map(({ part, notes }) => ({
    part,
    notes: notes.filter((n) => n.time >= from && n.time < to).map((n) => {
      end = Math.max(end, n.time + n.duration - from);
      return { ...n, time: n.time - from };
    }),
  }));
  if (!parts.some((p) => p.notes.length > 0)) return null;
  return { schedule: { parts, seconds: end }, seconds: end + RELEASE_TAIL };
}

/** One slice through Tone.js in an OfflineContext of its own: every part's instrument, every note scheduled. */
async function renderSlice(Tone: ToneLib, slice: { schedule: Schedule; seconds: Seconds }, o: RenderOptions): Promise<Float32Array[]> {
  const context = new Tone.OfflineContext(o.channels, slice.seconds, o.sampleRate);
  const previous = Tone.getContext();
  Tone.setContext(context);
  const ensemble = createEnsemble(Tone, slice.schedule.parts.map((p) => p.part), context.destination);
  try {
    slice.schedule.parts.forEach(({ notes }, i) => {
      for (const note of notes) ensemble.players[i]!.play(note, note.time);
    });
    const buffer = await context.render();
    return Array.from({ length: o.channels }, (_, c) => buffer.getChannelData(c));
  } finally {
    ensemble.dispose();
    Tone.setContext(previous);
  }
}

/** Add `part` into `into`, channel by channel, from sample `at` (what runs past the end is dropped). */
function addAt(into: Float32Array[], part: Float32Array[], at: number): void {
  into.forEach((ch, c) => {
    const src = part[c]!;
    const n = Math.min(src.length, ch.length - at);
    for (let i = 0; i < n; i++) ch[at + i]! += src[i]!;
  });
}

/** Scale every channel by one factor so the loudest sample is `peak`. */
function normalise(channels: Float32Array[], peak: number): void {
  let max = 0;
  for (const ch of channels) for (const x of ch) max = Math.max(max, Math.abs(x));
  if (max === 0) return;
  const gain = peak / max;
  for (const ch of channels) for (let i = 0; i < ch.length; i++) ch[i]! *= gain;
}
