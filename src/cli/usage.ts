/**
 * What every `survkit` command shares: where it writes, the usage error
 * (one line on stderr, exit 2), flag value parsing and the error-to-exit-code map.
 */
import { SurvkitError } from '../core/errors.js';
import { messages } from '../core/messages.js';
import type { CsvOptions } from '../io/csv.js';
import { parseNumber } from '../io/predictions.js';

/** Where the command writes. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** A usage error: printed as one line, exit code 2. */
export class UsageError extends Error {}

/** Parses a numeric flag value, or throws a {@link UsageError} saying what `--flag` must be. */
export function numberFlag(flag: string, text: string, what: string, ok: (v: number) => boolean): number {
  const v = parseNumber(text);
  if (v === undefined || !ok(v)) throw new UsageError(`--${flag} must be ${what}; got ${JSON.stringify(text)}`);
  return v;
}

/** Parses a choice flag, or throws a {@link UsageError} listing the choices. */
export function choiceFlag<T extends string>(flag: string, text: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text))
    throw new UsageError(`--${flag} must be ${choices.join(', ').replace(/, ([^,]*)$/, ' or $1')}; got ${JSON.stringify(text)}`);
  return text as T;
}

/**
 * Writes an error and returns the exit code: usage errors and SurvkitErrors
 * (bad input) as one line and 2, anything else with its stack and 1.
 */
export function reportError(err: unknown, io: CliIo): number {
  if (err instanceof UsageError) {
    io.stderr(`${messages.cliUsage(err.message)}\n`);
    return 2;
  }
  if (err instanceof SurvkitError) {
    io.stderr(`${err.message}\n`);
    return 2;
  }
  const e = err as Error;
  io.stderr(`survkit: unexpected error: ${e.stack ?? String(e)}\n`);
  return 1;
}

/** The --delimiter and --decimal flags (a tab may be written '\\t' or 'tab'). */
export function csvFlags(delimiter: string | undefined, decimal: string | undefined): CsvOptions {
  const o: CsvOptions = {};
  if (delimiter !== undefined) {
    const d = delimiter === '\\t' || delimiter === 'tab' ? '\t' : delimiter;
    if (d.length !== 1 || d === '"')
      throw new UsageError(`--delimiter must be one character (',', ';', '\\t' for a tab, '|'); got ${JSON.stringify(delimiter)}`);
    o.delimiter = d;
  }
  if (decimal !== undefined) o.decimal = choiceFlag('decimal', decimal, ['.', ','] as const);
  if (o.decimal === ',' && (o.delimiter ?? ',') === ',') throw new UsageError("--decimal ',' needs another delimiter (--delimiter ';')");
  return o;
}
