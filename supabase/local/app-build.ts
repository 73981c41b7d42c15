import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Whether a built app carries this anon key. `npm start` builds before the stack has written
 * `.env.local`, so on a first start (or with a new data folder, hence a new secret) the bundle
 * holds no key or a stale one and the app could not talk to the stack.
 */
export function appHasKey(dist: string, anonKey: string): boolean {
  const walk = (dir: string): boolean =>
    readdirSync(dir).some((name) => {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) return walk(p);
      return /\.(m?js|html)$/.test(name) && readFileSync(p, 'utf8').includes(anonKey);
    });
  return walk(dist);
}

/** Runs Vite's production build in this process with the stack's URL and key in the environment. */
export async function buildApp(env: { url: string; anonKey: string }): Promise<void> {
  process.env.VITE_SUPABASE_URL = env.url;
  process.env.VITE_SUPABASE_ANON_KEY = env.anonKey;
  const { build } = await import('vite');
  await build({ logLevel: 'warn' });
}
