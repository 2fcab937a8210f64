/** Reading a whole binary file with the `dataFile` message (missing file, a directory, or the system's reason). */
import { readFile } from 'node:fs/promises';
import { survkitError } from '../core/errors.js';

/**
 * The bytes of the file at `path`.
 * @throws {SurvkitError} `dataFile` naming `fn`, the argument `arg`, the path and why it cannot be read
 */
export async function readFileBytes(fn: string, arg: string, path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    const code = (e as { code?: string }).code;
    const problem = code === 'ENOENT' ? 'the file does not exist' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw survkitError('dataFile', fn, arg, path, problem);
  }
}
