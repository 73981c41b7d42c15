import type { ServerResponse } from 'node:http';
import { sendJson } from '../http/respond.ts';
import { JwtError } from '../keys.ts';

export const API_VERSION = '2024-01-01';

/**
 * An Auth error in GoTrue's 2024-01-01 shape. auth-js reads `code` only when the response
 * carries the `X-Supabase-Api-Version` header, so every error response sets it.
 */
export class AuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    /** Response headers besides the API version ones (e.g. `Retry-After`). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function sendAuthError(res: ServerResponse, e: AuthError): void {
  sendJson(res, e.status, { code: e.code, message: e.message, ...e.extra }, {
    ...e.headers,
    'X-Supabase-Api-Version': API_VERSION,
    'X-Sb-Error-Code': e.code,
  });
}

export const invalidCredentials = () => new AuthError(400, 'invalid_credentials', 'Invalid login credentials');
export const validationFailed = (message: string) => new AuthError(400, 'validation_failed', message);
export const badJwt = (message: string) => new AuthError(403, 'bad_jwt', message);

/**
 * GoTrue's 403 for a bearer that does not verify: `invalid JWT: unable to parse or verify
 * signature, <reason>`, the reason worded as golang-jwt words it.
 */
export function badJwtFrom(e: unknown): AuthError {
  let reason = (e as Error).message;
  if (e instanceof JwtError) {
    if (e.problem === 'expired') reason = 'token has invalid claims: token is expired';
    else if (e.claim === 'exp') reason = 'token has invalid claims: token is missing required claim: exp claim is required';
    else if (e.claim === 'aud') reason = 'token has invalid claims: token has invalid audience';
  }
  return badJwt(`invalid JWT: unable to parse or verify signature, ${reason}`);
}
