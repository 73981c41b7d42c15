import { SignJWT, jwtVerify, errors, decodeProtectedHeader } from 'jose';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type Claims = Record<string, unknown> & { role?: string; exp?: number; sub?: string };

export type JwtProblem = 'malformed' | 'signature' | 'expired' | 'claims';

/**
 * A token that failed verification; `problem` lets each API pick its own error shape. For
 * `claims`, `claim` names the claim at fault when it is one of the stack's own rules (`exp`
 * missing, `aud` not accepted); `message` is PostgREST's wording.
 */
export class JwtError extends Error {
  constructor(
    readonly problem: JwtProblem,
    message: string,
    readonly expiredSecondsAgo?: number,
    readonly claim?: 'exp' | 'aud',
  ) {
    super(message);
  }
}

/** The audience of user access tokens (GoTrue's GOTRUE_JWT_AUD default, what Supabase mints). */
export const JWT_AUD = 'authenticated';

/** Roles of the project's API keys, which carry no `aud` (Supabase's anon and service_role keys). */
const API_KEY_ROLES = new Set(['anon', 'service_role']);

/**
 * The stack's claim rules on top of the signature and time checks:
 * - `exp` is required (Realtime's rule, now everywhere): a token must not live forever;
 * - `aud`, when present, must be a string or an array of strings naming `authenticated`
 *   (PostgREST's `jwt-aud` check) or, for an API-key role, that role itself; without `aud`
 *   only the API-key roles (`anon`, `service_role`) pass, as the Supabase keys carry none.
 */
function checkClaims(claims: Claims): void {
  if (typeof claims.exp !== 'number') throw new JwtError('claims', "The JWT 'exp' claim must be a number", undefined, 'exp');
  const aud: unknown = claims.aud;
  const role = typeof claims.role === 'string' ? claims.role : '';
  if (aud === undefined) {
    if (!API_KEY_ROLES.has(role)) throw new JwtError('claims', 'JWT not in audience', undefined, 'aud');
    return;
  }
  const list = typeof aud === 'string' ? [aud] : Array.isArray(aud) && aud.every((a) => typeof a === 'string') ? (aud as string[]) : null;
  if (!list) throw new JwtError('claims', "The JWT 'aud' claim must be a string or an array of strings", undefined, 'aud');
  if (!list.includes(JWT_AUD) && !(API_KEY_ROLES.has(role) && list.includes(role))) {
    throw new JwtError('claims', 'JWT not in audience', undefined, 'aud');
  }
}

export interface Keys {
  readonly jwtSecret: string;
  readonly anonKey: string;
  readonly serviceKey: string;
  sign(claims: Claims, expiresInSeconds?: number): Promise<string>;
  /** Verifies an HS256 token, its `exp` (required) and `aud` (see checkClaims); throws JwtError. */
  verify(token: string): Promise<Claims>;
}

const API_KEY_EXP = 1983812996;

/** Where a data folder keeps its JWT secret. */
export const SECRET_FILE = 'jwt-secret';

/** The JWT secret the environment sets (SUPABASE_JWT_SECRET, else JWT_SECRET), if any. */
export const envSecret = (env: NodeJS.ProcessEnv): string | undefined => (env.SUPABASE_JWT_SECRET ?? env.JWT_SECRET) || undefined;

/**
 * The JWT secret comes from SUPABASE_JWT_SECRET (or JWT_SECRET), else it is generated once per
 * data folder and kept in `<dataDir>/jwt-secret` so tokens survive restarts.
 */
export async function loadKeys(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<Keys> {
  let secret = envSecret(env);
  if (!secret) {
    const file = join(dataDir, SECRET_FILE);
    if (existsSync(file)) secret = readFileSync(file, 'utf8').trim();
    else {
      mkdirSync(dataDir, { recursive: true });
      secret = randomBytes(32).toString('base64url');
      writeFileSync(file, secret + '\n', { mode: 0o600 });
    }
  }
  return createKeys(secret);
}

export async function createKeys(jwtSecret: string): Promise<Keys> {
  const key = new TextEncoder().encode(jwtSecret);
  const sign = async (claims: Claims, expiresInSeconds?: number) => {
    const now = Math.floor(Date.now() / 1000);
    const body: Claims = { ...claims };
    if (expiresInSeconds !== undefined) {
      body.iat = now;
      body.exp = now + expiresInSeconds;
    }
    return new SignJWT(body).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key);
  };
  const verify = async (token: string): Promise<Claims> => {
    const parts = token.split('.');
    if (parts.length !== 3) throw new JwtError('malformed', `Expected 3 parts in JWT; got ${parts.length}`);
    let claims: Claims;
    try {
      decodeProtectedHeader(token);
    } catch {
      throw new JwtError('malformed', 'The token provided is not a valid JWT');
    }
    try {
      const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], clockTolerance: 0 });
      claims = payload as Claims;
    } catch (e) {
      if (e instanceof errors.JWTExpired) {
        const exp = Number((e.payload as Claims).exp);
        throw new JwtError('expired', 'JWT expired', Math.max(0, Math.floor(Date.now() / 1000) - exp));
      }
      if (e instanceof errors.JWSSignatureVerificationFailed) throw new JwtError('signature', 'JWT cryptographic operation failed');
      if (e instanceof errors.JWTClaimValidationFailed) throw new JwtError('claims', e.message);
      throw new JwtError('malformed', 'JWT cryptographic operation failed');
    }
    checkClaims(claims);
    return claims;
  };
  // Fixed claims (the Supabase CLI's shape: no `aud`, an `exp` in 2032) so the keys stay the
  // same for one secret: a data folder keeps only the secret, and the keys are minted anew on
  // every start, so no older key without `exp` can be around.
  const anonKey = await sign({ iss: 'supabase-demo', role: 'anon', exp: API_KEY_EXP });
  const serviceKey = await sign({ iss: 'supabase-demo', role: 'service_role', exp: API_KEY_EXP });
  return { jwtSecret, anonKey, serviceKey, sign, verify };
}
