import { SignJWT, jwtVerify, errors, decodeProtectedHeader } from 'jose';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type Claims = Record<string, unknown> & { role?: string; exp?: number; sub?: string };

export type JwtProblem = 'malformed' | 'signature' | 'expired' | 'claims';

/** A token that failed verification; `problem` lets each API pick its own error shape. */
export class JwtError extends Error {
  constructor(
    readonly problem: JwtProblem,
    message: string,
    readonly expiredSecondsAgo?: number,
  ) {
    super(message);
  }
}

export interface Keys {
  readonly jwtSecret: string;
  readonly anonKey: string;
  readonly serviceKey: string;
  sign(claims: Claims, expiresInSeconds?: number): Promise<string>;
  /** Verifies an HS256 token and its `exp`; throws JwtError. */
  verify(token: string): Promise<Claims>;
}

const API_KEY_EXP = 1983812996;

/**
 * The JWT secret comes from SUPABASE_JWT_SECRET (or JWT_SECRET), else it is generated once per
 * data folder and kept in `<dataDir>/jwt-secret` so tokens survive restarts.
 */
export async function loadKeys(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<Keys> {
  let secret = env.SUPABASE_JWT_SECRET ?? env.JWT_SECRET;
  if (!secret) {
    const file = join(dataDir, 'jwt-secret');
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
    try {
      decodeProtectedHeader(token);
    } catch {
      throw new JwtError('malformed', 'The token provided is not a valid JWT');
    }
    try {
      const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], clockTolerance: 0 });
      return payload as Claims;
    } catch (e) {
      if (e instanceof errors.JWTExpired) {
        const exp = Number((e.payload as Claims).exp);
        throw new JwtError('expired', 'JWT expired', Math.max(0, Math.floor(Date.now() / 1000) - exp));
      }
      if (e instanceof errors.JWSSignatureVerificationFailed) throw new JwtError('signature', 'JWT cryptographic operation failed');
      if (e instanceof errors.JWTClaimValidationFailed) throw new JwtError('claims', e.message);
      throw new JwtError('malformed', 'JWT cryptographic operation failed');
    }
  };
  // Fixed claims (the Supabase CLI's shape) so the keys stay the same for one secret.
  const anonKey = await sign({ iss: 'supabase-demo', role: 'anon', exp: API_KEY_EXP });
  const serviceKey = await sign({ iss: 'supabase-demo', role: 'service_role', exp: API_KEY_EXP });
  return { jwtSecret, anonKey, serviceKey, sign, verify };
}
