/**
 * Every example in README.md and docs/*.md runs here, so the documentation
 * stays true. TypeScript blocks (```ts) run with tsx and import the built
 * package by its own name (`import { … } from 'survkit'`); shell blocks
 * (```sh) whose lines start with `survkit ` run the built CLI. A block
 * preceded by `<!-- example: skip -->` is not run (set-up commands).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const scratch = join(root, 'test', '.doc-examples');

interface Block {
  file: string;
  line: number;
  lang: string;
  code: string;
}

function blocks(file: string): Block[] {
  const text = readFileSync(join(root, file), 'utf8');
  const out: Block[] = [];
  const re = /(<!-- example: skip -->\s*\n)?```(\w+)\n([\s\S]*?)```/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[1] !== undefined) continue;
    const lang = m[2] ?? '';
    const line = text.slice(0, m.index).split('\n').length;
    out.push({ file, line, lang, code: m[3] ?? '' });
  }
  return out;
}

/** Runs node with `args`; on failure, throws with the end of stderr only (minified sources can fill a screen). */
function run(args: string[], stream: 'stdout' | 'stderr' = 'stderr'): void {
  try {
    execFileSync(process.execPath, args, { cwd: root, stdio: 'pipe', timeout: 120_000 });
  } catch (err) {
    const e = err as { stderr?: Buffer; stdout?: Buffer; message: string };
    const tail = (e[stream]?.toString() ?? e.message).split('\n').filter((l) => l.length < 400).slice(-15).join('\n');
    throw new Error(`example failed:\n${tail}`);
  }
}

const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const all = docs.flatMap(blocks);
const tsBlocks = all.filter((b) => b.lang === 'ts' || b.lang === 'typescript');
const shBlocks = all.filter((b) => (b.lang === 'sh' || b.lang === 'bash') && /^survkit /m.test(b.code));

describe('documentation examples run', () => {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });

  it('finds examples to run', () => {
    expect(tsBlocks.length + shBlocks.length).toBeGreaterThan(0);
  });

  it('type-checks every TypeScript example', () => {
    tsBlocks.forEach((b, k) => writeFileSync(join(scratch, `example-${k}.ts`), `// ${b.file}:${b.line}\n${b.code}`));
    writeFileSync(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({ extends: '../../tsconfig.json', compilerOptions: { noEmit: true, rootDir: '.' }, include: ['*.ts'], exclude: [] }),
    );
    run([join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(scratch, 'tsconfig.json')], 'stdout');
  });

  for (const [k, b] of tsBlocks.entries()) {
    it(`${b.file}:${b.line} (ts)`, () => {
      const path = join(scratch, `example-${k}.ts`);
      writeFileSync(path, b.code);
      run([join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path]);
    });
  }

  for (const b of shBlocks) {
    it(`${b.file}:${b.line} (sh)`, () => {
      for (const cmd of b.code.split('\n').filter((l) => l.startsWith('survkit '))) {
        const args = cmd.replace(/^survkit /, '').match(/"[^"]*"|\S+/g) ?? [];
        run([join(root, 'dist', 'cli', 'main.js'), ...args.map((a) => a.replace(/^"|"$/g, ''))]);
      }
    });
  }
});
