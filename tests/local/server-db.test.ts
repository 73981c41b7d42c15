import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { rmSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ConnectionBusyError,
  DatabaseUnavailableError,
  EmptyResultError,
  FairQueue,
  openDatabase,
  StatementTimeoutError,
  type Lane,
  type ManagedDatabase,
} from '../../supabase/local/db.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { ensureTemplate, TMP, touch } from '../helpers/template.ts';

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

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
/** A value PGlite accepts only while most of its 2 MB max_stack_depth is free. */
const DEEP = nested(10_000);
const failing = (d: ManagedDatabase) =>
  d.transaction((tx) => tx.query('select 1/0')).then(
    () => null,
    (e: { code?: string }) => e,
  );

describe('PGlite stack (the wedge)', () => {
  it('gets back the stack every error leaked: after 2,500 failed transactions deep JSON and writes still work, no restart', async () => {
    db.statementTimeoutMs = 30_000;
    expect((await db.query('select $1::jsonb is not null as ok', [DEEP])).rows).toEqual([{ ok: true }]);
    const restarts = db.restarts;
    const repaired = db.repairedStackBytes;
    for (let i = 0; i < 2500; i++) expect(await failing(db)).toMatchObject({ code: '22012' });
    // Each error leaked ~1.1 KB; without the repair ~1,900 errors exhaust max_stack_depth.
    expect(db.repairedStackBytes - repaired).toBeGreaterThan(2500 * 1000);
    expect((await db.query('select $1::jsonb is not null as ok', [DEEP])).rows).toEqual([{ ok: true }]);
    await db.transaction((tx) => tx.query("insert into public.probe values (20, 'after 2,500 errors')"));
    expect((await db.query('select note from public.probe where id = 20')).rows).toEqual([{ note: 'after 2,500 errors' }]);
    expect(db.restarts).toBe(restarts);
  });

  it('refuses recursion past max_stack_depth with 54001 instead of overflowing the worker and breaking PGlite', async () => {
    const restarts = db.restarts;
    await expect(db.query('select $1::jsonb is not null as ok', [nested(200_000)])).rejects.toMatchObject({ code: '54001' });
    await db.exec(
      `create function public.probe_recurse(n int) returns int language plpgsql
         as $$ begin if n = 0 then return 0; end if; return public.probe_recurse(n - 1) + 1; end $$`,
    );
    expect((await db.query('select public.probe_recurse(500) as n')).rows).toEqual([{ n: 500 }]);
    await expect(db.query('select public.probe_recurse(100000) as n')).rejects.toMatchObject({ code: '54001' });
    expect((await db.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    expect(db.restarts).toBe(restarts);
  });

  it('without the repair, reproduces the wedge and gets out: the failed ROLLBACK restarts the instance, data stays', async () => {
    const provided = inject('stackTemplate');
    const template = provided ? touch(provided) : await ensureTemplate();
    const dir = join(TMP, `stack-leak-${process.pid}`);
    rmSync(dir, { recursive: true, force: true });
    await cp(template, dir, { recursive: true });
    const logged: string[] = [];
    const leaky = await openDatabase(dir, { repairStack: false, log: (m) => logged.push(m) });
    try {
      await leaky.exec("create table public.kept (note text); insert into public.kept values ('committed before')");
      // Each failed transaction leaks ~1.1 KB of the 2 MB max_stack_depth; after ~1,900 the ROLLBACK
      // fails with 54001 (what left the connection in 25P02) and the instance is replaced.
      let failed = 0;
      while (leaky.restarts === 0 && failed < 4000) {
        expect(await failing(leaky)).toMatchObject({ code: expect.stringMatching(/^(22012|54001)$/) });
        failed++;
      }
      expect(failed).toBeGreaterThan(1000);
      expect(leaky.restarts).toBe(1);
      expect(logged.some((m) => /restarting PGlite \((ROLLBACK|the health check) failed \(54001\)/.test(m))).toBe(true);
      expect(leaky.repairedStackBytes).toBe(0);
      expect((await leaky.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
      expect((await leaky.query('select note from public.kept')).rows).toEqual([{ note: 'committed before' }]);
      expect(await failing(leaky)).toMatchObject({ code: '22012' });
    } finally {
      await leaky.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('fair queue', () => {
  /** Grants in order for a queue of one slot: `order` lists lanes in the order they were queued. */
  async function grantOrder(order: Lane[], publicEvery?: number): Promise<string[]> {
    const queue = new FairQueue(1, publicEvery);
    const granted: string[] = [];
    const first = await queue.acquire('public', 1000, () => new Error('timeout'));
    const waiting = order.map((lane, i) =>
      queue.acquire(lane, 1000, () => new Error('timeout')).then((release) => {
        granted.push(`${lane}${i}`);
        release();
      }),
    );
    first();
    await Promise.all(waiting);
    return granted;
  }

  it('serves staff before a public backlog, and the public one turn in every five while staff keep coming', async () => {
    expect(await grantOrder(['public', 'public', 'public', 'staff'])).toEqual(['staff3', 'public0', 'public1', 'public2']);
    const mixed: Lane[] = ['public', 'public', 'staff', 'staff', 'staff', 'staff', 'staff', 'staff'];
    expect(await grantOrder(mixed, 4)).toEqual(['staff2', 'staff3', 'staff4', 'staff5', 'public0', 'staff6', 'staff7', 'public1']);
  });

  it('gives up waiting after the limit, leaving the queue as it was', async () => {
    const queue = new FairQueue(1);
    const release = await queue.acquire('staff', 1000, () => new Error('timeout'));
    await expect(queue.acquire('public', 20, () => new ConnectionBusyError(20))).rejects.toBeInstanceOf(ConnectionBusyError);
    expect(queue.waiting).toEqual({ staff: 0, public: 0 });
    release();
    const again = await queue.acquire('public', 20, () => new Error('timeout'));
    again();
  });
});
