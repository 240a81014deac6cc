/**
 * `musegen play`'s player in real headless Chromium (Debian's chromium via
 * playwright-core), served by the player's own server from 127.0.0.1: the
 * page loads, the roll draws every note of the file, Play starts Tone's
 * transport with every note scheduled, Generate samples a new piece in the
 * page with the bundled model, Download gives MIDI that parses, dropped files
 * open, and bad input (no notes, unreadable, a model folder that is not one)
 * shows a clear error in the page. Also the server alone (path traversal
 * refused, 127.0.0.1 only, a busy port skipped) and the command's errors in
 * the terminal. `MUSEGEN_SCREENSHOT=1` saves docs/player.png for the README.
 *
 * Needs /usr/bin/chromium (.ci/run installs it): without it the test fails.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBrowserBundle, buildPlayerBundle } from '../scripts/build-browser.mjs';
import {
  TICKS_PER_QUARTER as Q, createPart, createScore, noteCount, parsePitch, readBytes, startPlayerServer, writerNamed,
  type PlayerServer,
} from '../src/index.js';
import type { PlayerState } from '../player/page.js';
import { expectOneLine, musegen } from './helpers/cli.js';
import { BUNDLED_MODEL, ROOT } from './helpers/paths.js';
import { useTempDir } from './helpers/temp.js';

const CHROMIUM = '/usr/bin/chromium';
const tmp = useTempDir('player');

/** Two parts, a tempo change, a drum part: 3/4, four bars. */
function fixtureMidi(): Uint8Array {
  const melody = ['G4', 'A4', 'B4', 'C5', 'D5', 'F#4', 'G4', 'E5', 'D5', 'C#5', 'D5', 'G4'].map((p, i) => ({ pitch: parsePitch(p), onset: i * Q, duration: Q, velocity: 70 + (i % 4) * 10 }));
  const bass = ['G2', 'D3', 'E3', 'D3'].map((p, bar) => ({ pitch: parsePitch(p), onset: bar * 3 * Q, duration: 3 * Q, velocity: 60 }));
  const drums = [0, 1, 2, 3].map((bar) => ({ pitch: parsePitch('C2'), onset: bar * 3 * Q, duration: Q / 2, velocity: 100 }));
  return writerNamed('midi').write(createScore({
    title: 'player fixture',
    parts: [createPart({ name: 'Flute', program: 73, notes: melody }), createPart({ name: 'Cello', program: 42, channel: 1, notes: bass }), createPart({ name: 'Drums', channel: 9, isDrum: true, notes: drums })],
    tempos: [{ tick: 0, bpm: 96 }, { tick: 6 * Q, bpm: 72 }],
    timeSignatures: [{ tick: 0, numerator: 3, denominator: 4 }],
    end: 12 * Q,
  }));
}
const FIXTURE = fixtureMidi();
const FIXTURE_NOTES = noteCount(readBytes(FIXTURE, 'fixture.mid')[0]!.score);
const NO_NOTES = writerNamed('midi').write(createScore({ parts: [createPart({ name: 'Empty' })], end: 4 * Q }));
const ABC = new TextEncoder().encode('X:1\nT:Dropped\nM:4/4\nL:1/8\nK:D\nDEFG ABcd|edcB A4|]\n');
const ABC_NOTES = noteCount(readBytes(ABC, 'dropped.abc')[0]!.score);
/** The page's picture in the README, written when MUSEGEN_SCREENSHOT=1 (the tree stays clean otherwise). */
const SCREENSHOT = join(ROOT, 'docs', 'player.png');

let player: PlayerServer;
let browser: Browser | undefined;
let page: Page;
const pageLog: string[] = [];

const stateOf = (): Promise<PlayerState> => page.evaluate(() => (window as unknown as { __musegen: PlayerState }).__musegen);
const waitFor = (test: string): Promise<unknown> => page.waitForFunction(`(() => { const s = window.__musegen; return ${test}; })()`, undefined, { timeout: 90_000 });

/** Drop a file on the roll as a user's drag and drop does. */
async function drop(name: string, bytes: Uint8Array): Promise<void> {
  await page.evaluate(([n, b]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(b)], n));
    document.getElementById('drop')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, [name, [...bytes]] as const);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: this test runs the player in Debian's chromium — apt-get install chromium (.ci/run does)`);
  const bundleFile = tmp.join('musegen.js');
  await buildBrowserBundle({ outfile: bundleFile });
  await buildPlayerBundle({ outdir: tmp.join('player') });
  mkdirSync(tmp.join('not-a-model'));
  writeFileSync(tmp.join('not-a-model', 'musegen.json'), '{"format": 1, "kind": "nothing-known"}');
  player = await startPlayerServer({
    assetsDir: tmp.join('player'), bundleFile, port: 0, piece: { name: 'fixture.mid', bytes: FIXTURE },
    models: [{ name: 'default', dir: BUNDLED_MODEL }, { name: 'broken', dir: tmp.join('not-a-model') }],
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
  });
  page = await browser.newPage({ viewport: { width: 1200, height: 640 }, acceptDownloads: true });
  page.on('console', (m) => pageLog.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => pageLog.push(`page error: ${e.stack ?? e.message}`));
  await page.goto(player.url);
  await waitFor('s && s.ready').catch((e: unknown) => {
    throw new Error(`the page did not start: ${String(e)}\n${pageLog.join('\n')}`);
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await player?.close();
});

describe('the player page in headless chromium', () => {
  it('loads from the server and draws every note of the file on the roll', async () => {
    const s = await stateOf();
    expect(s.error, pageLog.join('\n')).toBeNull();
    expect(s.title).toBe('fixture.mid');
    expect(FIXTURE_NOTES).toBe(20);
    expect({ notes: s.notes, drawn: s.drawn }).toEqual({ notes: FIXTURE_NOTES, drawn: FIXTURE_NOTES });
  });

  it('Play starts Tone\'s transport with every note scheduled and moves the playhead; Stop stops it', async () => {
    await page.click('#play');
    await waitFor('s.playing');
    expect((await stateOf()).scheduled).toBe(FIXTURE_NOTES);
    await page.waitForFunction(() => parseFloat(document.getElementById('playhead')!.style.left) > 20, undefined, { timeout: 30_000 });
    if (process.env.MUSEGEN_SCREENSHOT === '1') {
      mkdirSync(dirname(SCREENSHOT), { recursive: true });
      writeFileSync(SCREENSHOT, await page.screenshot());
    }
    await page.click('#stop');
    expect((await stateOf()).playing).toBe(false);
  });

  it('Download gives a MIDI file that parses into the notes shown', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    expect(download.suggestedFilename()).toBe('fixture.mid');
    const bytes = readFileSync((await download.path())!);
    expect(noteCount(readBytes(bytes, 'fixture.mid')[0]!.score)).toBe(FIXTURE_NOTES);
  });

  it('Generate samples a new piece in the page with the bundled model, in the meter asked for', async () => {
    await page.selectOption('#model', 'default');
    await page.fill('#bars', '4');
    await page.fill('#temperature', '0.9');
    await page.selectOption('#meter', '3/4');
    await page.click('#generate');
    await waitFor('s.generated === 1 || s.error');
    const s = await stateOf();
    expect(s.error, pageLog.join('\n')).toBeNull();
    expect(s.title).toMatch(/^generated 1 \(seed \d+\)$/);
    expect(s.notes).toBeGreaterThanOrEqual(4);
    expect(s.drawn).toBe(s.notes);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const score = readBytes(readFileSync((await download.path())!), 'generated.mid')[0]!.score;
    expect(noteCount(score)).toBe(s.notes);
    expect(score.timeSignatures[0]).toMatchObject({ numerator: 3, denominator: 4 });
    expect(score.end).toBe(4 * 3 * Q);
  });

  it('opens a dropped ABC file, and says clearly what is wrong with a file without notes or an unreadable one', async () => {
    await drop('dropped.abc', ABC);
    await waitFor("s.title === 'dropped.abc' || s.error");
    expect(ABC_NOTES).toBe(13);
    expect(await stateOf()).toMatchObject({ title: 'dropped.abc', notes: ABC_NOTES, drawn: ABC_NOTES, error: null });
    await drop('silent.mid', NO_NOTES);
    await waitFor('s.error');
    expect((await stateOf()).error).toBe('silent.mid has no notes to show or play');
    expect(await page.textContent('#error')).toBe('silent.mid has no notes to show or play');
    await drop('junk.mid', new TextEncoder().encode('not music at all'));
    await waitFor("s.error && s.error.startsWith('junk.mid')");
    expect((await stateOf()).error).toMatch(/^junk\.mid: .*MIDI/);
    expect((await stateOf()).title).toBe('dropped.abc');
  });

  it('says clearly when a model folder is not one', async () => {
    await page.selectOption('#model', 'broken');
    await page.click('#generate');
    await waitFor('s.error');
    expect((await stateOf()).error).toMatch(/^\/models\/broken: /);
    expect(await page.isVisible('#error')).toBe(true);
  });
});

/** GET a raw path (sent as written, not normalised) from the server: status and body. */
function get(path: string, host = '127.0.0.1', port = player.port): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = request({ host, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString('utf8')));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('the player server', () => {
  it('serves its page, the bundle, the piece and the model files', async () => {
    expect((await get('/')).body).toMatch(/<title>musegen player<\/title>/);
    expect((await get('/page.js')).status).toBe(200);
    expect((await get('/musegen.js')).status).toBe(200);
    expect(JSON.parse((await get('/config.json')).body)).toEqual({ piece: 'fixture.mid', models: ['default', 'broken'] });
    expect((await get('/models/default/musegen.json')).status).toBe(200);
  });

  it('refuses path traversal and anything it was not given', async () => {
    const attempts = [
      '/../../etc/passwd', '/..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd', '/%252e%252e/etc/passwd',
      '/models/default/../../package.json', '/models/default/%2e%2e/%2e%2e/package.json', '/models/default/..%5c..%5cpackage.json',
      '/models/default/.hidden', '/models/../package.json', '/models/default/checkpoint/model.json', '/etc/passwd', '/package.json',
      '/..', '/%00', '/%zz', '/page.js/..', '/models/nothing/musegen.json',
    ];
    for (const path of attempts) {
      const r = await get(path);
      expect([403, 404], `${path} → ${r.status}`).toContain(r.status);
      expect(r.body, path).not.toMatch(/root:|"name": "musegen"|"dependencies"/);
    }
    expect((await get('/../../etc/passwd')).status).toBe(403);
    expect((await get('/%2e%2e/%2e%2e/etc/passwd')).status).toBe(403);
  });

  it('answers on 127.0.0.1 only', async () => {
    expect(player.url).toBe(`http://127.0.0.1:${player.port}/`);
    const other = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
    if (other) await expect(get('/', other.address)).rejects.toThrow(/ECONNREFUSED/);
    else console.log('player: no non-loopback IPv4 address here to try');
  });

  it('takes the next port when the one asked for is busy, and says which', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', ok));
    const busy = (blocker.address() as AddressInfo).port;
    const second = await startPlayerServer({ assetsDir: tmp.join('player'), bundleFile: tmp.join('musegen.js'), models: [], port: busy }).catch((e: unknown) => e);
    try {
      expect(second).toMatchObject({ busy: [busy] });
      expect((second as PlayerServer).port).toBeGreaterThan(busy);
    } finally {
      if (second && typeof (second as PlayerServer).close === 'function') await (second as PlayerServer).close();
      blocker.close();
    }
  });
});

describe('musegen play in the terminal', () => {
  it('fails in one line for a file without notes, an unreadable file, a model folder that is not one, a bad port', () => {
    writeFileSync(tmp.join('silent.mid'), NO_NOTES);
    writeFileSync(tmp.join('junk.mid'), 'not music');
    expectOneLine(musegen(['play', 'silent.mid', '--no-open'], { cwd: tmp.path }), 1, 'silent.mid: has no notes to play');
    expectOneLine(musegen(['play', 'junk.mid', '--no-open'], { cwd: tmp.path }), 1, /^musegen: junk\.mid: /);
    expectOneLine(musegen(['play', '-m', 'not-a-model', '--no-open'], { cwd: tmp.path }), 1, 'not-a-model');
    expectOneLine(musegen(['play', '--port', '70000'], { cwd: tmp.path }), 2, /70000 is not a port/);
  });
});
