/**
 * `npm run build:web`: bundles the evaluation page (web/app.ts → dist/web/app.js,
 * one classic script so that the page also runs opened from a file, with the
 * worker web/worker.ts inside it as the source of a module worker) and the
 * browser builds of survkit/metrics, survkit/estimators, survkit/plotting and
 * survkit/report (dist/browser/*.js, ESM). Node built-ins are refused in the
 * browser builds; in the page the Node imports on its path (node:fs and
 * node:string_decoder of the CSV file readers, never called there) are replaced
 * by stubs that throw.
 */
import { builtinModules } from 'node:module';
import { copyFileSync, mkdirSync } from 'node:fs';
import { build, type Plugin } from 'esbuild';

const NODE = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** Fails the build on any import of a Node built-in. */
export const refuseNode: Plugin = {
  name: 'refuse-node-builtins',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) =>
      NODE.has(args.path) ? { errors: [{ text: `Node built-in "${args.path}" imported by ${args.importer} (browser builds must not use Node)` }] } : undefined,
    );
  },
};

/** Replaces node:fs and node:string_decoder (the CSV file readers', unused in the page) by functions that throw. */
const stubFs: Plugin = {
  name: 'stub-node-fs',
  setup(b) {
    b.onResolve({ filter: /^node:(fs|string_decoder)$/ }, (args) => ({ path: args.path, namespace: 'stub' }));
    b.onLoad({ filter: /^node:fs$/, namespace: 'stub' }, () => ({
      contents: ['closeSync', 'openSync', 'readFileSync', 'readSync', 'statSync']
        .map((f) => `export function ${f}() { throw new Error('${f}: reading files from disk is not available in the browser; pass the file text'); }`)
        .join('\n'),
    }));
    b.onLoad({ filter: /^node:string_decoder$/, namespace: 'stub' }, () => ({
      contents:
        "export class StringDecoder { constructor() { throw new Error('StringDecoder: reading files from disk is not available in the browser; pass the file text'); } }",
    }));
    b.onResolve({ filter: /.*/ }, (args) =>
      NODE.has(args.path) ? { errors: [{ text: `Node built-in "${args.path}" imported by ${args.importer}` }] } : undefined,
    );
  },
};

/** The sub-entries built for browsers. */
export const BROWSER_ENTRIES: Record<string, string> = {
  metrics: 'src/metrics/index.ts',
  estimators: 'src/estimators/index.ts',
  plotting: 'src/plotting/index.ts',
  report: 'src/report/browser.ts',
};

export async function buildWeb(out = 'dist'): Promise<void> {
  mkdirSync(`${out}/web`, { recursive: true });
  // the worker (reading, parsing, metrics) as one ES module, put into the page's script as a string and started from a blob: URL
  const worker = await build({
    entryPoints: ['web/worker.ts'],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    write: false,
    plugins: [stubFs],
    logLevel: 'warning',
  });
  await build({
    entryPoints: ['web/app.ts'],
    define: { SURVKIT_WORKER_SOURCE: JSON.stringify(worker.outputFiles[0]?.text ?? '') },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    outfile: `${out}/web/app.js`,
    plugins: [stubFs],
    logLevel: 'warning',
  });
  copyFileSync('web/index.html', `${out}/web/index.html`);
  await build({
    entryPoints: BROWSER_ENTRIES,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    outdir: `${out}/browser`,
    plugins: [refuseNode],
    logLevel: 'warning',
  });
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  const t0 = performance.now();
  await buildWeb();
  console.log(`built dist/web (the evaluation page) and dist/browser (ESM builds) in ${Math.round(performance.now() - t0)} ms`);
}
