import bcrypt from 'bcryptjs';
import { AuthError } from './errors.ts';

export function hashPassword(password: string, cost: number): Promise<string> {
  return bcrypt.hash(password, cost);
}

/** bcryptjs also checks the `$2a$` hashes pgcrypto's `crypt(pw, gen_salt('bf'))` writes (seed SQL). */
export async function checkPassword(password: string, hash: string | null): Promise<boolean> {
  if (!hash || !/^\$2[abxy]\$/.test(hash)) return false;
  return bcrypt.compare(password, hash);
}

/** GoTrue's default policy: only a minimum length. */
export function assertStrongPassword(password: string, minLength: number): void {
  if ([...password].length < minLength) {
    throw new AuthError(422, 'weak_password', `Password should be at least ${minLength} characters.`, {
      weak_password: { reasons: ['length'] },
    });
  }
}
