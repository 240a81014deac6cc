/** Key estimation (Krumhansl–Kessler profiles) for sources that give no key signature. */
import type { Mode } from './pitch.js';
import type { Fifths, Midi, Ticks } from './units.js';

const MAJOR = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
const MINOR = [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];

function correlation(a: number[], b: number[]): number {
  const ma = a.reduce((s, x) => s + x, 0) / 12;
  const mb = b.reduce((s, x) => s + x, 0) / 12;
  let num = 0, da = 0, db = 0;
  for (let i = 0; i < 12; i++) {
    num += (a[i]! - ma) * (b[i]! - mb);
    da += (a[i]! - ma) ** 2;
    db += (b[i]! - mb) ** 2;
  }
  return da === 0 || db === 0 ? 0 : num / Math.sqrt(da * db);
}

/**
 * The most likely key of a set of notes, weighted by duration, as a key
 * signature (fifths of the major key or its relative) and mode. C major for no notes.
 */
export function estimateKey(notes: Iterable<{ midi: Midi; duration: Ticks }>): { fifths: Fifths; mode: Mode } {
  const hist = new Array<number>(12).fill(0);
  for (const n of notes) hist[((n.midi % 12) + 12) % 12]! += n.duration;
  let best = { score: -Infinity, fifths: 0, mode: 'major' as Mode };
  for (let tonic = 0; tonic < 12; tonic++) {
    const rotated = hist.map((_, i) => hist[(i + tonic) % 12]!);
    for (const [mode, profile] of [['major', MAJOR], ['minor', MINOR]] as const) {
      const r = correlation(rotated, profile);
      // key signature: tonic's fifths position (minor: that of its relative major), within -6..+5
      const tonicFifths = ((((tonic * 7) % 12) + 12) % 12);
      const sig = mode === 'major' ? tonicFifths : tonicFifths - 3;
      const fifths = ((sig + 6) % 12 + 12) % 12 - 6;
      if (r > best.score) best = { score: r, fifths, mode };
    }
  }
  return { fifths: best.fifths, mode: best.mode };
}
