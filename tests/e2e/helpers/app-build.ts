import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { inject } from 'vitest';
import { loadKeys } from '../../../supabase/local/keys.ts';
import { ROOT, TMP } from '../../helpers/template.ts';

/** Everything the built app depends on besides node_modules. */
const INPUTS = ['index.html', 'vite.config.ts', 'public', 'src', 'data/nantong', 'package-lock.json'];

function fingerprint(extra: string): string {
  const hash = createHash('sha256').update(extra);
  const add = (path: string) => {
    const abs = join(ROOT, path);
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) for (const name of readdirSync(abs).sort()) add(join(path, name));
    else hash.update(path).update('\0').update(readFileSync(abs)).update('\0');
  };
  INPUTS.forEach(add);
  return hash.digest('hex').slice(0, 16);
}

/**
 * Builds the app once for the browser suite (reused while its sources are unchanged), for
 * serving by the local stack on the API's own origin: `VITE_SUPABASE_URL` is left empty so the
 * app talks to whatever origin serves it, and the anon key is that of the test template, which
 * every test stack copies.
 */
export async function buildAppForTests(): Promise<string> {
  const { anonKey } = await loadKeys(inject('stackTemplate'));
  const outDir = join(TMP, 'e2e-app', fingerprint(anonKey));
  if (existsSync(join(outDir, 'index.html'))) return outDir;
  const staging = `${outDir}.${process.pid}`;
  const emptyEnvDir = join(TMP, 'e2e-app', 'no-env');
  mkdirSync(emptyEnvDir, { recursive: true });
  await build({
    root: ROOT,
    configFile: join(ROOT, 'vite.config.ts'),
    envDir: emptyEnvDir,
    logLevel: 'warn',
    define: {
      'import.meta.env.VITE_SUPABASE_URL': JSON.stringify(''),
      'import.meta.env.VITE_SUPABASE_ANON_KEY': JSON.stringify(anonKey),
      'import.meta.env.VITE_MAP_STYLE_URL': JSON.stringify(''),
    },
    build: { outDir: staging, emptyOutDir: true },
  });
  rmSync(outDir, { recursive: true, force: true });
  renameSync(staging, outDir);
  return outDir;
}
