/** `details` is text, except where PostgREST sends structure (PGRST201's candidate relationships). */
export type ErrorDetails = string | Record<string, string>[] | null;

/** A PostgREST-shaped failure: the body is always exactly `{code, details, hint, message}`. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
    message: string,
    readonly details: ErrorDetails = null,
    readonly hint: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): { code: string | null; details: ErrorDetails; hint: string | null; message: string } {
    return { code: this.code, details: this.details, hint: this.hint, message: this.message };
  }
}

/** Query-string or header syntax the server does not understand (never guessed at). */
export const parseError = (message: string, details: string | null = null) =>
  new RestError(400, 'PGRST100', message, details);

interface PgErrorLike {
  code?: string;
  message?: string;
  detail?: string;
  hint?: string;
}

function isPgError(e: unknown): e is PgErrorLike & Error {
  return (
    e instanceof Error && typeof (e as PgErrorLike).code === 'string' && /^[0-9A-Z]{5}$/.test((e as PgErrorLike).code!)
  );
}

/**
 * PostGIS reports geometry it cannot take from a request as XX000, an internal error: WKT or
 * GeoJSON it cannot parse (the json-c parser's errors end in "(at offset N)"), and in geography
 * calculations an edge between antipodal points. They are the client's input: 400, with the
 * SQLSTATE in `code` as PostgREST sends it.
 */
const POSTGIS_INPUT =
  /^(parse error - invalid geometry|invalid GeoJson representation|unknown GeoJSON type|Unable to find '\w+' in GeoJSON string|The '\w+' in GeoJSON |Antipodal \(180 degrees long\) edge detected!)|\(at offset \d+\)$/;

/** PostgREST's SQLSTATE -> HTTP status table (supabase-compat.md B.10). */
export function statusForSqlState(code: string, message: string, isAnon: boolean): number {
  if (code === '42501') return isAnon ? 401 : 403;
  if (code === 'P0001') return 400;
  if (/^PT\d{3}$/.test(code)) return Number(code.slice(2));
  if (code === '23503' || code === '23505') return 409;
  if (code === '25006') return 405;
  if (code === '42883' || code === '42P01') return 404;
  if (code === '42P17') return 500;
  if (code === '22023' && /^role .* does not exist$/.test(message)) return 401;
  if (code === '21000') return /requires a WHERE clause/.test(message) ? 400 : 500;
  if (code === '53400') return 500;
  if (code === 'XX000' && POSTGIS_INPUT.test(message)) return 400;
  if (code.startsWith('08') || code.startsWith('53') || code === '57P01') return 503;
  if (code.startsWith('09')) return 500;
  if (code.startsWith('0L') || code.startsWith('0P') || code.startsWith('28')) return 403;
  if (/^(25|2D|38|39|3B|40|54|55|57|58|F0|HV|P0|XX)/.test(code)) return 500;
  return 400;
}

/**
 * Stored data that could not be read: data or index corrupted (XX001, XX002), files (58...), and
 * Postgres' file-access wording, which other codes carry too (42501 for a file it may not open).
 * Their messages name files of the data folder (`invalid page in block 0 of relation
 * "base/5/17890"`); the answer says only what happened, the stack's log keeps the rest.
 */
const STORAGE_CODE = /^(XX001|XX002|58...)$/;
const FILE_ACCESS = /^could not [a-z ]+ (file|directory) "/;

/**
 * Turns anything thrown while serving a request into a RestError. Postgres errors keep their
 * SQLSTATE, message, detail and hint (but never a file path: STORAGE_CODE); anything else is
 * reported without internals (no stack).
 */
export function toRestError(e: unknown, isAnon: boolean): RestError {
  if (e instanceof RestError) return e;
  if (isPgError(e)) {
    const code = e.code!;
    const message = e.message ?? 'Database error';
    if (STORAGE_CODE.test(code) || FILE_ACCESS.test(message)) {
      return new RestError(500, code, 'The database could not read stored data (the server log says more)');
    }
    const status = statusForSqlState(code, message, isAnon);
    const headers: Record<string, string> = status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
    return new RestError(status, code, message, e.detail || null, e.hint || null, headers);
  }
  return new RestError(500, 'PGRST000', 'Internal server error while handling the request');
}
