import type { IncomingMessage, ServerResponse } from 'node:http';
import { PUBLIC_MAP_BUCKET, isPublicationName } from '../../functions/_shared/public-map-files.ts';
import { sendEmpty, sendJson } from '../http/respond.ts';
import type { PublishedObject } from '../publish/publisher.ts';

/** Where the published files come from: the publisher's memory. */
export interface PublishedObjects {
  object(name: string): PublishedObject | undefined;
  /** A zone tile (`zones-<hash>/z/x/y.pbf`), cut on demand. */
  zoneTile(name: string): Promise<PublishedObject | undefined>;
}

const NOT_FOUND = { statusCode: '404', error: 'not_found', message: 'Object not found' };

/**
 * The part of Supabase Storage the public map reads: public objects of the `public-map` bucket
 * at `/storage/v1/object/public/public-map/<name>` (and the zone tiles the local publisher cuts
 * under the same prefix), with no key (as a public bucket on a
 * Supabase project). Served from memory, gzipped when the client accepts it, with an ETag
 * (a revalidated pointer costs a 304) and the cache rule of each file: content-hashed files for
 * ever, the pointer revalidated every time. Anything else of Storage is not part of the stack.
 */
export function createStorageHandler(published: PublishedObjects) {
  const prefix = `/object/public/${PUBLIC_MAP_BUCKET}/`;
  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    if (!path.startsWith(prefix)) {
      return sendJson(res, 404, { statusCode: '404', error: 'not_found', message: 'Only public objects of the public-map bucket are served locally' });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { message: 'Method not allowed' }, { Allow: 'GET, HEAD' });
    const name = path.slice(prefix.length);
    const object = isPublicationName(name) ? published.object(name) : await published.zoneTile(name);
    if (!object) return sendJson(res, 404, NOT_FOUND);
    const headers: Record<string, string> = {
      'Content-Type': object.contentType ?? 'application/json; charset=utf-8',
      'Cache-Control': object.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ETag: object.etag,
      Vary: 'Accept-Encoding',
    };
    const match = req.headers['if-none-match'];
    if (match && match.split(',').some((tag) => tag.trim() === object.etag)) return sendEmpty(res, 304, headers);
    const gzipped = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    const body = gzipped ? object.gzip : object.body;
    if (gzipped) headers['Content-Encoding'] = 'gzip';
    headers['Content-Length'] = String(body.length);
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
