/**
 * Live output, put together: a model generating left to right, played to a
 * MIDI port on musegen's clock (optionally sending MIDI clock), on a DAW's
 * clock, or answering a player's calls; and on a stop or an error, every
 * sounding note ended and All Notes Off sent on every channel used.
 *
 *   generator ─ startSampling ─ PieceStepper ─ NoteFeed ─┬ perform (own clock, --clock out)  ─┐
 *                                                        ├ follow  (--clock in: a DAW's pulses) ├─ GuardedOutput ─ port
 *   input ─ CallListener ─ call (primer) ─ answer ───────┘ perform from the call's last bar   ─┘
 *
 * @example
 *   const timer = new PreciseTimer();
 *   process.once('SIGINT', () => timer.stop());
 *   const result = await playLive({ generator, driver: midiDriver(), output: { virtual: 'musegen' }, bpm: 120, bars: 16, timer });
 */
import { MusegenError } from '../../errors.js';
import type { Generator } from '../../generators/index.js';
import { startSampling, type KeyChoice, type SamplingOptions, type SamplingRun } from '../../sampling/index.js';
import { DEFAULT_METER, barLength, type BPM, type Meter, type Ticks } from '../../score/index.js';
import { NoteFeed } from './feed.js';
import { follow } from './follow.js';
import { GuardedOutput } from './guard.js';
import { CallListener } from './listen.js';
import { perform } from './perform.js';
import { openInput, openOutput, type MidiDriver, type PortChoice } from './ports.js';
import type { PreciseTimer } from './timer.js';

type Seed = SamplingRun['seed'];

export interface LiveOptions {
  generator: Generator;
  /** Temperature, top-k, top-p, as `musegen sample` takes them. */
  sampling?: Partial<SamplingOptions>;
  driver: MidiDriver;
  output: PortChoice;
  /** Tempo of musegen's clock (and of a call's grid). */
  bpm: BPM;
  /** Bars to play (with --listen: of each answer); null: for ever. */
  bars: number | null;
  /** MIDI channel (0–15) of the first track; track i plays on channel + i. */
  channel?: number;
  key?: KeyChoice;
  meter?: Meter;
  seed?: Seed;
  /** Send MIDI clock ('out'), or follow the clock of input `clockIn`. */
  clock?: 'out' | { in: string; timeoutMs: number };
  /** Answer what is played on this input. */
  listen?: { port: string; bars: number; silenceMs: number; rounds: number | null };
  timer: PreciseTimer;
  /** A line about what is happening (the CLI prints it on stderr). */
  onStatus?: (line: string) => void;
}

export interface LiveResult {
  seed: Seed;
  /** Note-ons sent. */
  notes: number;
  /** Stopped by the timer (a signal) before the end. */
  stopped: boolean;
  /** With a clock in: the tempo last measured. */
  tempo?: BPM;
}

/** Play live until the piece (or the rounds) end, or the timer stops. On a stop or an error, no note is left sounding. */
export async function playLive(options: LiveOptions): Promise<LiveResult> {
  const { generator, bpm, timer } = options;
  const channel = options.channel ?? 0;
  const tracks = generator.encoder.tracks;
  if (!(Number.isInteger(channel) && channel >= 0 && channel + tracks <= 16)) {
    throw new MusegenError('BAD_ARGUMENT', `channel ${channel + 1} cannot hold ${tracks} track${tracks > 1 ? 's' : ''} (track i plays on channel + i, up to 16)`);
  }
  const meter = options.meter ?? DEFAULT_METER;
  const shape = { ...options.sampling, meter, tempo: bpm, ...(options.key ? { key: options.key } : {}), ...(options.seed !== undefined ? { seed: options.seed } : {}) };
  const run = startSampling(generator, { ...shape, bars: options.bars ?? 1 }); // checks the model and options before any port opens
  const { stepsPerQuarter } = generator.encoder.spec;
  const feedFor = (piece: ReturnType<typeof run.piece>, steps: number | null, skip: number): NoteFeed =>
    new NoteFeed(piece, { steps, skip, stepsPerQuarter, channelOf: (track) => channel + track });
  const end: Ticks = options.bars === null ? Infinity : options.bars * barLength(meter);

  const port = openOutput(options.driver, options.output);
  const output = new GuardedOutput(port);
  const clockIn = typeof options.clock === 'object' ? openInput(options.driver, options.clock.in) : null;
  const listenIn = options.listen ? openInput(options.driver, options.listen.port) : null;
  const say = options.onStatus ?? (() => {});
  let tempo: BPM | undefined;
  say(`playing to "${port.name}" through ${options.driver.name}, seed ${run.seed}`);
  try {
    if (listenIn && options.listen) {
      const { bars, silenceMs, rounds } = options.listen;
      const listener = new CallListener(listenIn, { bpm, meter, stepsPerQuarter, bars, silenceMs, ...(options.key ? { key: options.key } : {}) });
      const answerBars = options.bars ?? bars;
      for (let round = 0; rounds === null || round < rounds; round++) {
        say(`listening on "${listenIn.name}" (up to ${bars} bar${bars > 1 ? 's' : ''}, or ${silenceMs / 1000} s of silence)`);
        const call = await listener.next(timer);
        if (!call) break;
        const answer = startSampling(generator, { ...shape, primer: call.score, bars: answerBars, seed: run.seed }); // its key: the call's, unless one is given
        say(`answering with ${answerBars} bar${answerBars > 1 ? 's' : ''}`);
        const feed = feedFor(answer.piece(), answer.plan.steps, answer.plan.primerSteps);
        if (!(await perform({ feed, output, bpm, clockOut: false, start: call.end, end: answerBars * barLength(meter), timer }))) break;
      }
    } else if (clockIn && typeof options.clock === 'object') {
      say(`following the clock on "${clockIn.name}" (start playback in the DAW)`);
      tempo = await follow({ input: clockIn, feed: feedFor(run.piece(), options.bars === null ? null : run.plan.steps, 0), output, end, timer, timeoutMs: options.clock.timeoutMs });
    } else {
      const feed = feedFor(run.piece(), options.bars === null ? null : run.plan.steps, 0);
      feed.readyFor(0); // the first steps (and the model's first call) before the clock starts
      await perform({ feed, output, bpm, clockOut: options.clock === 'out', start: performance.now() + 50, end, timer });
    }
  } catch (e) {
    output.panic(performance.now());
    throw e;
  } finally {
    if (timer.isStopped) output.panic(performance.now());
    clockIn?.close();
    listenIn?.close();
    port.close();
  }
  return { seed: run.seed, notes: output.notesSent, stopped: timer.isStopped, ...(tempo !== undefined ? { tempo } : {}) };
}
