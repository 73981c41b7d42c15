import type { Database, Tx } from '../../supabase/local/db.ts';

/** Who a request comes from: the API roles, the two staff roles, and a signed-in user without a role. */
export type Actor = 'anon' | 'authenticated' | 'dispatcher' | 'commander' | 'service_role';

export const ACTORS: readonly Actor[] = ['anon', 'authenticated', 'dispatcher', 'commander', 'service_role'];

const USER_EMAILS: Partial<Record<Actor, string>> = {
  commander: 'commander@demo.local',
  dispatcher: 'dispatcher@demo.local',
};

/** JWT claims as the local Auth issues them (a stable fake user for the role-less case). */
export async function claimsFor(db: Database, actor: Actor): Promise<Record<string, unknown>> {
  if (actor === 'anon' || actor === 'service_role') return { role: actor, iss: 'supabase-demo' };
  if (actor === 'authenticated') {
    return {
      role: 'authenticated',
      aud: 'authenticated',
      sub: '00000000-0000-4000-8000-000000000001',
      email: 'nobody@demo.local',
      app_metadata: { provider: 'email', providers: ['email'] },
    };
  }
  const email = USER_EMAILS[actor]!;
  const { rows } = await db.query<{ id: string; raw_app_meta_data: Record<string, unknown> }>(
    'select id, raw_app_meta_data from auth.users where email = $1',
    [email],
  );
  if (rows.length === 0) throw new Error(`demo user ${email} is missing: was the database seeded?`);
  return { role: 'authenticated', aud: 'authenticated', sub: rows[0].id, email, app_metadata: rows[0].raw_app_meta_data };
}

class Rollback {
  constructor(readonly value: unknown) {}
}

/**
 * Runs fn as `actor` the way PostgREST runs a request: one transaction with transaction-local
 * `role`, `request.jwt.claims` and `search_path`. `setup` runs first as the superuser in the
 * same transaction. Everything is rolled back afterwards, so calls do not affect each other.
 */
export async function asActor<T>(
  db: Database,
  actor: Actor,
  fn: (tx: Tx) => Promise<T>,
  setup?: (tx: Tx) => Promise<void>,
): Promise<T> {
  const claims = await claimsFor(db, actor);
  try {
    await db.transaction(async (tx) => {
      if (setup) await setup(tx);
      await switchRole(tx, claims);
      throw new Rollback(await fn(tx));
    });
  } catch (e) {
    if (e instanceof Rollback) return e.value as T;
    throw e;
  }
  throw new Error('unreachable: the transaction always rolls back');
}

/** Like asActor, but commits: for a sequence of requests that build on each other. */
export async function commitAs<T>(db: Database, actor: Actor, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const claims = await claimsFor(db, actor);
  return db.transaction(async (tx) => {
    await switchRole(tx, claims);
    return fn(tx);
  });
}

async function switchRole(tx: Tx, claims: Record<string, unknown>): Promise<void> {
  await tx.query(
    `select set_config('search_path', 'public, extensions', true),
            set_config('role', $1, true),
            set_config('request.jwt.claims', $2, true)`,
    [claims.role, JSON.stringify(claims)],
  );
}

/** The SQLSTATE of a failed call, or null when it succeeded. */
export async function sqlState(run: () => Promise<unknown>): Promise<string | null> {
  try {
    await run();
    return null;
  } catch (e) {
    return (e as { code?: string }).code ?? 'no-code';
  }
}
