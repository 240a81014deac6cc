/**
 * Metrical strength: how strong a position in the bar is, from the meter's
 * hierarchy of levels. A bar divides into beats (grouped in twos where they
 * can be: 4/4 → halves → quarters), a beat into three (compound meters: 6/8,
 * 9/8, 12/8, 6/4) or two, and so on down by halves. The strength of a
 * position is 2^−level of the coarsest level it falls on:
 *
 *   4/4, 16ths:  1  .06 .13 .06 .25 .06 .13 .06 .5  .06 .13 .06 .25 .06 .13 .06
 *   6/8, 16ths:  1  .13 .25 .13 .25 .13 .5  .13 .25 .13 .25 .13
 *
 * Positions on no level (a triplet in 4/4) get half the weakest level's strength.
 */
import { barLength, beatsInBar, isCompound, type Meter, type Ticks } from '../score/index.js';

const levelCache = new Map<string, Ticks[]>();

/** Durations of the meter's levels, from the bar down, while they stay whole ticks. */
export function metricalLevels(ts: Meter): Ticks[] {
  const key = `${ts.numerator}/${ts.denominator}`;
  const cached = levelCache.get(key);
  if (cached) return cached;
  const bar = barLength(ts);
  const compound = isCompound(ts);
  const levels: Ticks[] = [bar];
  let beats = beatsInBar(ts);
  let d = bar;
  while (beats > 1) {
    let f = 2;
    while (beats % f !== 0) f++;
    beats /= f;
    d /= f;
    levels.push(d);
  }
  for (let f = compound ? 3 : 2; Number.isInteger(d / f) && d / f >= 1; f = 2) {
    d /= f;
    levels.push(d);
  }
  levelCache.set(key, levels);
  return levels;
}

/** Strength of a position `offset` ticks after the barline: 1 on the downbeat, halving per level. */
export function metricalStrength(offset: Ticks, ts: Meter): number {
  const levels = metricalLevels(ts);
  const level = levels.findIndex((d) => offset % d === 0);
  return 2 ** -(level === -1 ? levels.length : level);
}
