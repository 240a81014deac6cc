/**
 * @node-only The player's web server, for `musegen play`: bound to 127.0.0.1
 * only, on the port asked for or the next free one, serving nothing but
 *
 *   /  /page.js  /style.css …    the page's own files (a fixed list, from assetsDir)
 *   /musegen.js(.map)            the browser bundle of the library
 *   /config.json                 what the page should show: the piece's name, the models
 *   /piece                       the file given on the command line
 *   /models/<name>/<file>        a file directly inside one of the model folders given
 *
 * Every path segment is decoded once and checked: `..`, `.`, a slash or a
 * backslash inside a segment, or a name outside the lists above is refused
 * (403) or not found (404), so nothing else on the disk can be reached.
 *
 * @example
 *   const player = await startPlayerServer({ assetsDir: 'dist/player', bundleFile: 'dist/browser/musegen.js', models: [] });
 *   console.log(player.url);   // http://127.0.0.1:5170/
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { MusegenError } from '../errors.js';

export interface PlayerModel {
  /** The name the page shows and the URL uses (/models/<name>/). */
  name: string;
  dir: string;
}

export interface PlayerServerOptions {
  /** The built page (index.html, page.js, style.css). */
  assetsDir: string;
  /** The browser bundle (musegen.js; its .map beside it). */
  bundleFile: string;
  /** The piece to open with: its file name and bytes. */
  piece?: { name: string; bytes: Uint8Array };
  models: PlayerModel[];
  /** The port to try first (0: any free port); the next ones are tried when it is busy. */
  port: number;
}

export interface PlayerServer {
  url: string;
  port: number;
  /** Ports found busy before this one was bound. */
  busy: number[];
  close(): Promise<void>;
}

export const PLAYER_PORT = 5170;
/** How many ports after the first are tried before giving up. */
const PORT_TRIES = 10;
const HOST = '127.0.0.1';
const PAGE_FILES = ['index.html', 'page.js', 'page.js.map', 'style.css'];
/** A file name inside a model folder: no path, not hidden. */
const MODEL_FILE = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8',
  json: 'application/json', map: 'application/json', bin: 'application/octet-stream',
};

type Route = { file: string } | { body: Uint8Array | string; type: string };

/** The segments of a request path, each decoded once; null when one is not a plain name. */
function segmentsOf(rawUrl: string): string[] | null {
  const path = rawUrl.split(/[?#]/)[0]!;
  if (!path.startsWith('/')) return null;
  const out: string[] = [];
  for (const raw of path.slice(1).split('/')) {
    let s: string;
    try {
      s = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (s === '.' || s === '..' || /[/\\\0]/.test(s)) return null;
    out.push(s);
  }
  return out;
}

function routeOf(segments: string[], o: PlayerServerOptions): Route | undefined {
  const [first = '', ...rest] = segments;
  if (rest.length === 0) {
    if (first === '') return { file: join(o.assetsDir, 'index.html') };
    if (PAGE_FILES.includes(first)) return { file: join(o.assetsDir, first) };
    if (first === 'musegen.js') return { file: o.bundleFile };
    if (first === 'musegen.js.map') return { file: `${o.bundleFile}.map` };
    if (first === 'config.json') return { body: JSON.stringify({ piece: o.piece?.name ?? null, models: o.models.map((m) => m.name) }), type: TYPES.json! };
    if (first === 'piece' && o.piece) return { body: o.piece.bytes, type: 'application/octet-stream' };
    return undefined;
  }
  const model = o.models.find((m) => m.name === rest[0]);
  if (first === 'models' && model && rest.length === 2 && MODEL_FILE.test(rest[1]!)) return { file: join(model.dir, rest[1]!) };
  return undefined;
}

function answer(o: PlayerServerOptions, req: IncomingMessage, res: ServerResponse): void {
  const segments = segmentsOf(req.url ?? '/');
  if (!segments) {
    res.writeHead(403, { 'content-type': 'text/plain' }).end('refused: not a plain path');
    return;
  }
  const route = req.method === 'GET' || req.method === 'HEAD' ? routeOf(segments, o) : undefined;
  if (!route) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  const send = (body: Uint8Array | string, type: string): void => {
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' }).end(req.method === 'HEAD' ? undefined : body);
  };
  if ('body' in route) {
    send(route.body, route.type);
    return;
  }
  readFile(route.file).then(
    (bytes) => send(bytes, TYPES[route.file.slice(route.file.lastIndexOf('.') + 1)] ?? 'application/octet-stream'),
    () => res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'),
  );
}

function listen(server: Server, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (e.code === 'EADDRINUSE') resolve(false);
      else reject(e);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve(true);
    };
    server.once('error', onError).once('listening', onListening).listen(port, HOST);
  });
}

/** Start the player's server on 127.0.0.1; the port asked for, else the next free one of a few. */
export async function startPlayerServer(options: PlayerServerOptions): Promise<PlayerServer> {
  const server = createServer((req, res) => answer(options, req, res));
  const busy: number[] = [];
  const tries = options.port === 0 ? [0] : Array.from({ length: PORT_TRIES + 1 }, (_, i) => options.port + i).filter((p) => p <= 65_535);
  for (const port of tries) {
    if (await listen(server, port)) {
      const bound = (server.address() as AddressInfo).port;
      return {
        url: `http://${HOST}:${bound}/`,
        port: bound,
        busy,
        close: () => new Promise((ok) => {
          server.close(() => ok());
          server.closeAllConnections();
        }),
      };
    }
    busy.push(port);
  }
  throw new MusegenError('UNREADABLE', `ports ${busy[0]}–${busy.at(-1)} on ${HOST} are all busy; give another with --port (0: any free port)`);
}
