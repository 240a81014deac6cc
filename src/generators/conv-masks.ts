/**
 * The masks a convolutional harmoniser trains on, as Coconet trains: for
 * each example, which cells are hidden from the model and predicted. Mostly
 * orderless-NADE masks (a size drawn uniformly from 1 to the number of
 * cells, then that many cells at random), so the model learns every
 * conditional it may be asked for in Gibbs sampling; and a share of whole-
 * voice masks (some voices hidden from beginning to end), the question
 * harmonising a melody asks.
 *
 *   rng ─► per example: orderless (3/4) | whole voices (1/4) ─► mask [tracks, steps], 1 = hidden; padded steps never
 */
import type { Rng } from '../engine/index.js';

/** Share of examples whose mask hides whole voices. */
export const VOICE_MASK_SHARE = 0.25;

/** A mask over one example's cells [tracks, steps]; only real steps (real[s] = 1) are hidden. Never empty when a step is real. */
export function trainingMask(rng: Rng, tracks: number, steps: number, real: ArrayLike<number>): Uint8Array {
  const mask = new Uint8Array(tracks * steps);
  const cells: number[] = [];
  for (let t = 0; t < tracks; t++) for (let s = 0; s < steps; s++) if (real[s]) cells.push(t * steps + s);
  if (cells.length === 0) return mask;
  if (rng.next() < VOICE_MASK_SHARE) {
    // a random non-empty subset of the voices
    let voices = 0;
    while (voices === 0) voices = rng.int(1 << tracks);
    for (const c of cells) if (voices & (1 << Math.floor(c / steps))) mask[c] = 1;
    return mask;
  }
  const hidden = 1 + rng.int(cells.length);
  // a partial Fisher–Yates shuffle picks `hidden` distinct cells
  for (let i = 0; i < hidden; i++) {
    const j = i + rng.int(cells.length - i);
    [cells[i], cells[j]] = [cells[j]!, cells[i]!];
    mask[cells[i]!] = 1;
  }
  return mask;
}
