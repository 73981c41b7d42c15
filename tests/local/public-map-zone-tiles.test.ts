// The published map file's zones as vector tiles (supabase/local/publish/zone-tiles.ts): the
// pointer names them, the stack cuts them on demand under the bucket's public prefix, and they
// hold exactly the map file's zones with the properties the zone layers read.
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicMapPointer } from '../../supabase/functions/_shared/public-map-files.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const objectUrl = (name: string) => `${stack.url}/storage/v1/object/public/public-map/${name}`;

interface MapFile {
  version: number;
  zones: {
    id: string;
    name: string;
    name_en: string | null;
    level: string;
    geom: { type: string; coordinates: number[][][] | number[][][][] };
  }[];
}

async function latest(): Promise<{ pointer: PublicMapPointer; map: MapFile }> {
  const pointer = (await (await fetch(objectUrl('latest.json'))).json()) as PublicMapPointer;
  const map = (await (await fetch(objectUrl(pointer.map))).json()) as MapFile;
  return { pointer, map };
}

const tileUrl = (template: string, z: number, x: number, y: number) =>
  objectUrl(template.replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y)));

/** The tile (x, y) at zoom z holding a point. */
function tileOf([lon, lat]: number[], z: number): [number, number] {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const rad = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
  return [x, y];
}

async function features(url: string): Promise<Record<string, unknown>[]> {
  const response = await fetch(url);
  expect(response.status, url).toBe(200);
  const tile = new VectorTile(new PbfReader(new Uint8Array(await response.arrayBuffer())));
  const layer = tile.layers.zones;
  if (!layer) return [];
  return Array.from({ length: layer.length }, (_, i) => layer.feature(i).properties);
}

describe('zone tiles of a publication', () => {
  it('are named by the pointer after the map file, and a whole-district tile holds every zone of it, lockdown drawn last, names where they are drawn', async () => {
    const { pointer, map } = await latest();
    expect(pointer.zone_tiles).toBe(`${pointer.map.replace(/^map-/, 'zones-').replace(/\.json$/, '')}/{z}/{x}/{y}.pbf`);
    expect(map.zones.length).toBeGreaterThan(0);
    // The demo district fits in one z8 tile.
    const first = map.zones[0].geom.coordinates.flat(3) as unknown as number[];
    const [x, y] = tileOf([first[0], first[1]], 8);
    const props = await features(tileUrl(pointer.zone_tiles!, 8, x, y));
    expect(props.map((p) => p.id).sort()).toEqual(map.zones.map((z) => z.id).sort());
    // Names are drawn from z12.5 only: a tile for lower zooms leaves them out.
    for (const zone of map.zones)
      expect(props.find((p) => p.id === zone.id)).toEqual({ id: zone.id, level: zone.level });
    for (const zone of map.zones.slice(0, 5)) {
      const corner = zone.geom.coordinates.flat(3) as unknown as number[];
      const [x12, y12] = tileOf([corner[0], corner[1]], 12);
      expect((await features(tileUrl(pointer.zone_tiles!, 12, x12, y12))).find((p) => p.id === zone.id)).toEqual({
        id: zone.id,
        level: zone.level,
        name_zh: zone.name,
        ...(zone.name_en === null ? {} : { name_en: zone.name_en }),
      });
    }
    // Drawn in order: precaution, then control, then lockdown on top.
    const rank = props.map((p) => ['precaution', 'control', 'lockdown'].indexOf(p.level as string));
    expect(rank).toEqual([...rank].sort((a, b) => a - b));
    expect(new Set(rank).size).toBeGreaterThan(1);
  });

  it('answer many viewers asking for the same new tile at once with the same tile', async () => {
    const { pointer, map } = await latest();
    const first = map.zones[0].geom.coordinates.flat(3) as unknown as number[];
    const [x, y] = tileOf([first[0], first[1]], 13);
    const answers = await Promise.all(Array.from({ length: 20 }, () => fetch(tileUrl(pointer.zone_tiles!, 13, x, y))));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((answer) => answer.headers.get('etag'))).size).toBe(1);
    const bodies = await Promise.all(
      answers.map(async (answer) => Buffer.from(await answer.arrayBuffer()).toString('base64')),
    );
    expect(new Set(bodies).size).toBe(1);
    expect(bodies[0].length).toBeGreaterThan(0);
  });

  it('are served gzipped and cached for ever; a tile with no zone is an empty tile; a bad name or an unknown map is a 404', async () => {
    const { pointer } = await latest();
    const far = await fetch(tileUrl(pointer.zone_tiles!, 10, 0, 0), { headers: { 'Accept-Encoding': 'gzip' } });
    expect(far.status).toBe(200);
    expect(far.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile');
    expect(far.headers.get('cache-control')).toContain('immutable');
    expect((await far.arrayBuffer()).byteLength).toBe(0);
    for (const name of [
      'zones-0000000000000000/8/0/0.pbf',
      pointer.zone_tiles!.replace('{z}/{x}/{y}', '15/0/0'),
      pointer.zone_tiles!.replace('{z}/{x}/{y}', '3/8/0'),
      pointer.zone_tiles!.replace('{z}/{x}/{y}', '8/../0'),
    ]) {
      const response = await fetch(objectUrl(name));
      expect(response.status, name).toBe(404);
    }
  });

  it("follow the publication: a lifted zone is gone from the next map file's tiles and stays in the previous one's", async () => {
    const before = await latest();
    const zone = before.map.zones[0];
    const first = zone.geom.coordinates.flat(3) as unknown as number[];
    const [x, y] = tileOf([first[0], first[1]], 12);
    expect((await features(tileUrl(before.pointer.zone_tiles!, 12, x, y))).map((p) => p.id)).toContain(zone.id);
    await stack.ctx.db.query(`update zones set status = 'lifted' where id = $1`, [zone.id]);
    let after = await latest();
    for (let i = 0; i < 200 && after.pointer.version === before.pointer.version; i++) {
      await new Promise((done) => setTimeout(done, 50));
      after = await latest();
    }
    expect(after.pointer.zone_tiles).not.toBe(before.pointer.zone_tiles);
    expect((await features(tileUrl(after.pointer.zone_tiles!, 12, x, y))).map((p) => p.id)).not.toContain(zone.id);
    expect((await features(tileUrl(before.pointer.zone_tiles!, 12, x, y))).map((p) => p.id)).toContain(zone.id);
  });
});
