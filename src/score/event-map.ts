/**
 * Event maps: tempo, meter and key events sorted by tick, each in force from
 * its tick until the next. Readers gather events as the source gives them
 * (several tracks or parts, restated signatures) and `eventMap` makes the map.
 */
import type { Ticks } from './units.js';

/**
 * The map of `events`: sorted by tick, one event per tick (of several at one
 * tick, the last given wins) and none that repeats the one in force before it
 * (the same values but the tick). `atZero` is in force from tick 0 until an
 * event replaces it.
 */
export function eventMap<E extends { tick: Ticks }>(events: readonly E[], atZero?: Omit<E, 'tick'>): E[] {
  const all = atZero ? [{ ...atZero, tick: 0 } as E, ...events] : [...events];
  const out: E[] = [];
  for (const e of all.sort((a, b) => a.tick - b.tick)) {
    if (out.at(-1)?.tick === e.tick) out.pop();
    const last = out.at(-1);
    if (!last || !sameValues(last, e)) out.push(e);
  }
  return out;
}

/** The last event at or before `tick` in a sorted list. */
export function eventAt<E extends { tick: Ticks }>(events: readonly E[], tick: Ticks): E | undefined {
  let found: E | undefined;
  for (const e of events) {
    if (e.tick > tick) break;
    found = e;
  }
  return found;
}

/** Two events say the same thing: every field but the tick is equal. */
function sameValues(a: object, b: object): boolean {
  const values = (e: object): [string, unknown][] => Object.entries(e).filter(([k]) => k !== 'tick');
  const va = values(a);
  const vb = new Map(values(b));
  return va.length === vb.size && va.every(([k, v]) => vb.get(k) === v);
}
