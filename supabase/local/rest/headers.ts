import type { IncomingMessage } from 'node:http';
import { RestError } from './errors.ts';

export interface Preferences {
  return?: 'minimal' | 'representation' | 'headers-only';
  count?: 'exact' | 'planned' | 'estimated';
  resolution?: 'merge-duplicates' | 'ignore-duplicates';
  missing?: 'default' | 'null';
  handling?: 'strict' | 'lenient';
  maxAffected?: number;
  tx?: 'commit' | 'rollback';
  /** `params=single-object`: a function call passes the whole body as its one json/jsonb argument. */
  params?: 'single-object';
  /** Preferences not understood; an error only under `handling=strict`. */
  invalid: string[];
}

/**
 * Whether the statement itself counts rows (PostgREST's shouldCount): `exact` and `estimated`
 * do, `planned` never does; its total (reads only) comes from the planner instead.
 */
export const shouldCount = (prefs: Preferences) => prefs.count === 'exact' || prefs.count === 'estimated';

/**
 * `Prefer` arrives comma-joined (postgrest-js joins with ", "). Unknown preferences are ignored,
 * as PostgREST does, unless `handling=strict` asks for an error.
 */
export function parsePrefer(header: string | string[] | undefined): Preferences {
  const prefs: Preferences = { invalid: [] };
  const raw = Array.isArray(header) ? header.join(',') : (header ?? '');
  for (const part of raw.split(',')) {
    const [key, value] = part
      .trim()
      .split('=')
      .map((s) => s.trim());
    if (key === 'return' && (value === 'minimal' || value === 'representation' || value === 'headers-only'))
      prefs.return = value;
    else if (key === 'count' && (value === 'exact' || value === 'planned' || value === 'estimated'))
      prefs.count = value;
    else if (key === 'resolution' && (value === 'merge-duplicates' || value === 'ignore-duplicates'))
      prefs.resolution = value;
    else if (key === 'missing' && (value === 'default' || value === 'null')) prefs.missing = value;
    else if (key === 'handling' && (value === 'strict' || value === 'lenient')) prefs.handling = value;
    else if (key === 'max-affected' && /^\d+$/.test(value ?? '')) prefs.maxAffected = Number(value);
    else if (key === 'tx' && (value === 'commit' || value === 'rollback')) prefs.tx = value;
    else if (key === 'params' && value === 'single-object') prefs.params = value;
    else if (key === 'timezone') continue;
    else if (part.trim() !== '') prefs.invalid.push(part.trim());
  }
  if (prefs.handling === 'strict' && prefs.invalid.length > 0) {
    throw new RestError(
      400,
      'PGRST122',
      'Invalid preferences given with handling=strict',
      `Invalid preferences: ${prefs.invalid.join(', ')}`,
    );
  }
  return prefs;
}

export type Rendering = 'array' | 'object' | 'geojson';

export interface MediaChoice {
  rendering: Rendering;
  stripNulls: boolean;
  contentType: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** Picks the response shape from `Accept`; a list naming nothing we produce is 406 PGRST107. */
export function chooseMedia(req: IncomingMessage): MediaChoice {
  const accept = req.headers.accept;
  if (!accept) return { rendering: 'array', stripNulls: false, contentType: JSON_TYPE };
  const ranges = accept
    .split(',')
    .map((r) => {
      const [type, ...params] = r.split(';').map((s) => s.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      return { type, params, q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { type, params } of ranges) {
    const stripNulls = params.includes('nulls=stripped');
    if (type === 'application/vnd.pgrst.object+json' || type === 'application/vnd.pgrst.object') {
      return { rendering: 'object', stripNulls, contentType: 'application/vnd.pgrst.object+json; charset=utf-8' };
    }
    if (type === 'application/geo+json')
      return { rendering: 'geojson', stripNulls: false, contentType: 'application/geo+json; charset=utf-8' };
    if (type === 'application/vnd.pgrst.array+json') {
      return { rendering: 'array', stripNulls, contentType: 'application/vnd.pgrst.array+json; charset=utf-8' };
    }
    if (type === 'application/json' || type === '*/*' || type === 'application/*') {
      return { rendering: 'array', stripNulls: false, contentType: JSON_TYPE };
    }
  }
  throw new RestError(406, 'PGRST107', `None of these media types are available: ${accept}`);
}

/** The requested schema (`Accept-Profile` for reads, `Content-Profile` for writes); 406 PGRST106 when not exposed. */
export function chooseSchema(req: IncomingMessage, exposed: readonly string[]): string {
  const header =
    req.method === 'GET' || req.method === 'HEAD' ? req.headers['accept-profile'] : req.headers['content-profile'];
  const schema = (Array.isArray(header) ? header[0] : header) ?? exposed[0];
  if (!exposed.includes(schema)) {
    throw new RestError(
      406,
      'PGRST106',
      `Invalid schema: ${schema}`,
      null,
      `Only the following schemas are exposed: ${exposed.join(', ')}`,
    );
  }
  return schema;
}

/** `Range: 0-9` (items), as PostgREST honours it; postgrest-js itself never sends one. */
export function parseRangeHeader(req: IncomingMessage): { offset: number; limit?: number } | null {
  const header = req.headers.range;
  if (!header) return null;
  const m = /^(?:items=)?\s*(\d+)-(\d*)\s*$/.exec(header);
  if (!m) return null;
  const from = Number(m[1]);
  if (m[2] === '') return { offset: from };
  const to = Number(m[2]);
  if (to < from)
    throw new RestError(416, 'PGRST103', 'Requested range not satisfiable', `The range ${header} is empty`);
  return { offset: from, limit: to - from + 1 };
}
