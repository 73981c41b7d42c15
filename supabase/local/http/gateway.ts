import type { IncomingMessage } from 'node:http';
import type { Keys } from '../keys.ts';

export type GatewayVerdict = { ok: true } | { ok: false; status: 401; body: { message: string; hint?: string } };

/** The bearer token of an `Authorization: Bearer …` header, or null. */
export function bearerToken(req: IncomingMessage): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m ? m[1] : null;
}

/** The `apikey` header, else the `apikey` query parameter (what Supabase's gateway accepts). */
export function apiKeyOf(req: IncomingMessage, url: URL): string | null {
  const header = req.headers.apikey;
  const value = Array.isArray(header) ? header[0] : header;
  return value || url.searchParams.get('apikey') || null;
}

/**
 * Supabase's API gateway rule: a request must carry one of the project's keys as `apikey`
 * (a hand-written request may carry only a bearer token, which must then verify). Without an
 * `Authorization` header the key becomes the bearer, so the service sees the key's role.
 */
export async function checkGateway(req: IncomingMessage, url: URL, keys: Keys, opts: { keyAsBearer: boolean }): Promise<GatewayVerdict> {
  const apikey = apiKeyOf(req, url);
  if (apikey) {
    if (apikey !== keys.anonKey && apikey !== keys.serviceKey && !(await verifiesAsProjectKey(apikey, keys))) {
      return { ok: false, status: 401, body: { message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' } };
    }
    if (opts.keyAsBearer && !req.headers.authorization) req.headers.authorization = `Bearer ${apikey}`;
    return { ok: true };
  }
  const bearer = bearerToken(req);
  if (bearer) {
    try {
      await keys.verify(bearer);
      return { ok: true };
    } catch {
      return { ok: false, status: 401, body: { message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' } };
    }
  }
  return { ok: false, status: 401, body: { message: 'No API key found in request', hint: 'No `apikey` request header or url param was found.' } };
}

/** A key minted with the project secret for one of the API roles (e.g. by a test) is a project key too. */
async function verifiesAsProjectKey(token: string, keys: Keys): Promise<boolean> {
  try {
    const claims = await keys.verify(token);
    return claims.role === 'anon' || claims.role === 'service_role';
  } catch {
    return false;
  }
}
