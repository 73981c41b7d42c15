import type { Database } from '../db.ts';
import { Catalog, quoteIdent, type TableInfo } from './catalog.ts';
import type { Channel } from './channel.ts';
import { compileFilter, parseFilter, type FilterClause } from './filters.ts';
import { CHANGES_CHANNEL } from './schema.ts';

type Op = 'INSERT' | 'UPDATE' | 'DELETE';
type Row = Record<string, unknown>;

interface Subscription {
  channel: Channel;
  id: number;
  event: '*' | Op;
  schema: string;
  /** '*' for every published table of the schema. */
  table: string;
  filter: string | null;
  clauses: FilterClause[] | null;
}

interface ChangeRow {
  id: string;
  schema_name: string;
  table_name: string;
  op: Op;
  rls: boolean;
  record: Row | null;
  old_record: Row | null;
  /** The deleted row in its text form (DELETEs on RLS tables only). */
  old_row: string | null;
  committed_at: Date;
}

interface Check {
  info: TableInfo;
  role: string;
  claims: string;
  pks: Map<string, Row>;
}

/** Selects, as jsonb arrays, the keys among $1 (jsonb array of key objects) that the current role can read. */
function keysQuery(info: TableInfo): string {
  const cols = info.primaryKey.map(quoteIdent);
  const defs = info.primaryKey.map((k) => `${quoteIdent(k)} ${info.columns.find((c) => c.name === k)?.sqlType}`);
  return `select coalesce(jsonb_agg(jsonb_build_array(${cols.map((c) => `t.${c}`).join(', ')})), '[]') from ${info.qualified} t
    where (${cols.map((c) => `t.${c}`).join(', ')}) in (select ${cols.map((c) => `k.${c}`).join(', ')} from jsonb_to_recordset($1) as k(${defs.join(', ')}))`;
}

export interface ChangeFeedOptions {
  /** Records larger than this (as JSON) are cut down to their small fields, as Realtime does; default 1 MiB. */
  maxRecordBytes: number;
  /** At most this many NOTIFYs are handled per read of the change table. */
  batchSize: number;
}

const EVENTS = new Set(['*', 'INSERT', 'UPDATE', 'DELETE']);

/**
 * postgres_changes: reads each captured change after its NOTIFY, matches it against the
 * subscriptions (event, table, filter), lets Postgres decide per subscriber whether the
 * subscriber's role and claims may read the row (one query per distinct set of claims and
 * table per batch), and sends one message per change per channel.
 */
export class ChangeFeed {
  private subs = new Map<string, Set<Subscription>>();
  private byChannel = new Map<number, Subscription[]>();
  private queue: string[] = [];
  private draining: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;

  constructor(
    private readonly db: Database,
    private readonly catalog: Catalog,
    private readonly opts: ChangeFeedOptions,
    private readonly log: (msg: string, e?: unknown) => void,
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.db.listen(CHANGES_CHANNEL, (payload) => {
      if (payload === 'catalog') this.catalog.forget();
      else this.enqueue(payload);
    });
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = null;
    await this.draining;
  }

  /** Resolves once every change notified so far has been delivered (tests and benchmarks). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  get subscriptionCount(): number {
    let n = 0;
    for (const s of this.byChannel.values()) n += s.length;
    return n;
  }

  /**
   * (Re)creates the channel's subscriptions with its current claims and pushes the `system`
   * message: ok once they are live, or the error that makes them inactive.
   */
  async activate(channel: Channel): Promise<void> {
    this.remove(channel);
    const bindings = channel.config.bindings;
    if (bindings.length === 0) return;
    const subs: Subscription[] = [];
    for (const b of bindings) {
      const problem = await this.validate(channel, b.event, b.schema, b.table, b.filter);
      if (typeof problem === 'string') {
        if (!channel.closed) channel.push('system', { extension: 'postgres_changes', status: 'error', message: problem, channel: channel.subTopic });
        return;
      }
      subs.push({
        channel,
        id: b.id,
        event: b.event.toUpperCase() as Subscription['event'],
        schema: b.schema,
        table: b.table && b.table !== '*' ? b.table : '*',
        filter: b.filter ?? null,
        clauses: problem,
      });
    }
    if (channel.closed) return;
    for (const s of subs) {
      const key = `${s.schema}.${s.table}`;
      let set = this.subs.get(key);
      if (!set) this.subs.set(key, (set = new Set()));
      set.add(s);
    }
    this.byChannel.set(channel.id, subs);
    channel.push('system', { extension: 'postgres_changes', status: 'ok', message: 'Subscribed to PostgreSQL', channel: channel.subTopic });
  }

  remove(channel: Channel): void {
    const subs = this.byChannel.get(channel.id);
    if (!subs) return;
    this.byChannel.delete(channel.id);
    for (const s of subs) {
      const key = `${s.schema}.${s.table}`;
      const set = this.subs.get(key);
      set?.delete(s);
      if (set?.size === 0) this.subs.delete(key);
    }
  }

  /** The parsed filter (or null), or the error message for the `system` push. */
  private async validate(channel: Channel, event: string, schema: string, table: string | undefined, filter: string | undefined): Promise<FilterClause[] | null | string> {
    const fail = `Unable to subscribe to changes with given parameters. Please check Realtime is enabled for the given connect parameters: [event: ${event}, schema: ${schema}, table: ${table ?? '*'}, filters: [${filter ?? ''}], select: nil]`;
    if (!EVENTS.has(String(event).toUpperCase()) || !schema) return fail;
    const role = await this.catalog.role(channel.role);
    if (!role.exists) return fail;
    let clauses: FilterClause[] | null = null;
    if (filter) {
      try {
        clauses = parseFilter(filter);
      } catch {
        return fail;
      }
    }
    if (!table || table === '*') return clauses;
    const info = await this.catalog.table(schema, table);
    if (!info || !info.inPublication) return fail;
    if (!(await this.catalog.readableColumns(channel.role, info))) return fail;
    if (clauses) {
      const casts: string[] = [];
      const params: unknown[] = [];
      for (const c of clauses) {
        const col = info.columns.find((x) => x.name === c.column);
        if (!col) return fail;
        if (c.op === 'like' || c.op === 'ilike' || c.op === 'match' || c.op === 'imatch' || c.op === 'is') continue;
        params.push(c.op === 'in' ? c.values : c.values[0]);
        casts.push(c.op === 'in' ? `($${params.length}::text[])::${col.sqlType}[]` : `$${params.length}::${col.sqlType}`);
      }
      if (casts.length) {
        try {
          await this.db.query(`select ${casts.join(', ')}`, params);
        } catch {
          return fail;
        }
      }
    }
    return clauses;
  }

  private enqueue(id: string): void {
    this.queue.push(id);
    if (!this.draining) {
      this.draining = this.drain().finally(() => {
        this.draining = null;
      });
    }
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const ids = this.queue.splice(0, this.opts.batchSize);
      if (this.subs.size === 0) continue;
      try {
        await this.process(ids);
      } catch (e) {
        this.log('realtime: delivering changes failed', e);
      }
    }
  }

  private candidates(row: ChangeRow): Subscription[] {
    const out: Subscription[] = [];
    for (const key of [`${row.schema_name}.${row.table_name}`, `${row.schema_name}.*`, `*.*`]) {
      for (const s of this.subs.get(key) ?? []) if (s.event === '*' || s.event === row.op) out.push(s);
    }
    return out;
  }

  private async process(ids: string[]): Promise<void> {
    const rows = (
      await this.db.query<ChangeRow>(
        `select id::text as id, schema_name, table_name, op, rls, record, old_record,
                case when op = 'DELETE' and rls then old_row end as old_row, committed_at
         from realtime.changes where id = any ($1::bigint[]) order by id`,
        [ids],
      )
    ).rows;
    const work: { row: ChangeRow; info: TableInfo; matched: Map<Channel, number[]>; pkKey: string; deletedVisibleTo?: Set<string> }[] = [];
    const checks = new Map<string, Check>();
    const roles = new Map<string, boolean>();
    const bypass = async (role: string) => {
      let b = roles.get(role);
      if (b === undefined) roles.set(role, (b = (await this.catalog.role(role)).bypassRls));
      return b;
    };
    for (const row of rows) {
      const candidates = this.candidates(row);
      if (candidates.length === 0) continue;
      const info = await this.catalog.table(row.schema_name, row.table_name);
      if (!info) continue;
      const image = (row.op === 'DELETE' ? row.old_record : row.record) ?? {};
      const passing = await this.applyFilters(candidates, info, image);
      const matched = new Map<Channel, number[]>();
      for (const s of passing) {
        const list = matched.get(s.channel) ?? [];
        if (!list.includes(s.id)) list.push(s.id);
        matched.set(s.channel, list);
      }
      if (matched.size === 0) continue;
      const pk = Object.fromEntries(info.primaryKey.map((k) => [k, (row.record ?? row.old_record ?? {})[k]]));
      const pkKey = JSON.stringify(info.primaryKey.map((k) => pk[k]));
      const unchecked = new Map<string, string>();
      if (row.rls) {
        for (const channel of matched.keys()) {
          if (!unchecked.has(channel.claimsKey) && !(await bypass(channel.role))) unchecked.set(channel.claimsKey, channel.role);
        }
      }
      if (row.op === 'DELETE') {
        const deletedVisibleTo = unchecked.size ? await this.checkDeleted(row, info, pk, unchecked) : new Set<string>();
        work.push({ row, info, matched, pkKey, deletedVisibleTo });
        continue;
      }
      for (const [claims, role] of unchecked) {
        const checkKey = `${info.qualified}|${claims}`;
        let check = checks.get(checkKey);
        if (!check) checks.set(checkKey, (check = { info, role, claims, pks: new Map() }));
        check.pks.set(pkKey, pk);
      }
      work.push({ row, info, matched, pkKey });
    }
    if (work.length === 0) return;
    const visible = checks.size ? await this.checkVisibility([...checks.values()]) : new Set<string>();
    for (const { row, info, matched, pkKey, deletedVisibleTo } of work) {
      const dataByRole = new Map<string, string | null>();
      // Viewers of one topic with the same bindings and role get the very same frame.
      const frames = new Map<string, Buffer>();
      for (const [channel, subIds] of matched) {
        if (channel.closed) continue;
        if (row.rls && !(await bypass(channel.role))) {
          const allowed = deletedVisibleTo
            ? deletedVisibleTo.has(channel.claimsKey)
            : info.primaryKey.length > 0 && visible.has(`${info.qualified}|${channel.claimsKey}|${pkKey}`);
          if (!allowed) continue;
        }
        let data = dataByRole.get(channel.role);
        if (data === undefined) {
          const readable = await this.catalog.readableColumns(channel.role, info);
          data = readable ? this.buildData(row, info, readable) : null;
          dataByRole.set(channel.role, data);
        }
        if (data === null) continue;
        const frameKey = `${channel.role}|${subIds.join(',')}|${channel.topic}`;
        let frame = frames.get(frameKey);
        if (!frame) {
          frame = Buffer.from(`[null,null,${JSON.stringify(channel.topic)},"postgres_changes",{"ids":${JSON.stringify(subIds)},"data":${data}}]`);
          frames.set(frameKey, frame);
        }
        channel.outlet.sendText(frame);
      }
    }
  }

  /** Subscriptions whose filter the row image satisfies; Postgres compares with the columns' types. */
  private async applyFilters(candidates: Subscription[], info: TableInfo, image: Row): Promise<Subscription[]> {
    const filters = [...new Set(candidates.filter((s) => s.clauses).map((s) => s.filter as string))];
    if (filters.length === 0) return candidates;
    const typeOf = (c: string) => info.columns.find((x) => x.name === c)?.sqlType;
    const params: unknown[] = [];
    const preds: string[] = [];
    const used = new Set<string>();
    for (const f of filters) {
      const clauses = candidates.find((s) => s.filter === f)?.clauses as FilterClause[];
      const compiled = compileFilter(clauses, typeOf, params.length + 2);
      params.push(...compiled.params);
      preds.push(compiled.sql);
      for (const c of compiled.columns) used.add(c);
    }
    const reduced: Row = {};
    for (const c of used) if (c in image) reduced[c] = image[c];
    const r = await this.db.query<{ m: boolean[] }>(`select array[${preds.join(', ')}] as m from (select $1::jsonb as r) s`, [
      JSON.stringify(reduced),
      ...params,
    ]);
    const verdict = new Map(filters.map((f, i) => [f, r.rows[0].m[i] === true]));
    return candidates.filter((s) => !s.clauses || verdict.get(s.filter as string));
  }

  /**
   * As Supabase Realtime does it: per distinct claims, with `role` and `request.jwt.claims`
   * set, select the changed rows' primary keys from the table itself, so the table's RLS
   * policies (auth.uid(), auth.jwt()) decide. All checks of a batch run in one statement
   * (realtime.visible_keys). Returns `table|claims|pk` keys of the visible rows.
   */
  private async checkVisibility(checks: Check[]): Promise<Set<string>> {
    const visible = new Set<string>();
    const list = checks.filter((c) => c.info.primaryKey.length > 0);
    if (list.length === 0) return visible;
    try {
      const r = await this.db.query<{ v: unknown[][][] }>(`select realtime.visible_keys($1::jsonb) as v`, [
        JSON.stringify(list.map((c) => ({ role: c.role, claims: c.claims, sql: keysQuery(c.info), keys: [...c.pks.values()] }))),
      ]);
      r.rows[0].v.forEach((keys, i) => {
        for (const k of keys) visible.add(`${list[i].info.qualified}|${list[i].claims}|${JSON.stringify(k)}`);
      });
    } catch (e) {
      // Fail closed: a check that cannot run delivers nothing.
      this.log('realtime: RLS check failed', e);
    }
    return visible;
  }

  /**
   * Supabase sends a DELETE on an RLS table to every subscriber (reduced to the key), which
   * tells a public viewer the id of a draft zone or a delivery it could never read. Here a
   * DELETE goes only to subscribers who could read the row just before it was deleted: the
   * old row is put back with triggers off (session_replication_role = replica), the same
   * check runs per distinct claims, and the insert is rolled back (realtime.visible_deleted).
   * Returns the claims that may see it.
   */
  private async checkDeleted(row: ChangeRow, info: TableInfo, pk: Row, groups: Map<string, string>): Promise<Set<string>> {
    const visible = new Set<string>();
    if (!row.old_row || info.primaryKey.length === 0) return visible;
    const cols = info.columns.filter((c) => !c.generated).map((c) => quoteIdent(c.name));
    const restore = `insert into ${info.qualified} (${cols.join(', ')}) overriding system value
      select ${cols.map((c) => `(r).${c}`).join(', ')} from (select $1::${info.qualified} as r) s`;
    const list = [...groups].map(([claims, role]) => ({ role, claims, sql: keysQuery(info), keys: [pk] }));
    try {
      const r = await this.db.query<{ v: unknown[][][] }>(`select realtime.visible_deleted($1, $2, $3::jsonb) as v`, [
        restore,
        row.old_row,
        JSON.stringify(list),
      ]);
      r.rows[0].v.forEach((keys, i) => keys.length > 0 && visible.add(list[i].claims));
    } catch (e) {
      this.log('realtime: RLS check of a deleted row failed', e);
    }
    return visible;
  }

  /** `data` of the change message as the role may see it, serialised once per role. */
  private buildData(row: ChangeRow, info: TableInfo, readable: Set<string>): string {
    const columns = info.columns.filter((c) => readable.has(c.name));
    const errors: string[] = [];
    const pick = (rec: Row | null, only?: string[]): Row => {
      const out: Row = {};
      if (!rec) return out;
      for (const c of columns) if (c.name in rec && (!only || only.includes(c.name))) out[c.name] = rec[c.name];
      return out;
    };
    const data: Row = {
      schema: row.schema_name,
      table: row.table_name,
      commit_timestamp: new Date(row.committed_at).toISOString(),
      type: row.op,
      columns: columns.map(({ name, type }) => ({ name, type })),
    };
    if (info.primaryKey.length === 0) errors.push('Error 400: Bad Request, no primary key');
    else if (!info.primaryKey.every((k) => readable.has(k))) errors.push('Error 401: Unauthorized');
    const blind = errors.length > 0;
    if (row.op !== 'DELETE') data.record = blind ? {} : this.limit(pick(row.record), errors);
    if (row.op !== 'INSERT') {
      // As on Supabase, a DELETE on an RLS table carries nothing but the key.
      const old = pick(row.old_record, row.op === 'DELETE' && row.rls ? info.primaryKey : undefined);
      data.old_record = blind ? {} : this.limit(old, errors);
    }
    data.errors = errors.length ? [...new Set(errors)] : null;
    return JSON.stringify(data);
  }

  private limit(rec: Row, errors: string[]): Row {
    if (Buffer.byteLength(JSON.stringify(rec)) <= this.opts.maxRecordBytes) return rec;
    errors.push('Error 413: Payload Too Large');
    return Object.fromEntries(Object.entries(rec).filter(([, v]) => JSON.stringify(v ?? null).length <= 64));
  }
}
