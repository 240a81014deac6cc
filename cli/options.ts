/** Turning the library's argument parsers into commander option parsers, so a bad value is a usage error (exit 2). */
import { InvalidArgumentError, type Command } from 'commander';
import { MusegenError, errorMessage, isMusegenError, type PartChoice } from '../src/index.js';

export function optionParser<T>(parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text);
    } catch (e) {
      throw new InvalidArgumentError(errorMessage(e));
    }
  };
}

/** A parser for an option given again and again: each value parsed (refusals as optionParser's) and added to the list. */
export function repeatable<T>(parse: (text: string) => T): (text: string, previous: T[] | undefined) => T[] {
  const one = optionParser(parse);
  return (text, previous) => [...(previous ?? []), one(text)];
}

/** A whole number ("12"); anything else is refused with the text given. */
export function wholeNumber(text: string): number {
  const n = Number(text);
  if (!/^\s*-?\d+\s*$/.test(text) || !Number.isSafeInteger(n)) throw new MusegenError('BAD_ARGUMENT', `"${text}" is not a whole number`);
  return n;
}

/** A piece of a file that holds several (ABC tunes), counted from 1. */
export function pieceNumber(text: string): number {
  const n = wholeNumber(text);
  if (n < 1) throw new MusegenError('BAD_ARGUMENT', `pieces are counted from 1, not ${n}`);
  return n;
}

/** A decimal number ("0.8", "1e-3"). */
export function decimal(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new MusegenError('BAD_ARGUMENT', `"${text}" is not a number`);
  return n;
}

/** Run a check of the options given together (one that no single option's parser can make): a bad argument is a usage error (exit 2). */
export function checkedOptions<T>(command: Command, check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (isMusegenError(e) && e.code === 'BAD_ARGUMENT') command.error(errorMessage(e), { exitCode: 2, code: 'musegen.usage' });
    throw e;
  }
}

/** --part: an index (2), top, merged, or a part's name (Soprano). */
export function parsePartChoice(text: string): PartChoice {
  if (text === 'merged' || text === 'top') return text;
  if (/^\s*\d+\s*$/.test(text)) return wholeNumber(text.trim());
  if (text.trim() === '') throw new MusegenError('BAD_ARGUMENT', '--part needs a part: its index (0 is the first), its name, top or merged');
  return { name: text.trim() };
}
