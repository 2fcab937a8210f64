import { messages, type MessageKey } from './messages.js';

/**
 * The one error type survkit throws for bad input. `fn` is the public
 * function that rejected the input, `arg` the argument or option at fault,
 * and `code` the key of the message in the catalogue (`src/core/messages.ts`).
 */
export class SurvkitError extends Error {
  override readonly name = 'SurvkitError';
  constructor(
    readonly code: MessageKey,
    readonly fn: string,
    readonly arg: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

type Args<K extends MessageKey> = Parameters<(typeof messages)[K]>;

/**
 * Builds a {@link SurvkitError} from the catalogue. The first two catalogue
 * parameters are conventionally the function and the argument name.
 */
export function survkitError<K extends MessageKey>(code: K, ...args: Args<K>): SurvkitError {
  const build = messages[code] as (...a: Args<K>) => string;
  const fn = typeof args[0] === 'string' ? args[0] : 'survkit';
  const arg = typeof args[1] === 'string' ? args[1] : undefined;
  return new SurvkitError(code, fn, arg, build(...args));
}
