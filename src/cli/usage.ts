/**
 * What every `survkit` command shares: where it writes, the usage error
 * (one line on stderr, exit 2), flag value parsing and the error-to-exit-code map.
 */
import { SurvkitError } from '../core/errors.js';
import { messages } from '../core/messages.js';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closestName } from '../core/closest.js';
import type { CsvOptions } from '../io/csv.js';
import { parseNumber } from '../io/csv-cells.js';

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

type FlagOptions = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs with survkit's rules: a negative number after an option that takes a value is that value
 * (`--tau -1` reads as `--tau=-1`, then the option's own rule judges it), and an unknown option names the closest
 * known one ("unknown option --frmat; did you mean --format?").
 *
 * @throws {UsageError} for an unknown option, a missing value or a repeated/odd flag
 */
export function parseFlags(args: readonly string[], options: FlagOptions): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const takesValue = (a: string): boolean => {
    if (!a.startsWith('-') || a.includes('=')) return false;
    const name = a.startsWith('--') ? a.slice(2) : Object.keys(options).find((k) => options[k]?.short === a.slice(1));
    return name !== undefined && options[name]?.type === 'string';
  };
  const argv: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const next = args[i + 1];
    if (a === '--') {
      argv.push(...args.slice(i));
      break;
    }
    if (next !== undefined && takesValue(a) && /^-(\d|\.\d|Infinity|NaN)/.test(next)) {
      argv.push(`${a.startsWith('--') ? a : `--${Object.keys(options).find((k) => options[k]?.short === a.slice(1)) ?? ''}`}=${next}`);
      i++;
      continue;
    }
    argv.push(a);
  }
  try {
    const r = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const m = /Unknown option '(-{1,2})([^'=]*)/.exec(e.message);
      const given = m?.[2] ?? '';
      const near = closestName(given, Object.keys(options));
      throw new UsageError(`unknown option ${m?.[1] ?? '--'}${given}${near === undefined ? '' : `; did you mean --${near}?`}`);
    }
    const missing = /Option '(-[^' ]*)[^']*' argument missing/.exec(e.message);
    if (missing !== null) throw new UsageError(`${missing[1] as string} needs a value`);
    throw new UsageError(e.message.split('\n')[0]);
  }
}
