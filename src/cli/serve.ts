/**
 * `survkit serve`: a static file server (node:http) for the built evaluation
 * page (dist/web/), bound to 127.0.0.1. It serves files only; the page
 * computes everything in the browser and sends nothing back.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { survkitError } from '../core/errors.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** The folder of the built page: dist/web next to dist/cli. */
export const WEB_ROOT = fileURLToPath(new URL('../web/', import.meta.url));

/** A running server. */
export interface PageServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `root` (default {@link WEB_ROOT}) on http://127.0.0.1:`port`/ (0 = any free port).
 *
 * @throws {SurvkitError} (`webNotBuilt`) when `root` has no index.html
 *
 * @example
 * const s = await startServer({ port: 0 });
 * console.log(s.url);
 * await s.close();
 */
export async function startServer(o: { port?: number; root?: string } = {}): Promise<PageServer> {
  const root = resolve(o.root ?? WEB_ROOT);
  if (!existsSync(join(root, 'index.html'))) throw survkitError('webNotBuilt', 'survkit serve', root);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const file = normalize(resolve(root, `.${path.endsWith('/') ? `${path}index.html` : path}`));
    if (req.method !== 'GET' || !(file === root || file.startsWith(root + sep))) {
      res.writeHead(req.method !== 'GET' ? 405 : 403).end();
      return;
    }
    readFile(file).then(
      (body) => {
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
      },
      () => res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'),
    );
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(o.port ?? 8417, '127.0.0.1', () => ok());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : (o.port ?? 8417);
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections(); // a browser keeps idle connections open, which would hold close() back
      }),
  };
}
