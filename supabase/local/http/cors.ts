import type { IncomingMessage, ServerResponse } from 'node:http';

const EXPOSED = [
  'Content-Range',
  'Content-Location',
  'Location',
  'Preference-Applied',
  'Range-Unit',
  'X-Total-Count',
  'Link',
  'X-Supabase-Api-Version',
  'X-Sb-Error-Code',
  'Retry-After',
].join(', ');

const ALLOWED_HEADERS =
  'authorization, x-client-info, apikey, content-type, accept, accept-profile, content-profile, prefer, range, range-unit, x-retry-count, x-supabase-api-version';

/**
 * Adds CORS headers to every response (the app may run on Vite's dev origin) and answers a
 * preflight. Returns true when the request was a preflight and has been answered.
 */
export function applyCors(req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  res.setHeader('Access-Control-Allow-Origin', origin ?? '*');
  if (origin) {
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Vary', 'Origin');
  }
  res.setHeader('Access-Control-Expose-Headers', EXPOSED);
  if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) return false;
  res.writeHead(204, {
    'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
    'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? ALLOWED_HEADERS,
    'Access-Control-Max-Age': '86400',
    'Content-Length': '0',
  });
  res.end();
  return true;
}

/**
 * Public content (the app's files, public Storage objects) is the same for every origin and
 * needs no credentials: any origin may read it, and the response does not vary by Origin. With
 * `Vary: Origin`, a file the page's CSS fetched (a font, with an Origin header) would not be
 * reused from the browser's cache for a plain fetch of the same URL (MapLibre's font loader):
 * it was downloaded twice. A CDN serves such files the same way.
 */
export function publicCors(res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.removeHeader('Access-Control-Allow-Credentials');
  res.removeHeader('Vary');
}
