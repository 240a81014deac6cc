/**
 * The harmoniser's measures (src/eval/voice-leading.ts, src/eval/infill-likelihood.ts):
 * - voice leading on hand-made pieces with known crossings and known
 *   parallel fifths and octaves, and the motions that must not count
 *   (contrary motion, a voice holding, octave leaps in both voices, rests);
 * - ranges by percentile, out-of-range cells, pooling;
 * - Coconet's framewise protocol against models whose answers are worked out
 *   by hand: a fixed distribution (exactly −ln p per cell), a model copying
 *   the previous step, one copying the voice above (within-frame order, truth
 *   or argmax), one that peeks at masked cells; windows equal the whole piece
 *   for a model of receptive radius 1; the number of calls; seeded orders;
 * - the notewise estimate: exact for a fixed distribution, and near the
 *   expectation over orderings computed by brute force on a tiny piece;
 * - on the JSB test chorales when present: Bach's own figures, printed, with
 *   properties asserted (not values computed by this same code).
 */
import { describe, expect, it } from 'vitest';
import { createStepContext, scoreShell, type StepContext, type VoiceCells } from '../src/encoding/index.js';
import {
  COCONET_PUBLISHED, JSB_SATB, formatVoiceLeading, framewiseCalls, framewiseLikelihood, notewiseCalls, notewiseLikelihood, readSatbPieces,
  voiceLeading, voiceLeadingOf, voiceRanges, windowContext, type InfillPiece,
} from '../src/eval/index.js';
import type { Infill, InfillRequest } from '../src/generators/index.js';
import { barPosition, ticksPerStep } from '../src/score/index.js';
import { corpusPath, haveCorpus } from './helpers/corpora.js';

const ln = Math.log;

/** Cells from MIDI pitches per voice (soprano first, cell 1 = MIDI 36); null = rest. */
function midiCells(voices: (number | null)[][]): VoiceCells {
  const steps = voices[0]!.length;
  const cells = new Int32Array(voices.length * steps);
  voices.forEach((line, v) => {
    if (line.length !== steps) throw new Error('voices of different lengths');
    line.forEach((m, s) => { cells[v * steps + s] = m === null ? 0 : m - 36 + 1; });
  });
  return { tracks: voices.length, steps, cells };
}

const hold = (m: number | null, n = 2): (number | null)[] => Array<number | null>(n).fill(m);

describe('voice leading: parallel fifths and octaves', () => {
  const cases: [string, (number | null)[][], { fifths: number; octaves: number; bothMove: number }][] = [
    ['S–A a fifth to a fifth, both up', [[67, 69], [60, 62], hold(55), hold(48)], { fifths: 1, octaves: 0, bothMove: 1 }],
    ['S–A a fifth to a twelfth, similar motion', [[67, 81], [60, 62], hold(55), hold(48)], { fifths: 1, octaves: 0, bothMove: 1 }],
    ['S–A a sixth into a fifth, contrary motion', [[65, 67], [62, 60], hold(55), hold(48)], { fifths: 0, octaves: 0, bothMove: 1 }],
    ['S–B a twelfth to a fifth, contrary motion', [[67, 60], hold(57), hold(55), [48, 53]], { fifths: 0, octaves: 0, bothMove: 1 }],
    ['S–A a fifth to a twelfth, the alto holding', [[67, 79], hold(60), hold(55), hold(48)], { fifths: 0, octaves: 0, bothMove: 0 }],
    ['S–A both leaping an octave (the same pitch classes again)', [[67, 79], [60, 72], hold(55), hold(48)], { fifths: 0, octaves: 0, bothMove: 1 }],
    ['T–B an octave to an octave, both up', [hold(72), hold(67), [60, 62], [48, 50]], { fifths: 0, octaves: 1, bothMove: 1 }],
    ['A–T unisons, both up', [hold(67), [60, 62], [60, 62], hold(48)], { fifths: 0, octaves: 1, bothMove: 1 }],
    ['A–T a unison to an octave, similar motion', [hold(79), [60, 74], [60, 62], hold(48)], { fifths: 0, octaves: 1, bothMove: 1 }],
    ['S–B a double octave to an octave, contrary motion', [[72, 67], hold(64), hold(60), [48, 55]], { fifths: 0, octaves: 0, bothMove: 1 }],
    ['S–A across a rest in the soprano', [[67, null, 69], [60, 61, 62], hold(55, 3), hold(48, 3)], { fifths: 0, octaves: 0, bothMove: 0 }],
  ];
  for (const [what, voices, want] of cases) {
    it(what, () => {
      const vl = voiceLeading(midiCells(voices));
      expect({ fifths: vl.parallelFifths.count, octaves: vl.parallelOctaves.count, bothMove: vl.bothMove }).toEqual(want);
    });
  }

  it('rates per pair motion with both voices moving; a held chord is one sonority; pairs apart', () => {
    // transitions: 67/60 → 69/62 (fifths), 69/62 → 71/67 (both move, a third): rate ½; the repeated first chord is no transition
    const vl = voiceLeading(midiCells([[67, 67, 69, 71], [60, 60, 62, 67], hold(55, 4), hold(48, 4)]));
    expect(vl.transitions).toBe(2);
    expect(vl.bothMove).toBe(2);
    expect(vl.parallelFifths).toEqual({ count: 1, rate: 0.5 });
    expect(vl.parallelOctaves).toEqual({ count: 0, rate: 0 });
    expect(vl.pairs.map((p) => [p.upper, p.lower])).toEqual([[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]);
    expect(vl.pairs[0]).toMatchObject({ bothMove: 2, fifths: 1 });
    expect(vl.pairs.slice(1).every((p) => p.bothMove === 0)).toBe(true);
  });

  it('pools pieces by summing counts (rates of the sums)', () => {
    const a = midiCells([[67, 69], [60, 62], hold(55), hold(48)]);
    const b = midiCells([[67, 67, 69, 71], [60, 60, 62, 67], hold(55, 4), hold(48, 4)]);
    const pooled = voiceLeadingOf([a, b]);
    expect(pooled).toMatchObject({ pieces: 2, steps: 6, transitions: 3, bothMove: 3, parallelFifths: { count: 2, rate: 2 / 3 } });
    expect(() => voiceLeadingOf([a, midiCells([[60, 62], [55, 57]])])).toThrow(/4 and of 2 voices/);
  });
});

describe('voice leading: crossings', () => {
  it('counts steps where a voice sounds below one under it (any pair), over steps with two or more voices', () => {
    const piece = midiCells([
      [72, 65, 72, 72, 60, 72, 60],
      [67, 67, 74, null, 60, 67, 57],
      [60, 60, 60, null, 60, 48, 64],
      [48, 48, 62, null, 60, 55, 48],
    ]);
    // step 1: S < A; step 2: S < A and T < B; step 3: one voice; step 4: unisons (no crossing); step 5: T < B; step 6: T above S and A
    const vl = voiceLeading(piece);
    expect(vl.polyphonicSteps).toBe(6);
    expect(vl.crossingSteps).toBe(4);
    expect(vl.crossingShare).toBeCloseTo(4 / 6, 12);
    const crossed = Object.fromEntries(vl.pairs.map((p) => [`${p.upper}${p.lower}`, p.crossings]));
    expect(crossed).toEqual({ '01': 2, '02': 1, '03': 0, '12': 1, '13': 0, '23': 2 });
  });
});

describe('voice ranges and singing out of range', () => {
  const soprano = [60, ...Array<number>(98).fill(62), 64];
  const piece = midiCells([soprano, Array<number>(100).fill(55), Array<null>(100).fill(null), Array<null>(100).fill(null)]);

  it('gives the extremes and the nearest-rank percentile bounds per voice', () => {
    const [s, a, t] = voiceRanges([piece]);
    expect(s).toMatchObject({ voice: 0, lowest: 60, highest: 64, low: 60, high: 64, cells: 100, percentile: 1 });
    expect(voiceRanges([piece], { percentile: 2 })[0]).toMatchObject({ lowest: 60, highest: 64, low: 62, high: 62 });
    expect(voiceRanges([piece], { percentile: 0 })[0]).toMatchObject({ low: 60, high: 64 });
    expect(a).toMatchObject({ lowest: 55, highest: 55, low: 55, high: 55 });
    expect(t!.cells).toBe(0);
    expect(t!.lowest).toBeNaN();
    expect(voiceRanges([piece], { lowest: 48 })[1]).toMatchObject({ lowest: 67 }); // cell 20 is MIDI 67 when cell 1 is MIDI 48
    expect(() => voiceRanges([piece], { percentile: 50 })).toThrow(/percentile/);
  });

  it('counts sounding cells outside their voice range', () => {
    const ranges = voiceRanges([piece], { percentile: 2 });
    const vl = voiceLeading(piece, ranges);
    expect(vl.soundingCells).toBe(200);
    expect(vl.outOfRange).toBe(2);
    expect(vl.outOfRangeShare).toBeCloseTo(0.01, 12);
    expect(voiceLeading(piece).outOfRangeShare).toBeNull();
    expect(() => voiceLeading(piece, ranges.slice(0, 2))).toThrow(/2 ranges for 4 voices/);
  });
});

// ─── likelihood ──────────────────────────────────────────────────────────────

const VALUES = 5; // rest + MIDI 60..63
const EPS = 0.1;
const HIT = -ln(EPS / VALUES + 1 - EPS); // a copying model, right
const MISS = -ln(EPS / VALUES); // a copying model, wrong
const UNIFORM = ln(VALUES);

/** An Infill from a function of the request, counting its calls and the steps it was shown. */
function model(fill: (r: InfillRequest, out: Float32Array) => void): Infill & { calls: number; widths: number[] } {
  const m = {
    voices: ['soprano', 'alto', 'tenor', 'bass'] as const,
    lowest: 60,
    values: VALUES,
    calls: 0,
    widths: [] as number[],
    distributions(r: InfillRequest): Float32Array {
      m.calls++;
      m.widths.push(r.piece.steps);
      const out = new Float32Array(r.piece.tracks * r.piece.steps * VALUES);
      fill(r, out);
      return out;
    },
  };
  return m;
}

/** Probability mass 1 − ε on `value` (ε spread evenly), or uniform when value is undefined. */
function concentrate(out: Float32Array, at: number, value: number | undefined): void {
  for (let x = 0; x < VALUES; x++) out[at + x] = value === undefined ? 1 / VALUES : EPS / VALUES + (x === value ? 1 - EPS : 0);
}

const fixedQ = [0.1, 0.2, 0.3, 0.25, 0.15];
const fixed = (): ReturnType<typeof model> => model((_r, out) => { for (let i = 0; i < out.length; i++) out[i] = fixedQ[i % VALUES]!; });

/** Copies the previous step of the same voice when it is known; radius 1 in time. */
const copyPrevious = (): ReturnType<typeof model> => model(({ piece, mask }, out) => {
  const T = piece.steps;
  for (let v = 0; v < piece.tracks; v++) {
    for (let s = 0; s < T; s++) {
      const known = s > 0 && mask[v * T + s - 1] === 0;
      concentrate(out, (v * T + s) * VALUES, known ? piece.cells[v * T + s - 1] : undefined);
    }
  }
});

/** Copies the voice above at the same step when it is known. */
const copyAbove = (): ReturnType<typeof model> => model(({ piece, mask }, out) => {
  const T = piece.steps;
  for (let v = 0; v < piece.tracks; v++) {
    for (let s = 0; s < T; s++) {
      const known = v > 0 && mask[(v - 1) * T + s] === 0;
      concentrate(out, (v * T + s) * VALUES, known ? piece.cells[(v - 1) * T + s] : undefined);
    }
  }
});

/** Looks at the cell itself, masked or not. */
const peeking = (): ReturnType<typeof model> => model(({ piece }, out) => {
  for (let i = 0; i < piece.cells.length; i++) concentrate(out, i * VALUES, piece.cells[i]);
});

function valueCells(voices: number[][]): VoiceCells {
  const steps = voices[0]!.length;
  return { tracks: voices.length, steps, cells: Int32Array.from(voices.flat()) };
}

const PIECE: InfillPiece = {
  cells: valueCells([
    [4, 4, 3, 3, 2],
    [3, 3, 2, 1, 1],
    [2, 2, 2, 1, 1],
    [1, 1, 1, 1, 1],
  ]),
  context: createStepContext(),
};

describe('framewise likelihood (Coconet FrameEvaluator protocol)', () => {
  it('a fixed distribution gives exactly −ln p of each cell, per frame summed over voices, one call per cell', () => {
    const m = fixed();
    const r = framewiseLikelihood(m, [PIECE]);
    // values in the piece: 1 ×9, 2 ×5, 3 ×4, 4 ×2
    const total = -(9 * ln(0.2) + 5 * ln(0.3) + 4 * ln(0.25) + 2 * ln(0.15));
    expect(r).toMatchObject({ pieces: 1, frames: 5, cells: 20, calls: 20 });
    expect(r.nllPerFrame).toBeCloseTo(total / 5, 6);
    expect(r.nllPerCell).toBeCloseTo(total / 20, 6);
    expect(r.perPiece).toHaveLength(1);
    expect(m.calls).toBe(20);
    expect(framewiseCalls([PIECE.cells])).toBe(20);
    const independent = framewiseLikelihood(fixed(), [PIECE], { withinFrame: 'independent' });
    expect(independent.calls).toBe(5);
    expect(framewiseCalls([PIECE.cells], { withinFrame: 'independent' })).toBe(5);
    expect(independent.nllPerFrame).toBeCloseTo(total / 5, 6);
  });

  it('chronological: a model copying the previous step scores every frame given all earlier ones', () => {
    // frame 0 uniform; frames 1–4: 11 cells repeat the step before, 5 change
    const want = (4 * UNIFORM + 11 * HIT + 5 * MISS) / 5;
    const whole = framewiseLikelihood(copyPrevious(), [PIECE]);
    expect(whole.nllPerFrame).toBeCloseTo(want, 5);
    expect(whole.protocol).toMatch(/chronological.*random order per frame \(seed 0\).*whole piece/);
  });

  it('a window of `context` steps either side equals the whole piece for a model of radius 1, with requests of at most 3 steps', () => {
    const m = copyPrevious();
    const windowed = framewiseLikelihood(m, [PIECE], { context: 1 });
    expect(windowed.nllPerFrame).toBeCloseTo((4 * UNIFORM + 11 * HIT + 5 * MISS) / 5, 5);
    expect(Math.max(...m.widths)).toBe(3);
    expect(windowed.protocol).toMatch(/window of 1 steps either side/);
    // no context: the step before is out of sight
    expect(framewiseLikelihood(copyPrevious(), [PIECE], { context: 0 }).nllPerFrame).toBeCloseTo(4 * UNIFORM, 5);
  });

  it('within a frame, the voices already done are known and the later ones masked (track order: exact)', () => {
    // S uniform; A differs from S in all 5 frames; T equals A in 3, B equals T in 2
    const want = (5 * UNIFORM + 5 * HIT + 10 * MISS) / 5;
    expect(framewiseLikelihood(copyAbove(), [PIECE], { voices: 'fixed' }).nllPerFrame).toBeCloseTo(want, 5);
    // all voices of a frame at once: none sees another
    expect(framewiseLikelihood(copyAbove(), [PIECE], { withinFrame: 'independent' }).nllPerFrame).toBeCloseTo(4 * UNIFORM, 5);
  });

  it("'argmax' shows the model's own guesses for the voices already done (magenta's FrameEvaluator), scored against the truth", () => {
    // S uniform → argmax value 0 (the first of equals); A copies that 0 → wrong, and so on down
    const r = framewiseLikelihood(copyAbove(), [PIECE], { voices: 'fixed', withinFrame: 'argmax' });
    expect(r.nllPerFrame).toBeCloseTo(UNIFORM + 3 * MISS, 5);
  });

  it('masked cells are sent as rests: a model peeking at them learns nothing', () => {
    expect(framewiseLikelihood(peeking(), [PIECE]).nllPerFrame).toBeCloseTo(4 * MISS, 5);
  });

  it('random orders are seeded: the same seed gives the same figure, other seeds other ones', () => {
    const run = (seed: number, frames: 'chronological' | 'random'): number => framewiseLikelihood(copyAbove(), [PIECE], { seed, frames }).nllPerFrame;
    expect(run(7, 'chronological')).toBe(run(7, 'chronological'));
    expect(new Set([1, 2, 3, 4, 5, 6, 7, 8].map((s) => run(s, 'chronological').toFixed(9))).size).toBeGreaterThan(1);
    // random frame order with a model copying the step before: each frame 1–4 either sees its predecessor or not
    const copies = (t: number): number => {
      const s = [[4, 4, 3, 3, 2], [3, 3, 2, 1, 1], [2, 2, 2, 1, 1], [1, 1, 1, 1, 1]];
      return s.reduce((n, line) => n + (line[t] === line[t - 1] ? HIT : MISS), 0);
    };
    const possible = new Set<string>();
    for (let bits = 0; bits < 16; bits++) {
      let total = 4 * UNIFORM;
      for (let t = 1; t <= 4; t++) total += bits & (1 << (t - 1)) ? copies(t) : 4 * UNIFORM;
      possible.add((total / 5).toFixed(5));
    }
    const figures = [1, 2, 3, 4, 5, 6].map((seed) => framewiseLikelihood(copyPrevious(), [PIECE], { seed, frames: 'random' }).nllPerFrame);
    for (const f of figures) expect(possible.has(f.toFixed(5))).toBe(true);
    expect(new Set(figures.map((f) => f.toFixed(5))).size).toBeGreaterThan(1);
    expect(framewiseLikelihood(copyPrevious(), [PIECE], { seed: 3, frames: 'random' }).nllPerFrame).toBe(figures[2]);
  });

  it('pools pieces weighted by frames', () => {
    const short: InfillPiece = { cells: valueCells([[1], [1], [1], [1]]), context: createStepContext() };
    const r = framewiseLikelihood(fixed(), [PIECE, short]);
    const total = -(9 * ln(0.2) + 5 * ln(0.3) + 4 * ln(0.25) + 2 * ln(0.15)) - 4 * ln(0.2);
    expect(r).toMatchObject({ pieces: 2, frames: 6, cells: 24, calls: 24 });
    expect(r.nllPerFrame).toBeCloseTo(total / 6, 6);
  });

  it('refuses pieces the model cannot score, saying why', () => {
    const three: InfillPiece = { cells: valueCells([[1], [1], [1]]), context: createStepContext() };
    expect(() => framewiseLikelihood(fixed(), [three])).toThrow(/piece 1: 3 voices, the model writes 4/);
    const high: InfillPiece = { cells: valueCells([[1], [1], [1], [5]]), context: createStepContext() };
    expect(() => framewiseLikelihood(fixed(), [high])).toThrow(/cell value 5 is outside the model's 0\.\.4/);
    expect(() => framewiseLikelihood(fixed(), [PIECE], { context: 1.5 })).toThrow(/whole number/);
  });
});

describe('notewise likelihood (expected over random orderings of all cells)', () => {
  it('costs `samples` calls a piece, seeded, right on average for a fixed distribution', () => {
    const total = -(9 * ln(0.2) + 5 * ln(0.3) + 4 * ln(0.25) + 2 * ln(0.15));
    const m = fixed();
    const r = notewiseLikelihood(m, [PIECE], { samples: 5 });
    expect(r.calls).toBe(5);
    expect(m.calls).toBe(5);
    expect(notewiseCalls([PIECE, PIECE], { samples: 5 })).toBe(10);
    expect(notewiseLikelihood(fixed(), [PIECE], { samples: 5 }).nllPerCell).toBe(r.nllPerCell); // seeded
    // the scored cells are a random share of the piece: right on average
    expect(Math.abs(notewiseLikelihood(fixed(), [PIECE], { samples: 4000, seed: 2 }).nllPerCell - total / 20)).toBeLessThan(0.02);
  });

  it('estimates the expectation over orderings, worked out by brute force on a tiny piece', () => {
    // 4 voices × 2 steps = 8 cells; E over orderings of Σ_k −ln p(x_k | the cells before it)
    // = Σ_d mean over sets S of d known cells of the mean NLL of the cells outside S
    const tiny: InfillPiece = { cells: valueCells([[4, 4], [3, 2], [2, 2], [1, 1]]), context: createStepContext() };
    const m = copyAbove();
    const N = 8;
    const byD = Array<number>(N).fill(0);
    const setsOfD = Array<number>(N).fill(0);
    for (let known = 0; known < 1 << N; known++) {
      const d = [...Array(N).keys()].filter((j) => known & (1 << j)).length;
      if (d === N) continue;
      const mask = new Uint8Array(N).map((_, j) => (known & (1 << j) ? 0 : 1));
      const cells = tiny.cells.cells.map((c, j) => (mask[j] ? 0 : c));
      const p = m.distributions({ piece: { tracks: 4, steps: 2, cells }, context: tiny.context, mask });
      let sum = 0;
      for (let j = 0; j < N; j++) if (mask[j]) sum -= ln(p[j * VALUES + tiny.cells.cells[j]!]!);
      byD[d]! += sum / (N - d);
      setsOfD[d]!++;
    }
    const exact = byD.reduce((n, s, d) => n + s / setsOfD[d]!, 0) / N;
    const estimate = notewiseLikelihood(copyAbove(), [tiny], { samples: 4000, seed: 11 });
    expect(Math.abs(estimate.nllPerCell - exact)).toBeLessThan(0.05);
  });
});

describe('windowContext', () => {
  it('keeps every step in its place in the bar (a window starting mid-bar begins with a pickup), and cuts fermatas', () => {
    const context: StepContext = createStepContext({
      pickup: 4,
      timeSignatures: [{ step: 0, numerator: 3, denominator: 4 }, { step: 28, numerator: 2, denominator: 4 }],
      keySignatures: [{ step: 0, fifths: 2, mode: 'major' }],
      fermatas: [{ step: 10, end: 14 }, { step: 50, end: 52 }],
    });
    const q = ticksPerStep(4);
    const offsets = (c: StepContext, from: number, to: number): number[] => {
      const shell = scoreShell(c, to);
      return Array.from({ length: to - from }, (_, s) => barPosition(shell, (from + s) * q).offset);
    };
    for (const [start, end] of [[6, 40], [2, 10], [4, 20], [30, 45]] as const) {
      const w = windowContext(context, start, end);
      expect(offsets(w, 0, end - start), `window [${start}, ${end})`).toEqual(offsets(context, start, end));
    }
    const w = windowContext(context, 6, 40);
    expect(w.timeSignatures).toEqual([{ step: 0, numerator: 3, denominator: 4 }, { step: 22, numerator: 2, denominator: 4 }]);
    expect(w.keySignatures).toEqual([{ step: 0, fifths: 2, mode: 'major' }]);
    expect(w.fermatas).toEqual([{ step: 4, end: 8 }]);
    expect(windowContext(context, 12, 20).fermatas).toEqual([{ step: 0, end: 2 }]);
  });
});

describe('Coconet\'s published figures', () => {
  it('hold their source and protocol; a value only where a source was read', () => {
    expect(COCONET_PUBLISHED.length).toBeGreaterThan(0);
    for (const f of COCONET_PUBLISHED) {
      expect(f.source).toMatch(/Counterpoint by Convolution/);
      expect(f.protocol.length).toBeGreaterThan(20);
      if (f.value === null) expect(f.note).toMatch(/not readable/);
    }
  });
});

// ─── Bach's own figures on the JSB test chorales ────────────────────────────

const haveJsb = haveCorpus('eval-harmony: Bach\'s figures on the JSB test chorales', corpusPath(JSB_SATB.file));

describe.skipIf(!haveJsb)('Bach on the 77 JSB test chorales (16th notes, S A T B)', () => {
  it('sings plausible SATB ranges, crosses voices rarely, and writes few but some parallels', async () => {
    const [train, test] = await Promise.all([readSatbPieces('train'), readSatbPieces('test')]);
    expect(train).toHaveLength(229);
    expect(test).toHaveLength(77);
    const testCells = test.map((p) => p.cells);
    expect(testCells.reduce((n, c) => n + c.steps, 0)).toBe(18_900);
    expect(testCells.every((c) => c.tracks === 4)).toBe(true);

    const ranges = voiceRanges(train.map((p) => p.cells));
    const testRanges = voiceRanges(testCells);
    const vl = voiceLeadingOf(testCells, ranges);
    console.log(formatVoiceLeading('Bach, JSB test chorales (ranges: their own; out of range: against the training chorales\' 1–99 percentiles)', vl, testRanges));
    console.log(`  training chorales' 1–99 percentile ranges: ${ranges.map((r) => `${r.low}–${r.high}`).join(', ')}`);

    // ranges: within the file's 36–81, voices ordered from the top, each about an octave and a half
    for (const r of testRanges) {
      expect(r.lowest).toBeGreaterThanOrEqual(36);
      expect(r.highest).toBeLessThanOrEqual(81);
      expect(r.high - r.low).toBeGreaterThanOrEqual(9);
      expect(r.high - r.low).toBeLessThanOrEqual(24);
    }
    for (let v = 1; v < 4; v++) {
      expect(testRanges[v]!.high).toBeLessThan(testRanges[v - 1]!.high);
      expect(testRanges[v]!.low).toBeLessThan(testRanges[v - 1]!.low);
    }
    // soprano roughly C4–G5, bass roughly C2/D2–D4
    expect(testRanges[0]!.low).toBeGreaterThanOrEqual(55);
    expect(testRanges[3]!.high).toBeLessThanOrEqual(64);

    // crossings: Bach crosses inner voices now and then, on a small share of steps
    expect(vl.crossingSteps).toBeGreaterThan(0);
    expect(vl.crossingShare).toBeLessThan(0.05);
    // parallels: some (passing notes at 16ths, the data's own quirks), rare per motion
    expect(vl.bothMove).toBeGreaterThan(1000);
    expect(vl.parallelFifths.count).toBeGreaterThan(0);
    expect(vl.parallelOctaves.count).toBeGreaterThan(0);
    expect(vl.parallelFifths.rate).toBeLessThan(0.03);
    expect(vl.parallelOctaves.rate).toBeLessThan(0.03);
    // out of range against the training chorales' 1–99 percentiles: a few percent at most
    expect(vl.outOfRangeShare).toBeGreaterThan(0);
    expect(vl.outOfRangeShare!).toBeLessThan(0.05);

    // what a framewise evaluation of the test split costs
    console.log(`  framewise evaluation of the 77 test chorales: ${framewiseCalls(testCells)} distributions() calls (voices one by one), ${framewiseCalls(testCells, { withinFrame: 'independent' })} with the voices of a frame together; notewise estimate at 16 masks a piece: ${notewiseCalls(testCells)}`);
    expect(framewiseCalls(testCells)).toBe(18_900 * 4);
  });

  it('windows cut real chorale contexts so a radius-1 model scores the same as on whole pieces', async () => {
    const pieces = (await readSatbPieces('test')).slice(0, 2);
    const values = 47; // rest + MIDI 36..81
    const copy = (widths: number[]): Infill => ({
      voices: ['soprano', 'alto', 'tenor', 'bass'],
      lowest: 36,
      values,
      distributions({ piece, mask }) {
        widths.push(piece.steps);
        const T = piece.steps;
        const out = new Float32Array(piece.tracks * T * values);
        for (let v = 0; v < piece.tracks; v++) {
          for (let s = 0; s < T; s++) {
            const prev = s > 0 && mask[v * T + s - 1] === 0 ? piece.cells[v * T + s - 1]! : -1;
            for (let x = 0; x < values; x++) out[(v * T + s) * values + x] = prev < 0 ? 1 / values : 0.1 / values + (x === prev ? 0.9 : 0);
          }
        }
        return out;
      },
    });
    const wide: number[] = [];
    const narrow: number[] = [];
    const whole = framewiseLikelihood(copy(wide), pieces, { seed: 5 });
    const windowed = framewiseLikelihood(copy(narrow), pieces, { seed: 5, context: 2 });
    expect(windowed.nllPerFrame).toBeCloseTo(whole.nllPerFrame, 5);
    expect(windowed.calls).toBe(whole.calls);
    expect(Math.max(...narrow)).toBe(5);
    expect(Math.min(...wide)).toBe(Math.min(...pieces.map((p) => p.cells.steps)));
  });
});
