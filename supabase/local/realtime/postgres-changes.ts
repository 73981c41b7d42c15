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
  /** RLS tables: the row as written, in its text form (INSERT, UPDATE). */
  new_row: string | null;
  /** RLS tables: the row before the change (DELETE, and UPDATE with REPLICA IDENTITY FULL). */
  old_row: string | null;
  committed_at: Date;
}

/** One change being delivered: who matched, and which claims may read the versions it carries. */
interface Work {
  row: ChangeRow;
  info: TableInfo;
  matched: Map<Channel, number[]>;
  /** Claims that may read the row as written (INSERT, UPDATE). */
  now: Set<string>;
  /** Claims that may read the row as it was (DELETE, and UPDATE old values), when checked. */
  before: Set<string> | null;
}

/** "May these claims read this version of this row?" */
interface VersionCheck {
  info: TableInfo;
  version: string;
  pk: Row;
  groups: [claims: string, role: string][];
  answer: Set<string>;
}

/** Selects, as jsonb arrays, the keys among $1 (jsonb array of key objects) that the current role can read. */
function keysQuery(info: TableInfo): string {
  const cols = info.primaryKey.map(quoteIdent);
  const defs = info.primaryKey.map((k) => `${quoteIdent(k)} ${info.columns.find((c) => c.name === k)?.sqlType}`);
  return `select coalesce(jsonb_agg(jsonb_build_array(${cols.map((c) => `t.${c}`).join(', ')})), '[]') from ${info.qualified} t
    where (${cols.map((c) => `t.${c}`).join(', ')}) in (select ${cols.map((c) => `k.${c}`).join(', ')} from jsonb_to_recordset($1) as k(${defs.join(', ')}))`;
}

/**
 * Statements that make `$1` (a version of a row in its text form) the table's current version:
 * whether it already is, and if not, removing what holds its key and inserting it.
 */
function versionSql(info: TableInfo): { current: string; remove: string; restore: string } {
  const cols = info.columns.filter((c) => !c.generated).map((c) => quoteIdent(c.name));
  const pk = info.primaryKey.map(quoteIdent);
  const r = `(select $1::${info.qualified} as r) s`;
  const key = `(${pk.map((c) => `t.${c}`).join(', ')}) = (select ${pk.map((c) => `(r).${c}`).join(', ')} from ${r})`;
  return {
    current: `select exists (select 1 from ${info.qualified} t where ${key} and t::text = $1)`,
    remove: `delete from ${info.qualified} t where ${key}`,
    restore: `insert into ${info.qualified} (${cols.join(', ')}) overriding system value select ${cols.map((c) => `(r).${c}`).join(', ')} from ${r}`,
  };
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
 * subscriptions (event, table, filter), lets Postgres decide whether each distinct set of
 * subscriber claims may read the version of the row the event carries (one statement per
 * batch), and sends one message per change per channel.
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
      if (payload === 'catalog') return this.catalog.forget();
      const [id, schema, table, op] = JSON.parse(payload) as [number, string, string, Op];
      if (this.interested(schema, table, op)) this.enqueue(String(id));
    });
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = null;
    await this.draining;
  }

  /**
   * (Re)creates the channel's subscriptions with its current claims and pushes the `system`
   * message: ok once they are live, or the error that makes them inactive.
   */
  async activate(channel: Channel): Promise<void> {
    const generation = ++channel.subscriptionGeneration;
    const superseded = () => channel.closed || channel.subscriptionGeneration !== generation;
    this.remove(channel);
    const bindings = channel.config.bindings;
    if (bindings.length === 0) return;
    const subs: Subscription[] = [];
    for (const b of bindings) {
      const problem = await this.validate(channel, b.event, b.schema, b.table, b.filter);
      if (superseded()) return;
      if (typeof problem === 'string') {
        channel.push('system', { extension: 'postgres_changes', status: 'error', message: problem, channel: channel.subTopic });
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
    if (superseded()) return;
    this.remove(channel);
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
    const readable = await this.catalog.readableColumns(channel.role, info);
    if (!readable) return fail;
    if (clauses) {
      const casts: string[] = [];
      const params: unknown[] = [];
      for (const c of clauses) {
        const col = info.columns.find((x) => x.name === c.column);
        // A filter on a column the role may not select would tell it that column's values.
        if (!col || !readable.has(col.name)) return fail;
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
      try {
        await this.process(ids);
      } catch (e) {
        this.log('realtime: delivering changes failed', e);
      }
    }
  }

  private interested(schema: string, table: string, op: Op): boolean {
    for (const key of [`${schema}.${table}`, `${schema}.*`, `*.*`]) {
      for (const s of this.subs.get(key) ?? []) if (s.event === '*' || s.event === op) return true;
    }
    return false;
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
        `select id::text as id, schema_name, table_name, op, rls, record, old_record, new_row, old_row, committed_at
         from realtime.changes where id = any ($1::bigint[]) order by id`,
        [ids],
      )
    ).rows;
    const work: Work[] = [];
    const checks: VersionCheck[] = [];
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
      const item: Work = { row, info, matched, now: new Set(), before: null };
      work.push(item);
      if (!row.rls || info.primaryKey.length === 0) continue;
      const groups = new Map<string, string>();
      for (const channel of matched.keys()) {
        if (!groups.has(channel.claimsKey) && !(await bypass(channel.role))) groups.set(channel.claimsKey, channel.role);
      }
      if (groups.size === 0) continue;
      const pk = Object.fromEntries(info.primaryKey.map((k) => [k, (row.record ?? row.old_record ?? {})[k]]));
      if (row.new_row) checks.push({ info, version: row.new_row, pk, groups: [...groups], answer: item.now });
      if (row.old_row) {
        item.before = new Set();
        checks.push({ info, version: row.old_row, pk: Object.fromEntries(info.primaryKey.map((k) => [k, (row.old_record ?? {})[k]])), groups: [...groups], answer: item.before });
      }
    }
    if (work.length === 0) return;
    if (checks.length) await this.checkVisibility(checks);
    for (const { row, info, matched, now, before } of work) {
      const dataByView = new Map<string, string | null>();
      // Viewers of one topic with the same bindings and view of the row get the very same frame.
      const frames = new Map<string, Buffer>();
      for (const [channel, subIds] of matched) {
        if (channel.closed) continue;
        let sawBefore = true;
        if (row.rls && !(await bypass(channel.role))) {
          if (row.op === 'DELETE') {
            if (!before?.has(channel.claimsKey)) continue;
          } else {
            if (!now.has(channel.claimsKey)) continue;
            sawBefore = before ? before.has(channel.claimsKey) : false;
          }
        }
        const view = `${channel.role}|${sawBefore}`;
        let data = dataByView.get(view);
        if (data === undefined) {
          const readable = await this.catalog.readableColumns(channel.role, info);
          data = readable ? this.buildData(row, info, readable, sawBefore) : null;
          dataByView.set(view, data);
        }
        if (data === null) continue;
        const frameKey = `${view}|${subIds.join(',')}|${channel.topic}`;
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
   * As Supabase Realtime does it, Postgres decides: per distinct claims, with `role` and
   * `request.jwt.claims` set, the row's primary key is selected from the table itself, so the
   * table's RLS policies (auth.uid(), auth.jwt()) and grants apply (realtime.visible_keys).
   *
   * Unlike Supabase, which reads whatever the row is when the check runs, each event is checked
   * against the version it carries (realtime.visible_versions puts that version back with
   * triggers off when the table no longer holds it, checks, rolls back). So an INSERT of a
   * draft zone published a moment later is not sent to the public, a DELETE goes only to
   * subscribers who could read the deleted row, and an UPDATE carries old values only to
   * subscribers who could read the old version (else just the key).
   *
   * All checks of a batch run in one statement, because PGlite serves one connection and round
   * trips are the throughput limit. A check that cannot run sees nothing (fail closed).
   */
  private async checkVisibility(checks: VersionCheck[]): Promise<void> {
    try {
      const r = await this.db.query<{ v: unknown[][][] }>(`select realtime.visible_versions($1::jsonb) as v`, [
        JSON.stringify(
          checks.map((c) => ({
            ...versionSql(c.info),
            row: c.version,
            checks: c.groups.map(([claims, role]) => ({ role, claims, sql: keysQuery(c.info), keys: [c.pk] })),
          })),
        ),
      ]);
      r.rows[0].v.forEach((perGroup, i) => {
        perGroup.forEach((keys, j) => keys.length > 0 && checks[i].answer.add(checks[i].groups[j][0]));
      });
    } catch (e) {
      this.log('realtime: RLS check failed', e);
    }
  }

  /**
   * `data` of the change message as the role may see it, serialised once per role (and per
   * whether the subscriber could read the row before the change).
   */
  private buildData(row: ChangeRow, info: TableInfo, readable: Set<string>, sawBefore: boolean): string {
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
      // As on Supabase, a DELETE on an RLS table carries nothing but the key; so does an UPDATE
      // for a subscriber that could not read the previous version.
      const keyOnly = (row.op === 'DELETE' && row.rls) || !sawBefore;
      const old = pick(row.old_record, keyOnly ? info.primaryKey : undefined);
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
