/**
 * Score order: the order parts are printed in, highest first. Parts named
 * for voices (soprano, alto, tenor, bass, and their initials and numbered
 * forms: "Soprano 1", "S.", "Tenor II") go in that order; otherwise parts
 * listed from the lowest up (as Humdrum kern lists its spines, bass first)
 * are turned round; any other order is the source's and is kept. Drum parts
 * go last.
 */
import { midiOf } from './pitch.js';
import type { Part } from './score.js';

const VOICE_RANK: [RegExp, number][] = [
  [/^(soprano|sopran|cantus|treble|discantus|s)\b/i, 0],
  [/^(alto|alt|altus|contralto|a)\b/i, 1],
  [/^(tenor|tenore|t)\b/i, 2],
  [/^(bass|basso|bassus|baritone|b)\b/i, 3],
];

const voiceRank = (name: string): number | undefined => VOICE_RANK.find(([re]) => re.test(name.trim()))?.[1];

const meanPitch = (p: Part): number => p.notes.reduce((s, n) => s + midiOf(n.pitch), 0) / Math.max(1, p.notes.length);

/** The parts in score order (a new array; the parts themselves are not copied). */
export function scoreOrder(parts: readonly Part[]): Part[] {
  const pitched = parts.filter((p) => !p.isDrum);
  const drums = parts.filter((p) => p.isDrum);
  const ranks = pitched.map((p) => voiceRank(p.name));
  if (pitched.length > 1 && ranks.every((r) => r !== undefined)) {
    const order = pitched.map((p, i) => ({ p, r: ranks[i]!, i })).sort((a, b) => a.r - b.r || a.i - b.i);
    return [...order.map((x) => x.p), ...drums];
  }
  const withNotes = pitched.filter((p) => p.notes.length > 0).map(meanPitch);
  const rising = withNotes.length > 1 && withNotes.every((m, i) => i === 0 || m > withNotes[i - 1]!);
  return [...(rising ? [...pitched].reverse() : pitched), ...drums];
}
