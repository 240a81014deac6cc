/**
 * A whole piece from a model that fills cells, as `samplePieces` and live
 * output take pieces: step by step. The cells are drawn at once by annealed
 * Gibbs sampling (a primer's cells known, every later one to fill) when the
 * first step is asked for; then each step is decoded as it is played.
 *
 *   plan (context, steps, primer) ─ gibbsInfill ─ cells ─ roll ─ encoder.streamDecoder ─► notes per step
 */
import { cellsOfRoll, rollOfCells, type PianoRollEncoder, type TrackNote, type VoiceCells } from '../encoding/index.js';
import type { Rng } from '../engine/index.js';
import type { Generator } from '../generators/index.js';
import type { PiecePlan } from './context.js';
import { gibbsInfill } from './gibbs.js';
import { cellRanges, infillOf } from './harmonise.js';
import type { PieceStepper } from './sample.js';

export function gibbsPiece(generator: Generator, plan: PiecePlan, temperature: number, rng: Rng): PieceStepper {
  const infill = infillOf(generator);
  const encoder = generator.encoder as unknown as PianoRollEncoder;
  const tracks = infill.voices.length;
  const decoder = encoder.streamDecoder(plan.context);
  let roll: Float32Array | null = null;
  let step = 0;

  const draw = (): Float32Array => {
    const known: VoiceCells = { tracks, steps: plan.steps, cells: new Int32Array(tracks * plan.steps) };
    const mask = new Uint8Array(tracks * plan.steps).fill(1);
    if (plan.primer && 'roll' in plan.primer) {
      const primer = cellsOfRoll(encoder, plan.primer.roll);
      for (let t = 0; t < tracks; t++) {
        for (let s = 0; s < plan.primerSteps; s++) {
          known.cells[t * plan.steps + s] = primer.cells[t * primer.steps + s]!;
          mask[t * plan.steps + s] = 0;
        }
      }
    }
    const { piece } = gibbsInfill(infill, { piece: known, context: plan.context, mask }, { temperature, seed: rng.int(2 ** 32), ranges: cellRanges(infill) });
    return rollOfCells(encoder, piece);
  };

  return {
    get step() {
      return step;
    },
    next: () => {
      roll ??= draw();
      const ended: TrackNote[] = decoder.push(roll.subarray(step * encoder.width, (step + 1) * encoder.width));
      step++;
      return { ended, started: decoder.started() };
    },
    finish: () => decoder.finish(),
    score: () => decoder.score(),
  };
}
