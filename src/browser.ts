/**
 * musegen in a web page: the browser-safe core of the library, bundled by
 * `npm run build:browser` into dist/browser/musegen.js (one ES module,
 * TensorFlow.js included). Nothing here, nor anything it imports, touches
 * `node:*`: bytes come in and go out as Uint8Arrays, and a model is fetched
 * over HTTP instead of read from a folder.
 *
 *   fetch(file) ─ readBytes(bytes, name) ─► Score ─ writerNamed('midi').write ─► bytes
 *   httpModelSource(url) ─ loadGenerator ─► generator ─ samplePieces ─► Score
 *
 * @example
 *   import { httpModelSource, loadGenerator, samplePieces, writerNamed } from './musegen.js';
 *   const { generator } = await loadGenerator(httpModelSource('/models/default'));
 *   const [piece] = samplePieces(generator, { bars: 8, seed: 7, temperature: 0.9 });
 *   const midi = writerNamed('midi').write(piece.score);
 *
 * Rooms not here: corpus (folders of files) and training; nor engine/node.ts
 * (the backend chosen among native packages, model folders on disk) — Node
 * only, see src/index.ts. Engine's index is here for `httpModelSource`,
 * `ModelSource` and seeded streams.
 */
export * from './errors.js';
export * from './score/index.js';
export * from './io/index.js';
export * from './encoding/index.js';
export * from './engine/index.js';
export * from './generators/index.js';
export * from './sampling/index.js';
