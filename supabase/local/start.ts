import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { appCarries, buildApp } from './app-build.ts';
import { ConfigError, USAGE, resolveConfig, type StackConfig } from './config.ts';
import { checkPassword } from './auth/password.ts';
import { DataFolderError } from './data-folder.ts';
import { updateEnvFile } from './env-file.ts';
import { startStack, type RunningStack } from './stack.ts';
import { describeUrl } from './db-pg.ts';
import { DEMO_PASSWORD, DEMO_USERS } from '../seed/seed.ts';

function log(msg: string, e?: unknown) {
  const detail = e instanceof Error ? `: ${e.stack ?? e.message}` : e !== undefined ? `: ${String(e)}` : '';
  console.error(`[stack] ${msg}${detail}`);
}

/** The seeded demo accounts, each checked against the database so the banner never lies. */
async function demoSignIns(stack: RunningStack): Promise<string[]> {
  const lines: string[] = [];
  for (const demo of DEMO_USERS) {
    const r = await stack.ctx.db.query<{ role: string | null; encrypted_password: string | null }>(
      "select raw_app_meta_data->>'role' as role, encrypted_password from auth.users where lower(email) = $1 and deleted_at is null",
      [demo.email],
    );
    const row = r.rows[0];
    if (!row) lines.push(`  ${demo.email}  (not in this database: it was not seeded)`);
    else if (!(await checkPassword(DEMO_PASSWORD, row.encrypted_password))) lines.push(`  ${demo.email}  (password changed; role ${row.role})`);
    else lines.push(`  ${demo.email}  password: ${DEMO_PASSWORD}  (role ${row.role})`);
  }
  return lines;
}

async function startVite(config: StackConfig, stack: RunningStack) {
  process.env.VITE_SUPABASE_URL = stack.url;
  process.env.VITE_SUPABASE_ANON_KEY = stack.ctx.keys.anonKey;
  const { createServer } = await import('vite');
  const vite = await createServer({ server: { host: config.host } });
  await vite.listen();
  return vite;
}

async function main() {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const config = resolveConfig();
  if (config.serveApp && !existsSync(`${config.serveApp}/index.html`)) {
    throw new Error(`--serve-app ${config.serveApp}: no index.html there (run vite build first)`);
  }
  const started = Date.now();
  const stack = await startStack(config, log);
  const { keys } = stack.ctx;
  if (config.envFile) updateEnvFile(config.envFile, { VITE_SUPABASE_URL: stack.url, VITE_SUPABASE_ANON_KEY: keys.anonKey });
  if (config.serveApp && !appCarries(config.serveApp, [stack.url, keys.anonKey])) {
    if (config.serveApp === resolve('dist')) {
      log("the app in dist/ was built for another URL or anon key (first start, new data folder or port): rebuilding it");
      await buildApp({ url: stack.url, anonKey: keys.anonKey });
    } else {
      log(`warning: the app in ${config.serveApp} was built for another URL or anon key; rebuild it with the .env.local just written`);
    }
  }
  const vite = config.vite ? await startVite(config, stack) : null;

  const out = [
    '',
    `Local Supabase stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${config.databaseUrl ? `database: ${describeUrl(config.databaseUrl)}` : `data: ${config.dataDir}`})`,
    stack.applied.length ? `  migrations applied: ${stack.applied.join(', ')}` : '  migrations: up to date',
    stack.seeded ? `  seeded from ${config.seedDir}` : null,
    config.backupDir
      ? `  backups: every ${config.backupEveryMinutes} min into ${config.backupDir}, the newest ${config.backupKeep} kept`
      : null,
    '',
    `  API URL:          ${stack.url}`,
    `  anon key:         ${keys.anonKey}`,
    `  service_role key: ${keys.serviceKey}`,
    config.envFile ? `  wrote VITE_SUPABASE_URL and VITE_SUPABASE_ANON_KEY to ${config.envFile}` : null,
    '',
    'Demo sign-ins:',
    ...(await demoSignIns(stack)),
    '',
    config.serveApp ? `Open the app: ${stack.url}/` : null,
    vite ? `Open the app (Vite dev server): ${vite.resolvedUrls?.local[0] ?? '(see Vite output)'}` : null,
    'Ctrl+C stops the stack.',
    '',
  ].filter((l) => l !== null);
  console.log(out.join('\n'));

  // Ctrl+C under `npm start` reaches this process twice (directly, and relayed by tsx), so a
  // repeat within two seconds is the same request; a later one forces the exit.
  let stoppingSince = 0;
  const stop = async (signal: string) => {
    if (stoppingSince) {
      if (Date.now() - stoppingSince < 2000) return;
      log(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stoppingSince = Date.now();
    log(`${signal}: shutting down`);
    setTimeout(() => {
      log('shutdown is taking longer than 15 s: exiting');
      process.exit(1);
    }, 15_000).unref();
    await vite?.close();
    await stack.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // A bug reached by one request or socket must not take the whole stack down: log it, keep serving.
  process.on('unhandledRejection', (e) => log('unhandled rejection', e));
  process.on('uncaughtException', (e) => log('uncaught exception', e));
}

main().catch((e) => {
  if (e instanceof ConfigError) log(`failed to start: ${e.message}\n${USAGE}`);
  else if (e instanceof DataFolderError) log(`failed to start: ${e.message}`);
  else if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') log(`failed to start: ${(e as Error).message} (another stack running? pick one with --port)`);
  else log('failed to start', e);
  process.exit(1);
});
