/**
 * The part a melody is read from, said as a user reads it: for a corpus in
 * one line ("melody from part 'Soprano' (named like a melody) in 370
 * pieces") over the pieces of more than one part, for one score (a primer)
 * its part and why; and a part that no piece has (an index past every
 * piece's last part, a name none bears) refused before any work, naming
 * how many parts the pieces have.
 */
import { MusegenError } from '../errors.js';
import type { Score } from '../score/index.js';
import type { EncoderSpec, PartChoice } from './spec.js';
import { choosePart, type ChosenPart } from './tracks.js';

const WHY: Record<ChosenPart['why'], string> = { asked: 'as asked', named: 'named like a melody', highest: 'the highest part', only: 'the only part' };

/** A part choice as the user gave it: 2, "Soprano", top, merged. */
export function partChoiceText(choice: PartChoice): string {
  return typeof choice === 'object' ? `"${choice.name}"` : String(choice);
}

/** "part 'Soprano'", or "part 2" for a part without a name. */
export function partName(score: Score, index: number): string {
  const name = score.parts[index]?.name.trim() ?? '';
  return name === '' ? `part ${index}` : `part '${name}'`;
}

/** How one chosen part is said: "part 'Soprano' (the highest part)". */
export function chosenPartText(score: Score, chosen: ChosenPart): string {
  return `${partName(score, chosen.index)} (${WHY[chosen.why]})`;
}

/** A part no score has, refused: what was asked and how many parts (and which names) the scores have. */
export function missingPartError(choice: PartChoice, scores: readonly Score[], where: string): MusegenError {
  const counts = scores.map((s) => s.parts.length);
  const [low, high] = [Math.min(...counts), Math.max(...counts)];
  const names = [...new Set(scores.flatMap((s) => s.parts.map((p) => p.name.trim()).filter((n) => n !== '')))];
  const shownNames = names.length === 0 ? '' : `; names: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}`;
  const parts = low === high ? `${high} part${high === 1 ? '' : 's'}` : `${low} to ${high} parts`;
  const what = typeof choice === 'number' ? `part ${choice} (parts are counted from 0)` : `a part named ${partChoiceText(choice)}`;
  return new MusegenError('BAD_ARGUMENT', `--part ${partChoiceText(choice)}: ${where} ${scores.length === 1 ? 'has' : 'have'} no ${what.replace(/^a /, '')}: ${scores.length === 1 ? 'it has' : 'they have'} ${parts}${shownNames}`);
}

/**
 * For a melody spec: one line saying which part each piece of several parts
 * gives the melody (the commonest first), or undefined when none has several
 * parts or the spec is not a melody's. Throws MusegenError('BAD_ARGUMENT')
 * when no piece has the part asked for.
 */
export function melodyPartsLine(spec: EncoderSpec, scores: readonly Score[]): string | undefined {
  if (spec.encoding !== 'melody' || spec.part === 'merged' || scores.length === 0) return undefined;
  const said = new Map<string, number>();
  let found = 0;
  for (const score of scores) {
    const chosen = choosePart(spec.part, score);
    if (!chosen) continue;
    found++;
    if (score.parts.length < 2) continue;
    const text = chosenPartText(score, chosen);
    said.set(text, (said.get(text) ?? 0) + 1);
  }
  if (found === 0) throw missingPartError(spec.part, scores, 'the pieces');
  if (said.size === 0) return undefined;
  const ranked = [...said].sort((a, b) => b[1] - a[1]);
  const counted = (n: number): string => `${n.toLocaleString('en')} piece${n === 1 ? '' : 's'}`;
  const shown = ranked.slice(0, 3).map(([text, n]) => `${text} in ${counted(n)}`);
  const rest = ranked.slice(3).reduce((n, [, k]) => n + k, 0);
  return `melody from ${shown.join(', ')}${rest > 0 ? `, another part in ${counted(rest)}` : ''}`;
}

/**
 * For a primer of several parts: a line saying which part a melody model
 * continues ("melody from part 'Soprano' (the highest part) of chorale.krn").
 * Throws MusegenError('BAD_ARGUMENT') when the primer lacks the part asked for.
 */
export function primerPartLine(choice: PartChoice, score: Score, file: string): string | undefined {
  if (choice === 'merged') return score.parts.length < 2 ? undefined : `melody from every part of ${file}, merged`;
  const chosen = choosePart(choice, score);
  if (!chosen) throw missingPartError(choice, [score], file);
  return score.parts.length < 2 ? undefined : `melody from ${chosenPartText(score, chosen)} of ${file}`;
}
