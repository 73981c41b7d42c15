import type { StackContext } from '../context.ts';
import { AuthError, badJwtFrom } from './errors.ts';
import { assertStrongPassword, hashPassword } from './password.ts';
import { findUserById, insertUser, normaliseEmail, toUser, USER_COLUMNS, UUID_RE, type UserRow } from './users.ts';
import { obj, str, type Body } from './fields.ts';
import { applyUserChanges } from './user-routes.ts';

/** Admin endpoints need a bearer whose role is service_role (or supabase_admin). */
export async function requireAdmin(ctx: StackContext, bearer: string | null): Promise<void> {
  if (!bearer) throw new AuthError(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
  let role: unknown;
  try {
    role = (await ctx.keys.verify(bearer)).role;
  } catch (e) {
    throw badJwtFrom(e);
  }
  if (role !== 'service_role' && role !== 'supabase_admin') throw new AuthError(403, 'not_admin', 'User not allowed');
}

const notFound = () => new AuthError(404, 'user_not_found', 'User not found');

async function existing(ctx: StackContext, id: string): Promise<UserRow> {
  const user = await findUserById(ctx.db, id);
  if (!user) throw notFound();
  return user;
}

/** POST /admin/users */
export async function createUser(ctx: StackContext, body: Body) {
  if (str(body.phone) && !str(body.email)) throw new AuthError(422, 'phone_provider_disabled', 'Phone signups are disabled');
  const email = normaliseEmail(body.email);
  const password = str(body.password);
  if (password !== undefined) assertStrongPassword(password, ctx.config.auth.minPasswordLength);
  const passwordHash = password !== undefined ? await hashPassword(password, ctx.config.auth.bcryptCost) : null;
  const user = await ctx.db.transaction(async (tx) => {
    try {
      return await insertUser(tx, {
        email,
        passwordHash,
        confirmed: body.email_confirm === true,
        appMetadata: obj(body.app_metadata),
        userMetadata: obj(body.user_metadata),
      });
    } catch (e) {
      if (e instanceof AuthError && e.code === 'user_already_exists') {
        throw new AuthError(422, 'email_exists', 'A user with this email address has already been registered');
      }
      throw e;
    }
  });
  return toUser(user);
}

/** GET /admin/users/{id} */
export async function getUserById(ctx: StackContext, id: string) {
  return toUser(await existing(ctx, id));
}

/** PUT /admin/users/{id} */
export async function updateUserById(ctx: StackContext, id: string, body: Body) {
  const password = str(body.password);
  if (password !== undefined) assertStrongPassword(password, ctx.config.auth.minPasswordLength);
  const passwordHash = password !== undefined ? await hashPassword(password, ctx.config.auth.bcryptCost) : undefined;
  return ctx.db.transaction(async (tx) => {
    const user = await findUserById(tx, id);
    if (!user) throw notFound();
    const updated = await applyUserChanges(tx, user, {
      email: body.email,
      passwordHash,
      userMetadata: obj(body.user_metadata),
      appMetadata: obj(body.app_metadata),
      confirmEmail: body.email_confirm === true,
    });
    return toUser(updated);
  });
}

/** DELETE /admin/users/{id}: a hard delete, so the app's foreign keys see it (soft delete is a MAY). */
export async function deleteUserById(ctx: StackContext, id: string, body: Body) {
  if (!UUID_RE.test(id)) throw notFound();
  if (body.should_soft_delete === true) {
    const r = await ctx.db.query('update auth.users set deleted_at = now(), email = null where id = $1 and deleted_at is null returning id', [id]);
    if (r.rows.length === 0) throw notFound();
  } else {
    const r = await ctx.db.query('delete from auth.users where id = $1 returning id', [id]);
    if (r.rows.length === 0) throw notFound();
  }
  return {};
}

/** GET /admin/users?page=&per_page= with X-Total-Count and Link headers. */
export async function listUsers(ctx: StackContext, url: URL) {
  const page = Math.max(1, Number.parseInt(url.searchParams.get('page') ?? '1', 10) || 1);
  const perPage = Math.min(1000, Math.max(1, Number.parseInt(url.searchParams.get('per_page') ?? '50', 10) || 50));
  const total = Number((await ctx.db.query<{ n: number }>('select count(*)::int as n from auth.users where deleted_at is null')).rows[0].n);
  const rows = await ctx.db.query<UserRow>(
    `select ${USER_COLUMNS} from auth.users where deleted_at is null order by created_at, id limit $1 offset $2`,
    [perPage, (page - 1) * perPage],
  );
  const last = Math.max(1, Math.ceil(total / perPage));
  const link = (p: number, rel: string) => `<${ctx.url}/auth/v1/admin/users?page=${p}&per_page=${perPage}>; rel="${rel}"`;
  const links = [page < last ? link(page + 1, 'next') : null, link(last, 'last')].filter(Boolean).join(', ');
  return { body: { users: rows.rows.map(toUser), aud: 'authenticated' }, headers: { 'X-Total-Count': String(total), Link: links } };
}
