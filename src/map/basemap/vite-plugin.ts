import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FeatureCollection } from 'geojson';
import type { Plugin } from 'vite';
import { BASEMAP_LAYERS, boundsOf, slimLayer, type BasemapLayer } from './basemap-data.ts';

const VIRTUAL_ID = 'virtual:basemap';
const RESOLVED_ID = '\0' + VIRTUAL_ID;

interface BuiltLayer {
  fileName: string;
  source: string;
}

/**
 * Builds the offline basemap from the dataset folder: each layer slimmed to what the style
 * reads, served at `basemap/<layer>-<hash>.json` (dev middleware and build assets alike), and a
 * `virtual:basemap` module with their URLs and the data bounds. Nothing is fetched from outside.
 */
export function basemapPlugin(options: { dataDir: string }): Plugin {
  const dataDir = resolve(options.dataDir);
  let built: Map<BasemapLayer, BuiltLayer> | null = null;
  let bounds: [number, number, number, number] = [0, 0, 0, 0];

  const build = () => {
    const layers = new Map<BasemapLayer, BuiltLayer>();
    const slimmed = new Map<BasemapLayer, FeatureCollection>();
    for (const layer of BASEMAP_LAYERS) {
      const file = join(dataDir, `${layer}.geojson`);
      if (!existsSync(file)) throw new Error(`Basemap: ${file} is missing (run \`npm run data\`)`);
      const collection = slimLayer(layer, JSON.parse(readFileSync(file, 'utf8')) as FeatureCollection);
      slimmed.set(layer, collection);
      const source = JSON.stringify(collection);
      const hash = createHash('sha256').update(source).digest('hex').slice(0, 10);
      layers.set(layer, { fileName: `basemap/${layer}-${hash}.json`, source });
    }
    // The river runs far beyond the district: the first view frames where people live.
    bounds = boundsOf([slimmed.get('districts')!]);
    built = layers;
    return layers;
  };

  return {
    name: 'nantong-basemap',
    buildStart() {
      for (const layer of BASEMAP_LAYERS) this.addWatchFile(join(dataDir, `${layer}.geojson`));
      build();
    },
    resolveId(id) {
      return id === VIRTUAL_ID ? RESOLVED_ID : null;
    },
    load(id) {
      if (id !== RESOLVED_ID) return null;
      const layers = built ?? build();
      const files = Object.fromEntries([...layers].map(([layer, { fileName }]) => [layer, fileName]));
      return [
        `export const basemapFiles = ${JSON.stringify(files)};`,
        `export const basemapBounds = ${JSON.stringify(bounds)};`,
      ].join('\n');
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const layers = built ?? build();
        const path = (req.url ?? '').split('?')[0].replace(/^\//, '');
        const match = [...layers.values()].find((layer) => layer.fileName === path);
        if (!match) return next();
        res.setHeader('Content-Type', 'application/json');
        res.end(match.source);
      });
    },
    generateBundle() {
      for (const { fileName, source } of (built ?? build()).values()) {
        this.emitFile({ type: 'asset', fileName, source });
      }
    },
  };
}
