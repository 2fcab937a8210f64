/**
 * Where `survkit train --out` saves a model, safely: the directory is checked
 * (and its parents created, one level at a time) before training, the model is
 * written to a temporary sibling and then renamed into place, so that a crash
 * or a kill during the save leaves the old model or the new one, never a
 * half-written one. A non-empty directory that is not a survkit model is never
 * overwritten, and a survkit model only with `force`.
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { survkitError } from '../core/errors.js';

/** Creates `dir` and its missing parents one level at a time (a recursive mkdir can loop forever under /proc). */
function makeDirs(fn: string, dir: string, target: string): void {
  const missing: string[] = [];
  let p = resolve(target);
  for (;;) {
    let st;
    try {
      st = statSync(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw survkitError('outDir', fn, dir, `${p} cannot be read (${(err as Error).message})`);
      missing.push(p);
      const up = dirname(p);
      if (up === p) break;
      p = up;
      continue;
    }
    if (!st.isDirectory()) throw survkitError('outDir', fn, dir, `${p} exists and is not a directory`);
    break;
  }
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
    } catch (err) {
      throw survkitError('outDir', fn, dir, `the directory ${m} cannot be created (${(err as Error).message})`);
    }
  }
}

/** What is at `dir` now: nothing (or an empty directory), a survkit model, or something else. */
function existing(fn: string, dir: string): 'none' | 'model' {
  if (!existsSync(dir)) return 'none';
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw survkitError('outDir', fn, dir, 'it exists and is not a directory');
  const entries = readdirSync(dir);
  if (entries.length === 0) return 'none';
  if (entries.includes('survkit.json')) return 'model';
  throw survkitError(
    'outDir',
    fn,
    dir,
    `it is a non-empty directory that is not a survkit model (${entries.length} entries); survkit never overwrites it — choose another --out`,
  );
}

/**
 * Checks before training that the model can be saved at `dir`: creates its parent, checks that a temporary
 * sibling can be written there, and refuses an existing model (without `force`) or any other non-empty directory.
 *
 * @throws {SurvkitError} `outDir` naming the directory and the reason
 */
export function checkOutDir(fn: string, dir: string, force: boolean): void {
  if (existing(fn, dir) === 'model' && !force) throw survkitError('outDir', fn, dir, 'it already holds a survkit model; use --force to replace it');
  const parent = dirname(resolve(dir));
  makeDirs(fn, dir, parent);
  let probe: string;
  try {
    probe = mkdtempSync(join(parent, `.${basename(dir)}.survkit-tmp-`));
  } catch (err) {
    throw survkitError('outDir', fn, dir, `nothing can be written in ${parent} (${(err as Error).message})`);
  }
  rmSync(probe, { recursive: true, force: true });
}

/**
 * Saves through `save` into a temporary sibling of `dir`, then renames it to `dir` (replacing an existing
 * model, which {@link checkOutDir} allowed only with `force`).
 *
 * @throws {SurvkitError} `outDir` when writing or renaming fails (the temporary directory is removed)
 */
export async function saveAtomically(fn: string, dir: string, force: boolean, save: (tmp: string) => Promise<void>): Promise<void> {
  const kind = existing(fn, dir);
  if (kind === 'model' && !force) throw survkitError('outDir', fn, dir, 'it already holds a survkit model; use --force to replace it');
  const target = resolve(dir);
  const tmp = mkdtempSync(join(dirname(target), `.${basename(target)}.survkit-tmp-`));
  try {
    await save(tmp);
    if (kind === 'model') {
      const old = `${tmp}-old`;
      renameSync(target, old);
      renameSync(tmp, target);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, target);
    }
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (err instanceof Error && err.name === 'SurvkitError') throw err;
    throw survkitError('outDir', fn, dir, (err as Error).message);
  }
}
