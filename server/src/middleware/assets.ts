import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';
import { chooseEncoding } from '../http/negotiate.ts';

export type Asset = {
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
  etag: string;
  type: string;
  cacheControl: string;
};

const types: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The widget's URL is fixed (site owners put it in their pages), and its modules import one
 * another by name: a browser that kept an older `chat-widget.js` beside a newer
 * `chat-conversation.js` would break. So every file is revalidated on every load, by its ETag:
 * a 304 with no body while nothing changed, the new files together once something did.
 * Public, so that a CDN in front may keep them too.
 */
function cacheControlFor(path: string): string {
  return path.endsWith('.html') ? 'no-cache' : 'public, no-cache';
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

/**
 * Reads the built files once, compressed ahead of time: the widget is fetched on every page
 * of every site that embeds it, so no request pays for compression.
 */
export function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!existsSync(dir)) return assets;
  for (const file of walk(dir)) {
    const type = types[extname(file)];
    if (!type) continue;
    const identity = readFileSync(file);
    const path = `/${relative(dir, file).split(sep).join('/')}`;
    const asset: Asset = {
      identity,
      gzip: gzipSync(identity, { level: 9 }),
      br: brotliCompressSync(identity, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
      etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 27)}"`,
      type,
      cacheControl: cacheControlFor(path),
    };
    assets.set(path, asset);
    if (path.endsWith('/index.html')) assets.set(path.slice(0, -'index.html'.length), asset);
  }
  return assets;
}

export function serveAssets(assets: Map<string, Asset>): MiddlewareHandler {
  return async function serveAssets(c, next) {
    const method = c.req.method;
    const asset = method === 'GET' || method === 'HEAD' ? assets.get(c.req.path) : undefined;
    if (!asset) return next();
    const headers: Record<string, string> = {
      'Content-Type': asset.type,
      'Cache-Control': asset.cacheControl,
      ETag: asset.etag,
      Vary: 'Accept-Encoding',
      'X-Content-Type-Options': 'nosniff',
    };
    // A page of any origin loads the widget as a module, which browsers fetch with CORS.
    if (asset.type.startsWith('text/javascript')) headers['Access-Control-Allow-Origin'] = '*';
    const ifNoneMatch = c.req.header('if-none-match');
    if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === asset.etag)) {
      return c.body(null, 304, headers);
    }
    const encoding = chooseEncoding(c.req.header('accept-encoding'));
    if (encoding !== 'identity') headers['Content-Encoding'] = encoding;
    const body = asset[encoding];
    headers['Content-Length'] = String(body.byteLength);
    if (method === 'HEAD') return c.body(null, 200, headers);
    return c.body(new Uint8Array(body), 200, headers);
  };
}
