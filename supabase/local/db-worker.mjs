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
const { dataDir, bootstrapSql } = /** @type {{ dataDir: string; bootstrapSql: string }} */ (workerData);

/** @type {PGlite | null} */
let pg = null;
/** @type {Map<string, () => Promise<void>>} */
const unlisteners = new Map();

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

async function open() {
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  pg = await PGlite.create({ dataDir, extensions: { postgis, pgcrypto, pg_trgm } });
  if (fresh) await pg.exec(bootstrapSql);
  await pg.exec('set search_path = public, extensions');
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
    case 'close':
      await db.close();
      return undefined;
    default:
      throw new Error(`unknown database worker operation ${m.op}`);
  }
}

port.on('message', async (/** @type {{ id: number; op: string }} */ m) => {
  try {
    port.postMessage({ id: m.id, ok: true, result: await run(m) });
  } catch (e) {
    port.postMessage({ id: m.id, ok: false, error: serialise(e) });
  }
});

open().then(
  () => port.postMessage({ ready: true }),
  (e) => port.postMessage({ ready: false, error: serialise(e) }),
);
