/**
 * A file's name and extension from a path or URL, as strings: what the
 * registry picks a format by and names in errors, without node:path (so the
 * formats run in a browser). Both / and \ separate folders.
 */

/** The last part of a path: "corpus/bach.mid" → "bach.mid". */
export function fileNameOf(path: string): string {
  return path.replace(/[/\\]+$/, '').split(/[/\\]/).pop()!;
}

/** The extension with its dot, as written: "a/Bach.MID" → ".MID"; "" when none (".hidden" has none). */
export function extensionOf(path: string): string {
  const name = fileNameOf(path);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot) : '';
}
