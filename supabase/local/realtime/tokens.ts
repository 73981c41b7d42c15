import { JwtError, type Claims, type Keys } from '../keys.ts';

export type TokenCheck = { ok: true; claims: Claims } | { ok: false; code: string; message: string };

const MISSING_CLAIMS = 'Fields `role` and `exp` are required in JWT';

/**
 * Verifies a token the way Realtime does: signature, expiry, and both `role` and `exp` present;
 * plus the stack's `aud` rule (keys.ts; Realtime itself checks `aud` only when its
 * JWT_CLAIM_VALIDATORS name one). `code` + `message` form the join error reason
 * (`<code>: <message>`); the upgrade rejection uses `message` alone.
 */
export async function checkToken(keys: Keys, token: string): Promise<TokenCheck> {
  let claims: Claims;
  try {
    claims = await keys.verify(token);
  } catch (e) {
    if (!(e instanceof JwtError)) throw e;
    switch (e.problem) {
      case 'expired':
        return { ok: false, code: 'InvalidJWTToken', message: `Token has expired ${e.expiredSecondsAgo ?? 0} seconds ago` };
      case 'signature':
        return { ok: false, code: 'JwtSignatureError', message: 'Failed to validate JWT signature' };
      case 'claims':
        if (e.claim === 'exp') return { ok: false, code: 'InvalidJWTToken', message: MISSING_CLAIMS };
        if (e.claim === 'aud') return { ok: false, code: 'InvalidJWTToken', message: 'Invalid value for JWT claim "aud"' };
        return { ok: false, code: 'InvalidJWTToken', message: e.message };
      default:
        return { ok: false, code: 'MalformedJWT', message: 'The token provided is not a valid JWT' };
    }
  }
  if (typeof claims.role !== 'string' || claims.role === '' || typeof claims.exp !== 'number') {
    return { ok: false, code: 'InvalidJWTToken', message: MISSING_CLAIMS };
  }
  return { ok: true, claims };
}

/** Milliseconds until the claims expire (never negative). */
export function msUntilExpiry(claims: Claims, now = Date.now()): number {
  return Math.max(0, (claims.exp ?? 0) * 1000 - now);
}
