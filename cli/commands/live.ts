/**
 * `musegen live`: generated music streamed to a MIDI port in time, for a
 * DAW to record or play — on musegen's clock (--bpm, optionally sending MIDI
 * clock), on the DAW's (--clock in), or answering a player (--listen).
 * Ctrl-C, SIGTERM and SIGHUP end every sounding note and send All Notes Off
 * before exiting.
 *
 *   musegen live --list-ports
 *   musegen live --virtual musegen --bpm 100 --forever
 *   musegen live --port "IAC Driver Bus 1" --clock in --port-in "IAC Driver Bus 2"
 *   musegen live --virtual musegen --listen "Keystation 49" --listen-bars 2
 *
 * MUSEGEN_MIDI_DRIVER=record:DIR swaps easymidi for a recording driver (tests).
 */
import type { Command } from 'commander';
import {
  DEFAULT_METER, DEFAULT_TEMPO, MusegenError, PreciseTimer, bundledModelPath, checkSamplingOptions, folderSource, loadGenerator, midiDriver, parseKey, parseMeter, playLive,
  type KeyChoice, type LiveOptions, type Meter,
} from '../../src/index.js';
import { startBackend } from '../backend.js';
import { Interrupted } from '../exit.js';
import { checkedOptions, decimal, optionParser, wholeNumber } from '../options.js';

interface LiveCliOptions {
  listPorts?: boolean;
  port?: string;
  virtual?: string;
  model?: string;
  temp: number;
  bpm: number;
  bars: number;
  forever?: boolean;
  channel: number;
  key?: KeyChoice;
  meter?: Meter;
  seed?: number;
  clock?: 'out' | 'in';
  portIn?: string;
  clockTimeout: number;
  listen?: string;
  listenBars: number;
  silence: number;
  rounds?: number;
  quiet?: boolean;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const temperature = (text: string): number => checkSamplingOptions({ temperature: decimal(text) }).temperature;
const positive = (what: string) => (text: string): number => {
  const n = decimal(text);
  if (!(n > 0)) throw new MusegenError('BAD_ARGUMENT', `${what} must be above 0, not ${text}`);
  return n;
};
const atLeastOne = (what: string) => (text: string): number => {
  const n = wholeNumber(text);
  if (n < 1) throw new MusegenError('BAD_ARGUMENT', `${what} must be at least 1, not ${text}`);
  return n;
};
const channel = (text: string): number => {
  const n = wholeNumber(text);
  if (n < 1 || n > 16) throw new MusegenError('BAD_ARGUMENT', `a MIDI channel is 1 to 16, not ${text}`);
  return n;
};
const clockMode = (text: string): 'out' | 'in' => {
  if (text !== 'out' && text !== 'in') throw new MusegenError('BAD_ARGUMENT', `--clock is "out" (send MIDI clock) or "in" (follow a DAW's), not "${text}"`);
  return text;
};

/** The options that only make sense together. */
function checkCombination(o: LiveCliOptions, given: (name: string) => boolean): void {
  if (o.port !== undefined && o.virtual !== undefined) throw new MusegenError('BAD_ARGUMENT', '--port names a port that exists, --virtual makes one: give one of them');
  if (o.forever && given('bars')) throw new MusegenError('BAD_ARGUMENT', '--bars and --forever: give one of them');
  if (o.clock === 'in' && o.portIn === undefined) throw new MusegenError('BAD_ARGUMENT', '--clock in follows the clock of an input: name it with --port-in');
  if (o.portIn !== undefined && o.clock !== 'in') throw new MusegenError('BAD_ARGUMENT', '--port-in is the input whose clock --clock in follows');
  if (o.listen !== undefined && o.clock !== undefined) throw new MusegenError('BAD_ARGUMENT', '--listen answers on musegen\'s own clock (--bpm); it cannot be combined with --clock yet');
}

function listPorts(): void {
  const driver = midiDriver();
  const list = (names: string[]): string => (names.length > 0 ? names.map((n) => `  ${n}\n`).join('') : '  (none)\n');
  process.stdout.write(`outputs:\n${list(driver.outputs())}inputs:\n${list(driver.inputs())}`);
}

export function registerLiveCommand(program: Command): void {
  program
    .command('live')
    .description('stream generated music to a MIDI port in time (a DAW, a synth)')
    .option('--list-ports', 'list the MIDI ports and exit')
    .option('--port <name>', 'MIDI output to play to (default: the first there is)')
    .option('--virtual <name>', 'make a virtual MIDI output under this name (ALSA, CoreMIDI)')
    .option('-m, --model <dir>', 'model folder (default: the bundled model)')
    .option('-t, --temp <t>', 'temperature, above 0: lower is safer, higher is wilder', optionParser(temperature), 1)
    .option('--bpm <bpm>', `tempo of musegen's clock (default ${DEFAULT_TEMPO})`, optionParser(positive('the tempo')), DEFAULT_TEMPO)
    .option('--bars <n>', 'bars to play (with --listen: of each answer)', optionParser(atLeastOne('bars')), 16)
    .option('--forever', 'play until stopped (Ctrl-C)')
    .option('--channel <n>', 'MIDI channel 1-16 (a model of several voices: voice i on channel n + i)', optionParser(channel), 1)
    .option('--key <key>', 'key signature, e.g. G, Bb, "E minor" (with --listen: default the call\'s)', optionParser(parseKey))
    .option('--meter <n/d>', `time signature, e.g. 6/8 (default ${DEFAULT_METER.numerator}/${DEFAULT_METER.denominator})`, optionParser(parseMeter))
    .option('--seed <n>', 'seed for reproducible music', optionParser(wholeNumber))
    .option('--clock <out|in>', 'out: send MIDI clock, start/stop and song position; in: follow the clock of --port-in', optionParser(clockMode))
    .option('--port-in <name>', 'the MIDI input whose clock --clock in follows')
    .option('--clock-timeout <s>', 'with --clock in: no pulse for this long while playing is an error', optionParser(positive('the clock timeout')), 2)
    .option('--listen <name>', 'call and response: answer what is played on this MIDI input')
    .option('--listen-bars <n>', 'with --listen: the longest call, in bars', optionParser(atLeastOne('the call\'s bars')), 2)
    .option('--silence <s>', 'with --listen: a silence this long ends a call', optionParser(positive('the silence')), 1.5)
    .option('--rounds <n>', 'with --listen: calls to answer (default: until stopped)', optionParser(atLeastOne('rounds')))
    .action(async (opts: LiveCliOptions, cmd: Command) => {
      const { quiet } = cmd.optsWithGlobals<LiveCliOptions>();
      checkedOptions(cmd, () => checkCombination(opts, (name) => cmd.getOptionValueSource(name) === 'cli'));
      if (opts.listPorts) return listPorts();
      const say = (line: string): void => {
        if (!quiet) process.stderr.write(`${line}\n`);
      };
      const driver = midiDriver(); // no MIDI system: says so before the model loads
      await startBackend(cmd);
      const { generator } = await loadGenerator(folderSource(opts.model ?? bundledModelPath()));
      const timer = new PreciseTimer();
      let signal: string | undefined;
      const stop = (s: string): void => {
        signal ??= s;
        timer.stop();
      };
      for (const s of SIGNALS) process.on(s, stop);
      const options: LiveOptions = {
        generator, driver, timer, bpm: opts.bpm, bars: opts.forever ? null : opts.bars, channel: opts.channel - 1,
        sampling: { temperature: opts.temp },
        output: opts.virtual !== undefined ? { virtual: opts.virtual } : opts.port !== undefined ? { port: opts.port } : {},
        ...(opts.key ? { key: opts.key } : {}), ...(opts.meter ? { meter: opts.meter } : {}), ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        ...(opts.clock === 'out' ? { clock: 'out' as const } : opts.clock === 'in' ? { clock: { in: opts.portIn!, timeoutMs: opts.clockTimeout * 1000 } } : {}),
        ...(opts.listen !== undefined ? { listen: { port: opts.listen, bars: opts.listenBars, silenceMs: opts.silence * 1000, rounds: opts.rounds ?? null } } : {}),
        onStatus: say,
      };
      try {
        const result = await playLive(options);
        if (result.stopped) throw new Interrupted(`stopped by ${signal ?? 'a signal'} after ${result.notes} notes: every note ended, All Notes Off sent (seed ${result.seed})`);
        say(`played ${result.notes} notes (seed ${result.seed}${result.tempo !== undefined && Number.isFinite(result.tempo) ? `, the clock at ${result.tempo.toFixed(1)} BPM` : ''})`);
      } finally {
        for (const s of SIGNALS) process.off(s, stop);
      }
    });
}
