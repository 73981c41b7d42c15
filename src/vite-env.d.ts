/// <reference types="svelte" />
/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Supabase API URL; empty means the origin the app is served from. */
  readonly VITE_SUPABASE_URL?: string;
  readonly VITE_SUPABASE_ANON_KEY?: string;
  /** An online MapLibre style to use instead of the offline basemap. */
  readonly VITE_MAP_STYLE_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}

declare module 'virtual:basemap' {
  import type { BasemapFiles, BasemapTileSet } from './map/basemap/basemap-data.ts';
  /** Paths (relative to the app base): the vector tiles' URL template, the road cells' index, the water layer. */
  export const basemapFiles: BasemapFiles;
  /** West, south, east, north of the sub-districts: the first view. */
  export const basemapBounds: [number, number, number, number];
  /** The vector tiles' zooms and the bounds of their data (for the source's `bounds`). */
  export const basemapTiles: BasemapTileSet;
}

declare module 'virtual:map-fonts' {
  import type { MLFontFace } from '@maplibre/maplibre-gl-style-spec';
  export const mapFontFaces: MLFontFace[];
}
