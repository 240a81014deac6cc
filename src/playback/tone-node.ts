/**
 * @node-only Tone.js in Node: node-web-audio-api supplies the Web Audio API
 * that Node lacks. Two things must hold while Tone loads (Node 20):
 * `navigator` exists before node-web-audio-api is imported, and the audio
 * constructors sit on a `window` when standardized-audio-context (under
 * Tone) looks for them as it loads. The `window` is a private object, there
 * only during the import: TensorFlow.js and others take a global `window` to
 * mean a browser.
 *
 * @example
 *   const Tone = await loadTone();
 *   const context = new Tone.OfflineContext(2, 4, 44100);
 */
import type { ToneLib } from './timbres.js';

let loading: Promise<ToneLib> | undefined;

/** Tone.js, loaded once, able to render offline. */
export function loadTone(): Promise<ToneLib> {
  loading ??= (async () => {
    const g = globalThis as { navigator?: object; window?: object };
    g.navigator ??= {};
    const audio = await import('node-web-audio-api');
    const hadWindow = 'window' in g;
    if (!hadWindow) g.window = { ...audio };
    try {
      return await import('tone');
    } finally {
      if (!hadWindow) delete g.window;
    }
  })();
  return loading;
}
