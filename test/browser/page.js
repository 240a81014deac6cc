/**
 * The page's side of test/browser.test.ts — what a web page does with the
 * browser bundle (served as /musegen.js): parse MIDI files fetched over HTTP,
 * load the bundled model over HTTP, sample, write MIDI bytes and parse them
 * back. Plain JavaScript, as a page would have it; it returns plain data for
 * the test to compare with what Node does.
 */
import * as musegen from '/musegen.js';

/** A Score as plain data: enough to compare two parses note for note. */
function summary(score) {
  return {
    notes: musegen.noteCount(score),
    end: score.end,
    meters: score.timeSignatures.map((t) => ({ tick: t.tick, meter: `${t.numerator}/${t.denominator}` })),
    tempos: score.tempos.map((t) => ({ tick: t.tick, bpm: t.bpm })),
    parts: score.parts.map((p) => p.notes.map((n) => [musegen.midiOf(n.pitch), n.onset, n.duration, n.velocity])),
  };
}

function base64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

async function fetchBytes(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * @param {{ files: string[], model: string, bars: number, seed: number, temperature: number }} job
 *   files: MIDI files under /files/ to parse; model: the model's base URL.
 */
export async function run(job) {
  const parsed = {};
  for (const name of job.files) {
    parsed[name] = musegen.readBytes(await fetchBytes(`/files/${name}`), name).map((piece) => summary(piece.score));
  }
  const { generator, meta } = await musegen.loadGenerator(musegen.httpModelSource(new URL(job.model, location.href).href));
  try {
    const [piece] = musegen.samplePieces(generator, { bars: job.bars, seed: job.seed, temperature: job.temperature });
    const bytes = musegen.writerNamed('midi').write(piece.score);
    const back = musegen.readBytes(bytes, 'sampled.mid').map((p) => summary(p.score));
    return { parsed, kind: meta.kind, sampled: summary(piece.score), back, midi: base64(bytes) };
  } finally {
    generator.dispose();
  }
}
