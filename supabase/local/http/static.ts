import type { IncomingMessage, ServerResponse } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { sendJson } from './respond.ts';

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
    if (file) return sendFile(req, res, file, relative.startsWith('/assets/'));
    const wantsHtml = extname(relative) === '' || (req.headers.accept ?? '').includes('text/html');
    const index = wantsHtml ? await findFile(resolve(base, 'index.html')) : null;
    if (index) return sendFile(req, res, index, false);
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

async function sendFile(req: IncomingMessage, res: ServerResponse, file: { path: string; size: number; mtime: Date }, immutable: boolean) {
  res.writeHead(200, {
    'Content-Type': TYPES[extname(file.path).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': file.size,
    'Last-Modified': file.mtime.toUTCString(),
    // Vite puts content-hashed names under assets/; everything else must revalidate.
    'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  });
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
