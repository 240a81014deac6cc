/** Types of scripts/build-browser.mjs, for the tests that build the browser bundle. */
export function isNodeBuiltin(spec: string): boolean;
export function buildBrowserBundle(options?: { outfile?: string; minify?: boolean }): Promise<{ outfile: string; bytes: number; seconds: number; warnings: string[] }>;
export function buildPlayerBundle(options?: { outdir?: string; minify?: boolean }): Promise<{ outdir: string; bytes: number; seconds: number }>;
