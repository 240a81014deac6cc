/**
 * The piano roll: each note a bar on a canvas, pitch up, time across (in
 * seconds, so tempo changes stretch the roll as they sound), coloured by
 * part, with bar lines from the meter map. The playhead is positioned with
 * `xAt` over the drawn roll.
 *
 *   Schedule (notes in seconds) + Score (meters) ─ drawRoll ─► canvas, Roll { notes drawn, xAt(seconds) }
 */
import { barStarts, secondsAt, type Score } from '../src/browser.js';
import type { Schedule } from '../src/playback/schedule.js';

/** One colour per part, in order (then again). */
export const PART_COLOURS = ['#3b6fd8', '#e4572e', '#2e9e6b', '#9b5de5', '#f0a202', '#17a2b8', '#d63384', '#6c757d'];

export interface Roll {
  /** How many notes were drawn. */
  notes: number;
  /** The x (CSS pixels from the canvas's left) of a time in seconds. */
  xAt(seconds: number): number;
}

const MARGIN = 8;

export function drawRoll(canvas: HTMLCanvasElement, score: Score, schedule: Schedule): Roll {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const g = canvas.getContext('2d')!;
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  const pitches = schedule.parts.flatMap((p) => p.notes.map((n) => n.midi));
  const low = Math.min(...pitches) - 2;
  const high = Math.max(...pitches) + 2;
  const total = Math.max(schedule.seconds, 1e-3);
  const xAt = (s: number): number => MARGIN + ((width - 2 * MARGIN) * s) / total;
  const row = (height - 2 * MARGIN) / (high - low + 1);
  const yOf = (midi: number): number => MARGIN + (high - midi) * row;
  // C rows shaded, so octaves can be read
  g.fillStyle = '#f1f3f8';
  for (let m = low; m <= high; m++) if (m % 12 === 0) g.fillRect(MARGIN, yOf(m), width - 2 * MARGIN, row);
  g.strokeStyle = '#d8dce6';
  g.lineWidth = 1;
  for (const tick of barStarts(score)) {
    const x = Math.round(xAt(secondsAt(score, tick))) + 0.5;
    g.beginPath();
    g.moveTo(x, MARGIN);
    g.lineTo(x, height - MARGIN);
    g.stroke();
  }
  let drawn = 0;
  schedule.parts.forEach(({ notes }, i) => {
    g.fillStyle = PART_COLOURS[i % PART_COLOURS.length]!;
    for (const n of notes) {
      g.globalAlpha = 0.45 + 0.55 * n.gain;
      g.fillRect(xAt(n.time), yOf(n.midi), Math.max(2, xAt(n.time + n.duration) - xAt(n.time) - 1), Math.max(2, row - 1));
      drawn++;
    }
  });
  g.globalAlpha = 1;
  return { notes: drawn, xAt };
}
