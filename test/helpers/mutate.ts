/**
 * Seeded mutants of real files, for the fuzz suites: a text file gets a
 * truncation, lines deleted or duplicated, a number made absurd (0, huge,
 * 1e-300, negative, NaN), a token duplicated or bytes flipped; a binary file
 * (MIDI: see mutateMidi) a truncation, bytes flipped, a run deleted or duplicated, or a run
 * of 0xFF / 0x7F (the largest lengths and delta times a file can state).
 *
 * @example
 *   const next = rng(19);
 *   const bytes = new TextEncoder().encode(mutateText(text, next));
 */

const ABSURD = ['0', '1000000000', '1e-300', '-7', '99999999999999999999', 'NaN'];

/** One mutant of a text file. */
export function mutateText(text: string, rnd: () => number): string {
  const at = (n: number): number => Math.floor(rnd() * n);
  const kind = at(6);
  if (kind === 0) return text.slice(0, at(text.length));
  if (kind === 1 || kind === 2) {
    const lines = text.split('\n');
    const i = at(lines.length);
    if (kind === 1) lines.splice(i, 1 + at(3));
    else lines.splice(i, 0, ...lines.slice(i, i + 1 + at(3)));
    return lines.join('\n');
  }
  if (kind === 3) {
    const numbers = [...text.matchAll(/\d+(\.\d+)?/g)];
    if (numbers.length === 0) return text;
    const m = numbers[at(numbers.length)]!;
    return text.slice(0, m.index) + ABSURD[at(ABSURD.length)] + text.slice(m.index! + m[0].length);
  }
  if (kind === 4) {
    const tokens = text.split(/(\s+)/);
    const i = at(tokens.length);
    tokens.splice(i, 0, tokens[at(tokens.length)]!);
    return tokens.join('');
  }
  const chars = [...text];
  for (let n = 1 + at(8); n > 0; n--) chars[at(chars.length)] = String.fromCharCode(at(128));
  return chars.join('');
}

/** One mutant of a binary file. */
export function mutateBytes(src: Uint8Array, rnd: () => number): Uint8Array {
  const at = (n: number): number => Math.floor(rnd() * n);
  const kind = at(5);
  const a = at(src.length);
  const run = 1 + at(16);
  if (kind === 0) return src.slice(0, a);
  if (kind === 1) return Uint8Array.from([...src.subarray(0, a), ...src.subarray(a + run)]);
  if (kind === 2) return Uint8Array.from([...src.subarray(0, a + run), ...src.subarray(a, a + run), ...src.subarray(a + run)]);
  const out = Uint8Array.from(src); // a copy (a Buffer's slice is a view of the source)
  if (kind === 3) {
    for (let i = a; i < Math.min(out.length, a + 4); i++) out[i] = i < a + 3 ? 0xff : 0x7f; // a huge variable-length number
    return out;
  }
  for (let n = 1 + at(8); n > 0; n--) out[at(out.length)] = at(256);
  return out;
}

/**
 * One mutant of a standard MIDI file that keeps its chunks whole: a track's
 * events are mutated as bytes (mutateBytes) and the track's length written
 * anew, so the mutant reaches the events rather than failing on the chunk
 * structure; now and then the whole file is cut short instead.
 */
export function mutateMidi(src: Uint8Array, rnd: () => number): Uint8Array {
  if (rnd() < 0.1) return src.slice(0, Math.floor(rnd() * src.length));
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const chunks: Uint8Array[] = [];
  for (let at = 0; at + 8 <= src.length; ) {
    const end = Math.min(src.length, at + 8 + view.getUint32(at + 4));
    chunks.push(src.subarray(at, end));
    at = end;
  }
  const tracks = chunks.map((_, i) => i).filter((i) => i > 0);
  if (tracks.length === 0) return mutateBytes(src, rnd);
  const i = tracks[Math.floor(rnd() * tracks.length)]!;
  const body = mutateBytes(chunks[i]!.subarray(8), rnd);
  const chunk = new Uint8Array(8 + body.length);
  chunk.set(chunks[i]!.subarray(0, 4));
  new DataView(chunk.buffer).setUint32(4, body.length);
  chunk.set(body, 8);
  chunks[i] = chunk;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
