/**
 * Serves the built web console (dist/console/, made by `npm run build`) under /_sluice/console/.
 *
 * The console is a static single-page app: files that exist are served with their content type
 * (fingerprinted files under assets/ cached for a year, everything else revalidated); a path that
 * names a file (has an extension) but does not exist is a 404; any other path is a page of the app
 * and gets index.html (the SPA fallback). The console talks to Sluice only through the public AWS
 * APIs on the same port.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SluiceRequest, SluiceResponse } from '../server/types.js';

export const CONSOLE_PATH = '/_sluice/console/';

/** dist/console/ next to the compiled dist/src/console/server.js. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../console/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** The console needs nothing from elsewhere; say so to the browser. */
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'",
};

interface CachedFile {
  readonly body: Buffer;
  readonly etag: string;
  readonly mtimeMs: number;
}

const text = (status: number, message: string, extra: Record<string, string> = {}): SluiceResponse => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS, ...extra },
  body: Buffer.from(message + '\n'),
});

export interface ConsoleHandler {
  (req: SluiceRequest): Promise<SluiceResponse>;
}

/** A handler for every request whose path starts with /_sluice/console. */
export function createConsoleHandler(dir: string = DEFAULT_CONSOLE_DIR): ConsoleHandler {
  const root = normalize(dir.endsWith(sep) ? dir : dir + sep);
  const cache = new Map<string, CachedFile>();

  async function load(file: string): Promise<CachedFile | undefined> {
    let info;
    try {
      info = await stat(file);
    } catch {
      return undefined;
    }
    if (!info.isFile()) return undefined;
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === info.mtimeMs) return hit;
    const body = await readFile(file);
    const entry = { body, etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`, mtimeMs: info.mtimeMs };
    cache.set(file, entry);
    return entry;
  }

  return async (req) => {
    if (req.path === '/_sluice/console') {
      return { status: 301, headers: { location: CONSOLE_PATH, 'cache-control': 'no-store' }, body: Buffer.alloc(0) };
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return text(405, `${req.method} is not allowed here; the console is read with GET`, { allow: 'GET, HEAD' });
    }
    let rel: string;
    try {
      rel = decodeURIComponent(req.path.slice(CONSOLE_PATH.length));
    } catch {
      return text(400, 'Malformed path');
    }
    if (rel.includes('\0')) return text(400, 'Malformed path');
    const wanted = normalize(join(root, rel));
    if (!wanted.startsWith(root) && wanted + sep !== root) return text(404, `Not found: ${req.path}`);

    const isFile = extname(rel) !== '';
    const index = join(root, 'index.html');
    const file = isFile ? wanted : index;
    const found = await load(file);
    if (!found) {
      if (file === index) {
        return text(503, 'The console has not been built: run `npm run build` (or `npm install`), then reload.');
      }
      return text(404, `Not found: ${req.path}`);
    }
    const immutable = isFile && rel.startsWith('assets/');
    const headers: Record<string, string> = {
      'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      etag: found.etag,
      ...SECURITY_HEADERS,
    };
    if (req.headers['if-none-match'] === found.etag) return { status: 304, headers, body: Buffer.alloc(0) };
    // For HEAD, Node sends the headers (content-length of the GET) and drops the body.
    return { status: 200, headers, body: found.body };
  };
}
