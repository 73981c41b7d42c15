import { afterAll, beforeAll, inject } from 'vitest';
import type { Database } from '../../supabase/local/db.ts';
import { openPgDatabase } from '../../supabase/local/db-pg.ts';
import { BACKEND } from './database.ts';
import { commitAs, type Actor } from './impersonate.ts';

/** One call of a race: a statement and its parameters. */
export interface RaceCall {
  sql: string;
  params: unknown[];
}

/** Resolves once `count` callers have arrived (fails after 20 s, so a stuck caller cannot hang the run). */
function barrier(count: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve, reject) => {
    open = resolve;
    setTimeout(() => reject(new Error(`only ${arrived} of ${count} callers reached the barrier`)), 20_000).unref();
  });
  return () => {
    if (++arrived === count) open();
    return opened;
  };
}

/**
 * Concurrent callers for the suite's database, registered in the calling `describe`: on PGlite
 * the database itself (its one connection queues the calls); on PostgreSQL a pool of `callers`
 * connections to the same database, so the calls really overlap. `race` runs the calls at once,
 * each in its own committed transaction as `actor`, all waiting at a barrier after BEGIN on
 * PostgreSQL (on PGlite such a barrier would wait forever), and tells how many won and which
 * error codes the others got.
 */
export function useRacers(database: () => Database, callers: number) {
  let racers: Database;
  beforeAll(async () => {
    const db = database();
    if (BACKEND !== 'native') {
      racers = db;
      return;
    }
    const { rows } = await db.query<{ name: string }>('select current_database() as name');
    racers = await openPgDatabase(`${inject('nativePgUrl')}/${rows[0].name}`, { maxConnections: callers });
  });
  afterAll(async () => {
    if (racers && racers !== database()) await racers.close();
  });

  return async function race(actor: Actor, calls: readonly RaceCall[]) {
    const arrive = BACKEND === 'native' ? barrier(calls.length) : async () => {};
    const results = await Promise.allSettled(
      calls.map(({ sql, params }) =>
        commitAs(racers, actor, async (tx) => {
          await arrive();
          return tx.query(sql, params);
        }),
      ),
    );
    const codes = results.map((r) =>
      r.status === 'fulfilled' ? 'ok' : ((r.reason as { code?: string }).code ?? String(r.reason)),
    );
    return { wins: codes.filter((c) => c === 'ok').length, codes: [...new Set(codes)].sort() };
  };
}
