import type { IncomingMessage } from 'node:http';
import { JwtError, type Claims, type Keys } from '../keys.ts';
import { RestError } from './errors.ts';

export interface Caller {
  role: string;
  /** The claims as Postgres sees them in `request.jwt.claims`, with `role` always present. */
  claims: Claims;
}

export const ANON_ROLE = 'anon';

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function unauthorized(code: string, message: string): RestError {
  const description = message.replace(/["\\]/g, '');
  return new RestError(401, code, message, null, null, {
    'WWW-Authenticate': `Bearer error="invalid_token", error_description="${description}"`,
  });
}

/**
 * The caller's database role and claims, as PostgREST derives them: the bearer token (or the
 * `apikey` header when no Authorization is sent) must verify; no token at all means anon.
 * A token that does not decode or verify is 401 PGRST301; one whose claims fail (expired, no
 * `exp`, an `aud` other than `authenticated`: keys.ts) is 401 PGRST303, PostgREST's code for
 * claim errors ("JWT expired", "JWT not in audience", "The JWT 'exp' claim must be a number").
 */
export async function authenticate(req: IncomingMessage, keys: Keys): Promise<Caller> {
  const authorization = headerValue(req.headers.authorization);
  let token: string | undefined;
  if (authorization !== undefined) {
    const m = /^Bearer\s+(\S*)\s*$/i.exec(authorization);
    if (!m) throw unauthorized('PGRST301', 'Expected a Bearer token in the Authorization header');
    token = m[1];
  } else {
    token = headerValue(req.headers.apikey);
  }
  if (!token) return { role: ANON_ROLE, claims: { role: ANON_ROLE } };
  let claims: Claims;
  try {
    claims = await keys.verify(token);
  } catch (e) {
    if (e instanceof JwtError) {
      if (e.problem === 'expired') throw unauthorized('PGRST303', 'JWT expired');
      if (e.problem === 'claims') throw unauthorized('PGRST303', e.message);
      throw unauthorized('PGRST301', e.message);
    }
    throw e;
  }
  const role = typeof claims.role === 'string' && claims.role !== '' ? claims.role : ANON_ROLE;
  return { role, claims: { ...claims, role } };
}

/** A role the token names but the database does not grant to the authenticator. */
export function unknownRole(role: string): RestError {
  return new RestError(401, '22023', `role "${role}" does not exist`, null, null, { 'WWW-Authenticate': 'Bearer' });
}
