/**
 * What the commands that run the convolutional harmoniser share (accompany's
 * chorale style, infill): its model, the bundled one unless -m names
 * another, refused in one line when it cannot fill in music; and the Gibbs
 * sampler's options.
 */
import type { Command } from 'commander';
import { GIBBS_DEFAULTS, MusegenError, harmonise, infillOf, type Generator, type Score } from '../src/index.js';
import { loadJobModel } from './job-model.js';
import { decimal, optionParser, wholeNumber } from './options.js';

/** The bundled harmoniser's folder name under models/. */
export const HARMONISER = 'chorale';

export interface GibbsCliOptions {
  temp: number;
  steps: number;
  /** Seconds. */
  budget?: number;
  seed?: number;
}

/** The temperature the harmoniser draws at when none is given. */
export const HARMONISER_TEMPERATURE = 0.9;

const positiveDecimal = (what: string) => (text: string): number => {
  const x = decimal(text);
  if (!(x > 0)) throw new MusegenError('BAD_ARGUMENT', `${what} must be above 0, not ${text}`);
  return x;
};

/** Add the Gibbs sampler's --steps and --budget to a command (`prefix` names the style they apply to in its help). */
export function gibbsCliOptions(command: Command, prefix = ''): Command {
  return command
    .option('--steps <n>', `${prefix}Gibbs steps (Coconet's annealed schedule): more is slower and more coherent`, optionParser(wholeNumber), GIBBS_DEFAULTS.steps)
    .option('--budget <seconds>', `${prefix}stop the Gibbs steps after this long, whatever --steps says`, optionParser(positiveDecimal('the time budget')));
}

/** The harmoniser at `model` (default: the bundled one); throws one clear line when it is missing or not a conv model. */
export async function loadHarmoniser(model: string | undefined): Promise<Generator> {
  const job = { bundled: HARMONISER, what: 'harmoniser', train: 'musegen train chorales/ --kind conv', check: (g: Generator) => infillOf(g) };
  return (await loadJobModel(model, job)).generator;
}

/** What accompany's chorale style was asked. */
export interface ChoraleRequest extends GibbsCliOptions {
  model?: string;
  voices?: string;
}

/** accompany --style chorale: the melody harmonised in four parts; the Score and a line saying what was done. */
export async function harmoniseForCli(tune: Score, opts: ChoraleRequest, warn: (line: string) => void): Promise<{ score: Score; summary: string }> {
  const generator = await loadHarmoniser(opts.model);
  try {
    const h = harmonise(generator, tune, {
      temperature: opts.temp, steps: opts.steps, budgetMs: opts.budget === undefined ? null : opts.budget * 1000,
      ...(opts.voices ? { voices: opts.voices.split(',') } : {}), ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    });
    for (const line of h.warnings) warn(line);
    const written = h.score.parts.slice(1).map((p) => p.name.toLowerCase());
    return { score: h.score, summary: `${written.join(', ')} under the melody (${h.steps} Gibbs steps, temperature ${opts.temp}, seed ${h.seed})` };
  } finally {
    generator.dispose();
  }
}
