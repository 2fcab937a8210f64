/**
 * Every notebook in notebooks/ is well-formed for Deno's Jupyter kernel,
 * type-checks, and runs from the first cell to the last (under Node, with
 * notebooks/run.ts, as `npm run notebooks` does).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const dir = join(root, 'notebooks');
const scratch = join(root, 'test', '.notebooks');
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ipynb'))
  .sort();

interface Nb {
  nbformat: number;
  metadata: { kernelspec?: { name?: string; language?: string } };
  cells: { cell_type: string; id?: string; source: string[] | string }[];
}

/** Runs node; on failure throws with the end of its output. */
function run(args: string[], timeout: number): string {
  try {
    return execFileSync(process.execPath, args, { cwd: root, stdio: 'pipe', timeout }).toString();
  } catch (err) {
    const e = err as { stderr?: Buffer; stdout?: Buffer; message: string };
    const tail = `${e.stdout?.toString() ?? ''}\n${e.stderr?.toString() ?? e.message}`
      .split('\n')
      .filter((l) => l.length < 400)
      .slice(-25)
      .join('\n');
    throw new Error(`failed:\n${tail}`);
  }
}

describe('notebooks', () => {
  it('there are notebooks', () => {
    expect(files.length).toBeGreaterThanOrEqual(1);
  });

  for (const f of files) {
    it(`${f} is nbformat 4 for the Deno kernel, with unique cell ids and code and prose`, () => {
      const nb = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Nb;
      expect(nb.nbformat).toBe(4);
      expect(nb.metadata.kernelspec).toMatchObject({ name: 'deno', language: 'typescript' });
      const ids = nb.cells.map((c) => c.id);
      expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
      expect(nb.cells.some((c) => c.cell_type === 'code')).toBe(true);
      expect(nb.cells.some((c) => c.cell_type === 'markdown')).toBe(true);
    });
  }

  it('type-check (the code cells of each notebook as one module)', () => {
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { recursive: true });
    run([tsx, join(dir, 'run.ts'), '--emit-dir', scratch], 60_000);
    writeFileSync(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({ extends: '../../tsconfig.json', compilerOptions: { noEmit: true, rootDir: '.' }, include: ['*.ts'], exclude: [] }),
    );
    run([join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(scratch, 'tsconfig.json')], 120_000);
  }, 180_000);

  for (const f of files) {
    it(`${f} runs from the first cell to the last`, () => {
      const out = run([tsx, join(dir, 'run.ts'), join(dir, f)], 600_000);
      expect(out).toMatch(new RegExp(`${f.replace('.ipynb', '')}: \\d+ code cells, [\\d.]+ s, ok`));
    }, 620_000);
  }
});
