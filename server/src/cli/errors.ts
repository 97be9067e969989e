import { parseArgs, ParseArgsConfig } from 'node:util';
import { didYouMean } from '../engine';

/** A problem with the command line or its inputs: reported on stderr, exit status 2. */
export class UsageError extends Error {}

/** An invalid configuration file (its message names the file, line and value): exit status 2. */
export class ConfigFileError extends UsageError {}

/** `parseArgs` with positionals, every failure a UsageError (unknown options get a "did you mean"). */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options });
  } catch (e) {
    const m = /Unknown option '(--?[^']+)'/.exec((e as Error).message);
    if (m) throw new UsageError(`unknown option '${m[1]}'${didYouMean(m[1], Object.keys(options).map((o) => '--' + o))}`);
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
}
