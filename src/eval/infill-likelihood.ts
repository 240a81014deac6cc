/**
 * Likelihood of real music under a model that fills cells (the `Infill`
 * capability: a piece, a mask, distributions for every cell) — Coconet's
 * evaluation protocols, for any such model.
 *
 * Framewise (`framewiseLikelihood`), as Coconet's FrameEvaluator
 * (magenta/models/coconet/lib_evaluation.py) and the paper's framewise NLL:
 *
 *   frames in chronological order (or a seeded random order)
 *   └ within a frame, the voices in a seeded random order (or track order)
 *     └ one request per cell: every cell of the frames already done is known,
 *       the voices of this frame already done are known, the rest is masked
 *       ─ distributions ─► −ln p(the true value of this cell)
 *   NLL of a frame = Σ over its voices (nats); reported per frame (the
 *   benchmark figure) and per cell, pooled over pieces (weighted by frames).
 *
 * What fills the voices already done within the frame (`withinFrame`):
 * - 'truth' (default): their true values — the exact chain rule, so the
 *   figure is −ln p(piece) / frames under the model's ordering;
 * - 'argmax': the model's own most likely value for each, as magenta's
 *   FrameEvaluator does ("conditioning on its own samples rather than the
 *   ground truth of other instruments in the same frame"); scored against the truth;
 * - 'independent': none — all voices of the frame predicted from the earlier
 *   frames in one request (a frame-factorised likelihood: 1 call per frame).
 *
 * Masked cells are sent as rests, so a model that looked at them would gain nothing.
 *
 * Affordable: a convolutional model's output at step t depends only on the
 * steps within its receptive field, so frame t can be evaluated on a window
 * of the piece, `context` steps either side (clipped at the piece's ends),
 * with the StepContext cut to match (`windowContext`: meter position,
 * fermatas, keys). With `context` at least the model's receptive radius the
 * figure equals the whole-piece evaluation exactly; each request is then
 * tracks × (2·context + 1) steps instead of the whole piece. The interface
 * takes one piece per call, so the calls stay: `framewiseCalls` says how
 * many (cells for 'truth' / 'argmax': Σ steps × voices; frames for 'independent').
 *
 * Notewise (`notewiseLikelihood`): the expected NLL per cell over random
 * orderings of all cells (Coconet's notewise figure takes one random
 * ordering per piece, a single draw of the same expectation). Estimated as
 * orderless NADE trains (Uria et al. 2014): a term of the chain rule at
 * position d + 1 of a random ordering is, in expectation, the mean NLL of the
 * masked cells given a uniformly random set of d known cells. So
 * `samples` requests per piece, d stratified over 0 … cells − 1, each
 * scoring every masked cell at once: an unbiased estimate, `samples` calls a piece.
 */
import { lastAtOrBefore, scoreShell, type StepContext, type VoiceCells } from '../encoding/index.js';
import { createRng, type Rng, type Seed } from '../engine/index.js';
import { MusegenError } from '../errors.js';
import type { Infill } from '../generators/index.js';
import { barPosition, ticksPerStep, type Steps } from '../score/index.js';

/** A piece to score: its cells and the context its requests carry. */
export interface InfillPiece {
  cells: VoiceCells;
  context: StepContext;
}

export type FrameOrder = 'chronological' | 'random';
export type VoiceOrder = 'random' | 'fixed';
export type WithinFrame = 'truth' | 'argmax' | 'independent';

export interface FramewiseOptions {
  /** Order of the frames (default 'chronological': each frame given all earlier ones). */
  frames?: FrameOrder;
  /** Order of the voices within a frame (default 'random', seeded, drawn anew per frame; 'fixed' = track order, soprano first). */
  voices?: VoiceOrder;
  /** What stands for the voices already done within the frame (default 'truth'). */
  withinFrame?: WithinFrame;
  /** Steps either side of the frame the model is shown (default: the whole piece). */
  context?: Steps;
  /** Seeds the random orders (default 0). */
  seed?: Seed;
  temperature?: number;
  /** Told after each piece. */
  onProgress?: (done: number, total: number) => void;
}

export interface NotewiseOptions {
  /** Requests per piece (default 16). */
  samples?: number;
  seed?: Seed;
  temperature?: number;
  onProgress?: (done: number, total: number) => void;
}

/** A piece's share of an evaluation. */
export interface PieceLikelihood {
  frames: number;
  /** Σ −ln p over its cells (nats); for notewise, the estimate frames × voices × the mean. */
  nll: number;
}

export interface InfillLikelihood {
  /** Which protocol, in words (orderings, window, what stands in within a frame). */
  protocol: string;
  pieces: number;
  frames: number;
  /** Frames × voices. */
  cells: number;
  /** Nats per frame, summed over the voices (the benchmark figure), pooled: Σ nll / Σ frames. */
  nllPerFrame: number;
  /** Nats per cell: Σ nll / Σ cells. */
  nllPerCell: number;
  perPiece: PieceLikelihood[];
  /** distributions() calls made. */
  calls: number;
}

/** Where a step falls relative to its window (clipped at the piece's ends). */
function windowOf(t: number, steps: number, context: number): [number, number] {
  return [Math.max(0, t - context), Math.min(steps, t + context + 1)];
}

function shifted<E extends { step: Steps }>(list: readonly E[], start: Steps, end: Steps): E[] {
  const out: E[] = [];
  const before = lastAtOrBefore(list, start);
  if (before) out.push({ ...before, step: 0 });
  for (const e of list) if (e.step > start && e.step < end) out.push({ ...e, step: e.step - start });
  return out;
}

function spans<E extends { step: Steps; end: Steps }>(list: readonly E[], start: Steps, end: Steps): E[] {
  return list
    .filter((e) => e.end > start && e.step < end)
    .map((e) => ({ ...e, step: Math.max(e.step, start) - start, end: Math.min(e.end, end) - start }));
}

/**
 * The context of the steps [start, end) of a piece, as a piece of its own:
 * each step keeps its place in the bar (a window starting mid-bar begins
 * with a pickup), the meter, key, tempo and chord in force at `start`
 * move to step 0, later changes shift, fermatas and the melody are cut to
 * the window.
 */
export function windowContext(context: StepContext, start: Steps, end: Steps): StepContext {
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end > start)) {
    throw new MusegenError('INTERNAL', `window [${start}, ${end}) is not a range of steps`);
  }
  if (start === 0) {
    return { ...context, fermatas: spans(context.fermatas, 0, end), melody: spans(context.melody, 0, end) };
  }
  const q = ticksPerStep(context.stepsPerQuarter);
  const position = barPosition(scoreShell(context, end), start * q);
  const pickup = position.offset === 0 ? 0 : Math.round((position.length - position.offset) / q);
  return {
    ...context,
    pickup,
    timeSignatures: shifted(context.timeSignatures, start, end),
    keySignatures: shifted(context.keySignatures, start, end),
    tempos: shifted(context.tempos, start, end),
    chords: shifted(context.chords, start, end),
    fermatas: spans(context.fermatas, start, end),
    melody: spans(context.melody, start, end),
  };
}

/** Steps [start, end) of every voice. */
export function windowCells(piece: VoiceCells, start: Steps, end: Steps): VoiceCells {
  const steps = end - start;
  const cells = new Int32Array(piece.tracks * steps);
  for (let v = 0; v < piece.tracks; v++) cells.set(piece.cells.subarray(v * piece.steps + start, v * piece.steps + end), v * steps);
  return { tracks: piece.tracks, steps, cells };
}

function shuffle(n: number, rng: Rng): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

function checkPiece(infill: Infill, piece: InfillPiece, where: string): void {
  const { cells } = piece;
  if (cells.tracks !== infill.voices.length) {
    throw new MusegenError('BAD_ARGUMENT', `${where}: ${cells.tracks} voices, the model writes ${infill.voices.length} (${infill.voices.join(', ')})`);
  }
  if (cells.cells.length !== cells.tracks * cells.steps) throw new MusegenError('BAD_ARGUMENT', `${where}: ${cells.cells.length} cells for ${cells.tracks} voices × ${cells.steps} steps`);
  for (const c of cells.cells) {
    if (!(c >= 0 && c < infill.values)) throw new MusegenError('BAD_ARGUMENT', `${where}: cell value ${c} is outside the model's 0..${infill.values - 1} (MIDI ${infill.lowest}–${infill.lowest + infill.values - 2} and rest)`);
  }
}

/** One distributions() call, its output checked for shape. */
function ask(infill: Infill, cells: VoiceCells, context: StepContext, mask: Uint8Array, temperature: number | undefined): Float32Array {
  const out = infill.distributions({ piece: cells, context, mask }, temperature === undefined ? {} : { temperature });
  const want = cells.tracks * cells.steps * infill.values;
  if (out.length !== want) throw new MusegenError('INTERNAL', `the model gave ${out.length} probabilities for ${cells.tracks} voices × ${cells.steps} steps × ${infill.values} values`);
  return out;
}

/** How many distributions() calls a framewise evaluation of these pieces makes. */
export function framewiseCalls(pieces: readonly { tracks: number; steps: number }[], options: Pick<FramewiseOptions, 'withinFrame'> = {}): number {
  const perFrame = (tracks: number): number => (options.withinFrame === 'independent' ? 1 : tracks);
  return pieces.reduce((n, p) => n + p.steps * perFrame(p.tracks), 0);
}

/** How many distributions() calls a notewise estimate makes. */
export function notewiseCalls(pieces: readonly unknown[], options: Pick<NotewiseOptions, 'samples'> = {}): number {
  return pieces.length * (options.samples ?? 16);
}

function describeFramewise(o: Required<Pick<FramewiseOptions, 'frames' | 'voices' | 'withinFrame'>> & { context: number; seed: Seed }): string {
  const voices = o.withinFrame === 'independent'
    ? 'voices of a frame predicted together from the earlier frames'
    : `voices in ${o.voices === 'random' ? `a random order per frame (seed ${o.seed})` : 'track order'}, each given ${o.withinFrame === 'truth' ? 'the true' : "the model's argmax for the"} voices before it`;
  const frames = o.frames === 'chronological' ? 'frames in chronological order' : `frames in a random order (seed ${o.seed})`;
  const window = Number.isFinite(o.context) ? `, a window of ${o.context} steps either side` : ', the whole piece shown';
  return `framewise: ${frames}, ${voices}${window}; nats per frame summed over voices`;
}

/** Coconet's framewise NLL of `pieces` under `infill` (see the file's comment for the protocol). */
export function framewiseLikelihood(infill: Infill, pieces: readonly InfillPiece[], options: FramewiseOptions = {}): InfillLikelihood {
  const frames = options.frames ?? 'chronological';
  const voices = options.voices ?? 'random';
  const withinFrame = options.withinFrame ?? 'truth';
  const context = options.context ?? Infinity;
  const seed = options.seed ?? 0;
  if (!(context >= 0 && (Number.isInteger(context) || context === Infinity))) {
    throw new MusegenError('BAD_ARGUMENT', `framewise likelihood: context is a whole number of steps, not ${context}`);
  }
  pieces.forEach((p, i) => checkPiece(infill, p, `piece ${i + 1}`));
  const rng = createRng(seed);
  const values = infill.values;
  let calls = 0;
  const perPiece: PieceLikelihood[] = [];

  pieces.forEach((piece, pi) => {
    const { tracks: V, steps: T } = piece.cells;
    const truth = piece.cells.cells;
    const order = frames === 'chronological' ? Array.from({ length: T }, (_, t) => t) : shuffle(T, rng);
    const rank = new Int32Array(T);
    order.forEach((t, k) => { rank[t] = k; });
    let nll = 0;
    for (const t of order) {
      const voiceOrder = voices === 'random' ? shuffle(V, rng) : Array.from({ length: V }, (_, v) => v);
      const [a, b] = windowOf(t, T, context);
      const W = b - a;
      const windowed = a === 0 && b === T ? piece.context : windowContext(piece.context, a, b);
      // Known: the frames ranked before t; this frame and every later one masked.
      const cells = new Int32Array(V * W);
      const mask = new Uint8Array(V * W);
      for (let u = a; u < b; u++) {
        const known = rank[u]! < rank[t]!;
        for (let v = 0; v < V; v++) {
          if (known) cells[v * W + u - a] = truth[v * T + u]!;
          else mask[v * W + u - a] = 1;
        }
      }
      const request: VoiceCells = { tracks: V, steps: W, cells };
      const col = t - a;
      if (withinFrame === 'independent') {
        const p = ask(infill, request, windowed, mask, options.temperature);
        calls++;
        for (let v = 0; v < V; v++) nll -= Math.log(p[(v * W + col) * values + truth[v * T + t]!]!);
        continue;
      }
      for (const v of voiceOrder) {
        const p = ask(infill, request, windowed, mask, options.temperature);
        calls++;
        const at = (v * W + col) * values;
        nll -= Math.log(p[at + truth[v * T + t]!]!);
        let shown = truth[v * T + t]!;
        if (withinFrame === 'argmax') {
          shown = 0;
          for (let x = 1; x < values; x++) if (p[at + x]! > p[at + shown]!) shown = x;
        }
        cells[v * W + col] = shown;
        mask[v * W + col] = 0;
      }
    }
    perPiece.push({ frames: T, nll });
    options.onProgress?.(pi + 1, pieces.length);
  });
  return summary(describeFramewise({ frames, voices, withinFrame, context, seed }), pieces, perPiece, calls);
}

function summary(protocol: string, pieces: readonly InfillPiece[], perPiece: PieceLikelihood[], calls: number): InfillLikelihood {
  const framesTotal = perPiece.reduce((n, p) => n + p.frames, 0);
  const cells = pieces.reduce((n, p) => n + p.cells.steps * p.cells.tracks, 0);
  const nll = perPiece.reduce((n, p) => n + p.nll, 0);
  return {
    protocol,
    pieces: pieces.length,
    frames: framesTotal,
    cells,
    nllPerFrame: framesTotal > 0 ? nll / framesTotal : 0,
    nllPerCell: cells > 0 ? nll / cells : 0,
    perPiece,
    calls,
  };
}

/**
 * The expected NLL per cell over random orderings of all cells, estimated
 * with `samples` requests per piece (see the file's comment): unbiased, its
 * spread shrinking with `samples` (the cells scored in a request are a
 * random share of the piece, so even a model that ignores what is known
 * gets its exact figure only on average).
 */
export function notewiseLikelihood(infill: Infill, pieces: readonly InfillPiece[], options: NotewiseOptions = {}): InfillLikelihood {
  const samples = options.samples ?? 16;
  const seed = options.seed ?? 0;
  if (!(Number.isInteger(samples) && samples >= 1)) throw new MusegenError('BAD_ARGUMENT', `notewise likelihood: samples is a whole number of at least 1, not ${samples}`);
  pieces.forEach((p, i) => checkPiece(infill, p, `piece ${i + 1}`));
  const rng = createRng(seed);
  const values = infill.values;
  let calls = 0;
  const perPiece: PieceLikelihood[] = [];
  pieces.forEach((piece, pi) => {
    const { tracks: V, steps: T } = piece.cells;
    const N = V * T;
    if (N === 0) {
      perPiece.push({ frames: T, nll: 0 });
      return;
    }
    const truth = piece.cells.cells;
    let meanSum = 0;
    for (let i = 0; i < samples; i++) {
      const d = Math.min(N - 1, Math.floor(((i + rng.next()) * N) / samples)); // known cells, stratified over 0 … N − 1
      const order = shuffle(N, rng);
      const cells = new Int32Array(N);
      const mask = new Uint8Array(N).fill(1);
      for (let k = 0; k < d; k++) {
        cells[order[k]!] = truth[order[k]!]!;
        mask[order[k]!] = 0;
      }
      const p = ask(infill, { tracks: V, steps: T, cells }, piece.context, mask, options.temperature);
      calls++;
      let sum = 0;
      for (let k = d; k < N; k++) {
        const j = order[k]!;
        sum -= Math.log(p[j * values + truth[j]!]!);
      }
      meanSum += sum / (N - d);
    }
    perPiece.push({ frames: T, nll: (meanSum / samples) * N });
    options.onProgress?.(pi + 1, pieces.length);
  });
  return summary(`notewise: expected NLL over random orderings of all cells, estimated from ${samples} masks a piece (known cells stratified 0 … cells − 1, seed ${seed})`, pieces, perPiece, calls);
}
