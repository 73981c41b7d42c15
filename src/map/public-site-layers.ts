import type { Feature, FeatureCollection, Point } from 'geojson';
import type {
  ExpressionSpecification,
  GeoJSONSourceSpecification,
  LayerSpecification,
} from '@maplibre/maplibre-gl-style-spec';
import { PUBLIC_SITE_KINDS } from '../domain/rows.ts';
import { localMinutes, minutesOfDay } from '../domain/site-hours.ts';
import { MAP_FONT } from './basemap/style.ts';

/**
 * The public map's sites (testing sites, mobile testing teams, checkpoints) as MapLibre style
 * layers: a clustered GeoJSON source, clusters with their count and the count open among them at
 * low zoom, and each site from the zoom where they separate as an icon whose shape tells the kind
 * and whose fill and glyph tell the state, so neither depends on colour. Pure: the component
 * (layers/PublicSiteLayer.svelte) adds these to the map and draws the icons (public-site-icons.ts).
 */

export type PublicSiteKind = (typeof PUBLIC_SITE_KINDS)[number];

/**
 * What a resident needs to know of a site now: open (testing, or traffic passing), paused
 * (a testing site or team stopped for now), restricted (a checkpoint letting some through) or
 * closed (closed, or outside its hours).
 */
export const PUBLIC_SITE_STATES = ['open', 'paused', 'restricted', 'closed'] as const;
export type PublicSiteState = (typeof PUBLIC_SITE_STATES)[number];

/** What the layers need of a site row (a `PublicSiteRow` has it). */
export interface PublicMapSite {
  id: string;
  kind: string;
  geom: Point;
  status?: string | null;
  state?: string | null;
  opens?: string | null;
  closes?: string | null;
}

export const isPublicSiteKind = (kind: string): kind is PublicSiteKind =>
  (PUBLIC_SITE_KINDS as readonly string[]).includes(kind);

/**
 * Whether hours hold the district clock's `minute` (0–1439). The same rule as `isOpenAt`
 * (domain/site-hours.ts), with the clock read once for all sites rather than once per site:
 * unknown or equal hours are always open, hours that end before they start run past midnight.
 */
export function withinHours(hours: { opens?: string | null; closes?: string | null }, minute: number): boolean {
  const opens = minutesOfDay(hours.opens);
  const closes = minutesOfDay(hours.closes);
  if (opens === null || closes === null || opens === closes) return true;
  return opens < closes ? minute >= opens && minute < closes : minute >= opens || minute < closes;
}

/** The state a public site is in at the district clock's `minute`. */
export function publicSiteState(site: PublicMapSite, minute: number): PublicSiteState {
  if (site.kind === 'checkpoint') {
    return site.state === 'restricted' || site.state === 'closed' ? site.state : 'open';
  }
  if (site.status === 'closed') return 'closed';
  if (site.status === 'paused') return 'paused';
  return withinHours(site, minute) ? 'open' : 'closed';
}

/** The minute of the district's day at `at`, for `publicSiteState`. */
export const districtMinute = (at: Date) => localMinutes(at);

// ---------------------------------------------------------------------------------------------
// Icons: shapes by kind, fill and glyph by state. Paths are in a 30 × 30 box (CSS pixels); the
// map draws them at twice that for sharp edges, the legend as inline SVG from the same paths.

/** The side of an icon's box in CSS pixels: the marker and a white halo around it. */
export const ICON_BOX = 30;
/** How wide a marker is at icon-size 1 (the disc's diameter; the square and diamond look as big). */
export const MARKER_SIZE = 24;

export const SITE_SHAPES: Record<PublicSiteKind, string> = {
  // A disc 24 px across.
  testing_site: 'M15 3a12 12 0 1 1 0 24a12 12 0 1 1 0-24z',
  // A rounded square 22 px a side: a team on the move, not a fixed place.
  mobile_testing: 'M8 4h14a4 4 0 0 1 4 4v14a4 4 0 0 1-4 4h-14a4 4 0 0 1-4-4v-14a4 4 0 0 1 4-4z',
  // A diamond 26 px corner to corner: a checkpoint on a road.
  checkpoint: 'M15 2l13 13l-13 13l-13-13z',
};

export const STATE_GLYPHS: Record<PublicSiteState, string> = {
  open: 'M10 15.5l3.5 3.5l6.5-7.5', // a check
  paused: 'M12 10.5v9M18 10.5v9', // pause bars
  restricted: 'M15 9.5v7M15 20.4v.2', // an exclamation mark
  closed: 'M11 11l8 8M19 11l-8 8', // a cross
};

/**
 * Colours. Open is a filled, dark marker with a white check; paused and restricted are hollow
 * (white) with a burnt-orange ring and glyph; closed is pale grey with a dark grey ring and cross.
 * Open against paused or closed differs in lightness (6.3:1 or more; the old green and grey dots
 * had 1.11:1) as well as in glyph; every marker's edge has 3:1 or more against the land (6.6–7.6:1)
 * and the zone fills (the lockdown red at its strongest is the hardest: 3.0–3.5:1), every glyph
 * 7.7:1 or more against its fill (tests/app/public-site-layers.test.ts checks the figures).
 */
export const SITE_PALETTE = {
  testingOpen: '#0f5f32',
  checkpointOpen: '#1e40af',
  limited: '#8a3c0c',
  closedFill: '#e5e7eb',
  closedRing: '#4b5563',
  closedGlyph: '#374151',
  white: '#ffffff',
  /** Clusters: a white disc with a slate ring and dark count, an open-count badge in green. */
  clusterFill: '#ffffff',
  clusterRing: '#334155',
  clusterText: '#1b1b3a',
  badge: '#0f5f32',
  selected: '#1b1b3a',
} as const;

export interface SiteIcon {
  /** The style image id (`public-site-<kind>-<state>`). */
  id: string;
  kind: PublicSiteKind;
  state: PublicSiteState;
  shape: { d: string; fill: string; stroke: string; width: number };
  glyph: { d: string; stroke: string; width: number };
  /** The white halo stroked under the shape, so a marker stands off any zone or road. */
  halo: number;
}

export const siteIconId = (kind: PublicSiteKind, state: PublicSiteState) => `public-site-${kind}-${state}`;

/** The states a kind can be in: checkpoints are restricted rather than paused. */
export const STATES_OF: Record<PublicSiteKind, readonly PublicSiteState[]> = {
  testing_site: ['open', 'paused', 'closed'],
  mobile_testing: ['open', 'paused', 'closed'],
  checkpoint: ['open', 'restricted', 'closed'],
};

function siteIcon(kind: PublicSiteKind, state: PublicSiteState): SiteIcon {
  const open = kind === 'checkpoint' ? SITE_PALETTE.checkpointOpen : SITE_PALETTE.testingOpen;
  const glyph = STATE_GLYPHS[state];
  const look =
    state === 'open'
      ? { fill: open, stroke: open, glyph: SITE_PALETTE.white }
      : state === 'closed'
        ? { fill: SITE_PALETTE.closedFill, stroke: SITE_PALETTE.closedRing, glyph: SITE_PALETTE.closedGlyph }
        : { fill: SITE_PALETTE.white, stroke: SITE_PALETTE.limited, glyph: SITE_PALETTE.limited };
  return {
    id: siteIconId(kind, state),
    kind,
    state,
    shape: { d: SITE_SHAPES[kind], fill: look.fill, stroke: look.stroke, width: state === 'open' ? 1 : 2.5 },
    glyph: { d: glyph, stroke: look.glyph, width: 3 },
    halo: 2,
  };
}

/** Every icon the site layers use, one per kind and state it can be in. */
export const SITE_ICONS: readonly SiteIcon[] = PUBLIC_SITE_KINDS.flatMap((kind) =>
  STATES_OF[kind].map((state) => siteIcon(kind, state)),
);

/**
 * The cluster badge: a green pill with a white check on its left, stretched to fit the open count
 * written in it (`icon-text-fit`). Sizes in CSS pixels; `stretchX` and `content` are given in the
 * image's own pixels by the component.
 */
export const BADGE = {
  id: 'public-site-badge-open',
  width: 34,
  height: 18,
  check: 'M4.5 9.5l3 3l5.5-6.5',
  /** The flat middle that stretches; the rounded ends keep their shape. */
  stretchX: [17, 24] as [number, number],
  /** Where the text goes: right of the check. */
  content: [16, 2, 27, 16] as [number, number, number, number],
} as const;

// ---------------------------------------------------------------------------------------------
// Source and layers.

export const PUBLIC_SITE_SOURCE = 'public-sites';
export const PUBLIC_SITE_SELECTED_SOURCE = 'public-site-selected';

/**
 * Points closer than this many pixels are grouped; a cluster marker is 32–54 px across, an icon
 * 24–30 px, so what stays apart does not overlap.
 */
export const CLUSTER_RADIUS = 36;
/**
 * The last zoom at which sites are grouped: from zoom 16 (1 px ≈ 1 m) every site stands alone. In
 * the demo district the two closest sites (109 m) separate at zoom 15 already.
 */
export const CLUSTER_MAX_ZOOM = 15;

const stateIs = (...states: PublicSiteState[]): ExpressionSpecification =>
  ['case', ['match', ['get', 'state'], states, true, false], 1, 0] as ExpressionSpecification;

/**
 * Sums over the sites of a cluster: how many are open, paused or restricted (`limited`), closed.
 * Each is `[operator, expression per site]`, as `clusterProperties` wants.
 */
export const CLUSTER_PROPERTIES = {
  open: ['+', stateIs('open')],
  limited: ['+', stateIs('paused', 'restricted')],
  closed: ['+', stateIs('closed')],
} as const;

export function publicSiteSource(): GeoJSONSourceSpecification {
  return {
    type: 'geojson',
    data: { type: 'FeatureCollection', features: [] },
    cluster: true,
    clusterRadius: CLUSTER_RADIUS,
    clusterMaxZoom: CLUSTER_MAX_ZOOM,
    clusterProperties: CLUSTER_PROPERTIES,
  };
}

export function selectedSiteSource(): GeoJSONSourceSpecification {
  return { type: 'geojson', data: { type: 'FeatureCollection', features: [] } };
}

/** The site as a point feature: `id`, `kind` and `state` are all the layers read. */
function siteFeature(site: PublicMapSite & { kind: PublicSiteKind }, state: PublicSiteState): Feature<Point> {
  return { type: 'Feature', geometry: site.geom, properties: { id: site.id, kind: site.kind, state } };
}

/**
 * The public sites as features with their state at the district clock's `minute`; other kinds
 * (a staff member signed in may have them) are left out.
 */
export function publicSitesToGeoJSON(sites: readonly PublicMapSite[], minute: number): FeatureCollection<Point> {
  const features: Feature<Point>[] = [];
  for (const site of sites) {
    if (isPublicSiteKind(site.kind))
      features.push(siteFeature(site as PublicMapSite & { kind: PublicSiteKind }, publicSiteState(site, minute)));
  }
  return { type: 'FeatureCollection', features };
}

/**
 * The states of all public sites at `minute` in one string: it changes only when a site opens or
 * closes, so the source is re-sent then and not every minute.
 */
export function publicSiteStates(sites: readonly PublicMapSite[], minute: number): string {
  let key = '';
  for (const site of sites) if (isPublicSiteKind(site.kind)) key += publicSiteState(site, minute)[0];
  return key;
}

/** The selected site alone, drawn again on top with a ring, even where the others are grouped. */
export function selectedSiteGeoJSON(site: PublicMapSite | null, minute: number): FeatureCollection<Point> {
  if (!site || !isPublicSiteKind(site.kind)) return { type: 'FeatureCollection', features: [] };
  return {
    type: 'FeatureCollection',
    features: [siteFeature(site as PublicMapSite & { kind: PublicSiteKind }, publicSiteState(site, minute))],
  };
}

export const SITE_LAYER = 'public-site';
export const SELECTED_SITE_LAYER = 'public-site-selected';
export const SELECTED_RING_LAYER = 'public-site-selected-ring';
export const CLUSTER_LAYER = 'public-site-cluster';
export const CLUSTER_COUNT_LAYER = 'public-site-cluster-count';
export const CLUSTER_BADGE_LAYER = 'public-site-cluster-open';

/** Layers whose features are single sites: a click on one selects it (its `id` property). */
export const SITE_CLICK_LAYERS = [SELECTED_SITE_LAYER, SELECTED_RING_LAYER, SITE_LAYER] as const;
/** Layers of the cluster markers: a click on one zooms to where the cluster breaks up. */
export const CLUSTER_CLICK_LAYERS = [CLUSTER_BADGE_LAYER, CLUSTER_COUNT_LAYER, CLUSTER_LAYER] as const;

export const isSiteLayer = (layer: string) => (SITE_CLICK_LAYERS as readonly string[]).includes(layer);
export const isClusterLayer = (layer: string) => (CLUSTER_CLICK_LAYERS as readonly string[]).includes(layer);

const isCluster: ExpressionSpecification = ['has', 'point_count'];

/** Cluster disc radius by count: 16 px up to 9 sites, then 19, 23 and 27 from 1,000. */
const clusterRadius: ExpressionSpecification = ['step', ['get', 'point_count'], 16, 10, 19, 100, 23, 1000, 27];
/** The badge sits on the disc's lower edge (ems of its 11 px text), nudged right of the check. */
const badgeOffset: ExpressionSpecification = [
  'step',
  ['get', 'point_count'],
  ['literal', [0.45, 1.45]],
  10,
  ['literal', [0.45, 1.75]],
  100,
  ['literal', [0.45, 2.1]],
  1000,
  ['literal', [0.45, 2.45]],
];

const iconImage: ExpressionSpecification = ['concat', 'public-site-', ['get', 'kind'], '-', ['get', 'state']];
/** Open sites drawn over the others where they touch, closed ones underneath. */
const stateRank: ExpressionSpecification = ['match', ['get', 'state'], 'open', 2, 'closed', 0, 1];

/** Markers stay at least 20 px across (0.85 of 24) when zoomed out, 24 px from zoom 14. */
const iconSize = (scale: number): ExpressionSpecification => [
  'interpolate',
  ['linear'],
  ['zoom'],
  10,
  0.85 * scale,
  14,
  scale,
];

/** Symbols that always show and never push a label aside: the labels are drawn over them. */
const overlap = { 'icon-allow-overlap': true, 'icon-ignore-placement': true } as const;
const textOverlap = { 'text-allow-overlap': true, 'text-ignore-placement': true } as const;

/** The site layers, bottom to top. */
export function publicSiteLayers(): LayerSpecification[] {
  return [
    {
      id: SITE_LAYER,
      type: 'symbol',
      source: PUBLIC_SITE_SOURCE,
      filter: ['!', isCluster],
      layout: {
        'icon-image': iconImage,
        'icon-size': iconSize(1),
        'symbol-sort-key': stateRank,
        ...overlap,
      },
    },
    {
      id: CLUSTER_LAYER,
      type: 'circle',
      source: PUBLIC_SITE_SOURCE,
      filter: isCluster,
      paint: {
        'circle-color': SITE_PALETTE.clusterFill,
        'circle-radius': clusterRadius,
        'circle-stroke-color': SITE_PALETTE.clusterRing,
        'circle-stroke-width': 2.5,
      },
    },
    {
      id: CLUSTER_COUNT_LAYER,
      type: 'symbol',
      source: PUBLIC_SITE_SOURCE,
      filter: isCluster,
      layout: {
        'text-field': ['get', 'point_count_abbreviated'],
        'text-font': [MAP_FONT],
        'text-size': ['step', ['get', 'point_count'], 13, 100, 14],
        'text-offset': [0, -0.1],
        ...textOverlap,
      },
      paint: { 'text-color': SITE_PALETTE.clusterText },
    },
    {
      id: CLUSTER_BADGE_LAYER,
      type: 'symbol',
      source: PUBLIC_SITE_SOURCE,
      filter: isCluster,
      layout: {
        'text-field': ['to-string', ['get', 'open']],
        'text-font': [MAP_FONT],
        'text-size': 11,
        'text-offset': badgeOffset,
        'icon-image': BADGE.id,
        'icon-text-fit': 'width',
        'icon-text-fit-padding': [0, 2, 0, 2],
        ...overlap,
        ...textOverlap,
      },
      paint: { 'text-color': SITE_PALETTE.white },
    },
    {
      id: SELECTED_RING_LAYER,
      type: 'circle',
      source: PUBLIC_SITE_SELECTED_SOURCE,
      paint: {
        'circle-color': 'rgba(255,255,255,0.9)',
        'circle-radius': 19,
        'circle-stroke-color': SITE_PALETTE.selected,
        'circle-stroke-width': 3,
      },
    },
    {
      id: SELECTED_SITE_LAYER,
      type: 'symbol',
      source: PUBLIC_SITE_SELECTED_SOURCE,
      layout: { 'icon-image': iconImage, 'icon-size': 1.1, ...overlap },
    },
  ];
}

/**
 * Where the site layers go: under the first symbol layer that is not theirs, so every label of
 * the basemap (and the zone names) is drawn over the markers and stays readable. Undefined (on
 * top) when the style has no labels. Reads only layer types, so it holds for any basemap.
 */
export function labelsBeforeId(layers: readonly { id: string; type: string }[]): string | undefined {
  const own = new Set(publicSiteLayers().map((layer) => layer.id));
  return layers.find((layer) => layer.type === 'symbol' && !own.has(layer.id))?.id;
}

// ---------------------------------------------------------------------------------------------
// What is on the map now, for the summary screen readers get in place of the canvas.

/** A rendered feature of the site layers, as `queryRenderedFeatures` gives it. */
export interface RenderedSite {
  properties: Record<string, unknown> | null;
}

export interface SitesInView {
  /** Sites drawn in view, alone or in a cluster. */
  sites: number;
  /** Cluster markers in view. */
  groups: number;
  /** Sites drawn alone. */
  singles: number;
  /** Open sites among `sites`. */
  open: number;
}

/**
 * Sums what the cluster and site layers draw in view. A feature near a tile edge can come back
 * once per tile: clusters count once per `cluster_id`, sites once per `id`.
 */
export function sitesInView(features: readonly RenderedSite[]): SitesInView {
  const clusters = new Map<number, { count: number; open: number }>();
  const singles = new Map<string, boolean>();
  for (const { properties: p } of features) {
    if (!p) continue;
    if (typeof p.cluster_id === 'number') {
      clusters.set(p.cluster_id, { count: Number(p.point_count) || 0, open: Number(p.open) || 0 });
    } else if (typeof p.id === 'string') {
      singles.set(p.id, p.state === 'open');
    }
  }
  let sites = singles.size;
  let open = [...singles.values()].filter(Boolean).length;
  for (const cluster of clusters.values()) {
    sites += cluster.count;
    open += cluster.open;
  }
  return { sites, groups: clusters.size, singles: singles.size, open };
}
