import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { MusegenError, activeBackend, backendReport, initBackend } from '../src/index.js';

describe('backend selection', () => {
  it('reports every backend, explaining the missing native ones', async () => {
    const report = await backendReport();
    expect(report.map((p) => p.name)).toEqual(['node-gpu', 'node', 'wasm', 'cpu']);
    const byName = Object.fromEntries(report.map((p) => [p.name, p]));
    expect(byName.wasm!.available).toBe(true);
    expect(byName.wasm!.detail).toMatch(/WebAssembly with SIMD/);
    expect(byName.cpu!.available).toBe(true);
    for (const name of ['node-gpu', 'node'] as const) {
      // Optional dependencies: absent on this machine, present on others.
      if (!byName[name]!.available) expect(byName[name]!.detail).toMatch(/tfjs-node(-gpu)? is (not installed|installed but does not load)|already provides/);
    }
  });

  it('takes the best that loads, and a forced one on request', async () => {
    const report = await backendReport();
    const best = report.find((p) => p.available)!.name;
    expect(await initBackend()).toBe(best);
    expect(activeBackend()).toBe(best);
    expect(await initBackend({ backend: 'cpu' })).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await initBackend({ backend: 'wasm' })).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('says why a forced backend is unavailable, and rejects unknown names', async () => {
    const node = (await backendReport()).find((p) => p.name === 'node')!;
    if (!node.available) {
      const e = await initBackend({ backend: 'node' }).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(MusegenError);
      expect((e as MusegenError).code).toBe('UNSUPPORTED');
      expect((e as MusegenError).message).toMatch(/backend node is not available: @tensorflow\/tfjs-node/);
    }
    await expect(initBackend({ backend: 'gpu' as never })).rejects.toThrow(/unknown backend 'gpu'/);
  });
});
