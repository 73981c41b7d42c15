import type { Database } from '../db.ts';
import type { Claims } from '../keys.ts';

class Verdict {
  constructor(readonly allowed: boolean) {}
}

/**
 * Private channels are authorised like Supabase does it: by the RLS policies on
 * realtime.messages, evaluated as the user with `realtime.topic()` set to the channel name.
 * Read: a probe message inserted by the server must be visible to the user. Write: the user
 * must be allowed to insert one. Both run in a transaction that is rolled back.
 */
export async function authorizePrivate(db: Database, claims: Claims, subTopic: string, action: 'read' | 'write', extension: 'broadcast' | 'presence' = 'broadcast'): Promise<boolean> {
  try {
    await db.transaction(async (tx) => {
      let probeId: string | null = null;
      if (action === 'read') {
        const r = await tx.query<{ id: string }>(
          `insert into realtime.messages (topic, extension, event, private) values ($1, $2, 'authorization', true) returning id::text`,
          [subTopic, extension],
        );
        probeId = r.rows[0].id;
      }
      await tx.query(
        `select set_config('role', $1, true), set_config('request.jwt.claims', $2, true), set_config('realtime.topic', $3, true)`,
        [String(claims.role), JSON.stringify(claims), subTopic],
      );
      let allowed: boolean;
      if (action === 'read') {
        const r = await tx.query<{ ok: boolean }>(`select exists (select 1 from realtime.messages where id = $1::uuid) as ok`, [probeId]);
        allowed = r.rows[0].ok;
      } else {
        try {
          await tx.query(`insert into realtime.messages (topic, extension, event, private) values ($1, $2, 'authorization', true)`, [subTopic, extension]);
          allowed = true;
        } catch {
          allowed = false;
        }
      }
      throw new Verdict(allowed);
    });
  } catch (e) {
    if (e instanceof Verdict) return e.allowed;
    return false;
  }
  return false;
}
