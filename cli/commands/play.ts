/**
 * `musegen play [file]`: the player page in a browser — the piece as a piano
 * roll, played through Tone.js, Generate sampling new pieces in the page
 * itself with the bundled model and the -m models, Download MIDI, drag and
 * drop of files. A server on 127.0.0.1 only serves the page, the file and the
 * model folders; its address is printed, and a browser opened where there is
 * a desktop. Ctrl-C stops it.
 *
 *   musegen play tune.mid
 *   musegen play -m reels-model --port 8080 --no-open
 *
 * The file and the model folders are checked first: a file without notes, an
 * unreadable file or a folder that is not a model fails here, in one line.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Option, type Command } from 'commander';
import {
  MusegenError, PLAYER_PORT, bundledModelPath, folderSource, noteCount, packageRoot, readModelFolder, readScoreFile, startPlayerServer,
  type PlayerModel,
} from '../../src/index.js';
import { optionParser, wholeNumber } from '../options.js';

interface PlayCliOptions {
  model: string[];
  port: number;
  open: boolean;
  quiet?: boolean;
}

const port = (text: string): number => {
  const n = wholeNumber(text);
  if (n < 0 || n > 65_535) throw new MusegenError('BAD_ARGUMENT', `${n} is not a port (0..65535; 0: any free port)`);
  return n;
};

/** The model folders to offer: the bundled one when present, then each -m folder (checked), named uniquely. */
async function modelsOf(dirs: string[]): Promise<PlayerModel[]> {
  const models: PlayerModel[] = [];
  const bundled = bundledModelPath();
  if (existsSync(join(bundled, 'musegen.json'))) models.push({ name: 'default', dir: bundled });
  for (const dir of dirs) {
    await readModelFolder(folderSource(dir));
    let name = basename(dir.replace(/[/\\]+$/, '')) || 'model';
    for (let i = 2; models.some((m) => m.name === name); i++) name = `${basename(dir)}-${i}`;
    models.push({ name, dir });
  }
  return models;
}

/** Open `url` in the desktop's browser, when there is a desktop; false when there is none. */
function openBrowser(url: string): boolean {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? null : process.env.DISPLAY || process.env.WAYLAND_DISPLAY ? 'xdg-open' : null;
  if (!opener) return false;
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => {});
  child.unref();
  return true;
}

export function registerPlayCommand(program: Command): void {
  program
    .command('play')
    .description('open the player page: a piano roll, playback through Tone.js, generating in the page')
    .argument('[file]', 'a MIDI, MusicXML, kern or ABC file to open')
    .addOption(new Option('-m, --model <dir>', 'a model folder to generate with (repeatable; the bundled model is always offered)').argParser((v: string, all: string[]) => [...all, v]).default([], 'none'))
    .option('--port <n>', `port on 127.0.0.1 (default ${PLAYER_PORT}, the next free one when busy; 0: any free port)`, optionParser(port), PLAYER_PORT)
    .option('--no-open', 'print the address only; do not open a browser')
    .action(async (file: string | undefined, opts: PlayCliOptions, cmd: Command) => {
      const { quiet } = cmd.optsWithGlobals<PlayCliOptions>();
      let piece: { name: string; bytes: Uint8Array } | undefined;
      if (file) {
        const pieces = await readScoreFile(file);
        if (!pieces.some((p) => noteCount(p.score) > 0)) throw new MusegenError('EMPTY', 'has no notes to play', file);
        piece = { name: basename(file), bytes: await readFile(file) };
      }
      const models = await modelsOf(opts.model);
      const root = packageRoot() ?? process.cwd();
      const assetsDir = join(root, 'dist', 'player');
      const bundleFile = join(root, 'dist', 'browser', 'musegen.js');
      if (!existsSync(join(assetsDir, 'page.js')) || !existsSync(bundleFile)) {
        throw new MusegenError('NOT_FOUND', `the player page is not built in ${join(root, 'dist')}: run npm run build`);
      }
      const server = await startPlayerServer({ assetsDir, bundleFile, models, port: opts.port, ...(piece ? { piece } : {}) });
      if (server.busy.length > 0) process.stderr.write(`port ${server.busy.join(', ')} busy; using ${server.port}\n`);
      const opened = opts.open && openBrowser(server.url);
      process.stderr.write(`${quiet ? '' : 'the player is at '}${server.url}${quiet ? '' : opened ? ' (opened in your browser; Ctrl-C to stop)' : ' (open it in a browser; Ctrl-C to stop)'}\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          for (const s of ['SIGINT', 'SIGTERM'] as const) process.off(s, stop);
          void server.close().then(resolve);
        };
        for (const s of ['SIGINT', 'SIGTERM'] as const) process.on(s, stop);
      });
    });
}
