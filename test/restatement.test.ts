/**
 * The restatement hold (src/sampling/restatement.ts): worked out on
 * hand-made probabilities — when it leans, by how much, when it lets go —
 * and, on the bundled model, more pieces that bring a 2-bar unit back with
 * it than without; and `sample`'s warnings where --restate or --key-tries cannot act.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MelodyEncoder, VoiceStreamEncoder, folderSource, initBackend, loadGenerator, parseKey, parseMeter, pieceFeatures, planPiece, restatementFor, samplePieces,
} from '../src/index.js';
import { musegen } from './helpers/cli.js';
import { BUNDLED_MODEL, ROOT } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

// C4..C5 at one step per eighth: 2 + 13 tokens; a bar of 4/4 is 8 steps, a beat 2
const enc = new MelodyEncoder({ stepsPerQuarter: 2, lowest: 60, highest: 72, features: ['beat'] });
const V = enc.vocabulary.size;
const uniform = (): Float64Array => new Float64Array(V).fill(1 / V);
/** Tokens of a 2-bar unit (16 steps), all different from their neighbours. */
const unit = Array.from({ length: 16 }, (_, i) => 2 + (i % 13));

describe('the restatement hold', () => {
  it('leans on the token 2 bars back once a beat of the unit has come back', () => {
    const hold = restatementFor(enc, planPiece(enc, { bars: 8 }), 5)!;
    for (const t of unit) hold.observe(t);
    hold.observe(unit[0]!);
    const p = uniform();
    expect(hold.constrain(17, p)).toBe(p); // one step of it: not yet a beat
    hold.observe(unit[1]!);
    const at = hold.constrain(18, p);
    expect(at[unit[2]!]).toBeCloseTo(5 / (5 + V - 1), 12);
    expect(at[unit[3]!]).toBeCloseTo(1 / (5 + V - 1), 12);
    expect(at.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('leaves a token the model ruled out (top-k) at 0', () => {
    const hold = restatementFor(enc, planPiece(enc, { bars: 8 }), 5)!;
    for (const t of [...unit, unit[0]!, unit[1]!]) hold.observe(t);
    const p = uniform();
    p[unit[2]!] = 0;
    expect(hold.constrain(18, p)[unit[2]!]).toBe(0);
  });

  it('lets go when the unit has come back whole, and when the melody turns away', () => {
    const whole = restatementFor(enc, planPiece(enc, { bars: 8 }), 5)!;
    for (const t of [...unit, ...unit]) whole.observe(t);
    const p = uniform();
    expect(whole.constrain(32, p)).toBe(p); // 16 steps restated: a third time is the model's own doing
    const turned = restatementFor(enc, planPiece(enc, { bars: 8 }), 5)!;
    for (const t of [...unit, ...unit.slice(0, 6), 0]) turned.observe(t);
    expect(turned.constrain(23, p)).toBe(p);
  });

  it('does not hold a figure that recurs in the middle of a bar, only a bar restated from its downbeat', () => {
    const hold = restatementFor(enc, planPiece(enc, { bars: 8 }), 5)!;
    for (const t of [...unit, 0, 1, unit[2]!, unit[3]!]) hold.observe(t); // steps 18, 19 as 2 bars before; 16, 17 not
    const p = uniform();
    expect(hold.constrain(20, p)).toBe(p);
  });

  it('holds 4 and 8 bars back too, counting bars in the meter (3/4: 6 steps)', () => {
    const plan = planPiece(enc, { bars: 16, meter: parseMeter('3/4') });
    const hold = restatementFor(enc, plan, 3)!;
    const phrase = Array.from({ length: 24 }, (_, i) => 2 + ((i * 5) % 13)); // 4 bars of 3/4
    for (const t of [...phrase, ...phrase.slice(0, 2)]) hold.observe(t); // a beat (2 steps) of it back
    const at = hold.constrain(26, uniform());
    expect(at[phrase[2]!]).toBeCloseTo(3 / (3 + V - 1), 12);
  });

  it('is absent at boost 1 and for several streams; refuses a boost below 1', () => {
    expect(restatementFor(enc, planPiece(enc, { bars: 2 }), 1)).toBeNull();
    const voices = new VoiceStreamEncoder({ parts: [0, 1], stepsPerQuarter: 2, lowest: 48, highest: 72 });
    expect(restatementFor(voices, planPiece(voices, { bars: 2 }), 5)).toBeNull();
    expect(() => restatementFor(enc, planPiece(enc, { bars: 2 }), 0.5)).toThrow(/restatement boost must be a number from 1 \(off\) to 1000, not 0\.5/);
  });
});

describe('pieces of the bundled model', () => {
  it('bring a 2-bar unit back more often with the hold than without', async () => {
    await initBackend({ backend: 'wasm' });
    const { generator } = await loadGenerator(folderSource(BUNDLED_MODEL));
    const repeating = (restatement: number): number => samplePieces(generator, { count: 20, bars: 16, key: parseKey('G'), temperature: 0.8, seed: 21, restatement })
      .filter((p) => pieceFeatures(p.score).repeatsTwoBars).length;
    const [without, withHold] = [repeating(1), repeating(10)];
    generator.dispose();
    expect(withHold).toBeGreaterThan(without + 2);
  });
});

describe('musegen sample --restate and --key-tries', () => {
  const tmp = useTempDir('restate-cli');
  it('warn in one line where they cannot act: a model that writes no melody step by step, no --key', () => {
    const chorale = musegen(['sample', '-m', join(ROOT, 'models', 'chorale'), '--restate', '3', '--bars', '1', '-o', 'c.mid'], { cwd: tmp.path });
    expect(chorale.code).toBe(0);
    expect(chorale.stderr).toMatch(/^musegen: warning: --restate holds a melody's restatements: this model does not write a melody step by step, so it does nothing$/m);
    const keyless = musegen(['sample', '--key-tries', '3', '--bars', '1', '-o', 'k.mid'], { cwd: tmp.path });
    expect(keyless.code).toBe(0);
    expect(keyless.stderr).toMatch(/^musegen: warning: --key-tries checks the key asked with --key: without --key it does nothing$/m);
    const quiet = musegen(['sample', '--restate', '2', '--key', 'G', '--key-tries', '3', '--bars', '1', '-o', 'q.mid'], { cwd: tmp.path });
    expect(quiet.stderr).not.toMatch(/warning/);
  });
});
