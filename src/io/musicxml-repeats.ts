/**
 * Repeat signs and endings of a MusicXML part, read from its <barline>s:
 * <repeat direction="forward|backward"> and <ending number="1, 2"
 * type="start|stop|discontinue">, each at the start (location="left") or end
 * (right, the default) of its measure. The reader takes them from the first
 * part, at the measure starts it has worked out.
 */
import { repeatMarks, type Ending, type RepeatMarks, type Ticks } from '../score/index.js';
import { attr, childrenNamed, type XmlNode } from './musicxml-dom.js';

/** The pass numbers of an ending's number attribute: "1", "1, 2", "1-3". */
function endingNumbers(text: string): number[] {
  const out: number[] = [];
  for (const item of text.split(',')) {
    const range = /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(item);
    if (!range) continue;
    const [a, b] = [Number(range[1]), Number(range[2] ?? range[1])];
    for (let n = a; n <= Math.min(b, a + 8); n++) out.push(n);
  }
  return out;
}

/** The marks of a part's measures; `starts[m]` is where measure m begins, `starts[m + 1]` where it ends. */
export function readRepeatMarks(measures: readonly XmlNode[], starts: readonly Ticks[]): RepeatMarks | undefined {
  const forward: Ticks[] = [];
  const backward: Ticks[] = [];
  const endings: Ending[] = [];
  const open = new Map<string, { start: Ticks; numbers: number[] }>();
  measures.forEach((m, i) => {
    const [begin, end] = [starts[i], starts[i + 1]];
    if (begin === undefined || end === undefined) return;
    for (const barline of childrenNamed(m, 'barline')) {
      const t = attr(barline, 'location') === 'left' ? begin : end;
      for (const r of childrenNamed(barline, 'repeat')) (attr(r, 'direction') === 'forward' ? forward : backward).push(t);
      for (const e of childrenNamed(barline, 'ending')) {
        const number = attr(e, 'number') ?? '';
        const type = attr(e, 'type');
        if (type === 'start') open.set(number, { start: t, numbers: endingNumbers(number) });
        const started = open.get(number);
        if ((type === 'stop' || type === 'discontinue') && started && t > started.start && started.numbers.length > 0) {
          endings.push({ ...started, end: t, ...(type === 'discontinue' ? { open: true } : {}) });
          open.delete(number);
        }
      }
    }
  });
  return repeatMarks(forward, backward, endings);
}
