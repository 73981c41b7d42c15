import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Whether a built app carries every one of these strings (the stack's URL and anon key).
 * `npm start` builds before the stack has written `.env.local`, so on a first start, with a new
 * data folder (hence a new secret) or on another port, the bundle holds stale values and the
 * app could not talk to the stack.
 */
export function appCarries(dist: string, values: string[]): boolean {
  const missing = new Set(values);
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(m?js|html)$/.test(name)) {
        const text = readFileSync(p, 'utf8');
        for (const v of missing) if (text.includes(v)) missing.delete(v);
      }
      if (missing.size === 0) return;
    }
  };
  walk(dist);
  return missing.size === 0;
}

/** Runs Vite's production build in this process with the stack's URL and key in the environment. */
export async function buildApp(env: { url: string; anonKey: string }): Promise<void> {
  process.env.VITE_SUPABASE_URL = env.url;
  process.env.VITE_SUPABASE_ANON_KEY = env.anonKey;
  const { build } = await import('vite');
  await build({ logLevel: 'warn' });
}
