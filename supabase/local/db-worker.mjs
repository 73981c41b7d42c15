// @ts-check
// Hosts one PGlite + PostGIS instance for db.ts. Plain JavaScript on purpose: worker threads do
// not inherit the TypeScript loaders of tsx or vitest, so a .ts entry would not start there.
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
const { dataDir, bootstrapSql, repairStack } = /** @type {{ dataDir: string; bootstrapSql: string; repairStack: boolean }} */ (
  workerData
);

/** @type {PGlite | null} */
let pg = null;
/** @type {Map<string, () => Promise<void>>} */
const unlisteners = new Map();

/*
 * How PGlite 0.5 damages its instance without saying so (README, "The database worker"):
 *
 * - Every Postgres ERROR leaks 0.7-1.1 KB of the Emscripten shadow stack (the C stack in linear
 *   memory): the error unwinds as a JavaScript throw out of `_PostgresMainLoopOnce`, PGlite recovers
 *   with `_PostgresMainLongJmp`, and nobody restores `__stack_pointer`. Postgres measures stack depth
 *   from where the stack began, so each error shrinks `max_stack_depth` (2 MB) for good; after about
 *   1,900 errors every statement fails with 54001, ROLLBACK included, and the connection stays in
 *   its aborted transaction (25P02). Between two operations no WebAssembly frame is live, so when
 *   every throw of an operation was such an error, recovered, the pointer goes back to where it
 *   rests (`restingStackPointer`).
 * - A C++ exception from GEOS (PostGIS on invalid geometry) escapes the same way but is never
 *   recovered: the statement answers nothing (db.ts EmptyResultError) and Postgres still points
 *   into the frames it left (its error context, its jump buffer), so those must not be reused:
 *   the resting pointer moves down past them instead (about 1.9 KB each, as before).
 * - Anything else thrown through Postgres' frames (V8's RangeError when recursion runs out of the
 *   thread's native stack, a WebAssembly trap), or a failure of the recovery itself, is swallowed
 *   by PGlite with nothing cleaned up. It is recorded in `crashed` and the operation fails as
 *   fatal, which makes the main thread restart the instance. The worker's native stack is large
 *   enough (db.ts) that deep recursion meets Postgres' own check (54001) first.
 */
/** @type {WebAssembly.Global | null} */
let stack = null;
let restingStackPointer = 0;
let escapes = 0;
let recoveries = 0;
/** @type {Error | null} */
let crashed = null;

/**
 * Replaces an export of PGlite's Emscripten module with wrap(real). Emscripten binds exports
 * lazily: the first call of `Module._f` assigns the raw export over `Module._f`, which would drop
 * a plain wrapper; the setter takes that assignment as the new `real` instead.
 * @param {Record<string, unknown>} mod
 * @param {string} name
 * @param {(real: () => (...args: unknown[]) => unknown) => (...args: unknown[]) => unknown} wrap
 */
function intercept(mod, name, wrap) {
  let real = /** @type {(...args: unknown[]) => unknown} */ (mod[name]);
  const wrapper = wrap(() => real);
  Object.defineProperty(mod, name, {
    configurable: true,
    enumerable: true,
    get: () => wrapper,
    set: (/** @type {(...args: unknown[]) => unknown} */ f) => {
      real = f;
    },
  });
}

/** @param {PGlite} db */
function guard(db) {
  const mod = /** @type {Record<string, unknown> | undefined} */ (/** @type {any} */ (db).mod);
  if (!mod || typeof mod._PostgresMainLoopOnce !== 'function' || typeof mod._PostgresMainLongJmp !== 'function') return;
  intercept(mod, '_PostgresMainLoopOnce', (loop) => (...args) => {
    try {
      return loop()(...args);
    } catch (e) {
      escapes++;
      // Postgres' own errors and C++ exceptions unwind as a string or a number, never an Error object.
      if (e instanceof Error) crashed ??= e;
      throw e;
    }
  });
  intercept(mod, '_PostgresMainLongJmp', (recover) => (...args) => {
    try {
      const r = recover()(...args);
      recoveries++;
      return r;
    } catch (e) {
      crashed ??= e instanceof Error ? e : new Error(`error recovery failed: ${String(e)}`);
      throw e;
    }
  });
  const sp = mod.___stack_pointer;
  if (repairStack && sp instanceof WebAssembly.Global) {
    stack = sp;
    restingStackPointer = sp.value;
  }
}

/** After an operation: puts the shadow stack pointer back where it rests; returns the bytes it had leaked. */
function restoreStack() {
  const recovered = escapes === recoveries;
  escapes = 0;
  recoveries = 0;
  if (!stack || stack.value === restingStackPointer) return 0;
  if (!recovered) {
    restingStackPointer = stack.value;
    return 0;
  }
  const leaked = restingStackPointer - stack.value;
  stack.value = restingStackPointer;
  return leaked;
}

/** Postgres errors keep every field (code, detail, hint, position, ...); the rest keep their message. */
function serialise(/** @type {unknown} */ e) {
  if (!(e instanceof Error)) return { message: String(e), fatal: false };
  /** @type {Record<string, unknown>} */
  const fields = {};
  for (const [k, v] of Object.entries(e)) if (v === undefined || ['string', 'number', 'boolean'].includes(typeof v)) fields[k] = v;
  // A WebAssembly trap leaves the instance unusable; the main thread then restarts the worker.
  const fatal = e instanceof WebAssembly.RuntimeError || /^Aborted\(/.test(e.message);
  return { ...fields, name: e.name, message: e.message, fatal };
}

/**
 * PGlite turns query parameters into text in JavaScript by their type, and for some types (boolean,
 * bytea) it throws a plain Error, without a SQLSTATE, on a string it does not accept: a REST filter
 * like `oneway=eq.x` failed as a 500. node-postgres (db-pg.ts) sends strings as they are and Postgres
 * answers 22P02. Here too a string goes to Postgres unchanged, array elements included (PGlite's array
 * serialisers look the element's serialiser up here); other values keep PGlite's serialiser.
 * @param {PGlite} db
 */
function sendStringsAsText(db) {
  for (const [oid, serialize] of Object.entries(db.serializers)) {
    db.serializers[oid] = (/** @type {unknown} */ v) => (typeof v === 'string' ? v : serialize(v));
  }
}

async function open() {
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  pg = await PGlite.create({ dataDir, extensions: { postgis, pgcrypto, pg_trgm } });
  if (fresh) await pg.exec(bootstrapSql);
  await pg.exec('set search_path = public, extensions');
  sendStringsAsText(pg);
  guard(pg);
}

/** @param {{ op: string; sql?: string; params?: unknown[]; channel?: string }} m */
async function run(m) {
  const db = /** @type {PGlite} */ (pg);
  switch (m.op) {
    case 'query': {
      const r = await db.query(/** @type {string} */ (m.sql), m.params);
      return { rows: r.rows, fields: r.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })), affectedRows: r.affectedRows };
    }
    case 'exec':
      await db.exec(/** @type {string} */ (m.sql));
      return undefined;
    case 'listen': {
      const channel = /** @type {string} */ (m.channel);
      if (!unlisteners.has(channel)) {
        unlisteners.set(channel, await db.listen(channel, (payload) => port.postMessage({ notify: channel, payload })));
      }
      return undefined;
    }
    case 'unlisten': {
      const channel = /** @type {string} */ (m.channel);
      await unlisteners.get(channel)?.();
      unlisteners.delete(channel);
      return undefined;
    }
    case 'dump': {
      // Everything committed is written to the table files first, so the copy needs no WAL replay
      // beyond the checkpoint. The main thread holds the connection: no statement runs meanwhile.
      await db.exec('checkpoint');
      return new Uint8Array(await (await db.dumpDataDir('none')).arrayBuffer());
    }
    case 'close':
      await db.close();
      return undefined;
    default:
      throw new Error(`unknown database worker operation ${m.op}`);
  }
}

port.on('message', async (/** @type {{ id: number; op: string }} */ m) => {
  /** @type {{ ok: true; result: unknown } | { ok: false; error: ReturnType<typeof serialise> }} */
  let outcome;
  try {
    outcome = { ok: true, result: await run(m) };
  } catch (e) {
    outcome = { ok: false, error: serialise(e) };
  }
  const leaked = crashed ? 0 : restoreStack();
  if (crashed) {
    const e = crashed;
    crashed = null;
    escapes = 0;
    recoveries = 0;
    outcome = {
      ok: false,
      error: {
        name: 'DatabaseCrashError',
        code: 'XX000',
        message: `PGlite failed inside the statement (${e.name}: ${e.message}); the database is restarted`,
        fatal: true,
      },
    };
  }
  port.postMessage({ id: m.id, ...outcome, leaked });
});

open().then(
  () => port.postMessage({ ready: true }),
  (e) => port.postMessage({ ready: false, error: serialise(e) }),
);
