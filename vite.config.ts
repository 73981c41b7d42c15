import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { basemapPlugin } from './src/map/basemap/vite-plugin.ts';
import { mapFontsPlugin } from './src/map/basemap/fonts-plugin.ts';
import { woff2OnlyPlugin } from './src/ui/woff2-only-plugin.ts';
import { maplibreCssPlugin } from './src/map/maplibre-css-plugin.ts';

// BASEMAP_DATA_DIR lets the benchmark build the app over a scaled city (`npm run data -- --scale 10`).
export default defineConfig({
  plugins: [svelte(), basemapPlugin({ dataDir: process.env.BASEMAP_DATA_DIR ?? 'data/nantong' }), mapFontsPlugin(), woff2OnlyPlugin(), maplibreCssPlugin()],
  build: {
    target: 'es2022',
    // maplibre-gl alone is ~250 KiB gzip; the public chunk is reported by `npm run bench` instead.
    chunkSizeWarningLimit: 1500,
    // Font subsets stay files: inlined into the CSS they would be downloaded by every visitor.
    assetsInlineLimit: (file) => (/\.woff2?$/.test(file) ? false : undefined),
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
