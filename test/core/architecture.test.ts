/**
 * The direction of imports between src/ modules (DESIGN.md, "Modules and the
 * direction of imports"): each module imports only modules listed before it
 * in LAYERS, and the TF.js-free modules never reach @tensorflow/* — not even
 * through another module — so that `survkit/metrics` and
 * `survkit/estimators` evaluate a CSV without loading TF.js.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** Bottom to top; a module may import any module before it. */
const LAYERS = [
  'core',
  'data',
  'estimators',
  'metrics',
  'uncertainty',
  'stats',
  'plotting',
  'ops',
  'backbones',
  'losses',
  'heads',
  // backend installs survkit's changes to TF.js: kernel patches, the gamma kernels of ops/ and the layer classes of backbones/ and heads/
  'backend',
  'io',
  'report',
  'models',
  'explain',
  'tabular',
  'cli',
] as const;

/** Modules whose whole import graph must stay free of TF.js. */
const TF_FREE = ['core', 'data', 'estimators', 'metrics', 'uncertainty', 'stats', 'plotting', 'report'];

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Static and dynamic import / export-from specifiers of a source file. */
function specifiers(text: string): string[] {
  const re = /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;
  return [...text.matchAll(re)].map((m) => (m[1] ?? m[2] ?? m[3]) as string);
}

const moduleOf = (file: string): string => relative(SRC, file).split(sep)[0] as string;

const files = filesUnder(SRC);
/** file → resolved local files it imports, plus bare package names. */
const graph = new Map<string, { local: string[]; packages: string[] }>();
for (const f of files) {
  const local: string[] = [];
  const packages: string[] = [];
  for (const s of specifiers(readFileSync(f, 'utf8'))) {
    if (s.startsWith('.')) local.push(resolve(dirname(f), s).replace(/\.js$/, '.ts'));
    else packages.push(s);
  }
  graph.set(f, { local, packages });
}

describe('module layering (DESIGN.md)', () => {
  it('finds the source files and every module is placed in LAYERS', () => {
    expect(files.length).toBeGreaterThan(100);
    const modules = new Set(files.map(moduleOf).filter((m) => !m.endsWith('.ts')));
    for (const m of modules) expect(LAYERS as readonly string[], `module ${m} is not in LAYERS`).toContain(m);
  });

  it('each module imports only modules below it', () => {
    const violations: string[] = [];
    for (const [f, { local }] of graph) {
      const from = moduleOf(f);
      const rank = (LAYERS as readonly string[]).indexOf(from);
      if (rank < 0) continue; // top-level entry points (index.ts, metrics.ts, …)
      for (const target of local) {
        const to = moduleOf(target);
        const toRank = (LAYERS as readonly string[]).indexOf(to);
        if (to !== from && toRank >= rank) violations.push(`${relative(SRC, f)} → ${relative(SRC, target)}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('the TF.js-free modules never reach @tensorflow/*, directly or transitively', () => {
    const violations: string[] = [];
    for (const f of files) {
      if (!TF_FREE.includes(moduleOf(f))) continue;
      const seen = new Set<string>();
      const stack = [f];
      while (stack.length > 0) {
        const g = stack.pop() as string;
        if (seen.has(g)) continue;
        seen.add(g);
        const node = graph.get(g);
        if (node === undefined) continue;
        if (node.packages.some((p) => p.startsWith('@tensorflow/'))) violations.push(`${relative(SRC, f)} reaches TF.js via ${relative(SRC, g)}`);
        stack.push(...node.local);
      }
    }
    expect(violations).toEqual([]);
  });

  it('no module outside cli/ imports cli/ (the CLI is a thin layer over the library)', () => {
    const violations: string[] = [];
    for (const [f, { local }] of graph) {
      if (moduleOf(f) === 'cli') continue;
      for (const target of local) if (moduleOf(target) === 'cli') violations.push(`${relative(SRC, f)} → ${relative(SRC, target)}`);
    }
    expect(violations).toEqual([]);
  });

  it('src/index.ts is the curated API: named exports only, from library modules, never from cli/', () => {
    const index = join(SRC, 'index.ts');
    const text = readFileSync(index, 'utf8');
    expect(text).not.toMatch(/export\s*\*/);
    expect(text).not.toMatch(/^\s*import\s/m); // it only re-exports
    const targets = graph.get(index)?.local ?? [];
    expect(targets.length).toBeGreaterThan(20);
    for (const t of targets) {
      expect((LAYERS as readonly string[]).includes(moduleOf(t)), `${relative(SRC, t)} is in a known module`).toBe(true);
      expect(moduleOf(t)).not.toBe('cli');
    }
  });

  it("every TF.js-free package entry point (package.json 'exports') reaches no @tensorflow/* package", () => {
    const pkg = JSON.parse(readFileSync(resolve(SRC, '../package.json'), 'utf8')) as { exports: Record<string, { import?: string } | string> };
    const entries = Object.entries(pkg.exports)
      .filter(([k]) => k !== '.' && k !== './package.json')
      .map(
        ([k, v]) => [k, resolve(SRC, '..', (typeof v === 'string' ? v : (v.import as string)).replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'))] as const,
      );
    expect(entries.map(([k]) => k)).toEqual(expect.arrayContaining(['./metrics', './estimators', './plotting', './uncertainty', './report', './stats']));
    for (const [name, file] of entries) {
      const seen = new Set<string>();
      const stack = [file];
      while (stack.length > 0) {
        const g = stack.pop() as string;
        if (seen.has(g)) continue;
        seen.add(g);
        const node = graph.get(g);
        expect(node, `${name}: ${relative(SRC, g)} exists`).toBeDefined();
        expect(
          node?.packages.filter((p) => p.startsWith('@tensorflow/')),
          `${name} reaches TF.js via ${relative(SRC, g)}`,
        ).toEqual([]);
        stack.push(...(node?.local ?? []));
      }
      expect(seen.size).toBeGreaterThan(1);
    }
  });

  it('the import scanner sees every import form used in src/', () => {
    const sample = "import { a } from '../heads/x.js';\nexport { b } from '../models/y.js';\nconst m = await import('../cli/z.js');\nimport './side.js';";
    expect(specifiers(sample)).toEqual(['../heads/x.js', '../models/y.js', '../cli/z.js', './side.js']);
  });
});
