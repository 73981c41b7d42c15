import type { Tx } from '../db.ts';
import { AuthError } from './errors.ts';

/** The columns of auth.users the API exposes, as the database returns them. */
export interface UserRow {
  id: string;
  aud: string | null;
  role: string | null;
  email: string | null;
  encrypted_password: string | null;
  email_confirmed_at: Date | null;
  phone: string | null;
  phone_confirmed_at: Date | null;
  confirmed_at: Date | null;
  last_sign_in_at: Date | null;
  raw_app_meta_data: Record<string, unknown> | null;
  raw_user_meta_data: Record<string, unknown> | null;
  created_at: Date;
  updated_at: Date;
  banned_until: Date | null;
  is_anonymous: boolean;
}

export const USER_COLUMNS =
  'id, aud, role, email, encrypted_password, email_confirmed_at, phone, phone_confirmed_at, confirmed_at, last_sign_in_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at, banned_until, is_anonymous';

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** No whitespace and no control characters (a NUL could not even be stored: Postgres text holds none). */
const EMAIL_RE = /^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]+$/u;

/** Lower-cased and checked the way GoTrue does before storing or looking up an address. */
export function normaliseEmail(email: unknown): string {
  if (typeof email !== 'string' || !EMAIL_RE.test(email.trim()) || email.length > 255) {
    throw new AuthError(400, 'validation_failed', 'Unable to validate email address: invalid format');
  }
  return email.trim().toLowerCase();
}

/** Seeded users may carry only `{role}`; the provider fields are always present on the wire. */
export function appMetadata(row: UserRow): Record<string, unknown> {
  return { provider: 'email', providers: ['email'], ...(row.raw_app_meta_data ?? {}) };
}

const iso = (d: Date | null) => (d ? d.toISOString() : undefined);

/** GoTrue's user object (C.2). */
export function toUser(row: UserRow): Record<string, unknown> {
  return {
    id: row.id,
    aud: row.aud ?? 'authenticated',
    role: row.role ?? 'authenticated',
    email: row.email ?? '',
    email_confirmed_at: iso(row.email_confirmed_at),
    phone: row.phone ?? '',
    phone_confirmed_at: iso(row.phone_confirmed_at),
    confirmed_at: iso(row.confirmed_at ?? row.email_confirmed_at),
    last_sign_in_at: iso(row.last_sign_in_at),
    app_metadata: appMetadata(row),
    user_metadata: row.raw_user_meta_data ?? {},
    identities: [],
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    banned_until: iso(row.banned_until),
    is_anonymous: row.is_anonymous,
  };
}

export async function findUserById(tx: Tx, id: string): Promise<UserRow | null> {
  if (!UUID_RE.test(id)) return null;
  const r = await tx.query<UserRow>(`select ${USER_COLUMNS} from auth.users where id = $1 and deleted_at is null`, [id]);
  return r.rows[0] ?? null;
}

/**
 * The user with this (lower-cased) address. An address with a NUL names nobody: Postgres text cannot
 * hold one, and sending it fails the statement (22021), which a sign-in must not turn into a 500.
 */
export async function findUserByEmail(tx: Tx, email: string): Promise<UserRow | null> {
  if (email.includes('\0')) return null;
  const r = await tx.query<UserRow>(`select ${USER_COLUMNS} from auth.users where lower(email) = $1 and deleted_at is null`, [email]);
  return r.rows[0] ?? null;
}

export interface NewUser {
  email: string;
  passwordHash: string | null;
  confirmed: boolean;
  appMetadata?: Record<string, unknown>;
  userMetadata?: Record<string, unknown>;
  signedIn?: boolean;
}

/** Inserts a real auth.users row, so foreign keys and `after insert` triggers of the app fire. */
export async function insertUser(tx: Tx, u: NewUser): Promise<UserRow> {
  if (await findUserByEmail(tx, u.email)) throw new AuthError(422, 'user_already_exists', 'User already registered');
  const r = await tx.query<UserRow>(
    `insert into auth.users (instance_id, aud, role, email, encrypted_password, email_confirmed_at, last_sign_in_at, raw_app_meta_data, raw_user_meta_data)
     values ('00000000-0000-0000-0000-000000000000', 'authenticated', 'authenticated', $1, $2,
             case when $3 then now() end, case when $4 then now() end, $5::jsonb, $6::jsonb)
     returning ${USER_COLUMNS}`,
    [
      u.email,
      u.passwordHash,
      u.confirmed,
      u.signedIn ?? false,
      JSON.stringify({ provider: 'email', providers: ['email'], ...(u.appMetadata ?? {}) }),
      JSON.stringify(u.userMetadata ?? {}),
    ],
  );
  return r.rows[0];
}

/** Merges top-level keys the way GoTrue does for `data` / `user_metadata`: null removes a key. */
export function mergeMetadata(current: Record<string, unknown> | null, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(current ?? {}) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}
