import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FeatureCollection, Geometry } from 'geojson';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The folder of the generated city at `scale` (tests/.tmp/scale<N>, not committed),
 * generating it with `npm run data -- --scale N --out ...` when it is missing.
 */
export function scaleCityDir(scale: number): string {
  const dir = join(ROOT, 'tests', '.tmp', `scale${scale}`);
  if (!existsSync(join(dir, 'roads.geojson'))) {
    console.error(`generating the scale-${scale} city into ${dir} ...`);
    execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'data/generator/main.ts'), '--scale', String(scale), '--out', dir], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return dir;
}

/** One layer of a generated dataset (`roads`, `compounds`, `sites`, ...). */
export function readLayer<G extends Geometry, P>(dir: string, layer: string): FeatureCollection<G, P> {
  return JSON.parse(readFileSync(join(dir, `${layer}.geojson`), 'utf8')) as FeatureCollection<G, P>;
}
