/** Turning the library's argument parsers into commander option parsers, so a bad value is a usage error (exit 2). */
import { InvalidArgumentError } from 'commander';
import { errorMessage } from '../src/index.js';

export function optionParser<T>(parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text);
    } catch (e) {
      throw new InvalidArgumentError(errorMessage(e));
    }
  };
}
