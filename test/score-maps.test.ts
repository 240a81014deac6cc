/**
 * The score's time line: the defaults a source leaves out, event maps (one
 * event per tick, no repeats) and ticks ⇄ seconds over a tempo map.
 */
import { describe, expect, it } from 'vitest';
import {
  createScore, DEFAULT_METER, DEFAULT_TEMPO, DEFAULT_VELOCITY, eventMap, quantize, secondsAt, tempoAt, ticksAt, timeSignatureAt,
  TICKS_PER_QUARTER as Q, type KeySignatureEvent, type TempoEvent, type TimeSignatureEvent,
} from '../src/score/index.js';

describe('defaults', () => {
  it('are 120 BPM, 4/4 and velocity 80 (what sampling decodes notes at), and a new Score takes them', () => {
    expect([DEFAULT_TEMPO, DEFAULT_METER, DEFAULT_VELOCITY]).toEqual([120, { numerator: 4, denominator: 4 }, 80]);
    expect(Object.isFrozen(DEFAULT_METER)).toBe(true);
    const score = createScore();
    expect(score.tempos).toEqual([{ tick: 0, bpm: DEFAULT_TEMPO }]);
    expect(score.timeSignatures).toEqual([{ tick: 0, ...DEFAULT_METER }]);
    const bare = { tempos: [], timeSignatures: [] };
    expect(tempoAt(bare, 960).bpm).toBe(DEFAULT_TEMPO);
    expect(timeSignatureAt(bare, 960)).toEqual({ tick: 0, ...DEFAULT_METER });
  });
});

describe('eventMap', () => {
  const tempo = (tick: number, bpm: number): TempoEvent => ({ tick, bpm });

  it('sorts by tick, keeps the last of several at one tick, and drops an event that repeats the one in force', () => {
    const events = [tempo(960, 90), tempo(0, 100), tempo(480, 100), tempo(960, 60), tempo(1440, 80), tempo(1920, 80), tempo(1440, 60)];
    // 1440: 60 replaces 80 and then repeats 60 @ 960; 80 @ 1920 is a change again
    expect(eventMap(events)).toEqual([tempo(0, 100), tempo(960, 60), tempo(1920, 80)]);
    expect(events[0]).toEqual(tempo(960, 90)); // the input is left as it was
  });

  it('compares every field but the tick', () => {
    const keys: KeySignatureEvent[] = [
      { tick: 0, fifths: 1, mode: 'major' }, { tick: 480, fifths: 1, mode: 'minor' }, { tick: 960, fifths: 1, mode: 'minor' },
    ];
    expect(eventMap(keys).map((k) => k.tick)).toEqual([0, 480]);
    expect(eventMap([])).toEqual([]);
  });

  it('puts `atZero` in force from tick 0 unless an event at 0 replaces it, and drops later events that repeat it', () => {
    expect(eventMap([tempo(960, 90)], { bpm: DEFAULT_TEMPO })).toEqual([tempo(0, 120), tempo(960, 90)]);
    expect(eventMap([tempo(0, 90)], { bpm: DEFAULT_TEMPO })).toEqual([tempo(0, 90)]);
    expect(eventMap([tempo(960, 120)], { bpm: DEFAULT_TEMPO })).toEqual([tempo(0, 120)]);
    expect(eventMap<TimeSignatureEvent>([], DEFAULT_METER)).toEqual([{ tick: 0, numerator: 4, denominator: 4 }]);
  });

  it('makes the maps of a quantized score: events snapped onto one step keep the last, and a repeat goes', () => {
    const meter = (tick: number, numerator: number) => ({ tick, numerator, denominator: 4 });
    const score = createScore({ timeSignatures: [meter(0, 3), meter(400, 2), meter(500, 3), meter(1440, 2)] });
    expect(quantize(score, 1).timeSignatures).toEqual([meter(0, 3), meter(1440, 2)]);
  });
});

describe('ticks ⇄ seconds', () => {
  // 120 BPM for two quarters (1 s), 60 BPM for one (1 s), then 180 BPM: a quarter in 1/3 s.
  const tempos = [{ tick: 0, bpm: 120 }, { tick: 2 * Q, bpm: 60 }, { tick: 3 * Q, bpm: 180 }];

  it('sums whole tempo segments and part of one', () => {
    expect(secondsAt(tempos, 0)).toBe(0);
    expect(secondsAt(tempos, Q)).toBe(0.5);
    expect(secondsAt(tempos, 2 * Q)).toBe(1);
    expect(secondsAt(tempos, 2.5 * Q)).toBe(1.5);
    expect(secondsAt(tempos, 3 * Q)).toBe(2);
    expect(secondsAt(tempos, 6 * Q)).toBeCloseTo(3, 12);
  });

  it('takes a Score, and a map without tempos is at DEFAULT_TEMPO', () => {
    const score = createScore({ tempos });
    expect(secondsAt(score, 3 * Q)).toBe(2);
    expect(secondsAt([], 4 * Q)).toBe((4 * 60) / DEFAULT_TEMPO);
    expect(ticksAt({ tempos: [] }, 2)).toBe(4 * Q);
    expect(secondsAt([{ tick: Q, bpm: 60 }], Q)).toBe(1); // a map that starts late: its first tempo holds from 0
  });

  it('inverts exactly, across every tempo change, without rounding to whole ticks', () => {
    for (const tick of [0, 1, Q / 3, Q, 2 * Q - 1, 2 * Q, 2 * Q + 7, 3 * Q, 10 * Q + 5]) {
      expect(ticksAt(tempos, secondsAt(tempos, tick))).toBeCloseTo(tick, 9);
    }
    expect(ticksAt(tempos, 1.5)).toBe(2.5 * Q);
    expect(ticksAt(tempos, 2 + 1 / 3)).toBeCloseTo(4 * Q, 9);
    expect(ticksAt(tempos, 0.001)).toBeCloseTo(0.96, 12);
  });

  it('extends the first tempo before tick 0', () => {
    expect(secondsAt(tempos, -Q)).toBe(-0.5);
    expect(ticksAt(tempos, -0.5)).toBe(-Q);
  });
});
