/**
 * Collects what an encoding could not keep and words it for a musician:
 * counts per kind of problem, with the first occurrence located by bar.
 */
import { barPosition, barStarts, type Score, type Steps, type Ticks } from '../score/index.js';
import type { EncodeReport } from './types.js';

export type Problem = 'outOfRange' | 'offGrid' | 'polyphonyDropped' | 'respelled';

/** How this encoder words each problem; `{n}` and `{first}` are filled in. */
export interface ReportWording {
  /** "C3–C7" */
  range: string;
  /** "-1, 0, 1" — the alterations a spelled vocabulary holds. */
  alters: string;
  stepsPerQuarter: Steps;
  /** What a polyphony problem means in this encoder, after "2 notes" ("overlapping another note of a monophonic track…"). */
  polyphony: string;
}

const notes = (n: number): string => (n === 1 ? '1 note' : `${n} notes`);

export class ReportBuilder {
  private readonly counts: Record<Problem, number> = { outOfRange: 0, offGrid: 0, polyphonyDropped: 0, respelled: 0 };
  private readonly first: Partial<Record<Problem, string>> = {};
  private readonly extra: string[] = [];
  private starts: Ticks[] | undefined;

  /** `score` locates problems by bar (the Score being encoded). */
  constructor(private readonly score: Score, private readonly wording: ReportWording) {}

  /** Count one problem at `tick`; `what` says which note ("A1", "Fx4 as G4"). */
  count(problem: Problem, tick: Ticks, what?: string): void {
    if (this.counts[problem]++ > 0) return;
    this.starts ??= barStarts(this.score);
    const bar = barPosition(this.score, tick, this.starts).bar + (this.score.pickup > 0 ? 0 : 1);
    this.first[problem] = what !== undefined ? `${what}, bar ${bar}` : `bar ${bar}`;
  }

  /** A message that is not a counted problem ("the score has no part 3: its track is silent"). */
  note(message: string): void {
    this.extra.push(message);
  }

  build(): EncodeReport {
    const c = this.counts;
    const w = this.wording;
    const line = (p: Problem, text: string): string[] => (c[p] > 0 ? [`${notes(c[p])} ${text} (first: ${this.first[p]})`] : []);
    return {
      ...c,
      messages: [
        ...line('outOfRange', `outside the range ${w.range} left out`),
        ...line('respelled', `respelled, as the vocabulary holds only the alterations ${w.alters}`),
        ...line('offGrid', `starting or ending between steps of the grid (${w.stepsPerQuarter} per quarter) moved to the nearest step`),
        ...line('polyphonyDropped', w.polyphony),
        ...this.extra,
      ],
    };
  }
}
