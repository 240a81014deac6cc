/** Transposition by a spelled interval: notes, key signatures and chord symbols move together. */
import { accidentalText, alterOfAccidental, intervalFifths, stepAlterOfFifths, fifthsOf, transposePitch, type Interval, type Step } from './pitch.js';
import type { Score } from './score.js';

const ROOT_RE = /(^|\/)([A-Ga-g])(#{1,2}|b{1,2})?/g;

/** Move the roots of a chord symbol ("Am7/G" up a M2 = "Bm7/A"), keeping case. */
export function transposeChordSymbol(text: string, iv: Interval): string {
  const d = intervalFifths(iv);
  return text.replace(ROOT_RE, (_m, pre: string, letter: string, acc: string | undefined) => {
    const alter = alterOfAccidental(acc ?? '');
    const moved = stepAlterOfFifths(fifthsOf({ step: letter.toUpperCase() as Step, alter }) + d);
    const name = letter === letter.toLowerCase() ? moved.step.toLowerCase() : moved.step;
    return `${pre}${name}${accidentalText(moved.alter)}`;
  });
}

/** A copy of the score moved by `iv`. Drum parts are left as they are. */
export function transpose(score: Score, iv: Interval): Score {
  const d = intervalFifths(iv);
  return {
    ...score,
    parts: score.parts.map((p) =>
      p.isDrum ? p : { ...p, notes: p.notes.map((n) => ({ ...n, pitch: transposePitch(n.pitch, iv) })) },
    ),
    keySignatures: score.keySignatures.map((k) => ({ ...k, fifths: k.fifths + d })),
    chordSymbols: score.chordSymbols.map((c) => ({ ...c, text: transposeChordSymbol(c.text, iv) })),
  };
}
