/**
 * Local stack cold start: `startStack` on a fresh folder (bootstrap, migrations, seed) and on an
 * existing one (reopen, nothing pending), each sample in its own process, beside bare PGlite +
 * PostGIS opening a fresh and an existing folder in the same run.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ROOT, seedDir, TMP } from '../helpers/template.ts';
import { defineBench, runs, type BenchCase } from './bench.ts';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./cold-start-child.ts', import.meta.url));

async function sample(mode: 'stack' | 'pglite', dataDir: string): Promise<number> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD, mode, dataDir, seedDir()], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  return (JSON.parse(stdout.trim().split('\n').pop()!) as { ms: number }).ms;
}

async function series(mode: 'stack' | 'pglite', n: number, fresh: boolean): Promise<number[]> {
  const base = join(TMP, 'bench-cold-start', `${mode}-${fresh ? 'fresh' : 'reopen'}`);
  const samples: number[] = [];
  rmSync(base, { recursive: true, force: true });
  mkdirSync(base, { recursive: true });
  const shared = join(base, 'data');
  if (!fresh) await sample(mode, shared);
  for (let i = 0; i < n; i++) {
    const dir = fresh ? join(base, `data-${i}`) : shared;
    samples.push(await sample(mode, dir));
    if (fresh) rmSync(dir, { recursive: true, force: true });
  }
  rmSync(base, { recursive: true, force: true });
  return samples;
}

export default defineBench({
  name: 'cold-start',
  async run(): Promise<BenchCase[]> {
    const nFresh = runs(3);
    const nReopen = runs(5);
    const data = relative(ROOT, seedDir());
    return [
      { name: 'bare PGlite+PostGIS, fresh folder', samples: await series('pglite', nFresh, true), note: 'initdb + extension load, no bootstrap' },
      { name: 'bare PGlite+PostGIS, reopen', samples: await series('pglite', nReopen, false) },
      {
        name: 'stack start, fresh folder',
        samples: await series('stack', nFresh, true),
        baseline: 'bare PGlite+PostGIS, fresh folder',
        note: `bootstrap + realtime schema + migrations + seed of ${data} + HTTP listen`,
      },
      {
        name: 'stack start, reopen',
        samples: await series('stack', nReopen, false),
        baseline: 'bare PGlite+PostGIS, reopen',
        note: 'worker spawn + reopen + idempotent prepare + HTTP listen',
      },
    ];
  },
});
