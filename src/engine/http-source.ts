/**
 * A model folder served over HTTP as a ModelSource: what a page uses to load
 * a model (`loadGenerator(httpModelSource('/models/default'))`). Runs
 * wherever `fetch` does: browsers, and Node 18 and later.
 */
import { MusegenError, errorMessage } from '../errors.js';
import type { ModelSource } from './model-folder.js';

/** The files of the model folder at `baseUrl` (…/musegen.json, …/model.json, …/weights.bin). */
export function httpModelSource(baseUrl: string, fetcher: typeof fetch = globalThis.fetch): ModelSource {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return {
    location: baseUrl,
    async read(file: string): Promise<Uint8Array | null> {
      let response: Response;
      try {
        response = await fetcher(base + file);
      } catch (e) {
        throw new MusegenError('UNREADABLE', `cannot fetch ${file}: ${errorMessage(e)}`, baseUrl, { cause: e });
      }
      if (response.status === 404) return null;
      if (!response.ok) throw new MusegenError('UNREADABLE', `fetching ${file} gave HTTP ${response.status}`, baseUrl);
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}
