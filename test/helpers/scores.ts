/**
 * Small facts about Scores that several test files compare against.
 */
import type { Note, Score } from '../../src/score/index.js';

/**
 * The notes of each part as a step-level fermata channel keeps them: a fermata
 * on every note that starts where some note of any part has one.
 */
export function fermataByOnset(score: Score): Note[][] {
  const at = new Set(score.parts.flatMap((p) => p.notes.filter((n) => n.fermata).map((n) => n.onset)));
  return score.parts.map((p) => p.notes.map((n) => ({ ...n, fermata: at.has(n.onset) })));
}
