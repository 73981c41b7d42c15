/**
 * One cold-start sample in a process of its own (module loading and WebAssembly compilation
 * are part of a cold start): `cold-start-child.ts <stack|pglite> <dataDir> <seedDir>`. Prints
 * the milliseconds from before the first import to ready as JSON on stdout.
 */
const t0 = performance.now();
const [mode, dataDir, seedDir] = process.argv.slice(2);

async function main() {
  if (mode === 'stack') {
    const { defaultConfig } = await import('../../supabase/local/config.ts');
    const { startStack } = await import('../../supabase/local/stack.ts');
    const stack = await startStack({ ...defaultConfig(), port: 0, dataDir, seedDir, envFile: null, quiet: true });
    const ms = performance.now() - t0;
    await stack.close();
    return ms;
  }
  if (mode === 'pglite') {
    const { PGlite } = await import('@electric-sql/pglite');
    const { postgis } = await import('@electric-sql/pglite-postgis');
    const { pgcrypto } = await import('@electric-sql/pglite/contrib/pgcrypto');
    const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
    const pg = await PGlite.create({ dataDir, extensions: { postgis, pgcrypto, pg_trgm } });
    await pg.query('select 1');
    const ms = performance.now() - t0;
    await pg.close();
    return ms;
  }
  throw new Error(`unknown mode ${mode}`);
}

main().then(
  (ms) => {
    process.stdout.write(JSON.stringify({ ms }) + '\n');
    process.exit(0);
  },
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
