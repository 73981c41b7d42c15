import type { Database } from '../db.ts';
import { RestError } from './errors.ts';

/**
 * Resolves `::type` names from select lists to Postgres's own spelling of the type
 * (`int` -> `integer`), so only type names Postgres itself printed reach the SQL text. Pseudo-types
 * (`unknown`, `record`, `anyelement`, ...) are no type a value can be output as: refused with
 * Postgres' code for a cast it cannot make, before Postgres fails on them as an internal error
 * ("failed to find conversion function from unknown to text", XX000).
 */
export class CastResolver {
  private known = new Map<string, string>();

  constructor(private readonly db: Database) {}

  async resolve(names: Iterable<string>): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const name of names) {
      let type = this.known.get(name);
      if (type === undefined) {
        const found = await this.db
          .query<{ t: string | null; pseudo: boolean }>(
            "select format_type(oid, null) as t, typtype = 'p' as pseudo from pg_type where oid = to_regtype($1)",
            [name],
          )
          .then((r) => r.rows[0], () => undefined);
        if (!found?.t) throw new RestError(400, '42704', `type "${name}" does not exist`);
        if (found.pseudo) throw new RestError(400, '42846', `cannot cast to type ${found.t}: it is a pseudo-type`);
        type = found.t;
        this.known.set(name, type);
      }
      out.set(name, type);
    }
    return out;
  }
}
