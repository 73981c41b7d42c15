import type { FeatureCollection } from 'geojson';
import type { GeoJSONSource, Map as MapLibreMap, VectorTileSource } from 'maplibre-gl';
import type { Locale } from '../navigation/hash-state.ts';
import {
  CHANGED_ZONES,
  CHANGED_ZONE_SOURCE,
  EMPTY_ZONES,
  ZONES,
  ZONE_SOURCE,
  REPLACED_STATE,
  ZONE_TILES,
  zoneLayers,
  type ZoneLayerTarget,
} from './zone-layers.ts';

/*
 * The public map's zones from the published zone tiles: MapLibre fetches and parses only the
 * tiles in view, where a GeoJSON source of a whole city's zones is tiled in the browser first
 * (seconds for the 17,649 zones of the scale-80 city). The zones changed since the tiles were cut
 * are drawn from their rows on top (a small GeoJSON source).
 */

const EMPTY_ROWS: FeatureCollection = { type: 'FeatureCollection', features: [] };

/** The ids of one target's zone layers: fill, lines, and all of them. */
const ids = (target: ZoneLayerTarget, locale: Locale) => {
  const { fill, lines } = zoneLayers(locale, target);
  const [fillIds, lineIds] = [fill.map((layer) => layer.id), lines.map((layer) => layer.id)];
  return { fill: fillIds, lines: lineIds, all: [...fillIds, ...lineIds] };
};

/** The first layer above `id` that is no zone layer: where a replacement goes back. */
function above(map: MapLibreMap, id: string, zoneIds: ReadonlySet<string>): string | undefined {
  const order = map.getLayersOrder();
  for (let i = order.indexOf(id) + 1; i < order.length; i++) if (!zoneIds.has(order[i])) return order[i];
  return undefined;
}

/** Swaps the zones source for `spec` drawn by the layers of `target`, each where its predecessor was. */
function replaceZoneSource(
  map: MapLibreMap,
  locale: Locale,
  spec: Parameters<MapLibreMap['addSource']>[1],
  target: ZoneLayerTarget,
) {
  const current = ids(ZONES, locale);
  const zoneIds = new Set(current.all);
  const fillBefore = map.getLayer(current.fill[0]) ? above(map, current.fill[0], zoneIds) : undefined;
  const linesBefore = map.getLayer(current.lines[0])
    ? above(map, current.lines[current.lines.length - 1], zoneIds)
    : undefined;
  for (const id of current.all) if (map.getLayer(id)) map.removeLayer(id);
  if (map.getSource(ZONE_SOURCE)) map.removeSource(ZONE_SOURCE);
  map.addSource(ZONE_SOURCE, spec);
  const { fill, lines } = zoneLayers(locale, target);
  for (const layer of fill) map.addLayer(layer as never, fillBefore);
  for (const layer of lines) map.addLayer(layer as never, linesBefore);
  return { fillBefore, linesBefore };
}

/**
 * The zones of the published tiles on one map, with those changed since the tiles were cut drawn
 * from their rows on top and marked `replaced` in the tiles.
 *
 * A newer publication's tiles replace the source's only while none of its tiles is loading:
 * MapLibre reloads a tile that is still loading by parsing what it is fetching again, not by
 * fetching the new URL, so a switch then would leave that tile with the older content. Until the
 * newer tiles are on screen (the map idle after the switch), the zones changed relative to any
 * older tiles stay drawn from their rows: no zone blinks, none comes back.
 */
export class PublishedZones {
  /** The tiles the source fetches, and those it should. */
  private shown: string | null = null;
  private wanted: string | null = null;
  /** Changed since the wanted tiles were cut; and since older tiles possibly still on screen. */
  private changed: ReadonlySet<string> = new Set();
  private carried = new Set<string>();
  /** Marked `replaced` in the tiles now. */
  private marked = new Set<string>();
  private rows: (ids: ReadonlySet<string>) => FeatureCollection = () => EMPTY_ROWS;
  private waiting = false;

  constructor(
    readonly map: MapLibreMap,
    private readonly locale: Locale,
  ) {}

  /** Shows the tiles at `url` (a `{z}/{x}/{y}` template) with `changed` drawn from `rows(ids)`. */
  show(url: string, changed: ReadonlySet<string>, rows: (ids: ReadonlySet<string>) => FeatureCollection): void {
    if (this.map.getSource(ZONE_SOURCE)?.type !== 'vector') this.addSources(url);
    else if (url !== this.wanted) for (const id of this.changed) this.carried.add(id);
    this.wanted = url;
    this.changed = changed;
    this.rows = rows;
    this.draw();
    this.switchTiles();
  }

  /** Points the source at the wanted tiles once no tile is loading; forgets what was carried once they are on screen. */
  private switchTiles(): void {
    const map = this.map;
    const source = map.getSource(ZONE_SOURCE) as VectorTileSource | undefined;
    if (!source || this.waiting || (this.shown === this.wanted && this.carried.size === 0)) return;
    this.waiting = true;
    const step = () => {
      this.waiting = false;
      if (map.getSource(ZONE_SOURCE) !== source) return;
      if (this.shown !== this.wanted) {
        if (!map.isSourceLoaded(ZONE_SOURCE)) return this.switchTiles();
        source.setTiles([this.wanted!]);
        this.shown = this.wanted;
        return this.switchTiles();
      }
      this.carried.clear();
      this.draw();
    };
    // Idle: every tile loaded (so none is reloaded from what it was fetching) and drawn.
    if (this.shown !== this.wanted && map.isSourceLoaded(ZONE_SOURCE)) step();
    else map.once('idle', step);
  }

  private draw(): void {
    const drawn = new Set([...this.carried, ...this.changed]);
    (this.map.getSource(CHANGED_ZONE_SOURCE) as GeoJSONSource | undefined)?.setData(this.rows(drawn));
    const target = (id: string) => ({ source: ZONE_SOURCE, sourceLayer: ZONE_TILES.sourceLayer, id });
    for (const id of drawn) if (!this.marked.has(id)) this.map.setFeatureState(target(id), { [REPLACED_STATE]: true });
    for (const id of this.marked) if (!drawn.has(id)) this.map.setFeatureState(target(id), { [REPLACED_STATE]: false });
    this.marked = drawn;
  }

  private addSources(url: string): void {
    const map = this.map;
    const { fillBefore, linesBefore } = replaceZoneSource(
      map,
      this.locale,
      { type: 'vector', tiles: [url], maxzoom: 14, promoteId: 'id' },
      ZONE_TILES,
    );
    map.addSource(CHANGED_ZONE_SOURCE, EMPTY_ZONES);
    const { fill, lines } = zoneLayers(this.locale, CHANGED_ZONES);
    for (const layer of fill) map.addLayer(layer as never, fillBefore);
    for (const layer of lines) map.addLayer(layer as never, linesBefore);
    this.shown = url;
    this.marked = new Set();
    this.carried.clear();
  }
}

/** Back to the zones drawn from their rows (nothing published with tiles): one GeoJSON source. */
export function showZoneRows(map: MapLibreMap, locale: Locale): void {
  if (map.getSource(ZONE_SOURCE)?.type !== 'vector') return;
  for (const id of ids(CHANGED_ZONES, locale).all) if (map.getLayer(id)) map.removeLayer(id);
  if (map.getSource(CHANGED_ZONE_SOURCE)) map.removeSource(CHANGED_ZONE_SOURCE);
  replaceZoneSource(map, locale, EMPTY_ZONES, ZONES);
}
