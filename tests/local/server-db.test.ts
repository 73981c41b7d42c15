import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectionBusyError, DatabaseUnavailableError, EmptyResultError, openDatabase, StatementTimeoutError, type ManagedDatabase } from '../../supabase/local/db.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { TMP } from '../helpers/template.ts';

const SLOW = 'select count(*) from generate_series(1, 2000000000)';
const BOWTIE = "ST_GeomFromText('POLYGON((0 0, 1 1, 1 0, 0 1, 0 0))', 4326)";
const SQUARE = "ST_GeomFromText('POLYGON((0 0, 2 0, 2 2, 0 2, 0 0))', 4326)";

let stack: TestStack;
let db: ManagedDatabase;
beforeAll(async () => {
  stack = await startTestStack();
  db = stack.ctx.db as ManagedDatabase;
  await db.exec('create table public.probe (id int primary key, note text)');
});
afterAll(() => stack?.stop());

const health = () => fetch(`${stack.url}/auth/v1/health`, { headers: { apikey: stack.anonKey } });

describe('database worker', () => {
  it('keeps answering HTTP while a statement runs', async () => {
    db.statementTimeoutMs = 4000;
    const order: string[] = [];
    const slow = db.query(SLOW).then(
      () => order.push('slow'),
      () => order.push('slow'),
    );
    const res = await health();
    order.push('health');
    await slow;
    expect(res.status).toBe(200);
    expect(order).toEqual(['health', 'slow']);
  });

  it('aborts a statement past the time limit, restarts from the data folder and keeps committed data', async () => {
    db.statementTimeoutMs = 1500;
    await db.query("insert into public.probe values (1, 'committed')");
    const before = db.restarts;
    await expect(db.query(SLOW)).rejects.toBeInstanceOf(StatementTimeoutError);
    db.statementTimeoutMs = 30_000;
    const r = await db.query<{ note: string }>('select note from public.probe where id = 1');
    expect(r.rows).toEqual([{ note: 'committed' }]);
    expect(db.restarts).toBe(before + 1);
    expect((await health()).status).toBe(200);
  });

  it('loses only the transaction that hung: its writes roll back, later ones work', async () => {
    db.statementTimeoutMs = 1500;
    const lost = db.transaction(async (tx) => {
      await tx.query("insert into public.probe values (2, 'lost')");
      await tx.query(SLOW);
    });
    await expect(lost).rejects.toBeInstanceOf(StatementTimeoutError);
    db.statementTimeoutMs = 30_000;
    expect((await db.query('select 1 from public.probe where id = 2')).rows).toHaveLength(0);
    await db.transaction((tx) => tx.query("insert into public.probe values (3, 'after')"));
    expect((await db.query('select 1 from public.probe where id = 3')).rows).toHaveLength(1);
  });

  it('re-subscribes LISTEN channels after a restart', async () => {
    const got: string[] = [];
    const unlisten = await db.listen('probe_channel', (p) => got.push(p));
    await db.restart('test');
    await db.query("select pg_notify('probe_channel', 'after restart')");
    await expect.poll(() => got).toEqual(['after restart']);
    await unlisten();
  });

  it('never leaves a statement queued behind a hung one waiting forever', async () => {
    db.statementTimeoutMs = 1500;
    const hung = db.query(SLOW);
    const queued = db.query('select 1 as one').then(
      (r) => r.rows,
      (e: Error) => e,
    );
    await expect(hung).rejects.toBeInstanceOf(StatementTimeoutError);
    const outcome = await queued;
    db.statementTimeoutMs = 30_000;
    if (outcome instanceof Error) expect([ConnectionBusyError, DatabaseUnavailableError].some((t) => outcome instanceof t)).toBe(true);
    else expect(outcome).toEqual([{ one: 1 }]);
    expect((await db.query('select 2 as two')).rows).toEqual([{ two: 2 }]);
  });

  it('breaks the deadlock of a transaction that waits on a statement queued outside it', async () => {
    db.statementTimeoutMs = 1500;
    const stuck = db.transaction(async (tx) => {
      await tx.query("insert into public.probe values (4, 'stuck')");
      await db.query('select 1');
    });
    await expect(stuck).rejects.toBeInstanceOf(ConnectionBusyError);
    db.statementTimeoutMs = 30_000;
    expect((await db.query('select 1 from public.probe where id = 4')).rows).toHaveLength(0);
  });

  it('turns the silent empty answer of PostGIS on invalid geometry into an error', async () => {
    await expect(db.query(`select ST_Union(${BOWTIE}, ${SQUARE}) as g`)).rejects.toBeInstanceOf(EmptyResultError);
    expect((await db.query(`select ST_IsValid(${BOWTIE}) as ok`)).rows).toEqual([{ ok: false }]);
  });

  it('gives up opening a folder after the open time limit and the configured attempts', async () => {
    const logged: string[] = [];
    const dir = join(TMP, `never-opens-${process.pid}`);
    const opening = openDatabase(dir, { openTimeoutMs: 50, openAttempts: 2, log: (m) => logged.push(m) });
    await expect(opening).rejects.toThrow(/took longer than 50 ms/);
    expect(logged.filter((m) => m.includes('retrying'))).toHaveLength(1);
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes Postgres errors through with their SQLSTATE and fields', async () => {
    const e = await db.query("insert into public.probe values (1, 'duplicate')").catch((x: unknown) => x as Record<string, unknown>);
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({ code: '23505', constraint: 'probe_pkey' });
  });
});
