import { createClient, type SupabaseClient, type SupabaseClientOptions } from '@supabase/supabase-js';
import { cp, mkdir, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { inject } from 'vitest';
import WebSocket from 'ws';
import { defaultConfig, type AuthConfig, type StackConfig } from '../../supabase/local/config.ts';
import type { StackContext } from '../../supabase/local/context.ts';
import { startStack, type RunningStack } from '../../supabase/local/stack.ts';
import { ensureTemplate, ROOT, seedDir, TMP, touch } from './template.ts';
import { createTestDatabase } from './native-pg.ts';

export const DEMO_PASSWORD = 'nantong-2022';
export const COMMANDER = 'commander@demo.local';
export const DISPATCHER = 'dispatcher@demo.local';

export interface ClientOptions {
  /** API key the client is created with; default the anon key. */
  key?: string;
  options?: SupabaseClientOptions<'public'>;
}

export interface TestStack {
  url: string;
  anonKey: string;
  serviceKey: string;
  dataDir: string;
  /** The running stack's database, keys and config (for assertions and for minting tokens). */
  ctx: StackContext;
  /** A supabase-js client on the stack (anon key by default), with `ws` as Realtime transport. */
  client(opts?: ClientOptions): SupabaseClient;
  /** A client signed in with email and password; throws when sign-in fails. */
  signIn(email: string, password: string): Promise<SupabaseClient>;
  /** Stops the server and reopens the same data folder on the same port (a process restart). */
  restart(): Promise<void>;
  /** Disconnects clients, stops the stack and deletes its data folder. */
  stop(): Promise<void>;
}

export interface TestStackOptions {
  /** Auth settings to override, e.g. a short refresh-token reuse interval. */
  auth?: Partial<AuthConfig>;
  config?: Partial<Omit<StackConfig, 'auth'>>;
}

function template(): Promise<string> {
  const provided = inject('stackTemplate');
  return provided ? Promise.resolve(touch(provided)) : ensureTemplate();
}

/**
 * A private local stack for one test file: a fresh copy of the migrated and seeded template
 * folder, served on a free port in this process. Call `stop()` in afterAll.
 */
export async function startTestStack(opts: TestStackOptions = {}): Promise<TestStack> {
  const dataDir = join(TMP, 'stacks', `${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(join(TMP, 'stacks'), { recursive: true });
  // Project db-native: a copy of the run's seeded PostgreSQL template; the folder keeps only the JWT secret.
  const native = process.env.TEST_DB_BACKEND === 'native' ? await createTestDatabase(inject('nativePgUrl'), 'dataset') : null;
  if (native) await mkdir(dataDir);
  else await cp(await template(), dataDir, { recursive: true });
  const base = defaultConfig(ROOT);
  const config: StackConfig = {
    ...base,
    port: 0,
    dataDir,
    databaseUrl: native?.url ?? null,
    seedDir: seedDir(),
    envFile: null,
    quiet: true,
    ...opts.config,
    auth: { ...base.auth, bcryptCost: 4, ...opts.auth },
  };
  const log = (msg: string, e?: unknown) => console.error(`[test-stack] ${msg}`, e ?? '');
  let stack: RunningStack = await startStack(config, log);
  const clients: SupabaseClient[] = [];

  const client = (o: ClientOptions = {}) => {
    const c = createClient(stack.url, o.key ?? stack.ctx.keys.anonKey, {
      ...o.options,
      auth: { persistSession: false, ...o.options?.auth },
      realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket, ...o.options?.realtime },
    });
    clients.push(c);
    return c;
  };
  const disconnectAll = async () => {
    await Promise.all(clients.splice(0).map((c) => c.removeAllChannels().catch(() => undefined)));
  };

  const handle: TestStack = {
    get url() {
      return stack.url;
    },
    get anonKey() {
      return stack.ctx.keys.anonKey;
    },
    get serviceKey() {
      return stack.ctx.keys.serviceKey;
    },
    get ctx() {
      return stack.ctx;
    },
    dataDir,
    client,
    async signIn(email, password) {
      const c = client();
      const { error } = await c.auth.signInWithPassword({ email, password });
      if (error) throw new Error(`sign-in as ${email} failed: ${error.message}`);
      return c;
    },
    async restart() {
      await disconnectAll();
      const port = stack.port;
      await stack.close();
      stack = await startStack({ ...config, port }, log);
    },
    async stop() {
      await disconnectAll();
      await stack.close();
      await native?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}
