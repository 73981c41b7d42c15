// The zone tiles cut on a worker thread (supabase/local/publish/zone-tile-cutter.ts): the same
// tiles as cutting them here, each kept map file indexed on demand, a bad map file or a dead
// worker answered with an error and the next request served.
import { afterEach, describe, expect, it } from 'vitest';
import { ZoneTileCutter } from '../../supabase/local/publish/zone-tile-cutter.ts';
import { ZoneTiles } from '../../supabase/local/publish/zone-tiles.ts';
import type { ZoneFeatureInput } from '../../supabase/functions/_shared/zone-features.ts';

/** A 6 x 6 grid of square zones around (121.0, 32.0), levels in turn. */
function grid(prefix: string): ZoneFeatureInput[] {
  const levels = ['lockdown', 'control', 'precaution'];
  return Array.from({ length: 36 }, (_, i) => {
    const [west, south] = [121 + (i % 6) * 0.01, 32 + Math.floor(i / 6) * 0.01];
    return {
      id: `${prefix}-${i}`,
      name: `${prefix}区${i}`,
      name_en: `${prefix} zone ${i}`,
      level: levels[i % 3],
      geom: {
        type: 'Polygon',
        coordinates: [
          [
            [west, south],
            [west + 0.008, south],
            [west + 0.008, south + 0.008],
            [west, south + 0.008],
            [west, south],
          ],
        ],
      },
    };
  });
}

const bodyOf = (zones: ZoneFeatureInput[]) => new TextEncoder().encode(JSON.stringify({ version: 1, zones }));

/** Tiles holding the grid: z8 (the whole grid) and z13 and z14 around its first zone. */
const TILES: [number, number, number][] = [
  [8, 214, 103],
  [13, 6849, 3326],
  [14, 13699, 6653],
];

let cutter: ZoneTileCutter | null = null;
const logged: string[] = [];
afterEach(async () => {
  await cutter?.close();
  cutter = null;
  logged.length = 0;
});

function cutterOf(files: Record<string, Uint8Array>, asked: string[] = []): ZoneTileCutter {
  cutter = new ZoneTileCutter(
    (name) => {
      asked.push(name);
      return files[name];
    },
    (msg) => logged.push(msg),
  );
  return cutter;
}

describe('zone tiles cut on a worker thread', () => {
  it('are the tiles cut on this thread, empty where no zone is, and nothing for no such tile or map', async () => {
    const zones = grid('a');
    const cut = cutterOf({ 'map-a.json': bodyOf(zones) });
    cut.index('map-a.json');
    const here = new ZoneTiles(zones);
    for (const [z, x, y] of TILES) {
      const bytes = await cut.tile('map-a.json', z, x, y);
      expect(bytes?.byteLength, `${z}/${x}/${y}`).toBeGreaterThan(0);
      expect(Buffer.from(bytes!)).toEqual(Buffer.from(here.tile(z, x, y)!));
    }
    expect((await cut.tile('map-a.json', 10, 0, 0))?.byteLength).toBe(0);
    expect(await cut.tile('map-a.json', 15, 0, 0)).toBeUndefined();
    expect(await cut.tile('map-a.json', 3, 8, 0)).toBeUndefined();
    expect(await cut.tile('map-gone.json', ...TILES[0])).toBeUndefined();
  });

  it('keeps two map files indexed and indexes an older one again when it is asked for', async () => {
    const files = { 'map-a.json': bodyOf(grid('a')), 'map-b.json': bodyOf(grid('b')), 'map-c.json': bodyOf(grid('c')) };
    const asked: string[] = [];
    const cut = cutterOf(files, asked);
    for (const name of Object.keys(files)) cut.index(name);
    expect(asked).toEqual(['map-a.json', 'map-b.json', 'map-c.json']);
    const [z, x, y] = TILES[0];
    await cut.tile('map-c.json', z, x, y);
    await cut.tile('map-b.json', z, x, y);
    expect(asked).toHaveLength(3);
    const again = new ZoneTiles(grid('a')).tile(z, x, y)!;
    expect(Buffer.from((await cut.tile('map-a.json', z, x, y))!)).toEqual(Buffer.from(again));
    expect(asked).toEqual(['map-a.json', 'map-b.json', 'map-c.json', 'map-a.json']);
  });

  it('answers a tile of a map file that is no map with an error, and still serves the others', async () => {
    const cut = cutterOf({
      'map-bad.json': new TextEncoder().encode('{"zones": [ not json'),
      'map-a.json': bodyOf(grid('a')),
    });
    const [z, x, y] = TILES[0];
    await expect(cut.tile('map-bad.json', z, x, y)).rejects.toThrow(/cutting a zone tile failed: .*JSON/);
    expect((await cut.tile('map-a.json', z, x, y))?.byteLength).toBeGreaterThan(0);
  });

  it('fails what was asked of a worker that died, and starts another for the next tile', async () => {
    const cut = cutterOf({ 'map-a.json': bodyOf(grid('a')) });
    const [z, x, y] = TILES[0];
    await cut.tile('map-a.json', z, x, y);
    // The worker is the cutter's own; end it as a crash would.
    const worker = (cut as unknown as { worker: { terminate(): Promise<number> } }).worker;
    const asked = cut.tile('map-a.json', ...TILES[1]);
    await worker.terminate();
    await expect(asked).rejects.toThrow(/zone tile worker exited/);
    expect((await cut.tile('map-a.json', z, x, y))?.byteLength).toBeGreaterThan(0);
  });

  it('cuts nothing once closed', async () => {
    const cut = cutterOf({ 'map-a.json': bodyOf(grid('a')) });
    await cut.close();
    expect(await cut.tile('map-a.json', ...TILES[0])).toBeUndefined();
  });
});
