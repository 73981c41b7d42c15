/**
 * What the routing command lines share: reading a data folder (the stack's format, see
 * data/README.md) and turning "lng,lat", a site id or a compound id into a position. Bad input
 * ends the process with exit code 2 and a message naming the command.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Feature, MultiPolygon, Point, Polygon, Position } from 'geojson';
import type { RoadCollection } from '../src/routing/road-graph.ts';

type Properties = { id: string; [key: string]: unknown };

export interface DataFolder {
  dir: string;
  roads: RoadCollection;
  sites: Feature<Point, Properties & { kind: string; households?: number }>[];
  compounds: Feature<Polygon | MultiPolygon, Properties & { households: number; drop_point: Position }>[];
  zones: Feature<Polygon | MultiPolygon, Properties>[];
}

/** The options both commands take, for `parseArgs`. */
export const COMMON_OPTIONS = {
  from: { type: 'string' },
  pass: { type: 'boolean', default: false },
  'no-closures': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  dir: { type: 'string', default: 'data/nantong' },
  zones: { type: 'string' },
} as const;

/** The parsed arguments, or the end of the command with parseArgs' own message. */
export function parseOrFail<V>(parse: () => V, fail: (message: string) => never): V {
  try {
    return parse();
  } catch (e) {
    return fail((e as Error).message);
  }
}

/** Ends the command: the message, the usage line, exit code 2. */
export function failWith(command: string, usage: string): (message: string) => never {
  return (message) => {
    console.error(`${command}: ${message}\nusage: ${command} ${usage}`);
    process.exit(2);
  };
}

/** Reads roads, sites, compounds and zones of `dir` (zones from `zonesFile` when given). */
export function readDataFolder(
  dir: string,
  zonesFile: string | undefined,
  fail: (message: string) => never,
): DataFolder {
  const read = (file: string) => {
    try {
      return JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      fail(`cannot read ${file}: ${(e as Error).message}`);
    }
  };
  return {
    dir,
    roads: read(join(dir, 'roads.geojson')),
    sites: read(join(dir, 'sites.geojson')).features,
    compounds: read(join(dir, 'compounds.geojson')).features,
    zones: read(zonesFile ?? join(dir, 'zones.geojson')).features,
  };
}

/** A place: "lng,lat", a site id (its position) or a compound id (its drop point). */
export function placeOf(data: DataFolder, text: string, fail: (message: string) => never): Position {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text);
  if (m) {
    const p = [Number(m[1]), Number(m[2])];
    if (Math.abs(p[0]) > 180 || Math.abs(p[1]) > 90) fail(`not a longitude,latitude: ${text}`);
    return p;
  }
  const site = data.sites.find((f) => f.properties.id === text);
  if (site) return site.geometry.coordinates;
  const compound = data.compounds.find((f) => f.properties.id === text);
  if (compound) return compound.properties.drop_point;
  fail(`no site or compound with id "${text}" in ${data.dir}, and not "lng,lat"`);
}
