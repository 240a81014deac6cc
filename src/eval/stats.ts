/**
 * Music statistics of a generated set against a reference set (the corpus a
 * model trained on): MGEval's feature comparison, MuseGAN's bar metrics, form,
 * and copy detection — one report, as `musegen stats` prints it.
 *
 *   generated, reference ─ pieceFeatures ─┬─ compareSets (OA, KL per feature)
 *                                         ├─ means: empty bars, pitch classes per bar, in-scale ratio
 *                                         └─ shares: tonic endings, 2-bar repetition, opening restated
 *   reference ─ CopyIndex ─ each generated piece ─ longest copied run, shared 8-note runs
 */
import type { Score } from '../score/index.js';
import { compareSets, type FeatureComparison } from './compare.js';
import { CopyIndex, type CopyReport } from './copies.js';
import { pieceFeatures, type PieceFeatures } from './features.js';

/** Bar and form figures of one set. */
export interface SetProfile {
  pieces: number;
  emptyBarRatio: number;
  pitchClassesPerBar: number;
  inScaleRatio: number;
  /** Shares of the pieces, 0..1. */
  endsOnTonic: number;
  repeatsTwoBars: number;
  restatesOpening: number;
}

export interface SetStatistics {
  generated: SetProfile;
  reference: SetProfile;
  features: FeatureComparison[];
  copies: {
    /** Per generated piece, in order. */
    pieces: CopyReport[];
    longestNotes: number;
    longestBars: number;
    meanSharedEightGrams: number;
  };
}

function profile(features: readonly PieceFeatures[]): SetProfile {
  const mean = (f: (p: PieceFeatures) => number): number => features.reduce((s, p) => s + f(p), 0) / Math.max(1, features.length);
  return {
    pieces: features.length,
    emptyBarRatio: mean((p) => p.emptyBarRatio),
    pitchClassesPerBar: mean((p) => p.pitchClassesPerBar),
    inScaleRatio: mean((p) => p.inScaleRatio),
    endsOnTonic: mean((p) => Number(p.endsOnTonic)),
    repeatsTwoBars: mean((p) => Number(p.repeatsTwoBars)),
    restatesOpening: mean((p) => Number(p.restatesOpening)),
  };
}

/** Every statistic of `generated` against `reference` (each needs two pieces or more for the feature comparison). */
export function setStatistics(generated: readonly Score[], reference: readonly Score[]): SetStatistics {
  const g = generated.map(pieceFeatures);
  const r = reference.map(pieceFeatures);
  const index = new CopyIndex(reference);
  const pieces = generated.map((s) => index.check(s));
  return {
    generated: profile(g),
    reference: profile(r),
    features: compareSets(g, r),
    copies: {
      pieces,
      longestNotes: Math.max(0, ...pieces.map((p) => p.longestNotes)),
      longestBars: Math.max(0, ...pieces.map((p) => p.longestBars)),
      meanSharedEightGrams: pieces.reduce((s, p) => s + p.sharedEightGrams, 0) / Math.max(1, pieces.length),
    },
  };
}
