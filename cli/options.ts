/** Turning the library's argument parsers into commander option parsers, so a bad value is a usage error (exit 2). */
import { InvalidArgumentError } from 'commander';
import { MusegenError, errorMessage } from '../src/index.js';

export function optionParser<T>(parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text);
    } catch (e) {
      throw new InvalidArgumentError(errorMessage(e));
    }
  };
}

/** A whole number ("12"); anything else is refused with the text given. */
export function wholeNumber(text: string): number {
  const n = Number(text);
  if (!/^\s*-?\d+\s*$/.test(text) || !Number.isSafeInteger(n)) throw new MusegenError('BAD_ARGUMENT', `"${text}" is not a whole number`);
  return n;
}

/** A decimal number ("0.8", "1e-3"). */
export function decimal(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new MusegenError('BAD_ARGUMENT', `"${text}" is not a number`);
  return n;
}
