import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { build } from 'vite';
import { ROOT, TMP } from '../../helpers/template.ts';

/** Everything the built app depends on besides node_modules and the basemap data. */
const INPUTS = ['index.html', 'vite.config.ts', 'public', 'src', 'package-lock.json'];

function fingerprint(paths: string[], extra: string): string {
  const hash = createHash('sha256').update(extra);
  const add = (path: string) => {
    const abs = isAbsolute(path) ? path : join(ROOT, path);
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) for (const name of readdirSync(abs).sort()) add(join(abs, name));
    else hash.update(relative(ROOT, abs)).update('\0').update(readFileSync(abs)).update('\0');
  };
  paths.forEach(add);
  return hash.digest('hex').slice(0, 16);
}

export interface AppBuildOptions {
  anonKey: string;
  /** Dataset folder the offline basemap is built from; default `data/nantong`. */
  basemapDir?: string;
}

/**
 * Builds the app for serving by the local stack on the API's own origin (reused while its
 * inputs are unchanged): `VITE_SUPABASE_URL` is left empty so the app talks to whatever origin
 * serves it. Writes a Vite manifest, which the bench reads to size the public route's chunks.
 */
export async function buildApp({ anonKey, basemapDir = join(ROOT, 'data/nantong') }: AppBuildOptions): Promise<string> {
  const outDir = join(TMP, 'e2e-app', fingerprint([...INPUTS, basemapDir], anonKey));
  if (existsSync(join(outDir, 'index.html'))) return outDir;
  const staging = `${outDir}.${process.pid}`;
  const emptyEnvDir = join(TMP, 'e2e-app', 'no-env');
  mkdirSync(emptyEnvDir, { recursive: true });
  const previousBasemap = process.env.BASEMAP_DATA_DIR;
  process.env.BASEMAP_DATA_DIR = basemapDir;
  try {
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
      build: { outDir: staging, emptyOutDir: true, manifest: true },
    });
  } finally {
    if (previousBasemap === undefined) delete process.env.BASEMAP_DATA_DIR;
    else process.env.BASEMAP_DATA_DIR = previousBasemap;
  }
  rmSync(outDir, { recursive: true, force: true });
  renameSync(staging, outDir);
  pruneOldBuilds(outDir);
  return outDir;
}

/** Builds are ~10 MB each (every font subset): keep the few most recent ones. */
function pruneOldBuilds(keep: string, count = 4): void {
  const root = join(TMP, 'e2e-app');
  const builds = readdirSync(root)
    .filter((name) => /^[0-9a-f]{16}$/.test(name))
    .map((name) => join(root, name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  for (const old of builds.slice(count)) if (old !== keep) rmSync(old, { recursive: true, force: true });
}
