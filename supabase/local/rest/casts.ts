import type { Database } from '../db.ts';
import { RestError } from './errors.ts';

/**
 * Resolves `::type` names from select lists to Postgres's own spelling of the type
 * (`int` -> `integer`), so only type names Postgres itself printed reach the SQL text.
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
          .query<{ t: string | null }>('select format_type(to_regtype($1), null) as t', [name])
          .then((r) => r.rows[0]?.t, () => null);
        if (!found) throw new RestError(400, '42704', `type "${name}" does not exist`);
        type = found;
        this.known.set(name, type);
      }
      out.set(name, type);
    }
    return out;
  }
}
