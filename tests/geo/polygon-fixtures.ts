import { readdirSync, readFileSync } from 'node:fs';
import type { PolygonErrorCode } from '../../src/geo/validate-polygon.ts';

/** tests/fixtures/geo/validate-polygon/*.json: an `input` and the error codes `expected` for it. */
export function polygonFixtures(): { file: string; expected: PolygonErrorCode[]; input: unknown }[] {
  const dir = 'tests/fixtures/geo/validate-polygon';
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((file) => ({ file, ...(JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as { expected: PolygonErrorCode[]; input: unknown }) }));
}
