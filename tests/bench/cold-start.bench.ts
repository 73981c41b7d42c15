/**
 * Local stack cold start: `startStack` on a fresh folder (bootstrap, migrations, seed) and on an
 * existing one (reopen, nothing pending), each sample in its own process, beside bare PGlite +
 * PostGIS opening a fresh and an existing folder. Stack and baseline samples alternate, so a
 * change in machine load affects both alike.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ROOT, seedDir, TMP } from '../helpers/template.ts';
import { defineBench, runs, type BenchCase } from './bench.ts';

type Mode = 'stack' | 'pglite';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./cold-start-child.ts', import.meta.url));
const WORK = join(TMP, 'bench-cold-start');

async function sample(mode: Mode, dataDir: string): Promise<number> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD, mode, dataDir, seedDir()], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  return (JSON.parse(stdout.trim().split('\n').pop()!) as { ms: number }).ms;
}

/** n alternating samples of each mode: on a new folder each time, or on one reopened folder per mode. */
async function alternate(n: number, fresh: boolean): Promise<Record<Mode, number[]>> {
  const out: Record<Mode, number[]> = { stack: [], pglite: [] };
  const modes: Mode[] = ['pglite', 'stack'];
  if (!fresh) for (const m of modes) await sample(m, join(WORK, `${m}-reopen`));
  for (let i = 0; i < n; i++) {
    for (const m of modes) {
      const dir = fresh ? join(WORK, `${m}-fresh-${i}`) : join(WORK, `${m}-reopen`);
      out[m].push(await sample(m, dir));
      if (fresh) rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}

export default defineBench({
  name: 'cold-start',
  async run(): Promise<BenchCase[]> {
    rmSync(WORK, { recursive: true, force: true });
    mkdirSync(WORK, { recursive: true });
    try {
      const fresh = await alternate(runs(3), true);
      const reopen = await alternate(runs(5), false);
      return [
        { name: 'bare PGlite+PostGIS, fresh folder', samples: fresh.pglite, note: 'initdb + extension load, no bootstrap' },
        {
          name: 'stack start, fresh folder',
          samples: fresh.stack,
          baseline: 'bare PGlite+PostGIS, fresh folder',
          note: `bootstrap + realtime schema + migrations + seed of ${relative(ROOT, seedDir())} + HTTP listen`,
        },
        { name: 'bare PGlite+PostGIS, reopen', samples: reopen.pglite },
        {
          name: 'stack start, reopen',
          samples: reopen.stack,
          baseline: 'bare PGlite+PostGIS, reopen',
          note: 'module loading + worker spawn + reopen + idempotent prepare + HTTP listen',
        },
      ];
    } finally {
      rmSync(WORK, { recursive: true, force: true });
    }
  },
});
