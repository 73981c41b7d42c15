/**
 * The basemap as vector tiles and road cells (src/map/basemap), per dataset (the demo district,
 * the scale-10 and the scale-80 city): the tile build time, how many tiles and how big (gzip),
 * what the first whole-city view at 1280 × 800 loads, what a district-level (zoom 13) and a
 * street-level (zoom 15) view load, and what the walking search fetches for 20 compounds;
 * beside the old basemap, one whole JSON file per layer, which the page downloaded in full.
 *
 * Run: `npm run bench -- basemap-tiles`, or `npx tsx tests/bench/basemap-tiles.bench.ts`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FeatureCollection, Point, Position } from 'geojson';
import { BASEMAP_LAYERS, boundsOf, slimLayer, type BasemapLayer } from '../../src/map/basemap/basemap-data.ts';
import { nearestByWalkingInArea } from '../../src/map/basemap/road-area-search.ts';
import { buildRoadCells, cellsFor, mergeCellRoads, type CellRoad } from '../../src/map/basemap/road-cells.ts';
import {
  latToTileY,
  tileYToLat,
  tilesCovering,
  viewBBox,
  zoomToFit,
  type BBox,
} from '../../src/map/basemap/tile-grid.ts';
import { buildVectorTiles } from '../../src/map/basemap/vector-tiles.ts';
import type { RoadFeature } from '../../src/routing/road-graph.ts';
import { buildRoutingNetwork, type RoutingNetwork } from '../../src/routing/routing-network.ts';
import { nearestByWalking, type RouteTarget } from '../../src/routing/walking-search.ts';
import { ROOT } from '../helpers/template.ts';
import { defineBench, median, type BenchCase } from './bench.ts';
import { scaleCityDir } from './scale-city.ts';

const SCREEN = { width: 1280, height: 800 };
/** The padding create-map.ts fits the first view with. */
const FIRST_VIEW_PADDING = 16;
const SEARCHES = 20;

const gzipKiB = (data: string | Uint8Array) => gzipSync(data, { level: 9 }).length / 1024;

function readSlimLayer(dir: string, layer: BasemapLayer): FeatureCollection {
  return slimLayer(layer, JSON.parse(readFileSync(join(dir, `${layer}.geojson`), 'utf8')) as FeatureCollection);
}

/** The centre of a bbox on the Mercator map (what `fitBounds` centres on). */
function mercatorCentre([west, south, east, north]: BBox): Position {
  const y = (latToTileY(south, 0) + latToTileY(north, 0)) / 2;
  return [(west + east) / 2, tileYToLat(y, 0)];
}

/** Gzip KiB and count of the tiles a screen at `zoom` around `centre` loads (MapLibre: tile zoom = floor). */
function viewCost(tiles: Map<string, number>, centre: Position, zoom: number, maxzoom: number) {
  const z = Math.min(maxzoom, Math.floor(zoom));
  const keys = tilesCovering(viewBBox(centre, zoom, SCREEN.width, SCREEN.height), z).map(
    ({ x, y }) => `${z}/${x}/${y}`,
  );
  const present = keys.filter((key) => tiles.has(key));
  return {
    kib: present.reduce((sum, key) => sum + tiles.get(key)!, 0),
    tiles: present.length,
    requested: keys.length,
    z,
  };
}

async function datasetCases(label: string, dir: string): Promise<BenchCase[]> {
  const cases: BenchCase[] = [];
  const layers = {} as Record<BasemapLayer, FeatureCollection>;
  // Baseline: the old plugin's whole-layer JSON files, all downloaded by the public page.
  let oldTotal = 0;
  for (const layer of BASEMAP_LAYERS) {
    layers[layer] = readSlimLayer(dir, layer);
    const kib = gzipKiB(JSON.stringify(layers[layer]));
    oldTotal += kib;
    cases.push({ name: `${label}: old whole-layer JSON, ${layer}`, samples: [kib], unit: 'KiB gzip' });
  }
  const oldAll = `${label}: old whole-layer JSON, all four layers (the public page's basemap)`;
  cases.push({ name: oldAll, samples: [oldTotal], unit: 'KiB gzip' });

  const started = performance.now();
  const set = buildVectorTiles(layers);
  const buildMs = performance.now() - started;
  const sizes = new Map<string, number>();
  let total = 0;
  let largest = 0;
  let largestKey = '';
  for (const [key, bytes] of set.tiles) {
    const kib = gzipKiB(bytes);
    sizes.set(key, kib);
    total += kib;
    if (kib > largest) [largest, largestKey] = [kib, key];
  }
  const note = `z${set.minzoom}-${set.maxzoom}, ${set.tiles.size} tiles`;
  cases.push({ name: `${label}: tile build (buildVectorTiles)`, samples: [buildMs], note });
  cases.push({ name: `${label}: tiles written`, samples: [set.tiles.size], unit: 'tiles', note });
  cases.push({ name: `${label}: all tiles`, samples: [total], unit: 'KiB gzip', baseline: oldAll });
  cases.push({ name: `${label}: largest tile`, samples: [largest], unit: 'KiB gzip', note: largestKey });

  // The first view fits the sub-districts (basemapBounds) with 16 px of padding.
  const districts = boundsOf([layers.districts]);
  const fit = zoomToFit(districts, SCREEN.width, SCREEN.height, FIRST_VIEW_PADDING);
  const centre = mercatorCentre(districts);
  const views: [string, number][] = [
    [`whole-city view (zoom ${fit.toFixed(1)})`, fit],
    ['district-level view (zoom 13)', 13],
    ['street-level view (zoom 15)', 15],
  ];
  for (const [name, zoom] of views) {
    const cost = viewCost(sizes, centre, zoom, set.maxzoom);
    cases.push({
      name: `${label}: ${name}, 1280x800, tiles`,
      samples: [cost.kib],
      unit: 'KiB gzip',
      baseline: oldAll,
      note: `${cost.tiles} of ${cost.requested} z${cost.z} tiles in view exist (the others answer 404, drawn empty)`,
    });
  }

  // Road cells and the walking search by area, from 20 compounds spread over the city.
  const cellsStarted = performance.now();
  const { cells, index } = buildRoadCells(layers.roads);
  const cellsMs = performance.now() - cellsStarted;
  const cellKiB = new Map(
    [...cells].map(([key, roads]) => [key, gzipKiB(JSON.stringify({ type: 'FeatureCollection', features: roads }))]),
  );
  const cellTotal = [...cellKiB.values()].reduce((a, b) => a + b, 0);
  cases.push({
    name: `${label}: road cells build`,
    samples: [cellsMs],
    note: `${index.cells.length} cells at z${index.zoom}, ${cellTotal.toFixed(0)} KiB gzip in all, largest ${Math.max(...cellKiB.values()).toFixed(0)} KiB`,
  });
  const sites = JSON.parse(readFileSync(join(dir, 'sites.geojson'), 'utf8')) as FeatureCollection<
    Point,
    { id: string; kind: string; status: string }
  >;
  const targets: RouteTarget[] = sites.features
    .filter((f) => f.properties.kind === 'testing_site' && f.properties.status === 'open')
    .map((f) => ({ id: f.properties.id, position: f.geometry.coordinates }));
  const compounds = JSON.parse(readFileSync(join(dir, 'compounds.geojson'), 'utf8')) as FeatureCollection<
    never,
    { drop_point: Position }
  >;
  const step = Math.max(1, Math.floor(compounds.features.length / SEARCHES));
  const fetched: number[] = [];
  const cellCounts: number[] = [];
  const rounds: number[] = [];
  for (let i = 0; i < compounds.features.length && fetched.length < SEARCHES; i += step) {
    const loaded = new Set<string>();
    let network: RoutingNetwork | null = null;
    const answer = await nearestByWalkingInArea(compounds.features[i].properties.drop_point, targets, 3, index.bounds, {
      async cover(bbox) {
        for (const key of cellsFor(index, bbox)) loaded.add(key);
        const roads = mergeCellRoads([...loaded].map((key) => cells.get(key)!)) as CellRoad[];
        network = buildRoutingNetwork(
          roads.map((r) => ({ ...r, properties: { ...r.properties, id: `road-${r.id}` } }) as RoadFeature),
        );
      },
      async search(origin, list, k) {
        return nearestByWalking(network!, origin, list, { k });
      },
    });
    fetched.push([...loaded].reduce((sum, key) => sum + cellKiB.get(key)!, 0));
    cellCounts.push(loaded.size);
    rounds.push(answer.rounds);
  }
  const oldRoads = `${label}: old whole-layer JSON, roads`;
  cases.push({
    name: `${label}: walking search, road cells fetched`,
    samples: fetched,
    unit: 'KiB gzip',
    baseline: oldRoads,
    note: `${fetched.length} compounds, 3 nearest open testing sites; median ${median(cellCounts)} cells, ${rounds.filter((r) => r > 1).length} searches widened`,
  });
  return cases;
}

const bench = defineBench({
  name: 'basemap-tiles',
  async run() {
    return [
      ...(await datasetCases('demo', join(ROOT, 'data/nantong'))),
      ...(await datasetCases('scale-10', scaleCityDir(10))),
      ...(await datasetCases('scale-80', scaleCityDir(80))),
    ];
  },
});

export default bench;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const c of await bench.run()) {
    console.log(`${c.name}\t${median(c.samples).toFixed(1)} ${c.unit ?? 'ms'}${c.note ? `\t${c.note}` : ''}`);
  }
}
