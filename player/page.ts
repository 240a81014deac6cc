/**
 * The player page, served by `musegen play`: a piece as a piano roll, played
 * through Tone.js, new pieces sampled here in the page with the library's
 * browser bundle (/musegen.js: TensorFlow.js, the readers, writers and
 * models), and files opened by drag and drop.
 *
 *   /config.json ─► models, the piece's name ─ /piece ─ readBytes ─┐
 *   Generate ─ httpModelSource(/models/<name>) ─ samplePieces ──────┼─► show(score) ─► roll · Play (Tone transport) · Download MIDI
 *   a dropped file ─ readBytes ─────────────────────────────────────┘
 *
 * What the page holds is on `window.__musegen` (notes drawn, notes scheduled,
 * whether it plays, the last error) for tests and for the curious.
 */
import * as Tone from 'tone';
import {
  errorMessage, httpModelSource, loadGenerator, noteCount, parseKey, parseMeter, readBytes, samplePieces, writerNamed,
  type Generator, type Score,
} from '../src/browser.js';
import { createEnsemble, type Ensemble } from '../src/playback/ensemble.js';
import { scheduleOf, type Schedule } from '../src/playback/schedule.js';
import { RELEASE_TAIL } from '../src/playback/timbres.js';
import { drawRoll, type Roll } from './roll.js';

export interface PlayerState {
  ready: boolean;
  title: string | null;
  /** Notes in the piece shown, and notes the roll drew. */
  notes: number;
  drawn: number;
  /** Notes handed to Tone's transport by the last Play. */
  scheduled: number;
  playing: boolean;
  /** Pieces generated in the page so far. */
  generated: number;
  error: string | null;
}

const state: PlayerState = { ready: false, title: null, notes: 0, drawn: 0, scheduled: 0, playing: false, generated: 0, error: null };
(window as unknown as { __musegen: PlayerState }).__musegen = state;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const canvas = $<HTMLCanvasElement>('roll');
const playhead = $('playhead');
const buttons = { play: $<HTMLButtonElement>('play'), stop: $<HTMLButtonElement>('stop'), download: $<HTMLButtonElement>('download'), generate: $<HTMLButtonElement>('generate') };

let shown: { score: Score; schedule: Schedule; roll: Roll; name: string } | undefined;
let ensemble: Ensemble | undefined;
const generators = new Map<string, Promise<Generator>>();

function say(text: string): void {
  $('status').textContent = text;
}

function fail(e: unknown): void {
  state.error = errorMessage(e);
  const box = $('error');
  box.textContent = state.error;
  box.hidden = false;
  say('');
}

function clearError(): void {
  state.error = null;
  $('error').hidden = true;
}

/** Show a piece: the roll, its title; a piece without notes is refused. */
function show(score: Score, name: string): void {
  if (noteCount(score) === 0) throw new Error(`${name} has no notes to show or play`);
  stop();
  const schedule = scheduleOf(score);
  const roll = drawRoll(canvas, score, schedule);
  shown = { score, schedule, roll, name };
  Object.assign(state, { title: name, notes: noteCount(score), drawn: roll.notes });
  $('title').textContent = `${name} · ${state.notes} notes · ${schedule.seconds.toFixed(1)} s`;
  for (const b of [buttons.play, buttons.download]) b.disabled = false;
}

/** Read a file's bytes as the library does (the format from its name) and show its first piece. */
function open(bytes: Uint8Array, name: string): void {
  const [first] = readBytes(bytes, name);
  if (!first) throw new Error(`${name} holds no piece`);
  show(first.score, name);
}

function play(): void {
  if (!shown) return;
  stop();
  const { schedule } = shown;
  const transport = Tone.getTransport();
  ensemble = createEnsemble(Tone, schedule.parts.map((p) => p.part), Tone.getDestination());
  const players = ensemble.players;
  let scheduled = 0;
  schedule.parts.forEach(({ notes }, i) => {
    for (const note of notes) {
      transport.schedule((time) => players[i]!.play(note, time), note.time);
      scheduled++;
    }
  });
  transport.scheduleOnce(() => Tone.getDraw().schedule(stop, Tone.now()), schedule.seconds + RELEASE_TAIL);
  transport.start();
  Object.assign(state, { scheduled, playing: true });
  buttons.stop.disabled = false;
  playhead.hidden = false;
  const roll = shown.roll;
  const move = (): void => {
    if (!state.playing) return;
    playhead.style.left = `${roll.xAt(transport.seconds)}px`;
    requestAnimationFrame(move);
  };
  move();
}

function stop(): void {
  const transport = Tone.getTransport();
  transport.stop();
  transport.cancel();
  ensemble?.dispose();
  ensemble = undefined;
  state.playing = false;
  buttons.stop.disabled = true;
  playhead.hidden = true;
}

function download(): void {
  if (!shown) return;
  const bytes = writerNamed('midi').write(shown.score);
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'audio/midi' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: `${shown.name.replace(/\.[^.]*$/, '')}.mid` });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function generatorNamed(name: string): Promise<Generator> {
  let g = generators.get(name);
  if (!g) {
    g = loadGenerator(httpModelSource(`/models/${encodeURIComponent(name)}`)).then((r) => r.generator);
    g.catch(() => generators.delete(name));
    generators.set(name, g);
  }
  return g;
}

async function generate(): Promise<void> {
  const model = $<HTMLSelectElement>('model').value;
  if (!model) throw new Error('no model to generate with: start musegen play with the bundled model or -m <model folder>');
  const keyText = $<HTMLSelectElement>('key').value;
  say(`loading ${model}…`);
  const generator = await generatorNamed(model);
  say('generating…');
  await new Promise((r) => setTimeout(r, 0)); // let the status paint
  const [piece] = samplePieces(generator, {
    bars: Number($<HTMLInputElement>('bars').value),
    temperature: Number($<HTMLInputElement>('temperature').value),
    meter: parseMeter($<HTMLSelectElement>('meter').value),
    ...(keyText ? { key: parseKey(keyText) } : {}),
  });
  state.generated++;
  show(piece!.score, `generated ${state.generated} (seed ${piece!.seed})`);
  say('');
}

/** Run an action from a button or a drop: errors go to the page's error line. */
function action(run: () => unknown): () => void {
  return () => {
    clearError();
    Promise.resolve().then(run).catch(fail);
  };
}

async function openFile(file: File): Promise<void> {
  say(`reading ${file.name}…`);
  open(new Uint8Array(await file.arrayBuffer()), file.name);
  say('');
}

async function start(): Promise<void> {
  const config = (await (await fetch('/config.json')).json()) as { piece: string | null; models: string[] };
  const select = $<HTMLSelectElement>('model');
  for (const m of config.models) select.append(new Option(m, m));
  buttons.generate.disabled = config.models.length === 0;
  buttons.play.addEventListener('click', action(async () => {
    await Tone.start();
    play();
  }));
  buttons.stop.addEventListener('click', action(stop));
  buttons.download.addEventListener('click', action(download));
  buttons.generate.addEventListener('click', action(generate));
  $<HTMLInputElement>('file').addEventListener('change', (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) action(() => openFile(file))();
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const file = e.dataTransfer?.files[0];
    if (file) action(() => openFile(file))();
  });
  if (config.piece) {
    const bytes = new Uint8Array(await (await fetch('/piece')).arrayBuffer());
    open(bytes, config.piece);
  }
}

start().then(
  () => {
    state.ready = true;
  },
  (e: unknown) => {
    fail(e);
    state.ready = true;
  },
);
