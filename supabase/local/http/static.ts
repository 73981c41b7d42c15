import type { IncomingMessage, ServerResponse } from 'node:http';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { sendJson } from './respond.ts';

const gzip = promisify(gzipCallback);

/** Text and vector tiles shrink by two thirds or more; images and fonts are compressed already. */
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.webmanifest', '.svg', '.txt', '.geojson', '.pbf', '.wasm']);
/** Bytes of gzipped files kept in memory (a built app and its basemap tiles fit many times). */
const GZIP_CACHE_BYTES = 128 * 2 ** 20;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.pbf': 'application/x-protobuf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.geojson': 'application/geo+json',
  '.bin': 'application/octet-stream',
};

export type StaticHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

/**
 * Serves a built single-page app from root: files by path, `index.html` for any other GET that
 * accepts HTML (client-side routes), 404 for missing assets. Paths are resolved and must stay
 * inside root, so `..` or encoded separators cannot escape it.
 */
export function createStaticHandler(root: string): StaticHandler {
  const base = resolve(root);
  const gzipped = new GzipCache(GZIP_CACHE_BYTES);
  return async (req, res, url) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { message: 'Method not allowed' }, { Allow: 'GET, HEAD' });
      return;
    }
    let relative: string;
    try {
      relative = decodeURIComponent(url.pathname);
    } catch {
      sendJson(res, 400, { message: 'Bad path' });
      return;
    }
    if (relative.includes('\0')) {
      sendJson(res, 400, { message: 'Bad path' });
      return;
    }
    const target = resolve(base, '.' + relative);
    if (target !== base && !target.startsWith(base + sep)) {
      sendJson(res, 404, { message: 'Not found' });
      return;
    }
    const file = await findFile(target);
    const immutable = relative.startsWith('/assets/') || /^\/basemap\/[\w-]+-[0-9a-f]{10}[/.]/.test(relative);
    if (file) return sendFile(req, res, file, immutable, gzipped);
    const wantsHtml = extname(relative) === '' || (req.headers.accept ?? '').includes('text/html');
    const index = wantsHtml ? await findFile(resolve(base, 'index.html')) : null;
    if (index) return sendFile(req, res, index, false, gzipped);
    sendJson(res, 404, { message: 'Not found' });
  };
}

async function findFile(path: string): Promise<{ path: string; size: number; mtime: Date } | null> {
  try {
    const s = await stat(path);
    if (s.isFile()) return { path, size: s.size, mtime: s.mtime };
    if (s.isDirectory()) {
      const index = resolve(path, 'index.html');
      const si = await stat(index);
      if (si.isFile()) return { path: index, size: si.size, mtime: si.mtime };
    }
  } catch {
    return null;
  }
  return null;
}

type FileInfo = { path: string; size: number; mtime: Date };

/**
 * Gzipped copies of served files, made on first request and kept (least recently used out past
 * `limit` bytes); a file changed on disk (size or time) is compressed again.
 */
class GzipCache {
  private entries = new Map<string, { key: string; body: Buffer }>();
  private bytes = 0;
  constructor(private readonly limit: number) {}

  async get(file: FileInfo): Promise<Buffer> {
    const key = `${file.size}:${file.mtime.getTime()}`;
    const held = this.entries.get(file.path);
    if (held && held.key === key) {
      this.entries.delete(file.path);
      this.entries.set(file.path, held);
      return held.body;
    }
    const body = await gzip(await readFile(file.path), { level: 9 });
    if (held) this.bytes -= held.body.length;
    this.entries.delete(file.path);
    this.entries.set(file.path, { key, body });
    this.bytes += body.length;
    for (const [path, entry] of this.entries) {
      if (this.bytes <= this.limit) break;
      this.entries.delete(path);
      this.bytes -= entry.body.length;
    }
    return body;
  }
}

async function sendFile(req: IncomingMessage, res: ServerResponse, file: FileInfo, immutable: boolean, gzipped: GzipCache) {
  const ext = extname(file.path).toLowerCase();
  const headers: Record<string, string | number> = {
    'Content-Type': TYPES[ext] ?? 'application/octet-stream',
    'Content-Length': file.size,
    'Last-Modified': file.mtime.toUTCString(),
    // Content-hashed names (Vite's assets/, the basemap's files and tile folders) are cached for
    // ever; everything else must revalidate.
    'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  };
  if (COMPRESSIBLE.has(ext)) headers.Vary = 'Accept-Encoding';
  if (COMPRESSIBLE.has(ext) && file.size > 512 && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
    const body = await gzipped.get(file);
    res.writeHead(200, { ...headers, 'Content-Encoding': 'gzip', 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await new Promise<void>((done) => {
    const stream = createReadStream(file.path);
    stream.on('error', () => {
      res.destroy();
      done();
    });
    stream.on('end', done);
    stream.pipe(res);
  });
}
