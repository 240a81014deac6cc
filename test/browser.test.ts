/**
 * The browser-safe core in a real browser: Debian's chromium, headless,
 * driven by playwright-core. The browser bundle (scripts/build-browser.mjs)
 * is built into a temporary folder and served from 127.0.0.1 with a page
 * (test/browser/page.js), the bundled model's files and MIDI files. The page
 * parses the MIDI files, loads the model over HTTP, samples 8 bars, writes
 * MIDI bytes and parses them back; here Node checks the page's results
 * against its own: the same notes from the same files, and the same bytes,
 * byte for byte, from the same seed and options.
 *
 * Needs /usr/bin/chromium (`apt-get install chromium`; .ci/run installs it):
 * without it the test fails, it does not skip.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TICKS_PER_QUARTER as Q, createPart, createScore, folderSource, loadGenerator, midiOf, noteCount, parsePitch, readBytes,
  samplePieces, writerNamed, type Score,
} from '../src/index.js';
import { buildBrowserBundle } from '../scripts/build-browser.mjs';

const CHROMIUM = '/usr/bin/chromium';
const root = fileURLToPath(new URL('..', import.meta.url));
const modelDir = join(root, 'models', 'default');
/** A real file from elsewhere, parsed too when the shared corpora are beside the project. */
const sharedMidi = join(root, '..', 'shared', 'corpora', 'midi-test-files', 'tonejs-midi', 'test', 'midi', 'bach', 'bach_846.mid');
const JOB = { bars: 8, seed: 2027, temperature: 0.9 };
const BAR = 4 * Q;

interface Summary {
  notes: number;
  end: number;
  meters: { tick: number; meter: string }[];
  tempos: { tick: number; bpm: number }[];
  parts: [midi: number, onset: number, duration: number, velocity: number][][];
}
interface PageResult {
  parsed: Record<string, Summary[]>;
  kind: string;
  sampled: Summary;
  back: Summary[];
  midi: string;
}

/** The summary page.js makes, made the same way in Node. */
function summary(score: Score): Summary {
  return {
    notes: noteCount(score),
    end: score.end,
    meters: score.timeSignatures.map((t) => ({ tick: t.tick, meter: `${t.numerator}/${t.denominator}` })),
    tempos: score.tempos.map((t) => ({ tick: t.tick, bpm: t.bpm })),
    parts: score.parts.map((p) => p.notes.map((n) => [midiOf(n.pitch), n.onset, n.duration, n.velocity] as Summary['parts'][number][number])),
  };
}

/** A small two-part piece written by the library itself: 3/4, a tempo change, chords, accidentals. */
function fixtureMidi(): Uint8Array {
  const melody = ['G4', 'A4', 'B4', 'C5', 'D5', 'F#4', 'G4', 'E5', 'D5', 'C#5', 'D5', 'G4'].map((p, i) => ({
    pitch: parsePitch(p), onset: i * Q, duration: i === 11 ? 3 * Q : Q, velocity: 70 + (i % 4) * 10,
  }));
  const bass = ['G2', 'D3', 'E3', 'D3'].flatMap((p, bar) => [
    { pitch: parsePitch(p), onset: bar * 3 * Q, duration: 3 * Q, velocity: 60 },
    { pitch: parsePitch(p === 'G2' ? 'B3' : 'F#3'), onset: bar * 3 * Q + Q, duration: 2 * Q, velocity: 55 },
  ]);
  return writerNamed('midi').write(createScore({
    title: 'browser fixture',
    parts: [createPart({ name: 'Flute', program: 73, channel: 0, notes: melody }), createPart({ name: 'Cello', program: 42, channel: 1, notes: bass })],
    tempos: [{ tick: 0, bpm: 96 }, { tick: 6 * Q, bpm: 72 }],
    timeSignatures: [{ tick: 0, numerator: 3, denominator: 4 }],
    keySignatures: [{ tick: 0, fifths: 1, mode: 'major' }],
    end: 15 * Q,
  }));
}

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>musegen in a browser</title>
<script type="module">
  import('/page.js').then((m) => { window.musegenRun = m.run; }, (e) => { window.musegenFailed = String(e && e.stack || e); });
</script>
`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.map': 'application/json',
  '.json': 'application/json', '.bin': 'application/octet-stream', '.mid': 'audio/midi',
};

/**
 * A static server on 127.0.0.1 with a fixed table of paths (nothing else of
 * the disk is reachable); `requests` records every path asked for.
 */
async function serve(routes: Map<string, () => Promise<Uint8Array | string>>): Promise<{ server: Server; base: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push(path);
    const route = routes.get(path);
    if (!route || req.method !== 'GET') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    route().then(
      (body) => {
        const ext = path === '/' ? '.html' : path.slice(path.lastIndexOf('.'));
        res.writeHead(200, { 'content-type': TYPES[ext] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
      },
      (e: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(e)),
    );
  });
  await new Promise<void>((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { server, base: `http://127.0.0.1:${port}`, requests };
}

let tmp: string;
let server: Server | undefined;
let base: string;
let requests: string[];
let browser: Browser | undefined;
let page: Page;
const pageLog: string[] = [];
const files = new Map<string, Uint8Array>();
let result: PageResult;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: this test runs the library in Debian's chromium — install it with \`apt-get install chromium\` (.ci/run does)`);
  }
  tmp = await mkdtemp(join(tmpdir(), 'musegen-browser-'));
  const bundle = join(tmp, 'musegen.js');
  await buildBrowserBundle({ outfile: bundle });

  files.set('fixture.mid', fixtureMidi());
  if (existsSync(sharedMidi)) files.set(basename(sharedMidi), readFileSync(sharedMidi));
  else console.log(`browser: ${sharedMidi} is absent; the page parses only the library-written fixture`);

  const routes = new Map<string, () => Promise<Uint8Array | string>>([
    ['/', async () => PAGE],
    ['/page.js', () => readFile(join(root, 'test', 'browser', 'page.js'))],
    ['/musegen.js', () => readFile(bundle)],
    ['/musegen.js.map', () => readFile(`${bundle}.map`)],
  ]);
  for (const f of ['musegen.json', 'model.json', 'weights.bin']) routes.set(`/models/default/${f}`, () => readFile(join(modelDir, f)));
  for (const [name, bytes] of files) routes.set(`/files/${name}`, async () => bytes);
  ({ server, base, requests } = await serve(routes));

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage();
  page.on('console', (m) => pageLog.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => pageLog.push(`page error: ${e.stack ?? e.message}`));
  page.on('requestfailed', (r) => pageLog.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  await page.goto(`${base}/`);
  const ready = await page.waitForFunction(() => {
    const w = window as unknown as { musegenRun?: unknown; musegenFailed?: string };
    return w.musegenRun ? 'ready' : w.musegenFailed;
  }, undefined, { timeout: 60_000 });
  const state = (await ready.jsonValue()) as string;
  if (state !== 'ready') throw new Error(`the page could not import the bundle: ${state}\n${pageLog.join('\n')}`);
  try {
    result = await page.evaluate(
      (job) => (window as unknown as { musegenRun: (j: typeof job) => Promise<PageResult> }).musegenRun(job),
      { ...JOB, files: [...files.keys()], model: '/models/default' },
    );
  } catch (e) {
    throw new Error(`the page failed: ${e instanceof Error ? e.message : String(e)}\n${pageLog.join('\n')}`);
  }
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((ok) => (server ? server.close(ok) : ok(undefined)));
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('the browser bundle in headless chromium', () => {
  it('parses MIDI files fetched from the server into the same notes as Node', () => {
    for (const [name, bytes] of files) {
      const node = readBytes(bytes, name).map((p) => summary(p.score));
      const inPage = result.parsed[name]!;
      expect(inPage.map((s) => s.notes), name).toEqual(node.map((s) => s.notes));
      expect(inPage, name).toEqual(node);
    }
    const fixture = result.parsed['fixture.mid']![0]!;
    expect(fixture.notes).toBe(20);
    expect(fixture.meters).toEqual([{ tick: 0, meter: '3/4' }]);
    expect(fixture.end).toBe(15 * Q);
  });

  it('loads the bundled model over HTTP', () => {
    expect(result.kind).toBe('lstm');
    for (const f of ['musegen.json', 'model.json', 'weights.bin']) expect(requests).toContain(`/models/default/${f}`);
  });

  it('samples 8 bars and writes MIDI that the page parses back: in 4/4, 8 bars long, inside the model\'s range', () => {
    const { lowest, highest } = (JSON.parse(readFileSync(join(modelDir, 'musegen.json'), 'utf8')) as { encoder: { lowest: number; highest: number } }).encoder;
    expect(result.back).toHaveLength(1);
    const back = result.back[0]!;
    expect(back.notes).toBeGreaterThanOrEqual(8);
    expect(back.notes).toBe(result.sampled.notes);
    expect(back.parts).toEqual(result.sampled.parts);
    expect(back.meters).toEqual([{ tick: 0, meter: '4/4' }]);
    expect(back.end).toBe(8 * BAR);
    const notes = back.parts.flat();
    for (const [midi, onset, duration] of notes) {
      expect(midi).toBeGreaterThanOrEqual(lowest);
      expect(midi).toBeLessThanOrEqual(highest);
      expect(duration).toBeGreaterThan(0);
      expect(onset + duration).toBeLessThanOrEqual(8 * BAR);
    }
    expect(Math.max(...notes.map(([, onset, duration]) => onset + duration))).toBeGreaterThan(7 * BAR);
  });

  it('writes the very bytes Node writes for the same model, seed and options', async () => {
    const { generator } = await loadGenerator(folderSource(modelDir));
    try {
      const [piece] = samplePieces(generator, JOB);
      const node = writerNamed('midi').write(piece!.score);
      const inPage = new Uint8Array(Buffer.from(result.midi, 'base64'));
      const firstDifference = inPage.findIndex((b, i) => b !== node[i]);
      expect({ length: inPage.length, firstDifference }).toEqual({ length: node.length, firstDifference: -1 });
    } finally {
      generator.dispose();
    }
  });
});
