import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FeatureCollection } from 'geojson';
import type { Plugin } from 'vite';
import {
  BASEMAP_LAYERS,
  boundsOf,
  slimLayer,
  type BasemapFiles,
  type BasemapLayer,
  type BasemapTileSet,
} from './basemap-data.ts';
import { buildRoadCells } from './road-cells.ts';
import { buildVectorTiles } from './vector-tiles.ts';

const VIRTUAL_ID = 'virtual:basemap';
const RESOLVED_ID = '\0' + VIRTUAL_ID;

interface BuiltBasemap {
  /** Every file under `basemap/` by its path (relative to the app base). */
  files: Map<string, string | Uint8Array>;
  /** Folders whose files are all in `files`: a path in them that is not answers 404 in dev. */
  folders: string[];
  module: string;
}

const shortHash = (parts: Iterable<string | Uint8Array>) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex').slice(0, 10);
};

function readLayer(dataDir: string, layer: BasemapLayer): FeatureCollection {
  const file = join(dataDir, `${layer}.geojson`);
  if (!existsSync(file)) throw new Error(`Basemap: ${file} is missing (run \`npm run data\`)`);
  return slimLayer(layer, JSON.parse(readFileSync(file, 'utf8')) as FeatureCollection);
}

/**
 * Builds the offline basemap from the dataset folder, once per build (dev server alike):
 * - vector tiles of all four layers, `basemap/tiles-<hash>/{z}/{x}/{y}.pbf` (vector-tiles.ts);
 * - the roads whole, chunked on a grid for the walking search and staff tools,
 *   `basemap/roads-<hash>/<z>-<x>-<y>.json` and its `index.json` (road-cells.ts);
 * - the water layer whole, `basemap/water-<hash>.json`, for the staff's boundary wording;
 * and `virtual:basemap` with their paths, the first view's bounds and the tiles' zooms and
 * bounds. Hashes are over the content. Emitted as assets on build, served by a middleware in dev.
 */
export function basemapPlugin(options: { dataDir: string }): Plugin {
  const dataDir = resolve(options.dataDir);
  let built: BuiltBasemap | null = null;

  const build = (): BuiltBasemap => {
    const files = new Map<string, string | Uint8Array>();
    const layers = {} as Record<BasemapLayer, FeatureCollection>;
    for (const layer of BASEMAP_LAYERS) layers[layer] = readLayer(dataDir, layer);

    const water = JSON.stringify(layers.water);
    const waterFile = `basemap/water-${shortHash([water])}.json`;
    files.set(waterFile, water);

    const roadCells = buildRoadCells(layers.roads);
    const cellSources = new Map<string, string>();
    for (const [key, features] of roadCells.cells)
      cellSources.set(key, JSON.stringify({ type: 'FeatureCollection', features }));
    roadCells.cells.clear();
    const index = JSON.stringify(roadCells.index);
    const roadsDir = `basemap/roads-${shortHash([index, ...cellSources.values()])}`;
    for (const [key, source] of cellSources) files.set(`${roadsDir}/${key}.json`, source);
    files.set(`${roadsDir}/index.json`, index);
    cellSources.clear();

    const tileSet = buildVectorTiles(layers);
    const tilesDir = `basemap/tiles-${tileSet.hash.slice(0, 10)}`;
    for (const [key, bytes] of tileSet.tiles) files.set(`${tilesDir}/${key}.pbf`, bytes);

    const basemapFiles: BasemapFiles = {
      tiles: `${tilesDir}/{z}/{x}/{y}.pbf`,
      roads: `${roadsDir}/index.json`,
      water: waterFile,
    };
    const basemapTiles: BasemapTileSet = { minzoom: tileSet.minzoom, maxzoom: tileSet.maxzoom, bounds: tileSet.bounds };
    // The river runs far beyond the district: the first view frames where people live.
    const basemapBounds = boundsOf([layers.districts]);
    const module = [
      `export const basemapFiles = ${JSON.stringify(basemapFiles)};`,
      `export const basemapBounds = ${JSON.stringify(basemapBounds)};`,
      `export const basemapTiles = ${JSON.stringify(basemapTiles)};`,
    ].join('\n');
    return { files, folders: [tilesDir, roadsDir], module };
  };
  const get = () => (built ??= build());

  return {
    name: 'nantong-basemap',
    buildStart() {
      for (const layer of BASEMAP_LAYERS) this.addWatchFile(join(dataDir, `${layer}.geojson`));
      get();
    },
    resolveId(id) {
      return id === VIRTUAL_ID ? RESOLVED_ID : null;
    },
    load(id) {
      return id === RESOLVED_ID ? get().module : null;
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split('?')[0].replace(/^\//, '');
        if (!path.startsWith('basemap/')) return next();
        const { files, folders } = get();
        const file = files.get(path);
        if (file === undefined) {
          if (!folders.some((folder) => path.startsWith(folder + '/'))) return next();
          // A tile with nothing in it is not written: MapLibre draws a 404 as an empty tile.
          res.statusCode = 404;
          res.end();
          return;
        }
        res.setHeader('Content-Type', path.endsWith('.pbf') ? 'application/x-protobuf' : 'application/json');
        res.end(file);
      });
    },
    generateBundle() {
      for (const [fileName, source] of get().files) this.emitFile({ type: 'asset', fileName, source });
    },
  };
}
